
/// A request turned away before it reached MCP: an HTTP status, and a JSON-RPC error body whose
/// message says what to do about it (the Python and TypeScript clients surface that message).
struct Refusal: Error, Sendable, Equatable {
    /// Why, as a bounded metric label: host, origin, identity, token, body_size, session, busy, method.
    enum Reason: String, Sendable {
        case host, origin, identity, token, bodySize = "body_size", session, busy, method
    }

    var status: Int
    var code: Int
    var message: String
    var reason: Reason
    var headers: [String: String] = [:]

    /// JSON-RPC's "server error" range: -32001 says "who you are was not accepted".
    static let identityCode = -32001
    static let invalidRequestCode = -32600

    /// The JSON-RPC error message the refusal is sent as.
    func message(id: RPCID?) -> JSON {
        ["jsonrpc": "2.0", "id": id?.json ?? .null, "error": ["code": .int(code), "message": .string(message)]]
    }
}
