import NIOConcurrencyHelpers
import Tracing
import W3CTraceContext

/// A span of `OTLPTracer`. A sampled span records until it ends, then goes to the tracer's
/// buffer as one `FinishedSpan`; an unsampled one records nothing but still carries its ids, so
/// its children and the `traceparent` it propagates stay in the trace.
///
/// `state` is guarded by `lock`. Attributes change in place under the lock (`_modify`): a
/// getter and setter pair would copy the whole dictionary for every attribute set.
public final class TracedSpan: Span, @unchecked Sendable {
    public let context: ServiceContext
    private let ids: TraceContext
    private let parentSpanID: SpanID?
    private let kind: SpanKind
    private let startNanoseconds: UInt64
    /// Where the span goes when it ends; nil when it is not sampled.
    private let buffer: SpanBuffer?
    private let lock = NIOLock()
    private var state: State

    /// At most this many events are kept (the specification's default limit).
    static let eventLimit = 128

    private struct State {
        var name: String
        /// Empty until set: zava assigns a span's attributes in one go.
        var attributes = SpanAttributes()
        var status: SpanStatus?
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        var ended = false
    }

    init(name: String, kind: SpanKind, context: ServiceContext, ids: TraceContext, parentSpanID: SpanID?, startNanoseconds: UInt64,
         buffer: SpanBuffer?) {
        self.context = context
        self.ids = ids
        self.parentSpanID = parentSpanID
        self.kind = kind
        self.startNanoseconds = startNanoseconds
        self.buffer = buffer
        state = State(name: name)
    }

    public var isRecording: Bool {
        buffer != nil && !lock.withLock { state.ended }
    }

    public var operationName: String {
        get { lock.withLock { state.name } }
        set { record { $0.name = newValue } }
    }

    public var attributes: SpanAttributes {
        get { lock.withLock { state.attributes } }
        _modify {
            lock.lock()
            defer { lock.unlock() }
            if buffer == nil || state.ended {
                var ignored = SpanAttributes()
                yield &ignored
            } else {
                yield &state.attributes
            }
        }
    }

    public func setStatus(_ status: SpanStatus) {
        record { state in
            // An OK status is final (the specification): a later error does not replace it.
            if state.status?.code != .ok { state.status = status }
        }
    }

    public func addEvent(_ event: SpanEvent) {
        record { state in
            if state.events.count < Self.eventLimit { state.events.append(event) }
        }
    }

    /// The error's type only: an error's message can quote the values of a statement (a
    /// database's "invalid input syntax for type integer: ..."), and no literal leaves zava.
    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        guard buffer != nil else { return }
        var eventAttributes = attributes
        eventAttributes["exception.type"] = String(reflecting: type(of: error))
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: eventAttributes))
    }

    public func addLink(_ link: SpanLink) {
        record { $0.links.append(link) }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        guard let buffer else { return }
        let endNanoseconds = instant().nanosecondsSinceEpoch
        let finished: State? = lock.withLock {
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let finished else { return }
        buffer.append(FinishedSpan(context: ids, parentSpanID: parentSpanID, name: finished.name, kind: kind,
                                   startNanoseconds: startNanoseconds, endNanoseconds: endNanoseconds, attributes: finished.attributes,
                                   status: finished.status, events: finished.events, links: finished.links))
    }

    /// Changes the state of a sampled span that has not ended; anything else ignores changes.
    private func record(_ change: (inout State) -> Void) {
        guard buffer != nil else { return }
        lock.withLock {
            if !state.ended { change(&state) }
        }
    }
}
