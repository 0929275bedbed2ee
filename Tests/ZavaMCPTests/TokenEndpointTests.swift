import Foundation
import Testing
import ZavaCore
import ZavaTesting
@testable import ZavaMCP

/// The endpoint as an OAuth resource server, against a stand-in identity provider on loopback
/// (discovery and JWKS, keys generated per run): tokens decide the identity through every tool
/// and under concurrency, every bad token is refused with the challenge, keys rotate.
@Suite("MCP identity from verified tokens", .serialized)
struct TokenEndpointTests {
    static let audience = "api://zava-tests"
    static let countOrders = "SELECT count(*) AS orders, count(DISTINCT store_id) AS stores FROM retail.orders"

    /// Verified-token settings pointing at `provider`, as AUTH_ISSUER (+ AUTH_JWKS_URI) would.
    static func settings(_ provider: StandInAuthorizationServer, discovery: Bool = false, audiences: [String] = [audience],
                         minimumRefresh: Duration = .seconds(30), refresh: Duration = .seconds(3_600),
                         skew: Duration = .seconds(60)) -> AuthSettings {
        let keys: AuthSettings.KeySource = discovery ? .discovery(URL(string: provider.issuer)!) : .jwks(URL(string: provider.jwksURI)!)
        return AuthSettings(mode: .identityProvider(keys: keys), issuers: [provider.issuer], audiences: audiences, clockSkew: skew,
                            keyRefreshInterval: refresh, keyRefreshMinimumInterval: minimumRefresh)
    }

    /// A token of `provider` for the identity with `rlsUserID`.
    static func token(_ provider: StandInAuthorizationServer, for rlsUserID: UUID, subject: String, audience: String = audience,
                      with key: StandInKey? = nil, _ extra: [String: StandInClaims.Value] = [:]) async throws -> String {
        try await provider.sign(provider.claims(audience: audience, subject: subject,
                                                ["rls_user_id": .string(rlsUserID.uuidString.lowercased())].merging(extra) { $1 }),
                                with: key)
    }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    @Test("a token per identity sees only its store through every tool; a header cannot change it; known keys are never fetched again")
    func everyToolPerIdentity() async throws {
        let provider = try await StandInAuthorizationServer.start()
        defer { Task { await provider.stop() } }
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database, search: NameMatchSearch()) { $0.auth = Self.settings(provider, discovery: true) }
        let identities = try await database.identities().identities
        try #require(identities.count == 9)
        var cases: [[String: Any]] = []
        for identity in identities {
            let token = try await Self.token(provider, for: identity.rlsUserID, subject: "user-\(identity.profile)")
            // A store's client claiming head office in the header: ignored, the token decides.
            let headers = Self.bearer(token).merging(["x-rls-user-id": SampleIdentity.headOffice]) { $1 }
            cases.append(["name": identity.profile, "headers": headers, "calls": [
                ["tool": "whoami"],
                ["tool": "execute_sales_query", "args": ["postgresql_query": Self.countOrders]],
                ["tool": "semantic_search_products", "args": ["query_description": "a", "max_rows": 5]],
                ["tool": "get_multiple_table_schemas", "args": ["table_names": ["retail.orders"]]],
                ["tool": "get_current_utc_date"],
            ]])
        }
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": cases], as: SessionsReport.self)
        let status = await running.server.status().description
        try await running.stop()

