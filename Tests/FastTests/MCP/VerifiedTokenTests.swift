import Foundation
import Synchronization
import Testing
import ZavaCore
import ZavaTesting
@testable import ZavaMCP

/// Key sets served from memory: what was fetched, how often, and an outage on demand.
final class ScriptedDocuments: DocumentFetching {
    private struct State {
        var documents: [String: [UInt8]] = [:]
        var fetched: [String] = []
        var down = false
    }

    private let state = Mutex(State())

    func publish(_ url: String, _ bytes: Data) { state.withLock { $0.documents[url] = Array(bytes) } }
    func setDown(_ down: Bool) { state.withLock { $0.down = down } }
    var fetched: [String] { state.withLock { $0.fetched } }

    func fetch(_ url: URL) async throws -> [UInt8] {
        try state.withLock { state in
            state.fetched.append(url.absoluteString)
            guard !state.down, let bytes = state.documents[url.absoluteString] else {
                throw KeySetError(message: "GET \(url.absoluteString) answered HTTP 503")
            }
            return bytes
        }
    }
}

/// Verification outcomes without a network or a database: a key ring over scripted JWKS
/// documents, tokens signed (and forged) with keys generated per run.
@Suite("Verified tokens: signature, claims, keys, cache")
struct VerifiedTokenTests {
    static let issuer = "https://idp.example.com"
    static let jwksURL = "https://idp.example.com/keys"
    static let audience = "api://zava"
    static let seattleID = UUID(uuidString: "f47ac10b-58cc-4372-a567-0e02b2c3d479")!
    static let redmondID = UUID(uuidString: "e7f8a9b0-c1d2-3e4f-5678-90abcdef1234")!
    static let directory = IdentityDirectory(stores: [(id: 1, name: "Zava Retail Seattle", rlsUserID: seattleID),
                                                      (id: 2, name: "Zava Retail Redmond", rlsUserID: redmondID)])

    /// A verifier over `keys` published at `jwksURL`, with a clock the test moves.
    struct Harness {
        let verifier: TokenVerifier
        let ring: KeyRing
        let documents: ScriptedDocuments
        let clock: Clock

        final class Clock: Sendable {
            private let offset = Mutex(0.0)
            var now: Double { Date().timeIntervalSince1970 + offset.withLock { $0 } }
            func advance(_ seconds: Double) { offset.withLock { $0 += seconds } }
        }

        static func make(_ keys: [StandInKey], minimumInterval: Duration = .seconds(30), claimMap: ClaimMap? = nil,
                         claim: String = "rls_user_id") async throws -> Harness {
            let documents = ScriptedDocuments()
            documents.publish(VerifiedTokenTests.jwksURL, try StandInKey.jwks(keys))
            let settings = AuthSettings(mode: .identityProvider(keys: .jwks(URL(string: VerifiedTokenTests.jwksURL)!)),
                                        issuers: [VerifiedTokenTests.issuer], audiences: [VerifiedTokenTests.audience],
                                        identityClaim: claim, keyRefreshMinimumInterval: minimumInterval)
            let ring = KeyRing(source: .jwks(URL(string: VerifiedTokenTests.jwksURL)!), issuer: VerifiedTokenTests.issuer,
                               refreshInterval: .seconds(3_600), minimumInterval: minimumInterval, fetcher: documents,
                               logger: .init(label: "test"))
            try await ring.load()
            let clock = Clock()
            let resource = ProtectedResource(settings: settings, configuration: MCPServerConfiguration(), listening: ListeningState())
            let verifier = TokenVerifier(keys: ring, issuers: settings.issuers, clockSkew: settings.clockSkew, resource: resource,
                                         mapper: IdentityClaimMapper(claim: claim, map: claimMap, directory: VerifiedTokenTests.directory),
                                         source: .jwt, logger: .init(label: "test"), now: { clock.now })
            return Harness(verifier: verifier, ring: ring, documents: documents, clock: clock)
        }

