import Foundation
import Hummingbird
import JWTKit
import Synchronization

/// A local stand-in for an OpenID Connect identity provider (Entra ID or any other): an
/// issuer on loopback serving its discovery document and its key set (JWKS), with keys
/// generated for each run (`StandInKey`, which also forges the bad tokens). It can rotate keys,
/// drop them and go down, and counts how often its discovery document and keys were fetched.
public final class StandInAuthorizationServer: Sendable {
    private struct State {
        var published: [StandInKey] = []
        var current: StandInKey?
        var keyFetches = 0
        var discoveryFetches = 0
        var down = false
    }

    /// The state the routes and the tests share.
    private final class Shared: Sendable {
        let state = Mutex(State())
        func withLock<T>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }
    }

    private let server: LoopbackServer
    private let state: Shared

    public var port: Int { server.port }

    public var issuer: String { "http://127.0.0.1:\(port)" }
    public var jwksURI: String { issuer + "/keys" }
    public var keyFetches: Int { state.withLock { $0.keyFetches } }
    public var discoveryFetches: Int { state.withLock { $0.discoveryFetches } }
    public var publishedKeyIDs: [String] { state.withLock { $0.published.map(\.kid) } }
    /// The key new tokens are signed with.
    public var currentKey: StandInKey { state.withLock { $0.current! } }

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
        let server = StandInAuthorizationServer(server: try await LoopbackServer.start(router, name: "stand-in authorization server"),
                                                state: state)
        let rsa = try await StandInKey.generate(algorithm: "RS256")
        let ec = try await StandInKey.generate(algorithm: "ES256")
        state.withLock {
            $0.published = [rsa, ec]
            $0.current = rsa
        }
        return server
    }

    private init(server: LoopbackServer, state: Shared) {
        self.server = server
        self.state = state
    }

    public func stop() async { await server.stop() }

    /// Rotation: a new RS256 key is published and signs new tokens; the old ones stay published.
    @discardableResult
    public func rotate() async throws -> StandInKey {
        let key = try await StandInKey.generate(algorithm: "RS256")
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

    public func key(_ kid: String) -> StandInKey? { state.withLock { $0.published.first { $0.kid == kid } } }

    /// Standard claims for a token this issuer would give `audience`, valid from a minute ago for
    /// `lifetime`, plus `extra`.
    public func claims(audience: String, subject: String = "user-\(UUID().uuidString.prefix(8))", lifetime: TimeInterval = 600,
                       _ extra: [String: StandInClaims.Value] = [:]) -> [String: StandInClaims.Value] {
        StandInClaims.standard(issuer: issuer, audience: audience, subject: subject, lifetime: lifetime, extra)
    }

    /// A token signed by `key` (default: the current key), naming it by its kid (or `kid`).
    public func sign(_ claims: [String: StandInClaims.Value], with key: StandInKey? = nil, kid: String? = nil) async throws -> String {
        try await (key ?? currentKey).sign(claims, kid: kid)
    }

    private static func json(_ object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
