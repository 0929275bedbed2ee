import ZavaCore

/// What the HTTP layer decided about a request, handed to the tool handlers through the
/// SDK's per-request HTTP context. Clients cannot forge these: every incoming header with the
/// `x-zava-` prefix is dropped before the request reaches the transport.
enum InternalHeaders {
    static let prefix = "x-zava-"
    static let requestID = "x-zava-request-id"
    static let rlsUserID = "x-zava-rls-user-id"
    static let source = "x-zava-auth"
    static let tokenLabel = "x-zava-token"

    /// The client's headers without any `x-zava-` ones, plus the decided request id and principal.
    static func stamp(_ headers: [String: String], requestID: String, principal: Principal) -> [String: String] {
        var out = headers.filter { !$0.key.lowercased().hasPrefix(prefix) }
        out[Self.requestID] = requestID
        out[rlsUserID] = principal.identity.rlsUserID.uuidString.lowercased()
        out[source] = principal.source.rawValue
        if let label = principal.tokenLabel { out[tokenLabel] = label }
        return out
    }
}
