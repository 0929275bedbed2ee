import JWTKit

/// One key a token may be signed with, and the one algorithm it may be used with: the key pins
/// the algorithm, so a token cannot choose how it is checked (`alg: none`, or HS256 keyed with
/// an RSA public key). The signature itself is checked by jwt-kit.
struct SigningKey: Sendable {
    /// The `kid` tokens name it by; empty for the development secret, which needs none.
    let id: String
    /// RS256 or ES256 for an identity provider's keys, HS256 for the development secret.
    let algorithm: String
    /// The key material as published (kty and its public parameters): equal material under
    /// the same kid means the same key after a refresh.
    let material: String
    /// A collection holding this key alone, so jwt-kit can never fall back to another one.
    let verifier: JWTKeyCollection

    /// The payload of `token` if its signature is this key's; throws otherwise.
    func verify(_ token: String) async throws -> TokenClaims {
        try await verifier.verify(token, as: TokenClaims.self)
    }
}
