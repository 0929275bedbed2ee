/// A stand-in identity provider that could not do what a test asked.
public struct StandInError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
