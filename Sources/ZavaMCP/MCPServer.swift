import Foundation
import Hummingbird
import Logging
import CoreMetrics
import NIOCore
import ServiceLifecycle
import ZavaCore
import ZavaPostgres

/// `zava --serve`: the MCP Streamable HTTP endpoint over the shared `Database`, hosted in
/// Hummingbird. It is a `Service`: run it in a `ServiceGroup`, and a graceful shutdown (SIGINT,
/// SIGTERM or `triggerGracefulShutdown()`) stops new connections, lets the tool calls in
/// flight finish (bounded by the request timeout), then closes the sessions and returns.
///
/// Routes: the MCP path (POST/GET/DELETE), `GET /healthz` (200 when the database answers,
/// else 503) and `GET /metrics` (Prometheus text).
public final class MCPServer: Service, Sendable {
    public let configuration: MCPServerConfiguration
    /// What the operator should know before the first request (e.g. a default profile).
    public let startupNotes: [String]

    private let database: Database
    private let logger: Logger
    private let listening: ListeningState
    private let inFlight = InFlightRequests()
    private let deadlines: RequestDeadlines
    private let metrics: ServerMetrics
    private let sessions: LegacySessions?
    private let endpoint: MCPEndpoint
    /// The identity provider's keys in verified-token mode, refreshed while the server runs.
    private let keyRing: KeyRing?
    /// Protected Resource Metadata, served in verified-token mode.
    private let protectedResource: ProtectedResource?
    /// How requests are authenticated, for `:server`.
    private let authentication: @Sendable () -> String

    /// Loads the identities and tokens and checks the configuration: every mistake an operator
    /// can make fails here, before anything listens.
    /// `metricsExport`: a swift-metrics backend that gets the endpoint's counts too (the
    /// OpenTelemetry exporter's); `/metrics` serves them either way.
    public init(database: Database, configuration: MCPServerConfiguration, search: (any ProductSearching)? = nil,
                logger: Logger = Logger(label: "zava.mcp"), metricsExport: (any MetricsFactory)? = nil) async throws {
        try configuration.validate()
        let directory = try await database.identities()
        let listening = ListeningState()
        var notes: [String] = []
        let mode: RequestAuthenticator.Mode
        var keyRing: KeyRing?
        var protectedResource: ProtectedResource?
        let authentication: @Sendable () -> String
        if let auth = configuration.auth {
            let resource = ProtectedResource(settings: auth, configuration: configuration, listening: listening)
            let tokens = try await TokenAuthentication.make(auth, directory: directory, resource: resource, logger: logger)
            mode = .jwt(tokens.verifier)
            keyRing = tokens.keyRing
            protectedResource = resource
            notes += tokens.notes
            let keys = tokens.verifier.keys
            let claim = auth.identityClaim, issuer = auth.issuers.first ?? "?"
            if auth.isDevelopment {
                authentication = { "development JWTs (HS256, AUTH_DEV_HMAC_SECRET; not for production), identity from claim \(claim)" }
            } else {
                authentication = { "verified JWTs from \(issuer), identity from claim \(claim); \(keys.summary)" }
            }
        } else if let file = configuration.tokensFile {
            let table = try TokenTable(file: try TokenFile.load(file), directory: directory)
            mode = .tokens(table)
            authentication = { "static bearer tokens (\(table.entries.count) from \(file.path))" }
            notes.append("Bearer-token mode: \(table.entries.count) token\(table.entries.count == 1 ? "" : "s") from \(file.path); requests without a valid token get 401.")
            if let warning = Self.permissionWarning(file) { notes.append(warning) }
        } else if let profile = configuration.defaultProfile {
            let identity = try directory.resolve(profile)
            mode = .header(defaultIdentity: identity)
            authentication = { "x-rls-user-id header, unchecked (requests without one run as \(identity.profile))" }
            notes.append("Requests without an x-rls-user-id header run as \(identity) (--default-profile).")
        } else {
            mode = .header(defaultIdentity: nil)
            authentication = { "x-rls-user-id header, unchecked: any client on the network may name any identity" }
        }
        if search == nil { notes.append("semantic_search_products is not configured: it answers with a tool error.") }

        let catalog = ToolCatalog()
        let metrics = ServerMetrics(toolNames: catalog.names, exportingTo: metricsExport)
        let base = database.defaultLimits
        var limits = base
        limits.rowCap = configuration.rowCap
        limits.statementTimeout = min(base.statementTimeout, configuration.requestTimeout)
        // A collected result holds no more raw bytes than its answer may carry.
        limits.byteCap = min(base.byteCap, configuration.maxAnswerBytes)
        let deadlines = RequestDeadlines(timeout: configuration.requestTimeout)
        let runner = ToolCallRunner(catalog: catalog, database: database, limits: limits,
                                    maxAnswerBytes: configuration.maxAnswerBytes,
                                    deadlines: deadlines, search: search, inFlight: inFlight, metrics: metrics, logger: logger)
        let sessions = configuration.stateless ? nil
            : LegacySessions(idleTimeout: configuration.sessionIdleTimeout, maxSessions: configuration.maxSessions,
                             maxSessionsPerPrincipal: configuration.maxSessionsPerPrincipal, logger: logger)
        self.configuration = configuration
        self.listening = listening
        self.keyRing = keyRing
        self.protectedResource = protectedResource
        self.authentication = authentication
        self.database = database
        self.deadlines = deadlines
        self.logger = logger
        self.metrics = metrics
        self.sessions = sessions
        self.startupNotes = notes
        self.endpoint = MCPEndpoint(configuration: configuration, listening: listening,
                                    policies: OriginPolicyCache(configuration: configuration),
                                    authenticator: RequestAuthenticator(mode: mode, directory: directory), sessions: sessions,
                                    engine: MCPEngine(runner: runner), inFlight: inFlight, deadlines: deadlines, metrics: metrics,
                                    logger: logger)
    }

