import Foundation
import Logging

/// Every setting zava reads, from the environment over an optional `.env` file (documented in
/// `.env.example`), typed and checked once when loaded: the only code that reads a key by name.
public struct Settings: Sendable {
    /// Where zava keeps local state: the embedded cluster, models, history. `ZAVA_HOME`.
    public var home: URL
    /// Where the embedded PostgreSQL binaries live. `ZAVA_PG_DIR`, default `$ZAVA_HOME/pg`.
    public var pgInstallDirectory: URL
    /// The analyst connection string for an external database; nil means the embedded cluster.
    public var externalConninfo: String?
    /// The owner's connection string for migrating and seeding an external database.
    public var adminConninfo: String?
    public var poolSize: Int
    /// Connections one identity (or one MCP token) may hold at once; nil is one fewer than the pool.
    public var perIdentityConnections: Int?
    public var acquireTimeout: Duration
    public var statementTimeout: Duration
    /// `ZAVA_ROW_CAP`, or nil when unset (the REPL's config file may then choose; default 10,000).
    public var explicitRowCap: Int?
    /// Longer statements are refused before they are sent. `ZAVA_MAX_STATEMENT_BYTES`.
    public var maxStatementBytes: Int
    /// How often `zava --serve` re-runs the security checks. `ZAVA_SECURITY_RECHECK_SECONDS`.
    public var securityRecheckInterval: Duration
    public var serverHost: String
    public var serverPort: Int
    public var mcpPath: String
    /// More `Host` values `zava --serve` accepts, besides `--allowed-host`: `ZAVA_ALLOWED_HOSTS`,
    /// separated by commas or white space (a container behind a load balancer is reached by names
    /// the flags of its image cannot know).
    public var allowedHosts: [String]
    /// More `Origin` values it accepts, besides `--allowed-origin`: `ZAVA_ALLOWED_ORIGINS`.
    public var allowedOrigins: [String]
    /// The identity when no flag names one. `ZAVA_PROFILE`.
    public var profile: String?
    /// Scale of the first seed of the embedded cluster. `ZAVA_SEED_SCALE`.
    public var seedScale: Double
    /// The server's log level. `ZAVA_LOG_LEVEL`.
    public var logLevel: Logger.Level?
    /// The REPL's history file. `ZAVA_HISTORY`.
    public var historyFile: URL?
    public var embedding: EmbeddingSettings
    /// The audit trail, the log format and OpenTelemetry.
    public var telemetry: TelemetrySettings
    /// Verified-token mode of `zava --serve`; nil when no token setting is present.
    public var auth: AuthSettings?

    /// The row cap when neither a flag nor the config file sets one.
    public static let defaultRowCap = 10_000

    public var rowCap: Int { explicitRowCap ?? Self.defaultRowCap }
    public var usesEmbeddedCluster: Bool { externalConninfo == nil }

    /// Loads `.env` from `directory` (if present) and lets the environment override it.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> Settings {
        var values = (try? KeyValueFile.parse(contentsOf: directory.appendingPathComponent(".env"))) ?? [:]
        values.merge(environment) { _, env in env }
        return try Settings(values: values, directory: directory)
    }

    public init(values: [String: String], directory: URL) throws {
        let keys = SettingValues(values)
        func path(_ key: String) -> URL? {
            keys.string(key).map { URL(fileURLWithPath: $0, relativeTo: directory).standardizedFileURL }
        }
        home = path("ZAVA_HOME") ?? directory.appendingPathComponent(".zava")
        pgInstallDirectory = path("ZAVA_PG_DIR") ?? home.appendingPathComponent("pg")
        externalConninfo = keys.string("ZAVA_DATABASE_URL") ?? Settings.libpqEnvironment(values)
        adminConninfo = keys.string("ZAVA_ADMIN_DATABASE_URL")
        poolSize = try keys.integer("ZAVA_POOL_SIZE", 4, range: 1...256)
        perIdentityConnections = try keys.optionalInteger("ZAVA_POOL_PER_IDENTITY", range: 1...256)
        acquireTimeout = .milliseconds(try keys.integer("ZAVA_POOL_TIMEOUT_MS", 10_000, range: 1...600_000))
        statementTimeout = .milliseconds(try keys.integer("ZAVA_STATEMENT_TIMEOUT_MS", 30_000, range: 1...86_400_000))
        explicitRowCap = try keys.optionalInteger("ZAVA_ROW_CAP", range: 1...100_000_000)
        maxStatementBytes = try keys.integer("ZAVA_MAX_STATEMENT_BYTES", StatementPolicy.defaultMaxBytes, range: 1_024...16 << 20)
        securityRecheckInterval = .seconds(try keys.integer("ZAVA_SECURITY_RECHECK_SECONDS", 30, range: 1...86_400))
        serverHost = keys.string("ZAVA_HOST") ?? "127.0.0.1"
        serverPort = try keys.integer("ZAVA_PORT", 8000, range: 0...65_535)
        mcpPath = keys.string("ZAVA_MCP_PATH") ?? "/mcp"
        allowedHosts = keys.list("ZAVA_ALLOWED_HOSTS")
        allowedOrigins = keys.list("ZAVA_ALLOWED_ORIGINS")
        profile = keys.string("ZAVA_PROFILE")
        seedScale = try keys.number("ZAVA_SEED_SCALE", 1, range: 0.001...100)
        logLevel = try keys.string("ZAVA_LOG_LEVEL").map { text in
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw ConfigurationError(key: "ZAVA_LOG_LEVEL", value: text,
                                         expected: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return level
        }
        historyFile = path("ZAVA_HISTORY")
        embedding = try EmbeddingSettings(keys, home: home)
        telemetry = try TelemetrySettings(keys, values: values, directory: directory.path)
        auth = try AuthSettings.load(keys, directory: directory)
    }

    /// The standard PG* variables, as a libpq keyword string, when any of them names a server.
    /// (libpq reads the real environment itself; this also carries values that came from `.env`.)
    static func libpqEnvironment(_ values: [String: String]) -> String? {
        let keywords = ["PGHOST": "host", "PGHOSTADDR": "hostaddr", "PGPORT": "port", "PGDATABASE": "dbname",
                        "PGUSER": "user", "PGPASSWORD": "password", "PGPASSFILE": "passfile",
                        "PGSERVICE": "service", "PGSSLMODE": "sslmode", "PGTARGETSESSIONATTRS": "target_session_attrs",
                        "PGAPPNAME": "application_name", "PGCONNECT_TIMEOUT": "connect_timeout"]
        guard ["PGHOST", "PGHOSTADDR", "PGSERVICE", "PGDATABASE"].contains(where: { values[$0]?.isEmpty == false }) else {
            return nil
        }
        return keywords.keys.sorted().compactMap { key in
            values[key].map { "\(keywords[key] ?? key)='\($0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'" }
        }.joined(separator: " ")
    }
}
