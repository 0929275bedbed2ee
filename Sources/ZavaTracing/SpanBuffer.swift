import NIOConcurrencyHelpers
import ZavaSpans

/// Ended spans waiting for export: a bounded queue that a span's end appends to under a lock,
/// with no hand-over to another thread. The exporter takes what is there on its schedule, or
/// as soon as a batch is full (the one wake-up: one per `batchSize` spans). The lock is a plain
/// pthread mutex: `Synchronization.Mutex` is a priority-inheriting futex on Linux, which takes
/// every contended lock through the kernel.
final class SpanBuffer: Sendable {
    private struct State {
        /// Room for a batch, made when the queue is emptied rather than by doublings as spans end.
        var spans: [RecordedSpan]
        var dropped = 0

        init(batchSize: Int) {
            spans = []
            spans.reserveCapacity(batchSize)
        }
    }

    private let state: NIOLockedValueBox<State>
    private let capacity: Int
    private let batchSize: Int
    /// A tick asks the exporter to export now.
    let ticks: AsyncStream<Void>
    private let ticking: AsyncStream<Void>.Continuation

    init(capacity: Int, batchSize: Int) {
        self.capacity = capacity
        self.batchSize = batchSize
        state = NIOLockedValueBox(State(batchSize: batchSize))
        (ticks, ticking) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `span`, or counts it as dropped when the queue is full.
    func append(_ span: RecordedSpan) {
        let full = state.withLockedValue { state in
            guard state.spans.count < capacity else {
                state.dropped += 1
                return false
            }
            state.spans.append(span)
            return state.spans.count == batchSize
        }
        if full { ticking.yield() }
    }

    /// Everything queued, and how many spans were dropped since the last time.
    func take() -> (spans: [RecordedSpan], dropped: Int) {
        let emptied = State(batchSize: batchSize)
        return state.withLockedValue { state in
            defer { state = emptied }
            return (state.spans, state.dropped)
        }
    }

    /// Asks the exporter to export now.
    func tick() { ticking.yield() }

    /// Ends `ticks`: the exporter exports what is left and stops.
    func finish() { ticking.finish() }
}
