/// Where a session's statements go, as psql's `\conninfo` says it.
public struct ConnectionInfo: Sendable, Equatable {
    public var database: String
    public var user: String
    /// The server's address; nil over a local socket.
    public var host: String?
    public var port: String
}
