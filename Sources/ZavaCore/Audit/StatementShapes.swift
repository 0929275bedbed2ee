import NIOConcurrencyHelpers

/// Statement shapes already worked out. libpg_query parses a statement twice (normalise,
/// fingerprint), most of an audit record's cost; statements that differ only in their literals
/// and comments (an agent's queries, mostly) have the same shape, so they share the result.
/// The key is the statement with literals and comments removed by `LiteralScrubber`, a single
/// pass over the text.
public final class StatementShapes: Sendable {
    /// Longer statements are worked out every time: the cache stays small.
    static let maximumKeyBytes = 4_096
    private let capacity: Int
    private let known = NIOLockedValueBox<[String: StatementFingerprint]>([:])

    public init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
    }

    public func shape(of sql: String) -> StatementFingerprint {
        guard sql.utf8.count <= Self.maximumKeyBytes else { return StatementFingerprint(sql) }
        let key = LiteralScrubber.scrub(sql)
        if let known = known.withLockedValue({ $0[key] }) { return known }
        let shape = StatementFingerprint(sql)
        known.withLockedValue { known in
            if known.count >= capacity { known.removeAll(keepingCapacity: true) }
            known[key] = shape
        }
        return shape
    }
}
