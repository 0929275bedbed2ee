import Synchronization
import Tracing

/// swift-otel's tracer with span ends handed over in batches.
///
/// swift-otel's batch processor receives each ended span through an `AsyncStream` its own task
/// reads, so every span end wakes that task on another thread: at five spans per tool call
/// that cost more than the call itself. Here an ended span is only noted (with its end time)
/// and `SpanEnds.flush` ends the noted spans together, every `interval`, from one task, so the
/// processor wakes once per batch. Spans keep their real end times; export is at most one
/// interval later.
struct BatchedEndsTracer<Base: Tracer>: Tracer {
    typealias Span = BatchedEndSpan<Base.Span>

    let base: Base
    let ends: SpanEnds

    func startSpan<Instant: TracerInstant>(_ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
                                           at instant: @autoclosure () -> Instant, function: String, file fileID: String,
                                           line: UInt) -> Span {
        BatchedEndSpan(base: base.startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function,
                                            file: fileID, line: line),
                       ends: ends)
    }

    func activeSpan(identifiedBy context: ServiceContext) -> Span? {
        base.activeSpan(identifiedBy: context).map { BatchedEndSpan(base: $0, ends: ends) }
    }

    /// Deprecated as the protocol's requirement is; nothing in zava calls it.
    @available(*, deprecated)
    func forceFlush() {
        ends.flush()
        base.forceFlush()
    }

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
        where Extract.Carrier == Carrier {
        base.extract(carrier, into: &context, using: extractor)
    }

    func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
        where Inject.Carrier == Carrier {
        base.inject(context, into: &carrier, using: injector)
    }
}

/// A span whose `end` is noted in `SpanEnds` instead of reaching the processor at once.
struct BatchedEndSpan<Base: Span>: Span {
    let base: Base
    let ends: SpanEnds

    var context: ServiceContext { base.context }

    var operationName: String {
        get { base.operationName }
        nonmutating set { base.operationName = newValue }
    }

    var attributes: SpanAttributes {
        get { base.attributes }
        nonmutating set { base.attributes = newValue }
    }

    var isRecording: Bool { base.isRecording }

    func setStatus(_ status: SpanStatus) { base.setStatus(status) }

    func addEvent(_ event: SpanEvent) { base.addEvent(event) }

    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        base.recordError(error, attributes: attributes, at: instant())
    }

    func addLink(_ link: SpanLink) { base.addLink(link) }

    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let time = instant().nanosecondsSinceEpoch
        ends.note { base.end(at: EndTime(nanosecondsSinceEpoch: time)) }
    }
}

/// Ended spans waiting to reach the processor.
final class SpanEnds: Sendable {
    /// How often `run` flushes.
    static let interval: Duration = .milliseconds(100)
    /// Past this many, the span that ends flushes them at once (memory stays bounded).
    static let limit = 8_192

    private let pending = Mutex<[@Sendable () -> Void]>([])

    func note(_ end: @escaping @Sendable () -> Void) {
        let full = pending.withLock { pending in
            pending.append(end)
            return pending.count >= Self.limit
        }
        if full { flush() }
    }

    func flush() {
        let batch = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        for end in batch { end() }
    }

    /// Flushes every `interval` until cancelled, then once more.
    func run() async {
        while (try? await Task.sleep(for: Self.interval)) != nil { flush() }
        flush()
    }
}

/// An end time noted earlier.
struct EndTime: TracerInstant {
    let nanosecondsSinceEpoch: UInt64
    static func < (lhs: EndTime, rhs: EndTime) -> Bool { lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch }
}
