import Crypto
import CryptoExtras
import Foundation
import Hummingbird
import JWTKit
import Logging
import ServiceLifecycle
import Synchronization

/// A local stand-in for an OpenID Connect identity provider (Entra ID or any other): an
/// issuer on loopback serving its discovery document and its key set (JWKS), with keys
/// generated for each run, and the tokens the tests need - valid ones, and every kind of bad
/// one. It can rotate keys, drop them and go down, and counts how often its keys were fetched.
public final class StandInAuthorizationServer: Sendable {
    /// A signing key: published in the JWKS (or not), with the private half to mint tokens.
    public struct Key: Sendable {
        public let kid: String
        /// RS256 or ES256.
        public let algorithm: String
        let signer: JWTKeyCollection
        let jwk: [String: String]
        /// The public key in PEM, for the "HMAC keyed with the public key" attack.
        public let publicPEM: String
    }

    private struct State {
        var published: [Key] = []
        var current: Key?
        var keyFetches = 0
        var discoveryFetches = 0
        var down = false
    }

    /// The state the routes and the tests share.
    private final class Shared: Sendable {
        let state = Mutex(State())
        func withLock<T>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }
    }

    public let port: Int
    private let state: Shared
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public var issuer: String { "http://127.0.0.1:\(port)" }
    public var jwksURI: String { issuer + "/keys" }
    public var keyFetches: Int { state.withLock { $0.keyFetches } }
    public var discoveryFetches: Int { state.withLock { $0.discoveryFetches } }
    public var publishedKeyIDs: [String] { state.withLock { $0.published.map(\.kid) } }
    /// The key new tokens are signed with.
    public var currentKey: Key { state.withLock { $0.current! } }

    /// Starts on a free loopback port with one RS256 key (the current one) and one ES256 key.
    public static func start() async throws -> StandInAuthorizationServer {
        let state = Shared()
        let router = Router()
        router.get("/.well-known/openid-configuration") { request, _ -> Response in
            let host = request.head.authority ?? "127.0.0.1"
            state.withLock { $0.discoveryFetches += 1 }
            return json(["issuer": "http://\(host)", "jwks_uri": "http://\(host)/keys",
                         "authorization_endpoint": "http://\(host)/authorize", "token_endpoint": "http://\(host)/token",
                         "id_token_signing_alg_values_supported": ["RS256", "ES256"]])
        }
        router.get("/keys") { _, _ -> Response in
            let (down, keys) = state.withLock { state in
                state.keyFetches += 1
                return (state.down, state.published.map(\.jwk))
            }
            if down { return Response(status: .serviceUnavailable) }
            return json(["keys": keys])
        }
        let ports = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "stand-in-authorization-server")
        logger.logLevel = .critical
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in
                                          ports.continuation.yield(channel.localAddress?.port ?? 0)
                                          ports.continuation.finish()
                                      }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await bound in ports.stream { port = bound }
        guard port > 0 else { throw StandInError(message: "the stand-in authorization server did not start") }
        let server = StandInAuthorizationServer(port: port, state: state, group: group, task: task)
        let rsa = try await server.newKey(algorithm: "RS256")
        let ec = try await server.newKey(algorithm: "ES256")
        state.withLock {
            $0.published = [rsa, ec]
            $0.current = rsa
        }
        return server
    }

    private init(port: Int, state: Shared, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.state = state
        self.group = group
        self.task = task
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// A fresh key pair, not yet published.
    public func newKey(algorithm: String, kid: String? = nil) async throws -> Key {
        let kid = kid ?? "\(algorithm.lowercased())-\(UUID().uuidString.prefix(8).lowercased())"
        let signer = JWTKeyCollection()
        switch algorithm {
        case "RS256":
            let backing = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let key = try Insecure.RSA.PrivateKey(backing: backing)
            await signer.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            let primitives = try key.publicKey.getKeyPrimitives()
            return Key(kid: kid, algorithm: algorithm, signer: signer,
                       jwk: ["kty": "RSA", "use": "sig", "kid": kid, "n": Self.base64URL(primitives.modulus),
                             "e": Self.base64URL(primitives.publicExponent)],
                       publicPEM: key.publicKey.pemRepresentation)
        case "ES256":
            let key = ES256PrivateKey()
            await signer.add(ecdsa: key, kid: JWKIdentifier(string: kid))
            guard let parameters = key.parameters else { throw StandInError(message: "no EC parameters") }
            return Key(kid: kid, algorithm: algorithm, signer: signer,
                       jwk: ["kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid, "x": parameters.x, "y": parameters.y],
                       publicPEM: key.publicKey.pemRepresentation)
        default:
            throw StandInError(message: "unsupported algorithm \(algorithm)")
        }
    }

    /// Rotation: a new RS256 key is published and signs new tokens; the old ones stay published.
    @discardableResult
    public func rotate() async throws -> Key {
        let key = try await newKey(algorithm: "RS256")
        state.withLock {
            $0.published.append(key)
            $0.current = key
        }
        return key
    }

    /// Takes a key out of the JWKS.
    public func unpublish(_ kid: String) {
        state.withLock { $0.published.removeAll { $0.kid == kid } }
    }

    /// While down, the JWKS answers 503.
    public func setDown(_ down: Bool) {
        state.withLock { $0.down = down }
    }

    public func key(_ kid: String) -> Key? { state.withLock { $0.published.first { $0.kid == kid } } }

    /// Standard claims for a token this issuer would give `audience`, valid from a minute ago for
    /// `lifetime`, plus `extra`.
    public func claims(audience: String, subject: String = "user-\(UUID().uuidString.prefix(8))", lifetime: TimeInterval = 600,
                       _ extra: [String: StandInClaims.Value] = [:]) -> [String: StandInClaims.Value] {
        let now = Date().timeIntervalSince1970.rounded(.down)
        return ["iss": .string(issuer), "aud": .string(audience), "sub": .string(subject),
                "iat": .number(now - 60), "nbf": .number(now - 60), "exp": .number(now + lifetime)].merging(extra) { $1 }
    }

    /// A token signed by `key` (default: the current key), naming it by its kid.
    public func sign(_ claims: [String: StandInClaims.Value], with key: Key? = nil, kid: String? = nil) async throws -> String {
        let key = key ?? currentKey
        // The collection holds this key alone: another kid still signs with it.
        return try await key.signer.sign(StandInClaims(claims), kid: JWKIdentifier(string: kid ?? key.kid))
    }

    /// `alg: none`: no signature at all.
    public func unsigned(_ claims: [String: StandInClaims.Value], kid: String) throws -> String {
        let header = try JSONSerialization.data(withJSONObject: ["alg": "none", "typ": "JWT", "kid": kid])
        let payload = try JSONEncoder().encode(StandInClaims(claims))
        return Self.base64URL(header) + "." + Self.base64URL(payload) + "."
    }

    /// The classic confusion attack: HS256, keyed with the RSA key's public PEM (which anyone
    /// can read from the JWKS), naming that RSA key's kid.
    public func hmacWithPublicKey(_ claims: [String: StandInClaims.Value], key: Key) async throws -> String {
        let forger = JWTKeyCollection()
        await forger.add(hmac: HMACKey(from: key.publicPEM), digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.kid))
        return try await forger.sign(StandInClaims(claims), kid: JWKIdentifier(string: key.kid))
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func json(_ object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Claims of a stand-in token, any names and values.
public struct StandInClaims: JWTPayload {
    public enum Value: Codable, Sendable, Equatable {
        case string(String), number(Double), strings([String])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else { self = .strings(try container.decode([String].self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .strings(let value): try container.encode(value)
            }
        }
    }

    public var values: [String: Value]

    public init(_ values: [String: Value]) { self.values = values }

    private struct Name: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        values = try Dictionary(uniqueKeysWithValues: container.allKeys.map { ($0.stringValue, try container.decode(Value.self, forKey: $0)) })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Name.self)
        for (name, value) in values { try container.encode(value, forKey: Name(stringValue: name)) }
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

public struct StandInError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
