import Tracing

/// The current trace, as far as zava passes it on. A tracer exists only when the executable
/// installed one (`OTEL_*` asked for it); otherwise the spans below cost one check and nothing
/// is created.
public enum TraceContext {
    /// Whether a real tracer is installed. Asked of the instrument, a concrete type check:
    /// `InstrumentationSystem.tracer` looks for a conformance to `Tracer` on every call.
    public static var isOn: Bool { !(InstrumentationSystem.instrument is NoOpInstrument) }

    /// The W3C `traceparent` of the current span (`00-<trace id>-<span id>-<flags>`), nil when
    /// there is none. Checked to be just that, so it can be inlined into SQL.
    public static func traceparent() -> String? {
        guard isOn, let context = ServiceContext.current else { return nil }
        var carrier: String?
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: TraceparentInjector())
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
        guard isOn, let traceparent else { return base }
        var carrier = ["traceparent": traceparent]
        if let tracestate { carrier["tracestate"] = tracestate }
        var context = base
        InstrumentationSystem.instrument.extract(carrier, into: &context, using: DictionaryExtractor())
        return context
    }
}

/// The `traceparent` alone, for `inject`.
struct TraceparentInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout String?) {
        if key == "traceparent" { carrier = value }
    }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