    /// The port actually bound, once the server listens (useful with port 0).
    public func listeningPort() async throws -> Int { try await listening.wait() }

    /// The endpoint's URL, once the server listens.
    /// Throws when the configured address is taken, before anything starts (see `PortCheck`).
    public func requireFreeAddress() throws {
        try PortCheck.requireFree(host: configuration.host, port: configuration.port)
    }

    public func endpointURL() async throws -> String { configuration.endpointURL(port: try await listeningPort()) }

    /// Point-in-time figures for status displays.
    public func status() async -> MCPServerStatus {
        MCPServerStatus(url: listening.port.map(configuration.endpointURL(port:)), sessions: sessions?.count ?? 0,
                        inFlight: inFlight.count, pool: await database.executor.statistics, counters: metrics.counters,
                        authentication: authentication())
    }

    public func run() async throws {
        let inFlight = self.inFlight
        let application = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(additionalChannelHandlers: [ClientGoneHandler { connection in
                inFlight.connectionClosed(connection)
            }], idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                availableConnectionsDelegate: .maximum(configuration.maxConnections, logger: logger)),
            onServerRunning: { [listening, logger, configuration] channel in
                let port = channel.localAddress?.port ?? configuration.port
                listening.bound(port: port)
                logger.info("MCP endpoint listening", metadata: ["url": "\(configuration.endpointURL(port: port))",
                                                                 "mode": "\(configuration.stateless ? "stateless" : "stateful")"])
            },
            logger: logger)
        do {
            try await withThrowingDiscardingTaskGroup { group in
                // Requests are answered on threads that may wait in libpq: one per pooled
                // connection, and two for the requests that are not waiting.
                let threads = BlockingExecutor(name: "zava-mcp", threads: database.executor.size + 2)
                group.addTask { [deadlines] in
                    // The timeouts are swept until the HTTP server has drained: calls still
                    // finishing during a graceful shutdown keep theirs.
                    try await withThrowingDiscardingTaskGroup { serving in
                        serving.addTask { await deadlines.run() }
                        defer { threads.shutdown() }
                        try await threads.run(databaseCallsInline: true) { try await application.run() }
                        serving.cancelAll()
                    }
                }
                group.addTask { [sessions, configuration] in
                    guard let sessions else { return }
                    let interval = min(Duration.seconds(60), configuration.sessionIdleTimeout / 2)
                    try? await cancelWhenGracefulShutdown {
                        while !Task.isCancelled {
                            try await Task.sleep(for: interval)
                            sessions.sweep()
                        }
                    }
                }
                group.addTask { [keyRing] in
                    guard let keyRing else { return }
                    await cancelWhenGracefulShutdown { await keyRing.run() }
                }
                group.addTask { [inFlight, sessions, logger, configuration] in
                    // Graceful shutdown: the HTTP server stops accepting connections; the calls in
                    // flight finish; then the sessions close.
                    guard (try? await gracefulShutdown()) != nil else { return }
                    let pending = inFlight.count
                    logger.info("MCP endpoint shutting down", metadata: ["in_flight": "\(pending)"])
                    await inFlight.waitUntilIdle(limit: configuration.requestTimeout + .seconds(5))
                    sessions?.closeAll()
                }
            }
        } catch {
            listening.failed(error)
            throw error
        }
        sessions?.closeAll()
        logger.info("MCP endpoint stopped")
    }

    private func makeRouter() -> Router<MCPRequestContext> {
        let router = Router(context: MCPRequestContext.self)
        let endpoint = self.endpoint
        for method in [HTTPRequest.Method.post, .get, .delete] {
            router.on(RouterPath(configuration.path), method: method) { request, context in
                await endpoint.respond(request, context: context)
            }
        }
        let health = HealthCheck(database: database, logger: logger)
        let metrics = self.metrics
        if let protectedResource {
            // RFC 9728: at the origin's well-known path, and with the endpoint's path appended.
            for path in [ProtectedResource.metadataPath, ProtectedResource.metadataPath + configuration.path] {
                router.get(RouterPath(path)) { _, _ -> Response in
                    metrics.httpRequest(route: "oauth-protected-resource", method: "GET", status: 200)
                    return Response(status: .ok, headers: [.contentType: "application/json", .accessControlAllowOrigin: "*"],
                                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(protectedResource.metadata))))
                }
            }
        }
        router.get("/healthz") { request, _ -> Response in
            if let refusal = endpoint.refusingForeignOrigin(request) { return refusal }
            let (status, json) = await health.answer()
            metrics.httpRequest(route: "healthz", method: "GET", status: status)
            return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
        }
        router.get("/metrics") { [database, sessions, inFlight] request, _ -> Response in
            if let refusal = endpoint.refusingForeignOrigin(request) { return refusal }
            metrics.observe(pool: await database.executor.statistics, sessions: sessions?.count ?? 0, inFlight: inFlight.count)
            metrics.httpRequest(route: "metrics", method: "GET", status: 200)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        return router
    }

    /// A tokens file others can read is worth a warning, not a refusal (containers often run as root).
    private static func permissionWarning(_ file: URL) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
              let permissions = attributes[.posixPermissions] as? NSNumber, permissions.intValue & 0o077 != 0 else { return nil }
        return "Warning: \(file.path) is readable by other users; chmod 600 it."
    }
}

/// What `MCPServer.status()` reports (for a REPL command or logs).
public struct MCPServerStatus: Sendable, CustomStringConvertible {
    public var url: String?
    public var sessions: Int
    public var inFlight: Int
    public var pool: ConnectionPool.Statistics
    public var counters = MCPServerCounters()
    /// How requests are authenticated (header, static tokens, verified or development JWTs).
    public var authentication = ""

    public var description: String {
        let calls = counters.toolCalls.sorted { $0.key < $1.key }.map { name, count in
            "\(name) \(count.calls)" + (count.errors > 0 ? " (\(count.errors) failed)" : "")
        }
        return "MCP endpoint \(url ?? "(not listening)"): \(sessions) session\(sessions == 1 ? "" : "s"), \(inFlight) request\(inFlight == 1 ? "" : "s") in flight; "
            + "pool \(pool.inUse)/\(pool.size) in use, \(pool.open) open, \(pool.waiting) waiting\n"
            + "auth: \(authentication)\n"
            + "since start: \(counters.requests) request\(counters.requests == 1 ? "" : "s"), \(counters.errors) refused or failed; "
            + "tool calls: " + (calls.isEmpty ? "none" : calls.joined(separator: ", "))
    }
}
