/// An attribute's value: OpenTelemetry's `AnyValue` without its maps and bytes, which zava
/// never sets. A plain enum with no existential payload, so an attribute costs a copy, not a box.
public enum SpanValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case array([SpanValue])
}

extension SpanValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension SpanValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) {
        self = .int(value)
    }
}

extension SpanValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}
