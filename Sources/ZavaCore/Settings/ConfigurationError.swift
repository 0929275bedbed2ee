/// A setting whose value zava cannot use: names the key, the value and what would do.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String
    public var expected: String

    public var description: String { "\(key)=\(value) is not valid: expected \(expected)" }
}
