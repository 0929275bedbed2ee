/// A JSON-RPC error, and the HTTP status it travels with on the Streamable HTTP transport.
struct RPCError: Error, Sendable, Equatable {
    var code: Int
    var message: String
    var data: JSON?
    /// 200 for an error the request's own JSON-RPC answer carries; 400, 404 ... where the
    /// transport says the request itself was refused.
    var status: Int

    init(code: Int, message: String, data: JSON? = nil, status: Int = 200) {
        self.code = code
        self.message = message
        self.data = data
        self.status = status
    }

    static func parse(_ message: String) -> RPCError { RPCError(code: -32700, message: message, status: 400) }
    static func invalidRequest(_ message: String, status: Int = 400) -> RPCError { RPCError(code: -32600, message: message, status: status) }
    static func methodNotFound(_ method: String, status: Int = 200) -> RPCError {
        RPCError(code: -32601, message: "Method not found: \(method.prefix(64))", status: status)
    }
    static func invalidParams(_ message: String, status: Int = 200) -> RPCError { RPCError(code: -32602, message: message, status: status) }
    static func internalError(_ message: String) -> RPCError { RPCError(code: -32603, message: message, status: 500) }
    /// 2026-07-28: a standard header is missing or disagrees with the body.
    static func headerMismatch(_ message: String) -> RPCError { RPCError(code: -32020, message: message, status: 400) }
    /// 2026-07-28: the version the request names is not served here.
    static func unsupportedVersion(_ requested: String) -> RPCError {
        RPCError(code: -32022, message: "Unsupported protocol version",
                 data: ["supported": .array(ProtocolRevision.modern.map { .string($0.rawValue) }), "requested": .string(requested)],
                 status: 400)
    }

    var json: JSON {
        var error: [String: JSON] = ["code": .int(code), "message": .string(message)]
        if let data { error["data"] = data }
        return .object(error)
    }
}
