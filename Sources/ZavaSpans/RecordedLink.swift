/// A link from a span to a span of another trace (or another place in its own).
public struct RecordedLink: Sendable {
    public let context: SpanContext
    public let attributes: [SpanField]

    public init(context: SpanContext, attributes: [SpanField]) {
        self.context = context
        self.attributes = attributes
    }
}
