import Synchronization
import Tracing

/// The current trace, as far as zava passes it on, and the one way zava's code makes spans. A
/// tracer exists only when the executable installed one (`bootstrap`, when `OTEL_*` asked for
/// it); otherwise every check below is one atomic load and no span is made.
///
/// Spans go to the installed tracer directly: swift-distributed-tracing's global `withSpan`
/// finds its tracer through `InstrumentationSystem` on every call (a reader lock and two dynamic
/// casts), which on a request of a fraction of a millisecond cost more than the span itself.
public enum TraceContext {
    /// The tracer `bootstrap` installed, set once for the process's life and read with a load.
    private static let installed = AtomicLazyReference<InstalledTracer>()
    /// Whether it is installed: the check made most, a plain load of a flag.
    private static let installedFlag = Atomic<Bool>(false)

    /// Installs `tracer` for this process, also as `InstrumentationSystem`'s instrument (once
    /// per process, like `InstrumentationSystem.bootstrap`).
    public static func bootstrap(_ tracer: any Tracer) {
        InstrumentationSystem.bootstrap(tracer)
        _ = installed.storeIfNil(InstalledTracer(tracer))
        installedFlag.store(true, ordering: .releasing)
    }

    /// Whether a tracer is installed.
    public static var isOn: Bool { installedFlag.load(ordering: .acquiring) }

    /// Runs `body` in a new span, a child of `context` (the current one by default), which is
    /// the current context while `body` runs; the span ends with `body`, recording a thrown
    /// error. With no tracer installed, `body` gets a span that records nothing.
    public static func withSpan<T>(_ operationName: String, context: ServiceContext? = nil, ofKind kind: SpanKind,
                                   isolation: isolated (any Actor)? = #isolation,
                                   _ body: (any Span) async throws -> T) async rethrows -> T {
        guard let tracer = installed.load()?.tracer else {
            return try await body(NoOpTracer.NoOpSpan(context: context ?? .topLevel))
        }
        let span = tracer.startSpan(operationName, context: context ?? ServiceContext.current ?? .topLevel, ofKind: kind,
                                    at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
        defer { span.end() }
        do {
            return try await ServiceContext.$current.withValue(span.context) { try await body(span) }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    /// A new span the caller ends, a child of `context`, not made the current context: for a
    /// span whose children are given its context explicitly (or that has none).
    public static func startSpan(_ operationName: String, context: ServiceContext? = nil, ofKind kind: SpanKind,
                                 at instant: DefaultTracerClock.Instant = DefaultTracerClock.now) -> any Span {
        guard let tracer = installed.load()?.tracer else { return NoOpTracer.NoOpSpan(context: context ?? .topLevel) }
        return tracer.startSpan(operationName, context: context ?? ServiceContext.current ?? .topLevel, ofKind: kind,
                                at: instant, function: #function, file: #fileID, line: #line)
    }

    /// The W3C `traceparent` of `context`'s span (`00-<trace id>-<span id>-<flags>`), nil when
    /// there is none. Checked to be just that, so it can be inlined into SQL.
    public static func traceparent(of context: ServiceContext? = ServiceContext.current) -> String? {
        guard let tracer = installed.load()?.tracer, let context else { return nil }
        var carrier: String?
        tracer.inject(context, into: &carrier, using: TraceparentInjector())
        guard var value = carrier, value.utf8.count == 55,
              value.withUTF8({ $0.allSatisfy { $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) } })
        else { return nil }
        return value
    }

    /// The trace id inside a `traceparent`.
    public static func traceID(of traceparent: String) -> String {
        String(traceparent.dropFirst(3).prefix(32))
    }

    /// A context that continues the caller's trace from a `traceparent` (and `tracestate`), or
    /// `base` unchanged when there is none or tracing is off.
    public static func continuing(traceparent: String?, tracestate: String? = nil, from base: ServiceContext) -> ServiceContext {
        guard let tracer = installed.load()?.tracer, let traceparent else { return base }
        var context = base
        tracer.extract(TraceHeaders(traceparent: traceparent, tracestate: tracestate), into: &context, using: TraceHeadersExtractor())
        return context
    }
}

/// The installed tracer, boxed for `AtomicLazyReference`.
private final class InstalledTracer: Sendable {
    let tracer: any Tracer

    init(_ tracer: any Tracer) {
        self.tracer = tracer
    }
}

/// The `traceparent` alone, for `inject`.
struct TraceparentInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout String?) {
        if key == "traceparent" { carrier = value }
    }
}

/// A caller's W3C trace headers, for `extract`.
struct TraceHeaders {
    let traceparent: String
    let tracestate: String?
}

struct TraceHeadersExtractor: Extractor {
    func extract(key: String, from carrier: TraceHeaders) -> String? {
        switch key {
        case "traceparent": carrier.traceparent
        case "tracestate": carrier.tracestate
        default: nil
        }
    }
}
