/// One JSON-RPC message from a client: a request (with an id) or a notification (without).
struct RPCRequest: Sendable {
    var id: RPCID?
    var method: String
    var params: [String: JSON]

    var isNotification: Bool { id == nil }
    /// `params._meta`, where 2026-07-28 requests carry their version and capabilities.
    var meta: [String: JSON]? { params["_meta"]?.object }

    /// The message in `body`, or the error that refuses it: not JSON (-32700), a batch, or not
    /// a JSON-RPC 2.0 request (-32600).
    static func read(_ body: [UInt8]) -> Result<RPCRequest, RPCError> {
        guard let json = JSONReader.read(body) else {
            return .failure(.parse("Parse error: the body is not valid JSON (UTF-8, at most \(JSONReader.maximumDepth) levels deep)"))
        }
        if case .array = json { return .failure(.invalidRequest("Invalid Request: batches are not supported; send one message per POST")) }
        guard case .object(let message) = json else { return .failure(.invalidRequest("Invalid Request: the body must be a JSON-RPC object")) }
        guard message["jsonrpc"] == .string("2.0") else { return .failure(.invalidRequest("Invalid Request: jsonrpc must be \"2.0\"")) }
        if message["result"] != nil || message["error"] != nil {
            return .failure(.invalidRequest("Invalid Request: this server sends no requests, so it expects no responses"))
        }
        guard case .string(let method)? = message["method"] else { return .failure(.invalidRequest("Invalid Request: method must be a string")) }
        let id = RPCID(message["id"])
        if message["id"] != nil, id == nil {
            return .failure(.invalidRequest("Invalid Request: id must be an integer or a string"))
        }
        let params: [String: JSON]
        switch message["params"] {
        case nil, .null?: params = [:]
        case .object(let members)?: params = members
        default: return .failure(RPCError(code: -32602, message: "Invalid params: params must be an object", status: id == nil ? 400 : 200))
        }
        return .success(RPCRequest(id: id, method: method, params: params))
    }
}