        for (session, identity) in zip(report.sessions, identities) {
            #expect(session.error == nil, "\(identity.profile): \(session.error ?? "")")
            let calls = try #require(session.calls)
            try #require(calls.count == 5)
            #expect(calls.allSatisfy { $0.isError == false && $0.schemaErrors ?? [] == [] }, "\(identity.profile): \(calls)")
            let whoami = try #require(calls[0].text)
            #expect(whoami.contains("\"profile\":\"\(identity.profile)\"") && whoami.contains("\"authenticated_by\":\"jwt\"")
                    && whoami.contains("\"subject\":\"user-\(identity.profile)\""), "\(whoami)")
            let expected = try await MCPFixture.shared.orderCount(storeRLSUserID: identity.isHeadOffice ? nil : identity.rlsUserID.uuidString.lowercased())
            let count = try CompactResult.decode(calls[1].text)
            #expect(count.r.first == [.number(Double(expected)), .number(identity.isHeadOffice ? 8 : 1)], "\(identity.profile): \(count.r)")
            let found = try CompactResult.decode(calls[2].text)
            #expect(found.n > 0 && found.r.allSatisfy { $0.last == .string(identity.rlsUserID.uuidString.lowercased()) },
                    "\(identity.profile): the search ran as the token's identity")
            #expect(calls[3].text?.contains("Table retail.orders") == true)
        }
        #expect(provider.discoveryFetches == 1 && provider.keyFetches == 1, "start-up only: \(provider.keyFetches) key fetches")
        #expect(status.contains("auth: verified JWTs from \(provider.issuer), identity from claim rls_user_id; 2 signing keys"), "\(status)")
        #expect(running.logs.all.contains { $0.contains("tool call") && $0.contains("token=sub:user-seattle") })
    }

    @Test("nine identities' tokens interleaved on keep-alive connections, four at once: every answer is its own token's")
    func interleavedOnOneConnection() async throws {
        let provider = try await StandInAuthorizationServer.start()
        defer { Task { await provider.stop() } }
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) {
            $0.stateless = true
            $0.auth = Self.settings(provider)
        }
        let identities = try await database.identities().identities
        var tokens: [[String: Any]] = []
        var expected: [String: Int] = [:]
        for identity in identities {
            tokens.append(["identity": identity.profile,
                           "token": try await Self.token(provider, for: identity.rlsUserID, subject: "user-\(identity.profile)"),
                           "headers": ["x-rls-user-id": SampleIdentity.headOffice]])
            expected[identity.profile] = try await MCPFixture.shared.orderCount(
                storeRLSUserID: identity.isHeadOffice ? nil : identity.rlsUserID.uuidString.lowercased())
        }
        let report = try await PythonClient.run("interleaved", url: running.url,
                                                ["tokens": tokens, "connections": 4, "rounds": 3, "sql": Self.countOrders],
                                                as: InterleavedReport.self)
        try await running.stop()

        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.answers.count == 4 * 3 * identities.count)
        #expect(Set(report.answers.map(\.connection)) == [0, 1, 2, 3])
        for answer in report.answers {
            #expect(answer.status == 200 && !answer.closing, "\(answer.identity): \(answer.status) \(answer.body.prefix(200))")
            if answer.tool == "whoami" {
                #expect(answer.body.contains(#"\"profile\":\"\#(answer.identity)\""#), "\(answer.identity): \(answer.body.prefix(300))")
            } else {
                let stores = answer.identity == "headoffice" ? 8 : 1
                #expect(answer.body.contains(#"\"r\":[[\#(expected[answer.identity] ?? -1),\#(stores)]]"#),
                        "\(answer.identity) on connection \(answer.connection): \(answer.body.prefix(300))")
            }
        }
        #expect(provider.keyFetches == 1, "no key fetch on the request path")
    }

    @Test("every bad token: 401 with the challenge and its reason; a valid token for no known store: 403; the metadata is served")
    func refusals() async throws {
        let provider = try await StandInAuthorizationServer.start()
        defer { Task { await provider.stop() } }
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) { $0.auth = Self.settings(provider, minimumRefresh: .seconds(2)) }
        let seattle = try await database.identities().resolve("seattle")
        let rsa = provider.currentKey
        let forger = try await StandInKey.generate(algorithm: "RS256")
        let ghost = try await StandInKey.generate(algorithm: "RS256", kid: "ghost-1")
        let ghost2 = try await StandInKey.generate(algorithm: "ES256", kid: "ghost-2")
        let now = Date().timeIntervalSince1970.rounded(.down)
        func claims(_ extra: [String: StandInClaims.Value] = [:]) -> [String: StandInClaims.Value] {
            provider.claims(audience: Self.audience, subject: "mallory", ["rls_user_id": .string(seattle.rlsUserID.uuidString.lowercased())]
                .merging(extra) { $1 })
        }
        let whoami: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["name": "whoami"]]
        let refused: [(String, String, String)] = [
            ("expired", try await provider.sign(claims(["exp": .number(now - 600)])), "the token has expired"),
            ("not yet valid", try await provider.sign(claims(["nbf": .number(now + 600)])), "the token is not valid yet (nbf)"),
            ("wrong issuer", try await provider.sign(claims(["iss": .string("https://evil.example.com")])), "the token's issuer is not the one this server trusts"),
            ("wrong audience", try await provider.sign(claims(["aud": .string("api://another-app")])), "the token was not issued for this server (aud)"),
            ("bad signature", try await forger.sign(claims(), kid: rsa.kid), "the token's signature does not verify"),
            ("alg none", try rsa.unsigned(claims()), "unsigned tokens (alg none) are not accepted"),
            ("HS256 keyed with the public key", try await rsa.hmacWithPublicKey(claims()), "the token's algorithm HS256 is not its key's (RS256)"),
            ("unknown kid", try await ghost.sign(claims()), "the token's signing key ghost-1 is not in the issuer's key set"),
            ("another unknown kid", try await ghost2.sign(claims()), "the token's signing key ghost-2 is not in the issuer's key set"),
        ]
        let forbidden: [(String, String, String)] = [
            ("no such store", try await provider.sign(claims(["rls_user_id": .string(UUID().uuidString.lowercased())])), "names no known store"),
            ("no identity claim", try await provider.sign(claims().filter { $0.key != "rls_user_id" }), "carries no rls_user_id claim"),
        ]
        var cases: [[String: Any]] = [["name": "no token", "body": whoami]]
        cases += (refused + forbidden).map { ["name": $0.0, "headers": Self.bearer($0.1), "body": whoami] }
        let valid = try await provider.sign(claims())
        cases.append(["name": "header tries head office", "session": true, "headers": Self.bearer(valid),
                      "override": ["x-rls-user-id": SampleIdentity.headOffice], "body": whoami])
        cases.append(["name": "metadata", "method": "GET", "path": "/.well-known/oauth-protected-resource"])
        cases.append(["name": "metadata for /mcp", "method": "GET", "path": "/.well-known/oauth-protected-resource/mcp"])
        // The unknown kids come after the minimum interval since the start-up fetch: one refresh.
        try await Task.sleep(for: .milliseconds(2_100))
        let report = try await PythonClient.run("raw", url: running.url, ["cases": cases], as: RawReport.self)
        let logs = running.logs.all
        try await running.stop()

        let metadataURL = "http://127.0.0.1:\(running.port)/.well-known/oauth-protected-resource"
        let answers = Dictionary(uniqueKeysWithValues: report.raw.map { ($0.name, $0) })
        #expect(answers["no token"]?.status == 401)
        #expect(answers["no token"]?.headers?["www-authenticate"] == #"Bearer resource_metadata="\#(metadataURL)""#)
        #expect(answers["no token"]?.body?.contains("a bearer token is required") == true)
        for (name, token, reason) in refused {
            let answer = answers[name]
            #expect(answer?.status == 401, "\(name): \(answer?.status ?? 0) \(answer?.body ?? "")")
            #expect(answer?.headers?["www-authenticate"]
                    == #"Bearer resource_metadata="\#(metadataURL)", error="invalid_token", error_description="\#(reason)""#,
                    "\(name): \(answer?.headers?["www-authenticate"] ?? "none")")
            #expect(answer?.body?.contains("-32001") == true && answer?.body?.contains(reason) == true, "\(name): \(answer?.body ?? "")")
            #expect(!logs.contains { $0.contains(token) }, "\(name): tokens are never logged")
        }
        for (name, _, reason) in forbidden {
            #expect(answers[name]?.status == 403, "\(name)")
            #expect(answers[name]?.body?.contains(reason) == true, "\(name): \(answers[name]?.body ?? "")")
        }
        #expect(provider.keyFetches == 2, "one refresh for the two unknown kids, not one each: \(provider.keyFetches)")
        #expect(answers["header tries head office"]?.status == 200)
        #expect(answers["header tries head office"]?.body?.contains(#"\"profile\":\"seattle\""#) == true, "\(answers["header tries head office"]?.body ?? "")")

        for name in ["metadata", "metadata for /mcp"] {
            let answer = try #require(answers[name])
            #expect(answer.status == 200 && answer.headers?["content-type"] == "application/json")
            let document = try #require(try JSONSerialization.jsonObject(with: Data((answer.body ?? "").utf8)) as? [String: Any])
            #expect(document["resource"] as? String == running.url)
            #expect(document["authorization_servers"] as? [String] == [provider.issuer])
            #expect(document["bearer_methods_supported"] as? [String] == ["header"])
        }
    }

    @Test("without an audience configured, tokens must name the endpoint's own URL (RFC 8707)")
    func resourceIsTheAudience() async throws {
        let provider = try await StandInAuthorizationServer.start()
        defer { Task { await provider.stop() } }
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) {
            $0.stateless = true
            $0.auth = Self.settings(provider, audiences: [])
        }
        let seattle = try await database.identities().resolve("seattle")
        let forURL = try await Self.token(provider, for: seattle.rlsUserID, subject: "s", audience: running.url)
        let forOther = try await Self.token(provider, for: seattle.rlsUserID, subject: "s", audience: Self.audience)
        let accepted = try await HTTPCall.call(running.url, "whoami", headers: Self.bearer(forURL))
        let refused = try await HTTPCall.call(running.url, "whoami", headers: Self.bearer(forOther))
        try await running.stop()
        #expect(accepted.status == 200 && accepted.body.contains(#"\"profile\":\"seattle\""#), "\(accepted.body)")
        #expect(refused.status == 401 && refused.headers["www-authenticate"]?.contains("not issued for this server") == true)
    }

    @Test("key rotation: new tokens work after one refresh, old ones until they expire or their key is removed; an outage keeps known keys")
    func rotation() async throws {
        let provider = try await StandInAuthorizationServer.start()
        defer { Task { await provider.stop() } }
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) {
            $0.stateless = true
            $0.auth = Self.settings(provider, minimumRefresh: .seconds(1), skew: .zero)
        }
        let seattle = try await database.identities().resolve("seattle")
        func whoami(_ token: String) async throws -> HTTPCall.Answer {
            try await HTTPCall.call(running.url, "whoami", headers: Self.bearer(token))
        }
        func reason(_ answer: HTTPCall.Answer) -> String { answer.headers["www-authenticate"] ?? "\(answer.status)" }
        let old = provider.currentKey
        let oldToken = try await Self.token(provider, for: seattle.rlsUserID, subject: "old")
        let shortLived = try await Self.token(provider, for: seattle.rlsUserID, subject: "short", ["exp": .number(Date().timeIntervalSince1970.rounded(.up) + 2)])
        #expect(try await whoami(oldToken).status == 200)
        #expect(try await whoami(shortLived).status == 200)

        let new = try await provider.rotate()
        let newToken = try await Self.token(provider, for: seattle.rlsUserID, subject: "new")
        try await Task.sleep(for: .milliseconds(1_100))
        let first = try await whoami(newToken)
        #expect(first.status == 200 && first.body.contains(#"\"subject\":\"new\""#), "\(first.body)")
        #expect(provider.keyFetches == 2, "accepted after one refresh")
        #expect(try await whoami(oldToken).status == 200, "the old key is still published")

        // Expired: refused although it was verified (and cached) before.
        try await Task.sleep(until: .now + .milliseconds(1_500))
        #expect(reason(try await whoami(shortLived)).contains("the token has expired"))

        // The provider drops the old key: after the next refresh its tokens are refused, cached or not.
        provider.unpublish(old.kid)
        let ghost = try await StandInKey.generate(algorithm: "RS256")
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(try await whoami(try await ghost.sign(provider.claims(audience: Self.audience))).status == 401)
        #expect(provider.keyFetches == 3)
        let dropped = try await whoami(oldToken)
        #expect(dropped.status == 401 && reason(dropped).contains("signing key \(old.kid) is not in the issuer's key set"), "\(reason(dropped))")

        // An outage: known keys keep working without a fetch; unknown ones fail closed.
        provider.setDown(true)
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(try await whoami(newToken).status == 200)
        #expect(try await whoami(try await ghost.sign(provider.claims(audience: Self.audience, subject: "g2"))).status == 401)
        let status = await running.server.status().description
        #expect(status.contains("last refresh failed"), "\(status)")
        let anotherNew = try await Self.token(provider, for: seattle.rlsUserID, subject: "new-2", with: new)
        #expect(try await whoami(anotherNew).status == 200, "a new token of a known key needs no fetch")
        try await running.stop()
    }

    @Test("the key set is refreshed on a schedule: a removed key's tokens stop working without any request asking")
    func scheduledRefresh() async throws {
        let provider = try await StandInAuthorizationServer.start()
        defer { Task { await provider.stop() } }
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) {
            $0.stateless = true
            $0.auth = Self.settings(provider, refresh: .seconds(1))
        }
        let seattle = try await database.identities().resolve("seattle")
        let old = provider.currentKey
        let token = try await Self.token(provider, for: seattle.rlsUserID, subject: "s")
        #expect(try await HTTPCall.call(running.url, "whoami", headers: Self.bearer(token)).status == 200)
        try await provider.rotate()
        provider.unpublish(old.kid)
        let before = provider.keyFetches
        #expect(await eventually(within: .seconds(10)) { provider.keyFetches >= before + 2 }, "refreshed on the schedule")
        let refused = try await HTTPCall.call(running.url, "whoami", headers: Self.bearer(token))
        try await running.stop()
        #expect(refused.status == 401 && refused.headers["www-authenticate"]?.contains("is not in the issuer's key set") == true)
    }
}

struct InterleavedReport: Decodable {
    struct Answer: Decodable {
        let identity: String
        let connection: Int
        let tool: String
        let status: Int
        let body: String
        let closing: Bool
    }

    let answers: [Answer]
    let failures: [String]
}
