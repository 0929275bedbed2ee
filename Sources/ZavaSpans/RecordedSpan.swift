import Tracing
import W3CTraceContext

/// A span as it is recorded and exported: its ids, name, kind and times, and what was set on it.
public struct RecordedSpan: Sendable {
    public let context: SpanContext
    public let parentSpanID: SpanID?
    public var name: String
    public let kind: SpanKind
    public let startNanoseconds: UInt64
    public var endNanoseconds: UInt64 = 0
    public var attributes: [SpanField] = []
    public var status: SpanStatus?
    public var events: [RecordedEvent] = []
    public var links: [RecordedLink] = []

    /// At most this many events are kept (the specification's default limit).
    public static let eventLimit = 128

    public init(context: SpanContext, parentSpanID: SpanID?, name: String, kind: SpanKind, startNanoseconds: UInt64) {
        self.context = context
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startNanoseconds = startNanoseconds
    }

    /// Sets the status; an OK status is final (the specification): a later error does not replace it.
    public mutating func setStatus(_ status: SpanStatus) {
        if self.status?.code != .ok { self.status = status }
    }

    /// Adds an event, up to `eventLimit`.
    public mutating func addEvent(_ event: RecordedEvent) {
        if events.count < Self.eventLimit { events.append(event) }
    }

    /// An `exception` event naming the error's type only: an error's message can quote the
    /// values of a statement (a database's "invalid input syntax for type integer: ..."), and no
    /// literal leaves zava.
    public mutating func recordError(_ error: any Error, attributes: [SpanField] = [], at nanoseconds: UInt64) {
        var eventAttributes = attributes
        eventAttributes.set("exception.type", .string(String(reflecting: type(of: error))))
        addEvent(RecordedEvent(name: "exception", nanosecondsSinceEpoch: nanoseconds, attributes: eventAttributes))
    }
}
