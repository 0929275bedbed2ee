import Crypto
import NIOConcurrencyHelpers

/// Tokens verified recently, so a client's next request with the same token costs a hash and
/// a lookup instead of a signature check (RS256 verification alone costs more than the rest of
/// a point query's CPU). Keyed by the token's SHA-256, never the token; bounded in entries and
/// age; an entry never outlives its token's expiry, nor a change of the key set that removed
/// or replaced a key.
final class VerifiedTokenCache: Sendable {
    struct Key: Hashable, Sendable {
        let words: (UInt64, UInt64, UInt64, UInt64)

        init(_ token: String) {
            var token = token
            var hasher = SHA256()
            token.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            let digest = hasher.finalize()
            words = digest.withUnsafeBytes { bytes in
                (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
        }

        static func == (lhs: Key, rhs: Key) -> Bool { lhs.words == rhs.words }

        func hash(into hasher: inout Hasher) { hasher.combine(words.0) }
    }

    private struct Entry {
        let principal: Principal
        /// Seconds since 1970 after which the entry is not used.
        let until: Double
        let generation: Int
    }

    let capacity: Int
    /// The longest an entry is used, whatever the token's expiry.
    let maximumAge: Double
    private let entries = NIOLockedValueBox<[Key: Entry]>([:])

    init(capacity: Int = 10_000, maximumAge: Duration = .seconds(300)) {
        self.capacity = capacity
        self.maximumAge = Double(maximumAge.components.seconds)
    }

    var count: Int { entries.withLockedValue { $0.count } }

    func principal(for key: Key, now: Double, generation: Int) -> Principal? {
        entries.withLockedValue { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.until, entry.generation == generation else {
                entries[key] = nil
                return nil
            }
            return entry.principal
        }
    }

    func remember(_ principal: Principal, for key: Key, now: Double, validUntil: Double, generation: Int) {
        let until = min(validUntil, now + maximumAge)
        guard now < until else { return }
        entries.withLockedValue { entries in
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.until && $0.value.generation == generation }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(principal: principal, until: until, generation: generation)
        }
    }
}
