/// One attribute of a span or an event: a key of OpenTelemetry's semantic conventions and its value.
public struct SpanField: Sendable, Equatable {
    public let key: String
    public var value: SpanValue

    public init(_ key: String, _ value: SpanValue) {
        self.key = key
        self.value = value
    }
}

extension [SpanField] {
    /// Sets `key`, replacing an earlier value: a span's handful of attributes are found
    /// faster by a scan than by hashing their keys, and most keys differ in length already.
    mutating func set(_ key: String, _ value: SpanValue) {
        let length = key.utf8.count
        if let index = firstIndex(where: { $0.key.utf8.count == length && $0.key == key }) {
            self[index].value = value
        } else {
            append(SpanField(key, value))
        }
    }

    /// The value of `key`, if set.
    public subscript(key: String) -> SpanValue? {
        first { $0.key == key }?.value
    }
}
