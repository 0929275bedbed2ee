import Foundation
import OTLPTrace
import Tracing
import W3CTraceContext

/// Finished spans as the body of an OTLP/HTTP export: an `ExportTraceServiceRequest`
/// (opentelemetry-proto 1.9.0, the generated types of `OTLPTrace`).
///
/// Each span is serialised by SwiftProtobuf; the three messages around them (request, resource
/// spans, scope spans) are written here as the length-delimited fields they are: serialising
/// the whole request as one message would work out every span's size once per level of
/// nesting.
struct OTLPSpanEncoding: Sendable {
    typealias Request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest

    /// `Resource`, serialised once.
    private let resource: [UInt8]
    /// `InstrumentationScope`, serialised once.
    private let scope: [UInt8]

    init(resource attributes: [String: String]) throws {
        var resource = Opentelemetry_Proto_Resource_V1_Resource()
        resource.attributes = attributes.sorted { $0.key < $1.key }.map { Self.keyValue($0.key, .string($0.value)) }
        self.resource = try resource.serializedBytes()
        var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        scope.name = "zava"
        self.scope = try scope.serializedBytes()
    }

    /// `ExportTraceServiceRequest { resource_spans = 1: ResourceSpans { resource = 1, scope_spans = 2:
    /// ScopeSpans { scope = 1, spans = 2 } } }`.
    func body(_ spans: some Collection<FinishedSpan>) throws -> [UInt8] {
        var scopeSpans: [UInt8] = []
        Self.append(field: 1, scope, to: &scopeSpans)
        for finished in spans { Self.append(field: 2, try Self.span(finished).serializedBytes(), to: &scopeSpans) }
        var resourceSpans: [UInt8] = []
        resourceSpans.reserveCapacity(scopeSpans.count + resource.count + 16)
        Self.append(field: 1, resource, to: &resourceSpans)
        Self.append(field: 2, scopeSpans, to: &resourceSpans)
        var request: [UInt8] = []
        request.reserveCapacity(resourceSpans.count + 8)
        Self.append(field: 1, resourceSpans, to: &request)
        return request
    }

    /// A length-delimited field (wire type 2): tag, length, bytes.
    private static func append(field: UInt64, _ bytes: [UInt8], to output: inout [UInt8]) {
        appendVarint(field << 3 | 2, to: &output)
        appendVarint(UInt64(bytes.count), to: &output)
        output.append(contentsOf: bytes)
    }

    private static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    static func span(_ finished: FinishedSpan) -> Opentelemetry_Proto_Trace_V1_Span {
        var span = Opentelemetry_Proto_Trace_V1_Span()
        span.traceID = data(finished.context.traceID)
        span.spanID = data(finished.context.spanID)
        if let parent = finished.parentSpanID { span.parentSpanID = data(parent) }
        if let state = finished.context.traceStateHeaderValue { span.traceState = state }
        span.flags = UInt32(finished.context.flags.rawValue)
        span.name = finished.name
        span.kind = kind(finished.kind)
        span.startTimeUnixNano = finished.startNanoseconds
        span.endTimeUnixNano = finished.endNanoseconds
        span.attributes = attributes(finished.attributes)
        span.events = finished.events.map { event in
            var encoded = Opentelemetry_Proto_Trace_V1_Span.Event()
            encoded.name = event.name
            encoded.timeUnixNano = event.nanosecondsSinceEpoch
            encoded.attributes = attributes(event.attributes)
            return encoded
        }
        span.links = finished.links.compactMap { link in
            guard let linked = link.context.spanContext else { return nil }
            var encoded = Opentelemetry_Proto_Trace_V1_Span.Link()
            encoded.traceID = data(linked.traceID)
            encoded.spanID = data(linked.spanID)
            if let state = linked.traceStateHeaderValue { encoded.traceState = state }
            encoded.attributes = attributes(link.attributes)
            return encoded
        }
        if let status = finished.status {
            span.status.code = status.code == .ok ? .ok : .error
            if let message = status.message { span.status.message = message }
        }
        return span
    }

    private static func kind(_ kind: SpanKind) -> Opentelemetry_Proto_Trace_V1_Span.SpanKind {
        switch kind {
        case .server: .server
        case .client: .client
        case .producer: .producer
        case .consumer: .consumer
        case .internal: .internal
        }
    }

    private static func attributes(_ attributes: SpanAttributes) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        var encoded: [Opentelemetry_Proto_Common_V1_KeyValue] = []
        encoded.reserveCapacity(attributes.count)
        attributes.forEach { key, attribute in encoded.append(keyValue(key, attribute)) }
        return encoded
    }

    private static func keyValue(_ key: String, _ attribute: SpanAttribute) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var keyValue = Opentelemetry_Proto_Common_V1_KeyValue()
        keyValue.key = key
        keyValue.value = value(attribute)
        return keyValue
    }

    private static func value(_ attribute: SpanAttribute) -> Opentelemetry_Proto_Common_V1_AnyValue {
        var value = Opentelemetry_Proto_Common_V1_AnyValue()
        func array(_ values: [Opentelemetry_Proto_Common_V1_AnyValue]) -> Opentelemetry_Proto_Common_V1_ArrayValue {
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = values
            return array
        }
        switch attribute {
        case .int32(let number): value.intValue = Int64(number)
        case .int64(let number): value.intValue = number
        case .double(let number): value.doubleValue = number
        case .bool(let flag): value.boolValue = flag
        case .string(let text): value.stringValue = text
        case .stringConvertible(let item): value.stringValue = item.description
        case .int32Array(let numbers): value.arrayValue = array(numbers.map { Self.value(.int64(Int64($0))) })
        case .int64Array(let numbers): value.arrayValue = array(numbers.map { Self.value(.int64($0)) })
        case .doubleArray(let numbers): value.arrayValue = array(numbers.map { Self.value(.double($0)) })
        case .boolArray(let flags): value.arrayValue = array(flags.map { Self.value(.bool($0)) })
        case .stringArray(let texts): value.arrayValue = array(texts.map { Self.value(.string($0)) })
        case .stringConvertibleArray(let items): value.arrayValue = array(items.map { Self.value(.string($0.description)) })
        default: value.stringValue = "\(attribute)"
        }
        return value
    }

    private static func data(_ id: TraceID) -> Data {
        withUnsafeBytes(of: id.bytes) { Data($0) }
    }

    private static func data(_ id: SpanID) -> Data {
        withUnsafeBytes(of: id.bytes) { Data($0) }
    }
}