        func outcome(_ token: String) async -> Result<Principal, TokenRejection> { await verifier.principal(for: token) }
    }

    static func claims(_ extra: [String: StandInClaims.Value] = [:], identity: UUID = seattleID) -> [String: StandInClaims.Value] {
        StandInClaims.standard(issuer: issuer, audience: audience, subject: "alice",
                               ["rls_user_id": .string(identity.uuidString.lowercased())].merging(extra) { $1 })
    }

    static func rejection(_ outcome: Result<Principal, TokenRejection>) -> TokenRejection? {
        if case .failure(let rejection) = outcome { return rejection }
        return nil
    }

    @Test("RS256 and ES256 tokens from the key set map to their store, with the subject")
    func valid() async throws {
        let rsa = try await StandInKey.shared("RS256"), ec = try await StandInKey.shared("ES256")
        let harness = try await Harness.make([rsa, ec])
        let seattle = try await harness.outcome(rsa.sign(Self.claims())).get()
        #expect(seattle.identity.profile == "seattle" && seattle.source == .jwt && seattle.subject == "alice")
        #expect(seattle.tokenLabel == "sub:alice")
        #expect(seattle.auditName == "jwt:alice", "the audit trail names the signed-in user")
        let redmond = try await harness.outcome(ec.sign(Self.claims(identity: Self.redmondID))).get()
        #expect(redmond.identity.profile == "redmond")
        // aud as an array, naming this server among others.
        let listed = try await harness.outcome(rsa.sign(Self.claims(["aud": .strings(["other", Self.audience])]))).get()
        #expect(listed.identity.profile == "seattle")
        #expect(harness.documents.fetched == [Self.jwksURL], "known keys never cause a fetch")
    }

    @Test("every bad token is refused with its own reason", arguments: [
        "expired", "not yet valid", "expired beyond the skew", "no expiry", "wrong issuer", "wrong audience", "bad signature",
        "alg none", "HS256 keyed with the public key", "alg not the key's", "no kid", "malformed", "critical header",
    ])
    func refused(_ name: String) async throws {
        let rsa = try await StandInKey.shared("RS256"), ec = try await StandInKey.shared("ES256")
        let harness = try await Harness.make([rsa, ec])
        let now = Date().timeIntervalSince1970.rounded(.down)
        let other = try await StandInKey.shared("RS256", 1)
        let (token, expected): (String, TokenRejection) = switch name {
        case "expired": (try await rsa.sign(Self.claims(["exp": .number(now - 61)])), .expired)
        case "expired beyond the skew": (try await rsa.sign(Self.claims(["exp": .number(now - 3_600)])), .expired)
        case "not yet valid": (try await rsa.sign(Self.claims(["nbf": .number(now + 120)])), .notYetValid)
        case "no expiry": (try await rsa.sign(Self.claims().filter { $0.key != "exp" }), .missingExpiry)
        case "wrong issuer": (try await rsa.sign(Self.claims(["iss": .string("https://evil.example.com")])), .wrongIssuer)
        case "wrong audience": (try await rsa.sign(Self.claims(["aud": .string("api://another-app")])), .wrongAudience)
        case "bad signature": (try await other.sign(Self.claims(), kid: rsa.kid), .badSignature)
        case "alg none": (try rsa.unsigned(Self.claims()), .unsignedToken)
        case "HS256 keyed with the public key": (try await rsa.hmacWithPublicKey(Self.claims()), .algorithmMismatch(token: "HS256", key: "RS256"))
        case "alg not the key's": (try await rsa.sign(Self.claims(), kid: ec.kid), .algorithmMismatch(token: "RS256", key: "ES256"))
        case "no kid": (Self.withoutKeyID(try await rsa.sign(Self.claims())), .missingKeyID)
        case "malformed": ("not.a.jwt", .malformed)
        default: (Self.withHeader(["alg": "RS256", "kid": rsa.kid, "crit": ["exp"]], token: try await rsa.sign(Self.claims())), .criticalHeader)
        }
        #expect(Self.rejection(await harness.outcome(token)) == expected)
        #expect(expected.status == 401)
        #expect(!expected.description.contains("\"") && !expected.description.contains(token))
    }

