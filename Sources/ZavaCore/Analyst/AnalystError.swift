/// A request the analyst service cannot carry out as asked: the message says what to do instead.
public struct AnalystError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
