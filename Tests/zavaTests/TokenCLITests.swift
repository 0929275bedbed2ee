import Foundation
import Testing
import ZavaCore
import ZavaTesting

/// Verified-token mode of the `zava` binary, configured the way the sample is: by its variables
/// alone, against a stand-in identity provider; and the development secret with `zava token mint`.
extension ExecutableTests {
@Suite struct TokenCLITests {
    /// Seattle's rls_user_id in the seeded data (the sample's, data/stores).
    static let seattle = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
    static let whoami = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami"}}"#

    /// The CLI tests' environment without any token setting a developer's shell might hold,
    /// plus `values`.
    static func environment(_ values: [String: String]) -> [String: String] {
        var environment = CLITests.environment
        for key in environment.keys where key.hasPrefix("AUTH_") || key.hasPrefix("AZURE_") { environment[key] = nil }
        return environment.merging(values) { $1 }
    }

    /// `zava --serve --no-repl --stateless --port 0` with `environment`: the server, its URL, its stderr.
    static func serve(_ environment: [String: String]) async throws -> (server: ChildProcess, url: String, stderr: () -> String) {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("zava-tokens-\(UUID().uuidString)")
        let server = try ChildProcess(CLITests.binary.path, ["--serve", "--no-repl", "--stateless", "--port", "0"],
                                      environment: environment, stdout: logs.appendingPathExtension("out"),
                                      stderr: logs.appendingPathExtension("err"))
        let stderr = { (try? String(contentsOf: logs.appendingPathExtension("err"), encoding: .utf8)) ?? "" }
        let listening = await eventually(within: .seconds(30)) { stderr().contains("MCP endpoint: http://") }
        if !listening { server.stop() }
        try #require(listening, "\(stderr())")
        let url = try #require(stderr().split(separator: "\n").first { $0.hasPrefix("MCP endpoint: ") }?.split(separator: " ")[2])
        return (server, String(url), stderr)
    }

    /// POST whoami with `headers`; curl's `-i` output (status line, headers, body).
    static func whoami(_ url: String, _ headers: [String: String]) throws -> String {
        let flags = headers.flatMap { ["-H", "\($0.key): \($0.value)"] }
        return try Subprocess.run("/usr/bin/curl", ["-s", "-i", "-m", "10", "-H", "Content-Type: application/json",
                                                    "-H", "Accept: application/json, text/event-stream"] + flags
                                                    + ["-d", whoami, url]).stdout
    }

    @Test func theSampleVariablesAloneTurnOnVerifiedTokens() async throws {
        try CLITests.provisioned()
        let provider = try await StandInAuthorizationServer.start()
        defer { Task { await provider.stop() } }
        let audience = "api://zava-cli"
        let (server, url, stderr) = try await Self.serve(Self.environment([
            "AUTH_ISSUER": provider.issuer, "AUTH_JWKS_URI": provider.jwksURI, "AZURE_AUDIENCE": audience,
        ]))
        defer { server.stop() }
        #expect(stderr().contains("Verified-token mode: JWTs from \(provider.issuer) for \(audience)"), "\(stderr())")

        let token = try await provider.sign(provider.claims(audience: audience, subject: "store-manager",
                                                            ["rls_user_id": .string(Self.seattle)]))
        let signedIn = try Self.whoami(url, ["Authorization": "Bearer \(token)", "x-rls-user-id": "headoffice"])
        #expect(signedIn.hasPrefix("HTTP/1.1 200"), "\(signedIn)")
        #expect(signedIn.contains(#"\"profile\":\"seattle\""#) && signedIn.contains(#"\"subject\":\"store-manager\""#), "\(signedIn)")

        let anonymous = try Self.whoami(url, ["x-rls-user-id": "headoffice"])
        let port = try #require(URL(string: url)?.port)
        #expect(anonymous.hasPrefix("HTTP/1.1 401"), "\(anonymous)")
        #expect(anonymous.lowercased().contains(#"www-authenticate: bearer resource_metadata="http://127.0.0.1:\#(port)/.well-known/oauth-protected-resource""#),
                "\(anonymous)")
        let otherAudience = try await provider.sign(provider.claims(audience: "api://another", ["rls_user_id": .string(Self.seattle)]))
        #expect(try Self.whoami(url, ["Authorization": "Bearer \(otherAudience)"]).hasPrefix("HTTP/1.1 401"))
    }

    @Test func developmentTokensAreMintedAcceptedAndLabelledNotForProduction() async throws {
        try CLITests.provisioned()
        let secret = UUID().uuidString + UUID().uuidString
        let environment = Self.environment(["AUTH_DEV_HMAC_SECRET": secret, "AZURE_AUDIENCE": "api://zava-dev"])
        let minted = try Subprocess.run(CLITests.binary.path, ["token", "mint", "--as", "seattle", "--ttl", "10m"], environment: environment)
        #expect(minted.status == 0, "\(minted.stderr)")
        #expect(minted.stderr.contains("NOT FOR PRODUCTION") && minted.stderr.contains("audience api://zava-dev"), "\(minted.stderr)")
        let token = minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.split(separator: ".").count == 3)

        let (server, url, stderr) = try await Self.serve(environment)
        defer { server.stop() }
        #expect(stderr().contains("WARNING: DEVELOPMENT TOKENS (AUTH_DEV_HMAC_SECRET)"), "\(stderr())")
        let answer = try Self.whoami(url, ["Authorization": "Bearer \(token)"])
        #expect(answer.contains(#"\"profile\":\"seattle\""#) && answer.contains(#"\"authenticated_by\":\"dev-jwt\""#)
                && answer.contains(#"\"subject\":\"dev-seattle\""#), "\(answer)")
        #expect(!stderr().contains(secret), "the secret is never logged")

        let noSecret = try Subprocess.run(CLITests.binary.path, ["token", "mint", "--as", "seattle"], environment: Self.environment([:]))
        #expect(noSecret.status != 0 && noSecret.stderr.contains("set AUTH_DEV_HMAC_SECRET"), "\(noSecret.stderr)")
        let tooLong = try Subprocess.run(CLITests.binary.path, ["token", "mint", "--as", "seattle", "--ttl", "40d"], environment: environment)
        #expect(tooLong.status != 0 && tooLong.stderr.contains("at most 30d"), "\(tooLong.stderr)")
        let unknown = try Subprocess.run(CLITests.binary.path, ["token", "mint", "--as", "atlantis"], environment: environment)
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown profile or store 'atlantis'"), "\(unknown.stderr)")
        let mixed = try Subprocess.run(CLITests.binary.path, ["--serve", "--no-repl", "--port", "0", "--tokens", "/dev/null"],
                                       environment: environment)
        #expect(mixed.status != 0 && mixed.stderr.contains("--tokens cannot be combined with verified-token mode"), "\(mixed.stderr)")
    }
}
}