    @Test("within the clock skew a token is still (or already) valid")
    func skew() async throws {
        let rsa = try await StandInKey.shared("RS256")
        let harness = try await Harness.make([rsa])
        let now = Date().timeIntervalSince1970.rounded(.down)
        #expect((try? await harness.outcome(rsa.sign(Self.claims(["exp": .number(now - 30)]))).get()) != nil)
        #expect((try? await harness.outcome(rsa.sign(Self.claims(["nbf": .number(now + 30)]))).get()) != nil)
    }

    @Test("a valid token naming no known store is 403 with the reason, never head office")
    func noIdentity() async throws {
        let rsa = try await StandInKey.shared("RS256")
        let harness = try await Harness.make([rsa])
        let unknown = Self.rejection(await harness.outcome(try rsa.sign(Self.claims(identity: UUID()))))
        #expect(unknown?.status == 403)
        #expect(unknown?.description.contains("names no known store") == true, "\(String(describing: unknown))")
        let missing = Self.rejection(await harness.outcome(try rsa.sign(Self.claims().filter { $0.key != "rls_user_id" })))
        #expect(missing?.status == 403 && missing?.description.contains("carries no rls_user_id claim") == true)
    }

    @Test("an unknown kid refreshes the key set once per interval; a rotated-in key is then accepted")
    func unknownKeyAndRotation() async throws {
        let rsa = try await StandInKey.shared("RS256")
        let harness = try await Harness.make([rsa], minimumInterval: .milliseconds(300))
        let ghost = try await StandInKey.shared("RS256", 2)
        try await Task.sleep(for: .milliseconds(350))
        #expect(Self.rejection(await harness.outcome(try ghost.sign(Self.claims()))) == .unknownKey(ghost.kid))
        #expect(harness.documents.fetched.count == 2, "one refresh for the unknown kid")
        #expect(Self.rejection(await harness.outcome(try ghost.sign(Self.claims(["sub": .string("b")])))) == .unknownKey(ghost.kid))
        #expect(harness.documents.fetched.count == 2, "no second fetch within the interval")

        // Rotation: the provider publishes the new key; after the interval one refresh finds it.
        harness.documents.publish(Self.jwksURL, try StandInKey.jwks([rsa, ghost]))
        try await Task.sleep(for: .milliseconds(350))
        #expect(try await harness.outcome(ghost.sign(Self.claims(["sub": .string("c")]))).get().identity.profile == "seattle")
        #expect(harness.documents.fetched.count == 3)
        #expect(try await harness.outcome(rsa.sign(Self.claims())).get().identity.profile == "seattle", "the old key still works")
    }

    @Test("an outage keeps the known keys and refuses unknown ones; a removed key's cached tokens stop working")
    func outageAndRemoval() async throws {
        let rsa = try await StandInKey.shared("RS256"), ec = try await StandInKey.shared("ES256")
        let harness = try await Harness.make([rsa, ec], minimumInterval: .milliseconds(1))
        let token = try await ec.sign(Self.claims())
        #expect(try await harness.outcome(token).get().identity.profile == "seattle")

        harness.documents.setDown(true)
        await harness.ring.refresh(minimumInterval: .zero)
        #expect(harness.ring.summary.contains("last refresh failed"))
        #expect(try await harness.outcome(rsa.sign(Self.claims())).get().identity.profile == "seattle", "known keys keep working")
        let ghost = try await StandInKey.shared("ES256", 1)
        try await Task.sleep(for: .milliseconds(5))
        #expect(Self.rejection(await harness.outcome(try ghost.sign(Self.claims()))) == .unknownKey(ghost.kid), "fails closed")

        harness.documents.setDown(false)
        harness.documents.publish(Self.jwksURL, try StandInKey.jwks([rsa]))
        await harness.ring.refresh(minimumInterval: .zero)
        #expect(harness.ring.keyIDs == [rsa.kid])
        #expect(Self.rejection(await harness.outcome(token)) == .unknownKey(ec.kid), "the cached token of a removed key is checked again")
    }

