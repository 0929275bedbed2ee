import Tracing
import W3CTraceContext

/// The tracer zava installs when tracing is on: W3C trace context in and out, spans sampled by
/// `Sampler`, ended spans queued in a `SpanBuffer` for `TracingBackend` to export.
///
/// Starting and ending a span takes two short locks and no thread hand-over; everything else
/// (encoding, the export request) happens later, a batch at a time.
public struct OTLPTracer: Tracer {
    public typealias Span = TracedSpan

    let sampler: Sampler
    let ids: SpanIDGenerator
    let buffer: SpanBuffer

    public func startSpan<Instant: TracerInstant>(_ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
                                                  at instant: @autoclosure () -> Instant, function: String, file fileID: String,
                                                  line: UInt) -> TracedSpan {
        var context = context()
        let parent = context.spanContext
        let traceID = parent?.traceID ?? ids.traceID()
        let sampled = sampler.samples(traceID, parent: parent)
        let spanContext = TraceContext(traceID: traceID, spanID: ids.spanID(), flags: sampled ? .sampled : [],
                                       state: parent?.state ?? TraceState())
        context.spanContext = spanContext
        return TracedSpan(name: operationName, kind: kind, context: context, ids: spanContext, parentSpanID: parent?.spanID,
                          startNanoseconds: instant().nanosecondsSinceEpoch, buffer: sampled ? buffer : nil)
    }

    /// Asks for an export now.
    @available(*, deprecated)
    public func forceFlush() {
        buffer.tick()
    }

    /// Reads `traceparent` (and `tracestate`); a malformed `traceparent` starts a new trace, as
    /// the W3C recommendation says.
    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
        where Extract.Carrier == Carrier {
        guard let traceparent = extractor.extract(key: "traceparent", from: carrier) else { return }
        let tracestate = extractor.extract(key: "tracestate", from: carrier)
        // A malformed `tracestate` is dropped, not the trace it came with.
        guard let parent = (try? TraceContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: tracestate))
            ?? (try? TraceContext(traceParentHeaderValue: traceparent))
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
