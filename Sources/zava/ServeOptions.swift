import ArgumentParser
import Foundation
import ZavaCore
import ZavaMCP

/// `zava --serve ...`: the MCP endpoint's flags, turned into an `MCPServerConfiguration`.
struct ServeOptions: ParsableArguments {
    @Flag(help: "Serve the MCP Streamable HTTP endpoint (the REPL stays in the foreground on a terminal).")
    var serve = false

    @Option(help: "Address to bind (default ZAVA_HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default ZAVA_PORT or 8000; 0 picks a free port).")
    var port: Int?

    @Option(help: "Path of the MCP endpoint (default ZAVA_MCP_PATH or /mcp).")
    var path: String?

    @Flag(help: "Stateless transport: no MCP sessions, one JSON answer per request, so several zava instances can serve one database behind any load balancer without sticky sessions.")
    var stateless = false

    @Flag(name: .customLong("no-repl"), help: "Serve headless even on a terminal, until SIGINT or SIGTERM.")
    var noREPL = false

    @Option(name: .customLong("log-format"), help: "The server's log lines on stderr: text, or json (one object per line; default ZAVA_LOG_FORMAT or text).")
    var logFormat: TelemetrySettings.LogFormat?

    @Option(name: .customLong("default-profile"), help: "Identity for requests without an x-rls-user-id header (default: refuse them).")
    var defaultProfile: String?

    @Option(help: "Static bearer-token mode: a file of '<token> <identity>' lines; every request then needs one of them. For tokens from an identity provider set AZURE_TENANT_ID or AUTH_ISSUER instead (docs/mcp.md).")
    var tokens: String?

    @Option(name: .customLong("allowed-origin"), help: "Another Origin to accept, e.g. https://ide.example.com (repeatable; localhost is always accepted; ZAVA_ALLOWED_ORIGINS adds more).")
    var allowedOrigins: [String] = []

    @Option(name: .customLong("allowed-host"), help: "Another Host header value to accept, e.g. zava.internal:8000 or zava.internal:* (repeatable; ZAVA_ALLOWED_HOSTS adds more).")
    var allowedHosts: [String] = []

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted; larger ones get 413.")
    var maxBodyBytes = 1 << 20

    @Option(name: .customLong("request-timeout"), help: "Seconds a tool call may run before it is cancelled.")
    var requestTimeout = 60.0

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may wait without a complete request head (keep-alive idleness, or a head sent too slowly) before it is closed.")
    var idleTimeout = 30.0

    @Option(name: .customLong("body-timeout"), help: "Seconds a request body may take to arrive after its head.")
    var bodyTimeout = 30.0

    @Option(name: .customLong("max-connections"), help: "Open TCP connections at most; beyond them new connections wait until one closes.")
    var maxConnections = 512

    @Option(name: .customLong("max-sessions-per-principal"), help: "MCP sessions one identity (one token in token mode) may keep open; its next one closes its oldest.")
    var maxSessionsPerPrincipal = 64

    @Option(name: .customLong("max-answer-rows"), help: "Rows a tool answer holds at most; more are cut, and the answer says truncated.")
    var maxAnswerRows = 200

    @Option(name: .customLong("max-answer-bytes"), help: "Largest tool answer sent (its text gets a third: the rest repeats the rows as structured content); a query result is cut, and marked truncated, where it would pass it.")
    var maxAnswerBytes = 192 << 10

    @Option(name: .customLong("http-threads"), help: "Threads reading and writing HTTP (default: half the cores, at least 1; requests run on threads of their own).")
    var httpThreads: Int?

    func validate() throws {
        let serveOnly = [host != nil, port != nil, path != nil, stateless, noREPL, defaultProfile != nil, tokens != nil,
                         !allowedOrigins.isEmpty, !allowedHosts.isEmpty, httpThreads != nil]
        if !serve, serveOnly.contains(true) {
            throw ValidationError("the endpoint options need --serve")
        }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
        guard idleTimeout > 0, bodyTimeout > 0 else { throw ValidationError("--idle-timeout and --body-timeout must be positive") }
        if let httpThreads, httpThreads < 1 { throw ValidationError("--http-threads must be at least 1") }
    }

    func configuration(_ settings: Settings) -> MCPServerConfiguration {
        MCPServerConfiguration(
            host: host ?? settings.serverHost, port: port ?? settings.serverPort, path: path ?? settings.mcpPath,
            stateless: stateless, allowedHosts: allowedHosts + settings.allowedHosts,
            allowedOrigins: allowedOrigins + settings.allowedOrigins, maxBodyBytes: maxBodyBytes,
            requestTimeout: .milliseconds(Int(requestTimeout * 1000)), rowCap: maxAnswerRows, defaultProfile: defaultProfile,
            tokensFile: tokens.map { URL(fileURLWithPath: $0) },
            idleTimeout: .milliseconds(Int(idleTimeout * 1000)), bodyTimeout: .milliseconds(Int(bodyTimeout * 1000)),
            maxConnections: maxConnections, maxSessionsPerPrincipal: maxSessionsPerPrincipal,
            maxAnswerBytes: maxAnswerBytes, auth: settings.auth)
    }
}

extension TelemetrySettings.LogFormat: ExpressibleByArgument {}