    @Test("the cache answers a repeated token without the key set, but never past its expiry")
    func cache() async throws {
        let rsa = try await StandInKey.shared("RS256")
        let harness = try await Harness.make([rsa])
        let now = Date().timeIntervalSince1970.rounded(.down)
        let token = try await rsa.sign(Self.claims(["exp": .number(now + 120)]))
        #expect(try await harness.outcome(token).get().identity.profile == "seattle")
        #expect(harness.verifier.cache.count == 1)
        #expect(try await harness.outcome(token).get().identity.profile == "seattle")
        harness.clock.advance(120 + 61)
        #expect(Self.rejection(await harness.outcome(token)) == .expired)
        #expect(harness.verifier.cache.count == 0)
    }

    @Test("the bearer token of an Authorization header: scheme in any case, blanks around it ignored")
    func bearerToken() {
        let cases: [(String?, String?)] = [
            ("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer \tabc ", "abc"), ("  BEARER abc", "abc"), ("BeArEr a b", "a b"),
            ("Basic abc", nil), ("Bearerabc", nil), ("Bearer ", nil), ("Bearer", nil), ("", nil), (nil, nil), ("Bearer\u{e9} x", nil),
        ]
        for (header, token) in cases {
            #expect(RequestAuthenticator.bearerToken(header) == token, "\(String(describing: header))")
        }
    }

    @Test("the cache is bounded")
    func cacheBound() {
        let cache = VerifiedTokenCache(capacity: 3, maximumAge: .seconds(60))
        let principal = Principal(identity: .headOffice, source: .jwt)
        for index in 0..<10 {
            cache.remember(principal, for: .init("token-\(index)"), now: 0, validUntil: 1_000, generation: 0)
        }
        #expect(cache.count <= 3)
        #expect(cache.principal(for: .init("token-9"), now: 1, generation: 0) == principal)
        #expect(cache.principal(for: .init("token-9"), now: 61, generation: 0) == nil, "at most maximumAge")
        cache.remember(principal, for: .init("late"), now: 0, validUntil: 0, generation: 0)
        #expect(cache.principal(for: .init("late"), now: 0, generation: 0) == nil, "an expired token is not remembered")
    }

    @Test("key sets: unusable keys are skipped with a reason; usable ones keep the set working")
    func keySet() async throws {
        let rsa = try await StandInKey.shared("RS256")
        var entries: [[String: Any]] = [rsa.jwk]
        entries.append(["kty": "RSA", "use": "enc", "kid": "enc", "n": rsa.jwk["n"]!, "e": "AQAB"])
        entries.append(["kty": "RSA", "alg": "RS512", "kid": "rs512", "n": rsa.jwk["n"]!, "e": "AQAB"])
        entries.append(["kty": "EC", "crv": "P-384", "kid": "p384", "x": "AA", "y": "AA"])
        entries.append(["kty": "RSA", "n": rsa.jwk["n"]!, "e": "AQAB"])
        entries.append(["kty": "oct", "kid": "secret", "k": "c2VjcmV0"])
        entries.append(["kty": "RSA", "kid": "private", "n": rsa.jwk["n"]!, "e": "AQAB", "d": "AQAB"])
        let parsed = try await KeySetDocument.parse(Array(try JSONSerialization.data(withJSONObject: ["keys": entries])))
        #expect(parsed.keys.map(\.id) == [rsa.kid])
        #expect(parsed.keys.first?.algorithm == "RS256")
        #expect(parsed.skipped.count == 6, "\(parsed.skipped)")
        await #expect(throws: KeySetError.self) { try await KeySetDocument.parse(Array("[]".utf8)) }
    }

