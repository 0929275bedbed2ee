import Foundation
import ZavaCore

/// How `zava --serve` listens and whom it lets in. A plain value: the CLI builds one from its
/// flags, tests build their own (port 0, short timeouts).
public struct MCPServerConfiguration: Sendable, Equatable {
    /// Address to bind. The default keeps the endpoint on this machine.
    public var host: String
    /// TCP port; 0 picks a free one (see `MCPServer.listeningPort()`).
    public var port: Int
    /// The MCP endpoint's path; `/healthz` and `/metrics` sit beside it.
    public var path: String
    /// Use the SDK's stateless transport: no `Mcp-Session-Id`, one JSON answer per POST. Any
    /// instance can answer any request, so several zava processes can share one database
    /// behind a plain load balancer without sticky sessions.
    public var stateless: Bool
    /// `Host` values accepted besides localhost, 127.0.0.1 and [::1] on the bound port.
    /// `name:port`, `name:*` (any port) or `*` (no Host check at all).
    public var allowedHosts: [String]
    /// `Origin` values accepted besides http://localhost, http://127.0.0.1 and http://[::1]
    /// on the bound port; same patterns as `allowedHosts`. Requests without Origin pass.
    public var allowedOrigins: [String]
    /// Larger POST bodies are refused with 413 before they are parsed.
    public var maxBodyBytes: Int
    /// The longest a tool call may run; its SQL statement timeout is capped to the same.
    public var requestTimeout: Duration
    /// Rows a tool answer holds at most: an agent's context is no screen, so MCP answers have a
    /// budget of their own; a cut answer says `truncated` and how to ask for less.
    public var rowCap: Int
    /// Identity for requests without `x-rls-user-id`. nil (the default) refuses them.
    public var defaultProfile: String?
    /// Bearer-token mode: every request needs a token from this file (see `TokenFile`).
    public var tokensFile: URL?
    /// Verified-token mode: every request needs a JWT the configured issuer signed (or, in
    /// development, one signed with the shared secret); see `AuthSettings`.
    public var auth: AuthSettings?
    /// Stateful sessions unused for this long are closed (the client re-initializes).
    public var sessionIdleTimeout: Duration
    /// Upper bound on open stateful sessions; beyond it new sessions get 503.
    public var maxSessions: Int
    /// A connection that has not sent a complete request head for this long (after it opened,
    /// or after its last answer) is closed: the keep-alive idle timeout, and the deadline for a
    /// request head trickled in a byte at a time.
    public var idleTimeout: Duration
    /// A request body must arrive within this long of its head, or the connection is closed.
    public var bodyTimeout: Duration
    /// Open TCP connections at most; beyond them the server stops accepting (new connections wait
    /// in the kernel's backlog) until one closes.
    public var maxConnections: Int
    /// Stateful sessions one principal (identity, and token in token mode) may hold; its next
    /// `initialize` closes its own least recently used session, never another principal's.
    public var maxSessionsPerPrincipal: Int
    /// The largest tool answer sent, as encoded on the wire: a query result is cut (and marked
    /// truncated) where its JSON would pass it. The text a model reads gets a third of it (the
    /// rest carries the same rows as structured content): 64 KiB by default.
    public var maxAnswerBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8000, path: String = "/mcp", stateless: Bool = false,
                allowedHosts: [String] = [], allowedOrigins: [String] = [], maxBodyBytes: Int = 1 << 20,
                requestTimeout: Duration = .seconds(60), rowCap: Int = 200, defaultProfile: String? = nil,
                tokensFile: URL? = nil, sessionIdleTimeout: Duration = .seconds(30 * 60), maxSessions: Int = 1_000,
                idleTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(30), maxConnections: Int = 512,
                maxSessionsPerPrincipal: Int = 64, maxAnswerBytes: Int = 192 << 10, auth: AuthSettings? = nil) {
        self.host = host
        self.port = port
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.stateless = stateless
        self.allowedHosts = allowedHosts
        self.allowedOrigins = allowedOrigins
        self.maxBodyBytes = maxBodyBytes
        self.requestTimeout = requestTimeout
        self.rowCap = rowCap
        self.defaultProfile = defaultProfile
        self.tokensFile = tokensFile
        self.sessionIdleTimeout = sessionIdleTimeout
        self.maxSessions = maxSessions
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
        self.maxSessionsPerPrincipal = maxSessionsPerPrincipal
        self.maxAnswerBytes = maxAnswerBytes
        self.auth = auth
    }

    /// Rejects combinations that cannot be served safely, before anything binds.
    public func validate() throws {
        func fail(_ message: String) -> MCPConfigurationError { MCPConfigurationError(message: message) }
        guard (0...65_535).contains(port) else { throw fail("port \(port) is not in 0...65535") }
        guard maxBodyBytes >= 1_024 else { throw fail("the body limit must be at least 1024 bytes") }
        guard requestTimeout > .zero else { throw fail("the request timeout must be positive") }
        guard maxSessions >= 1, maxSessionsPerPrincipal >= 1 else { throw fail("at least one session must be allowed") }
        guard idleTimeout > .zero, bodyTimeout > .zero else { throw fail("the idle and body timeouts must be positive") }
        guard maxConnections >= 1 else { throw fail("at least one connection must be allowed") }
        guard maxAnswerBytes >= 4_096 else { throw fail("the answer limit must be at least 4096 bytes") }
        guard rowCap >= 1 else { throw fail("the answer row limit must be at least 1") }
        if tokensFile != nil, defaultProfile != nil {
            throw fail("--default-profile cannot be combined with --tokens: in token mode every request needs a token")
        }
        if auth != nil, tokensFile != nil {
            throw fail("--tokens cannot be combined with verified-token mode (AZURE_TENANT_ID, AUTH_ISSUER or AUTH_DEV_HMAC_SECRET): choose one")
        }
        if auth != nil, defaultProfile != nil {
            throw fail("--default-profile cannot be combined with verified-token mode: every request needs a token")
        }
    }

    /// The URL clients use, for start-up messages (a wildcard bind is shown as 127.0.0.1).
    public func endpointURL(port: Int) -> String {
        let shown = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
        let hostPart = shown.contains(":") ? "[\(shown)]" : shown
        return "http://\(hostPart):\(port)\(path)"
    }
}

public struct MCPConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
