import Tracing

/// The current trace, as far as zava passes it on. A tracer exists only when the executable
/// installed one (`OTEL_*` asked for it); otherwise the spans below cost one check and nothing
/// is created.
public enum TraceContext {
    /// Whether a real tracer is installed.
    public static var isOn: Bool { !(InstrumentationSystem.tracer is NoOpTracer) }

    /// The W3C `traceparent` of the current span (`00-<trace id>-<span id>-<flags>`), nil when
    /// there is none. Checked to be just that, so it can be inlined into SQL.
    public static func traceparent() -> String? {
        guard isOn, let context = ServiceContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.tracer.inject(context, into: &carrier, using: DictionaryInjector())
        guard let value = carrier["traceparent"], value.utf8.count == 55,
              value.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
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
        guard isOn, let traceparent else { return base }
        var carrier = ["traceparent": traceparent]
        if let tracestate { carrier["tracestate"] = tracestate }
        var context = base
        InstrumentationSystem.tracer.extract(carrier, into: &context, using: DictionaryExtractor())
        return context
    }
}

/// Headers as a dictionary, for `inject`.
struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