    @Test("claim mapping: rls_user_id, profile or store name; a claim map for groups and roles")
    func claimMapping() throws {
        let direct = IdentityClaimMapper(claim: "store", map: nil, directory: Self.directory)
        func identity(_ mapper: IdentityClaimMapper, _ value: TokenClaims.Value?) -> Result<Identity, TokenRejection> {
            mapper.identity(from: TokenClaims(value.map { ["store": $0] } ?? [:]))
        }
        #expect(try identity(direct, .string(Self.seattleID.uuidString)).get().profile == "seattle")
        #expect(try identity(direct, .string("redmond")).get().profile == "redmond")
        #expect(try identity(direct, .string("Zava Retail Redmond")).get().profile == "redmond")
        #expect(try identity(direct, .strings(["seattle"])).get().profile == "seattle")
        #expect(try identity(direct, .string("headoffice")).get().isHeadOffice, "head office only when the claim says so")
        for (value, reason) in [(TokenClaims.Value?.none, "carries no store claim"), (.string("atlantis"), "names no known store (atlantis)"),
                                (.number(1), "not a string"), (.strings(["seattle", "redmond"]), "several values")] {
            guard case .failure(let rejection) = identity(direct, value) else {
                Issue.record("\(String(describing: value)) was accepted")
                continue
            }
            #expect(rejection.status == 403 && rejection.description.contains(reason), "\(rejection.description)")
        }

        let map = try ClaimMap.parse("# roles\nStore.Seattle = seattle\nStore.Seattle.Managers = Zava Retail Seattle\n"
                                     + "Analytics.All = headoffice\nStore.Redmond = \(Self.redmondID.uuidString)\n", directory: Self.directory)
        let mapped = IdentityClaimMapper(claim: "store", map: map, directory: Self.directory)
        #expect(try identity(mapped, .strings(["Other", "Store.Seattle"])).get().profile == "seattle")
        #expect(try identity(mapped, .strings(["Store.Seattle", "Store.Seattle.Managers"])).get().profile == "seattle")
        #expect(try identity(mapped, .string("Analytics.All")).get().isHeadOffice)
        guard case .failure(let several) = identity(mapped, .strings(["Store.Seattle", "Store.Redmond"])),
              case .failure(let none) = identity(mapped, .strings(["seattle"])) else {
            Issue.record("ambiguous or unmapped values were accepted")
            return
        }
        #expect(several.description.contains("several identities (redmond, seattle)"))
        #expect(none.description.contains("none of the token's store values is mapped"), "a map means only mapped values count")

        #expect(throws: ClaimMapError.self) { try ClaimMap.parse("Store.X = atlantis", directory: Self.directory) }
        #expect(throws: ClaimMapError.self) { try ClaimMap.parse("Store.X seattle", directory: Self.directory) }
        #expect(throws: ClaimMapError.self) { try ClaimMap.parse("a = seattle\na = redmond", directory: Self.directory) }
        #expect(throws: ClaimMapError.self) { try ClaimMap.parse("# nothing\n", directory: Self.directory) }
    }

