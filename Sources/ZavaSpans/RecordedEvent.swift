/// Something that happened during a span, such as the error it ended with.
public struct RecordedEvent: Sendable {
    public let name: String
    public let nanosecondsSinceEpoch: UInt64
    public let attributes: [SpanField]

    public init(name: String, nanosecondsSinceEpoch: UInt64, attributes: [SpanField]) {
        self.name = name
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
        self.attributes = attributes
    }
}
