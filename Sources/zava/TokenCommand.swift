import ArgumentParser
import Foundation
import ZavaCore
import ZavaMCP

/// `zava token mint`: development tokens for verified-token mode (AUTH_DEV_HMAC_SECRET).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Development bearer tokens for the MCP endpoint (not for production).",
        subcommands: [Mint.self])

    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an HS256 token signed with AUTH_DEV_HMAC_SECRET for an identity.",
            discussion: """
                The token carries what `zava --serve` checks in development mode: iss (AUTH_ISSUER or zava-dev), \
                aud (AZURE_AUDIENCE, else the endpoint's URL), exp, and the identity claim (AUTH_RLS_CLAIM, \
                default rls_user_id). Anyone holding the secret can mint any identity: never use it in production.
                """)

        @Option(name: .customLong("as"), help: "Identity: headoffice, a store profile (seattle, ...), a store name or rls_user_id.")
        var profile: String

        @Option(help: "Lifetime: seconds, or a number with s, m, h or d (at most 30d).")
        var ttl = "1h"

        @Option(help: "The token's subject (sub); default dev-<profile>.")
        var subject: String?

        func validate() throws {
            guard let seconds = Self.seconds(ttl), seconds > 0, seconds <= 30 * 86_400 else {
                throw ValidationError("--ttl takes a lifetime such as 3600, 90m, 1h or 7d (at most 30d), not \(ttl)")
            }
        }

        /// "90", "90s", "15m", "1h", "7d" in seconds.
        static func seconds(_ text: String) -> Int? {
            let units = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
            if let last = text.last, let unit = units[String(last)] { return Int(text.dropLast()).map { $0 * unit } }
            return Int(text)
        }

        func run() async throws {
            try await reportingErrors {
                let runtime = try Runtime.load(readingPreferences: false)
                guard let auth = runtime.settings.auth else {
                    throw ValidationError("set AUTH_DEV_HMAC_SECRET (at least \(AuthSettings.minimumSecretLength) bytes, e.g. "
                                          + "openssl rand -base64 32) in .env or the environment, for zava --serve and this command alike")
                }
                let database = try await runtime.openDatabase()
                defer { Task { await database.close() } }
                let settings = runtime.settings
                let endpoint = MCPServerConfiguration(host: settings.serverHost, port: settings.serverPort, path: settings.mcpPath)
                let minted = try await DevelopmentToken.mint(auth, directory: try await database.identities(), identity: profile,
                                                             configuration: endpoint, lifetime: .seconds(Self.seconds(ttl) ?? 3_600),
                                                             subject: subject)
                Console.info("Development token for \(minted.identity), audience \(minted.audience), valid for \(ttl). "
                             + "NOT FOR PRODUCTION. Send it as: Authorization: Bearer <token>")
                print(minted.token)
            }
        }
    }
}