    @Test("Protected Resource Metadata and the challenge")
    func protectedResource() throws {
        let listening = ListeningState()
        listening.bound(port: 8123)
        var settings = AuthSettings(mode: .identityProvider(keys: .jwks(URL(string: Self.jwksURL)!)), issuers: [Self.issuer, "v1"],
                                    scopes: ["api://zava/access"])
        let resource = ProtectedResource(settings: settings, configuration: MCPServerConfiguration(port: 0), listening: listening)
        #expect(resource.url == "http://127.0.0.1:8123/mcp")
        #expect(resource.audiences == ["http://127.0.0.1:8123/mcp"], "without AZURE_AUDIENCE the resource is the audience")
        #expect(resource.metadataURL == "http://127.0.0.1:8123/.well-known/oauth-protected-resource")
        #expect(resource.metadata == ["resource": "http://127.0.0.1:8123/mcp", "authorization_servers": [.string(Self.issuer)],
                                      "bearer_methods_supported": ["header"], "scopes_supported": ["api://zava/access"],
                                      "resource_name": "zava retail analytics (MCP)"])
        #expect(resource.challenge(nil)
                == #"Bearer resource_metadata="http://127.0.0.1:8123/.well-known/oauth-protected-resource", scope="api://zava/access""#)
        #expect(resource.challenge(.expired).hasSuffix(#", error="invalid_token", error_description="the token has expired""#))

        settings.resource = "https://zava.example.com/retail/mcp"
        settings.audiences = ["api://zava"]
        let behindProxy = ProtectedResource(settings: settings, configuration: MCPServerConfiguration(port: 0), listening: listening)
        #expect(behindProxy.metadataURL == "https://zava.example.com/.well-known/oauth-protected-resource")
        #expect(behindProxy.audiences == ["api://zava"])
        let refusal = RequestAuthenticator.refusal(.noIdentity("the token names no store"), resource: behindProxy)
        #expect(refusal.status == 403 && refusal.headers["WWW-Authenticate"] == nil && refusal.message.contains("names no store"))
        #expect(RequestAuthenticator.refusal(nil, resource: behindProxy).status == 401)
    }

    @Test("development tokens: minted for a profile, verified with the secret, HS256 only")
    func developmentTokens() async throws {
        let secret = String(repeating: "k", count: 40)
        let settings = AuthSettings(mode: .developmentSecret(secret), issuers: [AuthSettings.developmentIssuer])
        let configuration = MCPServerConfiguration(port: 8000)
        let minted = try await DevelopmentToken.mint(settings, directory: Self.directory, identity: "seattle",
                                                     configuration: configuration, lifetime: .seconds(3_600))
        #expect(minted.audience == "http://127.0.0.1:8000/mcp" && minted.identity.profile == "seattle")
        let listening = ListeningState()
        listening.bound(port: 8000)
        let authentication = try await TokenAuthentication.make(
            settings, directory: Self.directory,
            resource: ProtectedResource(settings: settings, configuration: configuration, listening: listening), logger: .init(label: "test"))
        #expect(authentication.notes.first?.contains("Not for production") == true)
        let principal = try await authentication.verifier.principal(for: minted.token).get()
        #expect(principal.identity.profile == "seattle" && principal.source == .developmentJWT && principal.subject == "dev-seattle")
        #expect(principal.auditName == "dev-jwt:dev-seattle")

        let other = AuthSettings(mode: .developmentSecret(String(repeating: "x", count: 40)), issuers: [AuthSettings.developmentIssuer])
        let forged = try await DevelopmentToken.mint(other, directory: Self.directory, identity: "headoffice",
                                                     configuration: configuration, lifetime: .seconds(60))
        #expect(Self.rejection(await authentication.verifier.principal(for: forged.token)) == .badSignature)
        let rsa = try await StandInKey.shared("RS256")
        #expect(Self.rejection(await authentication.verifier.principal(for: try rsa.sign(Self.claims())))
                == .algorithmMismatch(token: "RS256", key: "HS256"))
        await #expect(throws: TokenAuthenticationError.self) {
            try await DevelopmentToken.mint(AuthSettings(mode: .identityProvider(keys: .jwks(URL(string: Self.jwksURL)!)), issuers: ["i"]),
                                            directory: Self.directory, identity: "seattle", configuration: configuration,
                                            lifetime: .seconds(60))
        }
    }

    /// `token` with its header replaced (the signature no longer matters for these checks).
    static func withHeader(_ header: [String: Any], token: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let encoded = StandInKey.base64URL((try? JSONSerialization.data(withJSONObject: header)) ?? Data())
        return ([encoded] + parts.dropFirst().map(String.init)).joined(separator: ".")
    }

    static func withoutKeyID(_ token: String) -> String { withHeader(["alg": "RS256", "typ": "JWT"], token: token) }
}
