import Synchronization
import W3CTraceContext

/// Trace and span ids: SplitMix64 over one atomic counter, seeded from the system's generator.
///
/// Ids must be unique and unpredictable enough to spread, not secret. SplitMix64's output
/// function is a bijection of its state, and every id takes a fresh state with one atomic add,
/// so ids never repeat within 2^64 draws and no thread waits for another (a lock here was
/// contended at four spans per call; asking the kernel for each id costs a system call).
final class SpanIDGenerator: Sendable {
    private let counter: Atomic<UInt64>

    init() {
        var system = SystemRandomNumberGenerator()
        counter = Atomic(system.next())
    }

    /// A trace id; never the all-zero id, which means none.
    func traceID() -> TraceID {
        var generator = Draw(source: self)
        var id = TraceID.random(using: &generator)
        while id == .null { id = TraceID.random(using: &generator) }
        return id
    }

    /// A span id; never the all-zero id.
    func spanID() -> SpanID {
        var generator = Draw(source: self)
        var id = SpanID.random(using: &generator)
        while id == .null { id = SpanID.random(using: &generator) }
        return id
    }

    /// The next number of the sequence.
    private func next() -> UInt64 {
        SplitMix64.mix(counter.wrappingAdd(SplitMix64.increment, ordering: .relaxed).newValue)
    }

    /// The sequence as a generator, for W3CTraceContext's `random(using:)`.
    private struct Draw: RandomNumberGenerator {
        let source: SpanIDGenerator
        mutating func next() -> UInt64 { source.next() }
    }
}

/// Steele, Lea and Flood's SplitMix64 (2014): a Weyl sequence through a bijective mixer.
enum SplitMix64 {
    static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    static func mix(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
