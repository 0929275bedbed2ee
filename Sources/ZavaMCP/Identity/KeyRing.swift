import Foundation
import Logging
import NIOConcurrencyHelpers
import ZavaCore

/// The identity provider's signing keys, fetched at start-up, again on a schedule, and when a
/// token names a key not in the set (a rotation) - at most once per minimum interval, and one
/// fetch for all the requests that wait on it. A failed fetch keeps the keys already known:
/// tokens signed with them keep working, tokens naming any other key are refused. A known
/// `kid` never waits for the network.
final class KeyRing: SigningKeys {
    private struct State {
        var keys: [String: SigningKey] = [:]
        var generation = 0
        var jwksURL: URL?
        var lastAttempt: ContinuousClock.Instant?
        var lastSuccess: Date?
        var lastFailure: String?
        var fetches = 0
        var refreshing: Task<Void, Never>?
    }

    let source: AuthSettings.KeySource
    /// The issuer a discovery document must name (OIDC Discovery 1.0, section 4.3).
    let issuer: String?
    let refreshInterval: Duration
    let minimumInterval: Duration
    private let fetcher: any DocumentFetching
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(source: AuthSettings.KeySource, issuer: String?, refreshInterval: Duration, minimumInterval: Duration,
         fetcher: any DocumentFetching, logger: Logger) {
        self.source = source
        self.issuer = issuer
        self.refreshInterval = refreshInterval
        self.minimumInterval = minimumInterval
        self.fetcher = fetcher
        self.logger = logger
        if case .jwks(let url) = source { state.withLockedValue { $0.jwksURL = url } }
    }

    var generation: Int { state.withLockedValue { $0.generation } }
    var keyIDs: [String] { state.withLockedValue { $0.keys.keys.sorted() } }
    /// Fetches of the key set (and discovery document) so far.
    var fetches: Int { state.withLockedValue { $0.fetches } }

    var summary: String {
        state.withLockedValue { state in
            let url = state.jwksURL?.absoluteString ?? "(not discovered yet)"
            var text = "\(state.keys.count) signing key\(state.keys.count == 1 ? "" : "s") from \(url)"
            if let success = state.lastSuccess { text += ", fetched \(Int(-success.timeIntervalSinceNow)) s ago" }
            if let failure = state.lastFailure { text += "; last refresh failed: \(failure)" }
            return text
        }
    }

    func key(for kid: String?) async -> Result<SigningKey, TokenRejection> {
        guard let kid, !kid.isEmpty else { return .failure(.missingKeyID) }
        if let known = state.withLockedValue({ $0.keys[kid] }) { return .success(known) }
        await refresh(minimumInterval: minimumInterval)
        if let fetched = state.withLockedValue({ $0.keys[kid] }) { return .success(fetched) }
        return .failure(.unknownKey(kid))
    }

    /// The fetch at start-up: the server does not start without a key set.
    func load() async throws {
        state.withLockedValue { $0.lastAttempt = .now }
        try await fetchAndInstall()
    }

    /// Refreshes on the schedule until cancelled.
    func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: refreshInterval) } catch { return }
            await refresh(minimumInterval: .zero)
        }
    }

    /// One fetch, unless one ran less than `minimumInterval` ago; callers arriving while a
    /// fetch runs wait for that one.
    func refresh(minimumInterval: Duration) async {
        let task = state.withLockedValue { current -> Task<Void, Never>? in
            if let running = current.refreshing { return running }
            if let last = current.lastAttempt, ContinuousClock.now - last < minimumInterval { return nil }
            current.lastAttempt = .now
            let task = Task { await self.refreshNow() }
            current.refreshing = task
            return task
        }
        await task?.value
    }

    private func refreshNow() async {
        do {
            try await fetchAndInstall()
        } catch {
            let reason = "\(error)"
            state.withLockedValue { $0.lastFailure = reason }
            logger.warning("could not refresh the signing keys; keeping the known ones", metadata: ["error": "\(reason)"])
        }
        state.withLockedValue { $0.refreshing = nil }
    }

    private func fetchAndInstall() async throws {
        let url = try await jwksURL()
        state.withLockedValue { $0.fetches += 1 }
        let parsed = try await KeySetDocument.parse(try await fetcher.fetch(url))
        for skipped in parsed.skipped { logger.info("signing key skipped", metadata: ["reason": "\(skipped)"]) }
        guard !parsed.keys.isEmpty else { throw KeySetError(message: "\(url.absoluteString) holds no RS256 or ES256 signing key") }
        let fresh = Dictionary(parsed.keys.map { ($0.id, $0) }) { first, _ in first }
        let (added, removed) = state.withLockedValue { state -> ([String], [String]) in
            let removed = state.keys.filter { fresh[$0.key]?.material != $0.value.material }.map(\.key)
            let added = fresh.keys.filter { state.keys[$0]?.material != fresh[$0]?.material }
            // Tokens checked with a key that is gone (or changed) must be checked again.
            if !removed.isEmpty { state.generation += 1 }
            state.keys = fresh
            state.lastSuccess = Date()
            state.lastFailure = nil
            return (added.sorted(), removed.sorted())
        }
        if !added.isEmpty || !removed.isEmpty {
            logger.info("signing keys updated", metadata: ["url": "\(url.absoluteString)", "added": "\(added.joined(separator: ","))",
                                                           "removed": "\(removed.joined(separator: ","))"])
        }
    }

    /// The JWKS URL: configured, or read from the issuer's discovery document (once).
    private func jwksURL() async throws -> URL {
        if let known = state.withLockedValue({ $0.jwksURL }) { return known }
        guard case .discovery(let issuerURL) = source else { throw KeySetError(message: "no JWKS URL") }
        let discovery = issuerURL.absoluteString.hasSuffix("/")
            ? issuerURL.appendingPathComponent(".well-known/openid-configuration")
            : URL(string: issuerURL.absoluteString + "/.well-known/openid-configuration") ?? issuerURL
        state.withLockedValue { $0.fetches += 1 }
        guard let document = JSONReader.read(try await fetcher.fetch(discovery))?.object else {
            throw KeySetError(message: "\(discovery.absoluteString) is not a JSON object")
        }
        guard let issuer, document["issuer"]?.string == issuer else {
            throw KeySetError(message: "\(discovery.absoluteString) names issuer \(document["issuer"]?.string ?? "none"), not \(issuer ?? "?")")
        }
        guard let text = document["jwks_uri"]?.string else { throw KeySetError(message: "\(discovery.absoluteString) has no jwks_uri") }
        let url = try AuthSettings.fetchable(text, key: "jwks_uri of \(discovery.absoluteString)")
        state.withLockedValue { $0.jwksURL = url }
        return url
    }
}
