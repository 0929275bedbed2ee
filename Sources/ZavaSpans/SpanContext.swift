import W3CTraceContext

/// A span's W3C ids: trace id, span id, the sampled flag and the vendors' trace state.
public typealias SpanContext = W3CTraceContext.TraceContext

extension SpanContext {
    /// The caller's span from its `traceparent` and `tracestate` headers; nil when `traceparent`
    /// is malformed (a new trace starts, as the W3C recommendation says). A malformed
    /// `tracestate` is dropped, not the trace it came with.
    public init?(traceparent: String, tracestate: String?) {
        guard let context = (try? SpanContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: tracestate))
            ?? (try? SpanContext(traceParentHeaderValue: traceparent))
        else { return nil }
        self = context
    }

    /// The W3C `traceparent` (`00-<trace id>-<span id>-<flags>`, lower-case hex), written in one
    /// pass into one string: W3CTraceContext's `traceParentHeaderValue` interpolates four strings
    /// made from byte arrays, and a statement's span asks for it on every call.
    public var traceparent: String {
        String(unsafeUninitializedCapacity: 55) { out in
            var index = 0
            func put(_ byte: UInt8) {
                out[index] = byte
                index += 1
            }
            func hex(_ byte: UInt8) {
                put(Self.digits[Int(byte >> 4)])
                put(Self.digits[Int(byte & 0x0f)])
            }
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "-"))
            withUnsafeBytes(of: traceID.bytes) { $0.forEach(hex) }
            put(UInt8(ascii: "-"))
            withUnsafeBytes(of: spanID.bytes) { $0.forEach(hex) }
            put(UInt8(ascii: "-"))
            hex(flags.rawValue)
            return index
        }
    }

    /// Whether the span is recorded and exported.
    public var isSampled: Bool { flags.contains(.sampled) }

    private static let digits = Array("0123456789abcdef".utf8)
}
