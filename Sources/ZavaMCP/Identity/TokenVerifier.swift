import Foundation
import JWTKit
import Logging
import ZavaCore

/// Bearer JWT to principal, failing closed at every step: a well-formed token; an algorithm
/// the token's key allows (never `none`, never one the token picks); a signature jwt-kit
/// verifies; `exp`, `nbf`, `iss` and `aud` (`TokenClaimRules`); and exactly one known
/// identity from its claim (`IdentityClaimMapper`). Verified tokens are cached briefly.
struct TokenVerifier: Sendable {
    let keys: any SigningKeys
    let issuers: Set<String>
    let clockSkew: Duration
    let resource: ProtectedResource
    let mapper: IdentityClaimMapper
    let source: Principal.Source
    let cache: VerifiedTokenCache
    let logger: Logger
    /// Seconds since 1970; a parameter so tests can move time.
    let now: @Sendable () -> Double

    init(keys: any SigningKeys, issuers: [String], clockSkew: Duration, resource: ProtectedResource, mapper: IdentityClaimMapper,
         source: Principal.Source, cache: VerifiedTokenCache = VerifiedTokenCache(), logger: Logger,
         now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.keys = keys
        self.issuers = Set(issuers)
        self.clockSkew = clockSkew
        self.resource = resource
        self.mapper = mapper
        self.source = source
        self.cache = cache
        self.logger = logger
        self.now = now
    }

    func principal(for token: String) async -> Result<Principal, TokenRejection> {
        let key = VerifiedTokenCache.Key(token)
        let generation = keys.generation
        let now = self.now()
        if let known = cache.principal(for: key, now: now, generation: generation) { return .success(known) }
        switch await verify(token, now: now) {
        case .success(let (principal, until)):
            cache.remember(principal, for: key, now: now, validUntil: until, generation: generation)
            return .success(principal)
        case .failure(let rejection):
            logger.info("bearer token refused", metadata: ["status": "\(rejection.status)", "reason": "\(rejection.description)"])
            return .failure(rejection)
        }
    }

    /// The full check, without the cache: the principal and until when it holds.
    func verify(_ token: String, now: Double) async -> Result<(Principal, Double), TokenRejection> {
        let header: JWTHeader
        do {
            header = try DefaultJWTParser().parse(Array(token.utf8), as: TokenClaims.self).header
        } catch {
            return .failure(.malformed)
        }
        guard let algorithm = header.alg, !algorithm.isEmpty else { return .failure(.malformed) }
        guard algorithm.lowercased() != "none" else { return .failure(.unsignedToken) }
        guard header.fields["crit"] == nil else { return .failure(.criticalHeader) }
        let signingKey: SigningKey
        switch await keys.key(for: header.kid) {
        case .success(let found): signingKey = found
        case .failure(let rejection): return .failure(rejection)
        }
        guard algorithm == signingKey.algorithm else {
            return .failure(.algorithmMismatch(token: algorithm, key: signingKey.algorithm))
        }
        let claims: TokenClaims
        do {
            claims = try await signingKey.verify(token)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            return .failure(.badSignature)
        } catch {
            return .failure(.malformed)
        }
        let rules = TokenClaimRules(issuers: issuers, audiences: resource.audiences, clockSkew: clockSkew)
        if let rejection = rules.rejection(of: claims, now: now) { return .failure(rejection) }
        switch mapper.identity(from: claims) {
        case .success(let identity):
            let subject = claims.subject.map { String($0.prefix(256)) }
            let principal = Principal(identity: identity, source: source, tokenLabel: subject.map { "sub:" + TokenRejection.clean($0) },
                                      subject: subject)
            return .success((principal, rules.acceptableUntil(claims)))
        case .failure(let rejection):
            return .failure(rejection)
        }
    }
}
