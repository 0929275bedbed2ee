import Foundation
import Logging
import NIOConcurrencyHelpers

/// The `Mcp-Session-Id` sessions of legacy clients (2025-11-25 and earlier, stateful mode):
/// which identity opened each, at which revision, and when it was last used. Nothing else is
/// kept: answers are sent once and never replayed, so a session costs a few bytes.
///
/// A session belongs to the identity (and token) that opened it: a request naming it under
/// another identity is refused, so a leaked session id cannot lend one store's session to
/// another caller. One principal's sessions never crowd out another's: at its quota, its own
/// least recently used session makes room.
final class LegacySessions: Sendable {
    private struct Session {
        let owner: UUID
        /// Who is charged for it: the identity and, in token mode, the token.
        let principal: String
        let revision: ProtocolRevision
        var lastUsed: ContinuousClock.Instant
    }

    private let idleTimeout: Duration
    private let maxSessions: Int
    private let maxSessionsPerPrincipal: Int
    private let logger: Logger
    private let sessions = NIOLockedValueBox<[String: Session]>([:])

    init(idleTimeout: Duration, maxSessions: Int, maxSessionsPerPrincipal: Int, logger: Logger) {
        self.idleTimeout = idleTimeout
        self.maxSessions = maxSessions
        self.maxSessionsPerPrincipal = maxSessionsPerPrincipal
        self.logger = logger
    }

    var count: Int { sessions.withLockedValue { $0.count } }

    /// A new session for `principal` at `revision`, or the refusal when the server is full.
    func open(for principal: Principal, revision: ProtocolRevision) -> Result<String, Refusal> {
        let key = Self.quotaKey(principal)
        let now = ContinuousClock.now
        let id = UUID().lowercaseText
        let outcome = sessions.withLockedValue { sessions -> (opened: Bool, evicted: String?) in
            var evicted: String?
            let own = sessions.filter { $0.value.principal == key }
            if own.count >= maxSessionsPerPrincipal, let oldest = own.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                sessions[oldest.key] = nil
                evicted = oldest.key
            }
            if sessions.count >= maxSessions {
                sessions = sessions.filter { now - $0.value.lastUsed <= idleTimeout }
            }
            guard sessions.count < maxSessions else { return (false, evicted) }
            sessions[id] = Session(owner: principal.identity.rlsUserID, principal: key, revision: revision, lastUsed: now)
            return (true, evicted)
        }
        if let evicted = outcome.evicted {
            logger.info("session closed for a newer one of the same principal",
                        metadata: ["session": "\(evicted.prefix(8))", "profile": "\(principal.identity.profile)"])
        }
        guard outcome.opened else {
            return .failure(Refusal(status: 503, code: Refusal.invalidRequestCode,
                                    message: "Service Unavailable: too many open MCP sessions; try again later", reason: .busy,
                                    headers: ["Retry-After": "30"]))
        }
        logger.info("session opened", metadata: ["session": "\(id.prefix(8))", "profile": "\(principal.identity.profile)"])
        return .success(id)
    }

    /// The revision of session `id` for `principal` (the use counts as activity), or why not.
    func use(_ id: String, by principal: Principal) -> Result<ProtocolRevision, Refusal> {
        let found = sessions.withLockedValue { sessions -> Session? in
            guard var session = sessions[id] else { return nil }
            if session.owner == principal.identity.rlsUserID { session.lastUsed = .now }
            sessions[id] = session
            return session
        }
        guard let found else {
            return .failure(Refusal(status: 404, code: Refusal.invalidRequestCode,
                                    message: "Not Found: unknown or expired session; initialize a new one", reason: .session))
        }
        guard found.owner == principal.identity.rlsUserID else {
            logger.notice("session used under another identity", metadata: ["profile": "\(principal.identity.profile)"])
            return .failure(Refusal(status: 403, code: Refusal.identityCode,
                                    message: "Forbidden: this session was opened by another identity; initialize a new session",
                                    reason: .session))
        }
        return .success(found.revision)
    }

    /// Ends session `id` (a client's DELETE, after `use` found it theirs).
    func close(_ id: String) {
        _ = sessions.withLockedValue { $0.removeValue(forKey: id) }
    }

    /// Closes the sessions idle for longer than the timeout.
    func sweep() {
        let now = ContinuousClock.now
        let expired = sessions.withLockedValue { sessions -> [String] in
            let old = sessions.filter { now - $0.value.lastUsed > idleTimeout }.map(\.key)
            for id in old { sessions[id] = nil }
            return old
        }
        for id in expired { logger.info("session expired", metadata: ["session": "\(id.prefix(8))"]) }
    }

    func closeAll() {
        sessions.withLockedValue { $0.removeAll() }
    }

    /// The key a principal's sessions are counted under.
    private static func quotaKey(_ principal: Principal) -> String {
        principal.identity.rlsUserID.lowercaseText + (principal.tokenLabel.map { " " + $0 } ?? "")
    }
}
