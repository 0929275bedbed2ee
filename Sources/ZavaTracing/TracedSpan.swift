import NIOConcurrencyHelpers
import Tracing
import ZavaSpans

/// A span of `OTLPTracer` made through swift-distributed-tracing's `Tracer`, for libraries
/// that trace with it: its attributes, events and links become a `RecordedSpan`'s when it ends.
/// zava's own code makes `ActiveSpan`s through `Trace`, which need no lock.
///
/// `state` is guarded by `lock`. Attributes change in place under the lock (`_modify`): a
/// getter and setter pair would copy the whole dictionary for every attribute set.
public final class TracedSpan: Span, @unchecked Sendable {
    public let context: ServiceContext
    /// Where the span goes when it ends; nil when it is not sampled.
    private let recorder: OTLPTracer?
    private let lock = NIOLock()
    private var state: State

    private struct State {
        var recorded: RecordedSpan
        var attributes = SpanAttributes()
        var ended = false
    }

    init(_ recorded: RecordedSpan, context: ServiceContext, recorder: OTLPTracer?) {
        self.context = context
        self.recorder = recorder
        state = State(recorded: recorded)
    }

    public var isRecording: Bool {
        recorder != nil && !lock.withLock { state.ended }
    }

    public var operationName: String {
        get { lock.withLock { state.recorded.name } }
        set { record { $0.recorded.name = newValue } }
    }

    public var attributes: SpanAttributes {
        get { lock.withLock { state.attributes } }
        _modify {
            lock.lock()
            defer { lock.unlock() }
            if recorder == nil || state.ended {
                var ignored = SpanAttributes()
                yield &ignored
            } else {
                yield &state.attributes
            }
        }
    }

    public func setStatus(_ status: SpanStatus) {
        record { $0.recorded.setStatus(status) }
    }

    public func addEvent(_ event: SpanEvent) {
        record { $0.recorded.addEvent(RecordedEvent(name: event.name, nanosecondsSinceEpoch: event.nanosecondsSinceEpoch,
                                                    attributes: event.attributes.fields)) }
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        guard recorder != nil else { return }
        let nanoseconds = instant().nanosecondsSinceEpoch
        record { $0.recorded.recordError(error, attributes: attributes.fields, at: nanoseconds) }
    }

    public func addLink(_ link: SpanLink) {
        guard let linked = link.context.spanContext else { return }
        record { $0.recorded.links.append(RecordedLink(context: linked, attributes: link.attributes.fields)) }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        guard let recorder else { return }
        let endNanoseconds = instant().nanosecondsSinceEpoch
        let finished: State? = lock.withLock {
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let finished else { return }
        var recorded = finished.recorded
        recorded.endNanoseconds = endNanoseconds
        recorded.attributes = finished.attributes.fields
        recorder.record(recorded)
    }

    /// Changes the state of a sampled span that has not ended; anything else ignores changes.
    private func record(_ change: (inout State) -> Void) {
        guard recorder != nil else { return }
        lock.withLock {
            if !state.ended { change(&state) }
        }
    }
}
