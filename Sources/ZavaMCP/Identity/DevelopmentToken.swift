import Foundation
import JWTKit
import ZavaCore

/// `zava token mint`: an HS256 token signed with the development secret, carrying exactly what
/// the server checks (issuer, audience, expiry, the identity claim), so a developer can try
/// verified-token mode without an identity provider. Never for production: the secret signs
/// any identity.
public enum DevelopmentToken {
    /// A token for `identityName` (a profile, store name or rls_user_id), valid for `lifetime`,
    /// for the endpoint `configuration` describes.
    public static func mint(_ settings: AuthSettings, directory: IdentityDirectory, identity identityName: String,
                            configuration: MCPServerConfiguration, lifetime: Duration, subject: String? = nil,
                            now: Date = Date()) async throws -> (token: String, identity: Identity, audience: String) {
        guard case .developmentSecret(let secret) = settings.mode else {
            throw TokenAuthenticationError(message: "zava token mint needs AUTH_DEV_HMAC_SECRET: with an identity provider, "
                                           + "tokens come from it (sign in from your MCP client)")
        }
        let identity = try directory.resolve(identityName)
        let claimValue: String
        if let file = settings.claimMapFile {
            let map = try ClaimMap.load(file, directory: directory)
            guard let value = map.identities.filter({ $0.value == identity }).keys.sorted().first else {
                throw TokenAuthenticationError(message: "\(file.path) maps no \(settings.identityClaim) value to \(identity.profile)")
            }
            claimValue = value
        } else {
            claimValue = identity.rlsUserID.lowercaseText
        }
        let resource = ProtectedResource.url(settings, configuration: configuration, port: configuration.port)
        let audience = settings.audiences.first ?? resource
        let issued = now.timeIntervalSince1970.rounded(.down)
        var claims: [String: TokenClaims.Value] = [
            "iss": .string(settings.issuers.first ?? AuthSettings.developmentIssuer),
            "aud": .string(audience),
            "sub": .string(subject ?? "dev-\(identity.profile)"),
            "iat": .number(issued),
            "nbf": .number(issued),
            "exp": .number(issued + Double(lifetime.components.seconds)),
        ]
        claims[settings.identityClaim] = .string(claimValue)
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return (try await keys.sign(TokenClaims(claims)), identity, audience)
    }
}
