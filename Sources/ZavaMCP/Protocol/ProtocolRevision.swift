/// The MCP revisions this endpoint speaks, chosen per request by what the client sends.
///
/// Modern revisions (2026-07-28) are stateless: every request carries its version and client
/// capabilities in `_meta`. Legacy ones begin with `initialize` and, unless the server runs
/// `--stateless`, live in a session named by `Mcp-Session-Id`.
enum ProtocolRevision: String, Sendable, CaseIterable, Comparable {
    case v2025_03_26 = "2025-03-26"
    case v2025_06_18 = "2025-06-18"
    case v2025_11_25 = "2025-11-25"
    case v2026_07_28 = "2026-07-28"

    static let modern: [ProtocolRevision] = [.v2026_07_28]
    static let legacy: [ProtocolRevision] = [.v2025_03_26, .v2025_06_18, .v2025_11_25]
    static let latestLegacy = ProtocolRevision.v2025_11_25

    var isModern: Bool { Self.modern.contains(self) }

    /// `structuredContent` and `outputSchema` arrived in 2025-06-18.
    var hasStructuredContent: Bool { self >= .v2025_06_18 }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The legacy revision an `initialize` settles on: the client's when served here, else the
    /// latest (the client then decides whether it can go on).
    static func negotiated(_ requested: String?) -> ProtocolRevision {
        requested.flatMap(ProtocolRevision.init(rawValue:)).flatMap { legacy.contains($0) ? $0 : nil } ?? latestLegacy
    }
}
