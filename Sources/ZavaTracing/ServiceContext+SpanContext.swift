import Tracing
import W3CTraceContext

extension ServiceContext {
    /// The current span's ids and flags, or the caller's when a `traceparent` was extracted.
    var spanContext: TraceContext? {
        get { self[SpanContextKey.self] }
        set { self[SpanContextKey.self] = newValue }
    }
}

private enum SpanContextKey: ServiceContextKey {
    typealias Value = TraceContext
    static var nameOverride: String? { "zava-span-context" }
}
