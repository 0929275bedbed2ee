import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// A signing key generated for a test run: its JWK (what a JWKS publishes), the private half
/// to sign tokens, and the forgeries a resource server must refuse.
public struct StandInKey: Sendable {
    public let kid: String
    /// RS256 or ES256.
    public let algorithm: String
    /// The public key as a JWKS entry.
    public let jwk: [String: String]
    /// The public key in PEM, which anyone can derive from the JWKS.
    public let publicPEM: String
    private let signer: JWTKeyCollection

    public static func generate(algorithm: String, kid: String? = nil) async throws -> StandInKey {
        let kid = kid ?? "\(algorithm.lowercased())-\(UUID().uuidString.prefix(8).lowercased())"
        let signer = JWTKeyCollection()
        switch algorithm {
        case "RS256":
            let key = try Insecure.RSA.PrivateKey(backing: try _RSA.Signing.PrivateKey(keySize: .bits2048))
            await signer.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            let primitives = try key.publicKey.getKeyPrimitives()
            return StandInKey(kid: kid, algorithm: algorithm,
                              jwk: ["kty": "RSA", "use": "sig", "kid": kid, "n": base64URL(primitives.modulus),
                                    "e": base64URL(primitives.publicExponent)],
                              publicPEM: key.publicKey.pemRepresentation, signer: signer)
        case "ES256":
            let key = ES256PrivateKey()
            await signer.add(ecdsa: key, kid: JWKIdentifier(string: kid))
            guard let parameters = key.parameters else { throw StandInError(message: "no EC parameters") }
            return StandInKey(kid: kid, algorithm: algorithm,
                              jwk: ["kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
                                    "x": parameters.x, "y": parameters.y],
                              publicPEM: key.publicKey.pemRepresentation, signer: signer)
        default:
            throw StandInError(message: "unsupported algorithm \(algorithm)")
        }
    }

    /// A JWKS document of `keys`.
    public static func jwks(_ keys: [StandInKey]) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["keys": keys.map(\.jwk)])
    }

    /// A token signed with this key, naming `kid` (default its own: another kid makes a token
    /// whose signature is not the named key's).
    public func sign(_ claims: [String: StandInClaims.Value], kid: String? = nil) async throws -> String {
        // The collection holds this key alone, so any kid still signs with it.
        try await signer.sign(StandInClaims(claims), kid: JWKIdentifier(string: kid ?? self.kid))
    }

    /// `alg: none`: no signature at all, naming this key.
    public func unsigned(_ claims: [String: StandInClaims.Value]) throws -> String {
        let header = try JSONSerialization.data(withJSONObject: ["alg": "none", "typ": "JWT", "kid": kid])
        return Self.base64URL(header) + "." + Self.base64URL(try JSONEncoder().encode(StandInClaims(claims))) + "."
    }

    /// The key-confusion attack: HS256 keyed with this key's public PEM, naming this key.
    public func hmacWithPublicKey(_ claims: [String: StandInClaims.Value]) async throws -> String {
        let forger = JWTKeyCollection()
        await forger.add(hmac: HMACKey(from: publicPEM), digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        return try await forger.sign(StandInClaims(claims), kid: JWKIdentifier(string: kid))
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension StandInKey {
    /// Key `index` of `algorithm`, generated once per test process: RSA key generation takes a
    /// good part of a second, and tests that only need distinct keys can share them.
    public static func shared(_ algorithm: String, _ index: Int = 0) async throws -> StandInKey {
        try await SharedKeys.instance.key(algorithm, index)
    }
}

/// The keys `StandInKey.shared` hands out.
private actor SharedKeys {
    static let instance = SharedKeys()
    private var keys: [String: Task<StandInKey, any Error>] = [:]

    func key(_ algorithm: String, _ index: Int) async throws -> StandInKey {
        let name = "\(algorithm)-\(index)"
        if let known = keys[name] { return try await known.value }
        let task = Task { try await StandInKey.generate(algorithm: algorithm, kid: "\(algorithm.lowercased())-shared-\(index)") }
        keys[name] = task
        return try await task.value
    }
}
