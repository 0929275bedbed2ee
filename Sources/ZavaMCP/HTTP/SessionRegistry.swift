import Foundation
import Logging
import MCP

/// Stateful mode: one SDK server and `StatefulHTTPServerTransport` per MCP session, created by
/// `initialize` and found again by `Mcp-Session-Id`.
///
/// A session belongs to the identity that opened it: a request naming the session under
/// another identity is refused, so a leaked session id cannot lend one store's session to
/// another caller, and the per-request identity can never change mid-session.
actor SessionRegistry: TransportHost {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        let owner: UUID
        /// Who is charged for it: the identity and, in token mode, the token.
        let principal: String
        var lastUsed: ContinuousClock.Instant
    }

    /// Hands the transport the session id chosen here, so it is known before the transport answers.
    private struct FixedSessionID: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { id }
    }

    private let factory: MCPSessionFactory
    private let idleTimeout: Duration
    private let maxSessions: Int
    private let maxSessionsPerPrincipal: Int
    private let logger: Logger
    /// The SDK's transport logs whole session ids at info level; it only gets warnings.
    private let transportLogger: Logger
    private let pipeline = TransportValidation.pipeline(stateless: false)
    private let checks = TransportChecks(stateless: false)
    private var sessions: [String: Session] = [:]

    init(factory: MCPSessionFactory, idleTimeout: Duration, maxSessions: Int, maxSessionsPerPrincipal: Int, logger: Logger) {
        self.factory = factory
        self.idleTimeout = idleTimeout
        self.maxSessions = maxSessions
        self.maxSessionsPerPrincipal = maxSessionsPerPrincipal
        self.logger = logger
        transportLogger = logger.quieter
    }

    var sessionCount: Int { sessions.count }

    func handle(_ request: MCP.HTTPRequest, envelope: JSONRPCEnvelope?, principal: Principal) async -> HostAnswer {
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard var session = sessions[id] else {
                return .transport(.error(statusCode: 404, .invalidRequest("Not Found: unknown or expired session; initialize a new one")))
            }
            guard session.owner == principal.identity.rlsUserID else {
                logger.notice("session used under another identity", metadata: ["profile": "\(principal.identity.profile)"])
                return .refused(Refusal(status: 403, code: Refusal.identityCode,
                                        message: "Forbidden: this session was opened by another identity; initialize a new session",
                                        reason: .session))
            }
            session.lastUsed = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200 {
                await close(id)
            }
            return .transport(response)
        }
        guard request.method.uppercased() == "POST", envelope?.isInitialize == true else {
            return .transport(.error(statusCode: 400,
                                     .invalidRequest("Bad Request: missing \(HTTPHeaderName.sessionID) header; send initialize first")))
        }
        return await open(request, owner: principal)
    }

    /// A known session of this principal, and the transport's checks for it (Accept with SSE,
    /// Content-Type, MCP-Protocol-Version, session id); the use counts as activity. Anything
    /// else (no or unknown session, another identity's) goes to `handle`, which refuses it.
    func admitDirect(_ headers: TransportHeaders, principal: Principal) -> [String: String]? {
        guard let id = headers.sessionID, var session = sessions[id], session.owner == principal.identity.rlsUserID,
              checks.accept(headers) else { return nil }
        session.lastUsed = .now
        sessions[id] = session
        return [HTTPHeaderName.sessionID: id]
    }

    /// The key a principal's sessions are counted under.
    private static func quotaKey(_ principal: Principal) -> String {
        principal.identity.rlsUserID.uuidString + (principal.tokenLabel.map { " " + $0 } ?? "")
    }

    private func open(_ request: MCP.HTTPRequest, owner: Principal) async -> HostAnswer {
        // One principal's sessions never crowd out another's: at its quota, its own least
        // recently used session makes room.
        let key = Self.quotaKey(owner)
        let own = sessions.filter { $0.value.principal == key }
        if own.count >= maxSessionsPerPrincipal, let oldest = own.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            logger.info("session closed for a newer one of the same principal",
                        metadata: ["session": "\(oldest.key.prefix(8))", "profile": "\(owner.identity.profile)"])
            await close(oldest.key)
        }
        if sessions.count >= maxSessions { await sweep() }
        guard sessions.count < maxSessions else {
            return .refused(Refusal(status: 503, code: Refusal.invalidRequestCode,
                                    message: "Service Unavailable: too many open MCP sessions; try again later", reason: .busy,
                                    headers: ["Retry-After": "30"]))
        }
        let id = UUID().uuidString.lowercased()
        let transport = StatefulHTTPServerTransport(sessionIDGenerator: FixedSessionID(id: id), validationPipeline: pipeline,
                                                    logger: transportLogger)
        let server = await factory.makeServer()
        do {
            try await server.start(transport: transport)
        } catch {
            return .transport(.error(statusCode: 500, .internalError("could not start an MCP session: \(error)")))
        }
        let response = await transport.handleRequest(request)
        if case .error = response {
            await server.stop()
        } else {
            sessions[id] = Session(server: server, transport: transport, owner: owner.identity.rlsUserID, principal: key,
                                   lastUsed: .now)
            logger.info("session opened", metadata: ["session": "\(id.prefix(8))", "profile": "\(owner.identity.profile)"])
        }
        return .transport(response)
    }

    func sweep() async {
        let now = ContinuousClock.now
        for (id, session) in sessions where now - session.lastUsed > idleTimeout {
            logger.info("session expired", metadata: ["session": "\(id.prefix(8))"])
            await close(id)
        }
    }

    func closeAll() async {
        for id in Array(sessions.keys) { await close(id) }
    }

    private func close(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await session.server.stop()
    }
}
