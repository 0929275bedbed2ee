/// Who a session's statements are recorded as in the audit trail: the front end that ran them
/// and the principal behind the identity (a token's subject, the header, the local user).
public struct AuditContext: Sendable, Equatable {
    public enum Frontend: String, Sendable, CaseIterable {
        case repl
        /// `zava -c` and the other one-shot commands.
        case command
        case mcp
    }

    public var frontend: Frontend
    public var principal: String
    /// The MCP request's id, so a record leads to the server's log line.
    public var requestID: String?

    public init(frontend: Frontend, principal: String, requestID: String? = nil) {
        self.frontend = frontend
        self.principal = principal
        self.requestID = requestID
    }

    /// The local user running the REPL or a command: `local:<login name>`.
    public static func local(_ frontend: Frontend) -> AuditContext {
        let user = (getpwuid(geteuid())?.pointee.pw_name).map { String(cString: $0) } ?? "uid\(geteuid())"
        return AuditContext(frontend: frontend, principal: "local:\(user)")
    }
}

#if canImport(Glibc)
import Glibc
#endif
