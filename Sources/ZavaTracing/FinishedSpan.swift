import Tracing
import W3CTraceContext

/// A span as exported: everything recorded by the time it ended.
struct FinishedSpan: Sendable {
    let context: TraceContext
    let parentSpanID: SpanID?
    let name: String
    let kind: SpanKind
    let startNanoseconds: UInt64
    let endNanoseconds: UInt64
    let attributes: SpanAttributes
    let status: SpanStatus?
    let events: [SpanEvent]
    let links: [SpanLink]
}
