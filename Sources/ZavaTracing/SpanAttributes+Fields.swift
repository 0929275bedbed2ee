import Tracing
import ZavaSpans

extension SpanAttributes {
    /// swift-distributed-tracing's attributes as zava's, ordered by key.
    var fields: [SpanField] {
        var fields: [SpanField] = []
        forEach { key, attribute in fields.append(SpanField(key, SpanValue(attribute))) }
        return fields.sorted { $0.key < $1.key }
    }
}

extension SpanValue {
    /// An attribute's value as OTLP can carry it; what has no counterpart is its description.
    init(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let number): self = .int(Int64(number))
        case .int64(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .bool(let flag): self = .bool(flag)
        case .string(let text): self = .string(text)
        case .stringConvertible(let item): self = .string(item.description)
        case .int32Array(let numbers): self = .array(numbers.map { .int(Int64($0)) })
        case .int64Array(let numbers): self = .array(numbers.map { .int($0) })
        case .doubleArray(let numbers): self = .array(numbers.map { .double($0) })
        case .boolArray(let flags): self = .array(flags.map { .bool($0) })
        case .stringArray(let texts): self = .array(texts.map { .string($0) })
        case .stringConvertibleArray(let items): self = .array(items.map { .string($0.description) })
        default: self = .string("\(attribute)")
        }
    }
}
