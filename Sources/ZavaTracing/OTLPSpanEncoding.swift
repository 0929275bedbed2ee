import Tracing
import W3CTraceContext
import ZavaSpans

/// Finished spans as the body of an OTLP/HTTP export: an `ExportTraceServiceRequest` of
/// opentelemetry-proto 1.9.0 (`opentelemetry/proto/trace/v1/trace.proto` and the files it
/// imports; the field numbers below are theirs), written straight from the spans by
/// `ProtobufWriter`. SwiftProtobuf's generated messages cost an object per attribute value and
/// an exclusivity check per field; they stay in the tests (`OTLPTrace`), which read every export
/// back with them.
struct OTLPSpanEncoding: Sendable {
    /// `Resource { attributes = 1 }`, serialised once.
    private let resource: [UInt8]
    /// `InstrumentationScope { name = 1 }`, serialised once.
    private let scope: [UInt8]

    init(resource attributes: [String: String]) {
        var resource = ProtobufWriter()
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            resource.message(1) { Self.keyValue(SpanField(key, .string(value)), into: &$0) }
        }
        self.resource = resource.bytes
        var scope = ProtobufWriter()
        scope.string(1, "zava")
        self.scope = scope.bytes
    }

    /// `ExportTraceServiceRequest { resource_spans = 1: ResourceSpans { resource = 1,
    /// scope_spans = 2: ScopeSpans { scope = 1, spans = 2 } } }`.
    func body(_ spans: some Collection<RecordedSpan>) -> [UInt8] {
        var request = ProtobufWriter(capacity: 512 * spans.count + 256)
        request.message(1) { resourceSpans in
            resourceSpans.serialized(1, resource)
            resourceSpans.message(2) { scopeSpans in
                scopeSpans.serialized(1, scope)
                for span in spans { scopeSpans.message(2) { Self.span(span, into: &$0) } }
            }
        }
        return request.bytes
    }

    /// `Span`: ids 1, 2, 4; trace_state 3; name 5; kind 6; start and end 7, 8; attributes 9;
    /// events 11; links 13; status 15; flags 16.
    static func span(_ span: RecordedSpan, into out: inout ProtobufWriter) {
        withUnsafeBytes(of: span.context.traceID.bytes) { out.bytes(1, $0) }
        withUnsafeBytes(of: span.context.spanID.bytes) { out.bytes(2, $0) }
        if let state = span.context.traceStateHeaderValue { out.string(3, state) }
        if let parent = span.parentSpanID { withUnsafeBytes(of: parent.bytes) { out.bytes(4, $0) } }
        out.string(5, span.name)
        out.varint(6, kind(span.kind))
        out.fixed64(7, span.startNanoseconds)
        out.fixed64(8, span.endNanoseconds)
        for field in span.attributes { out.message(9) { keyValue(field, into: &$0) } }
        for event in span.events {
            // Event { time_unix_nano = 1, name = 2, attributes = 3 }
            out.message(11) { out in
                out.fixed64(1, event.nanosecondsSinceEpoch)
                out.string(2, event.name)
                for field in event.attributes { out.message(3) { keyValue(field, into: &$0) } }
            }
        }
        for link in span.links {
            let linked = link.context
            // Link { trace_id = 1, span_id = 2, trace_state = 3, attributes = 4 }
            out.message(13) { out in
                withUnsafeBytes(of: linked.traceID.bytes) { out.bytes(1, $0) }
                withUnsafeBytes(of: linked.spanID.bytes) { out.bytes(2, $0) }
                if let state = linked.traceStateHeaderValue { out.string(3, state) }
                for field in link.attributes { out.message(4) { keyValue(field, into: &$0) } }
            }
        }
        if let status = span.status {
            // Status { message = 2, code = 3 (OK 1, ERROR 2) }
            out.message(15) { out in
                if let message = status.message { out.string(2, message) }
                out.varint(3, status.code == .ok ? 1 : 2)
            }
        }
        out.fixed32(16, UInt32(span.context.flags.rawValue))
    }

    /// `SpanKind`: INTERNAL 1, SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5.
    private static func kind(_ kind: SpanKind) -> UInt64 {
        switch kind {
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }

    /// `KeyValue { key = 1, value = 2 }`.
    private static func keyValue(_ field: SpanField, into out: inout ProtobufWriter) {
        out.string(1, field.key)
        out.message(2) { value(field.value, into: &$0) }
    }

    /// `AnyValue`, a `oneof`: string 1, bool 2, int 3, double 4, array 5 (`ArrayValue { values = 1 }`).
    private static func value(_ value: SpanValue, into out: inout ProtobufWriter) {
        switch value {
        case .string(let text): out.string(1, text, always: true)
        case .bool(let flag): out.varint(2, flag ? 1 : 0, always: true)
        case .int(let number): out.varint(3, UInt64(bitPattern: number), always: true)
        case .double(let number): out.fixed64(4, number.bitPattern, always: true)
        case .array(let elements):
            out.message(5) { array in
                for element in elements { array.message(1) { Self.value(element, into: &$0) } }
            }
        }
    }
}
