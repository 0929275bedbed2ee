import Foundation
import JWTKit
import Logging
import ZavaCore

/// Builds verified-token mode from `AuthSettings`: the keys (the identity provider's key set,
/// fetched now, or the development secret), the claim mapping and the verifier. Every mistake
/// an operator can make (an unreachable key set, an unknown identity in the claim map) fails
/// here, before the server listens.
struct TokenAuthentication: Sendable {
    let verifier: TokenVerifier
    /// The identity provider's keys, refreshed on a schedule while the server runs; nil for the
    /// development secret.
    let keyRing: KeyRing?
    /// What the operator should know at start-up.
    let notes: [String]

    static func make(_ settings: AuthSettings, directory: IdentityDirectory, resource: ProtectedResource, logger: Logger,
                     fetcher: any DocumentFetching = URLSessionDocumentFetcher()) async throws -> TokenAuthentication {
        let map = try settings.claimMapFile.map { try ClaimMap.load($0, directory: directory) }
        let mapper = IdentityClaimMapper(claim: settings.identityClaim, map: map, directory: directory)
        let keys: any SigningKeys
        let keyRing: KeyRing?
        var notes: [String] = []
        switch settings.mode {
        case .identityProvider(let source):
            let ring = KeyRing(source: source, issuer: settings.issuers.first, refreshInterval: settings.keyRefreshInterval,
                               minimumInterval: settings.keyRefreshMinimumInterval, fetcher: fetcher, logger: logger)
            do {
                try await ring.load()
            } catch {
                throw TokenAuthenticationError(message: "cannot load the identity provider's signing keys: \(error)")
            }
            keys = ring
            keyRing = ring
            notes.append("Verified-token mode: JWTs from \(settings.issuers.joined(separator: " or ")) "
                         + "for \(resource.audiences.sorted().joined(separator: ", ")); the identity comes from the token's "
                         + "\(settings.identityClaim) claim\(map.map { " through \($0.identities.count) claim-map entries" } ?? ""); "
                         + "\(ring.summary). Requests without a valid token get 401; x-rls-user-id is ignored.")
        case .developmentSecret(let secret):
            let collection = JWTKeyCollection()
            await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            keys = DevelopmentKey(key: SigningKey(id: "", algorithm: "HS256", material: "HMAC", verifier: collection))
            keyRing = nil
            let warning = "DEVELOPMENT TOKENS (AUTH_DEV_HMAC_SECRET): anyone holding the secret can sign in as any store or as "
                + "head office. Not for production: use AZURE_TENANT_ID or AUTH_ISSUER with your identity provider."
            logger.warning("\(warning)")
            notes.append("WARNING: \(warning) Mint a token with `zava token mint --as seattle`.")
        }
        let verifier = TokenVerifier(keys: keys, issuers: settings.issuers, clockSkew: settings.clockSkew, resource: resource,
                                     mapper: mapper, source: settings.isDevelopment ? .developmentJWT : .jwt, logger: logger)
        return TokenAuthentication(verifier: verifier, keyRing: keyRing, notes: notes)
    }
}

public struct TokenAuthenticationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
