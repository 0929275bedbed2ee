import Tracing
import W3CTraceContext
import ZavaSpans

/// The tracer zava installs when tracing is on: W3C trace context in and out, spans sampled by
/// `Sampler`, ended spans queued in a `SpanBuffer` for `TracingBackend` to export.
///
/// zava's own spans come through `Trace` (`SpanRecorder`); libraries that make spans with
/// swift-distributed-tracing reach the same queue through `Tracer` (`TracedSpan`). Starting and
/// ending a span takes one short lock and no thread hand-over; everything else (encoding, the
/// export request) happens later, a batch at a time.
public final class OTLPTracer: Tracer, SpanRecorder {
    public typealias Span = TracedSpan

    let sampler: Sampler
    let ids: SpanIDGenerator
    let buffer: SpanBuffer

    init(sampler: Sampler, ids: SpanIDGenerator, buffer: SpanBuffer) {
        self.sampler = sampler
        self.ids = ids
        self.buffer = buffer
    }

    public func newSpan(parent: SpanContext?) -> SpanContext {
        let traceID = parent?.traceID ?? ids.traceID()
        let sampled = sampler.samples(traceID, parent: parent)
        return SpanContext(traceID: traceID, spanID: ids.spanID(), flags: sampled ? .sampled : [], state: parent?.state ?? TraceState())
    }

    public func record(_ span: consuming RecordedSpan) {
        buffer.append(span)
    }

    /// A span of a library that speaks swift-distributed-tracing: a child of the span in
    /// `context`, else of zava's current span.
    public func startSpan<Instant: TracerInstant>(_ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
                                                  at instant: @autoclosure () -> Instant, function: String, file fileID: String,
                                                  line: UInt) -> TracedSpan {
        var context = context()
        let parent = context.spanContext ?? Trace.current
        let spanContext = newSpan(parent: parent)
        context.spanContext = spanContext
        return TracedSpan(RecordedSpan(context: spanContext, parentSpanID: parent?.spanID, name: operationName, kind: kind,
                                       startNanoseconds: instant().nanosecondsSinceEpoch),
                          context: context, recorder: spanContext.isSampled ? self : nil)
    }

    /// Asks for an export now.
    @available(*, deprecated)
    public func forceFlush() {
        buffer.tick()
    }

    /// Reads `traceparent` (and `tracestate`) as `Trace.continuing` does.
    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
        where Extract.Carrier == Carrier {
        guard let traceparent = extractor.extract(key: "traceparent", from: carrier),
              let parent = SpanContext(traceparent: traceparent, tracestate: extractor.extract(key: "tracestate", from: carrier))
        else { return }
        context.spanContext = parent
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
        where Inject.Carrier == Carrier {
        guard let spanContext = context.spanContext else { return }
        injector.inject(spanContext.traceparent, forKey: "traceparent", into: &carrier)
        if let state = spanContext.traceStateHeaderValue { injector.inject(state, forKey: "tracestate", into: &carrier) }
    }
}
