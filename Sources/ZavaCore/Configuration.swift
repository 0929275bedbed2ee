import Foundation

/// Every setting zava reads, from the environment over an optional `.env` file
/// (documented in `.env.example`).
public struct Configuration: Sendable {
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
    public var rowCap: Int
    /// Longer statements are refused before they are sent. `ZAVA_MAX_STATEMENT_BYTES`.
    public var maxStatementBytes: Int
    /// How often `zava --serve` re-runs the security checks. `ZAVA_SECURITY_RECHECK_SECONDS`.
    public var securityRecheckInterval: Duration
    public var serverHost: String
    public var serverPort: Int
    public var mcpPath: String
    public var values: [String: String]

    public var usesEmbeddedCluster: Bool { externalConninfo == nil }

    /// Loads `.env` from `directory` (if present) and lets the environment override it.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> Configuration {
        var values = (try? KeyValueFile.parse(contentsOf: directory.appendingPathComponent(".env"))) ?? [:]
        values.merge(environment) { _, env in env }
        return try Configuration(values: values, directory: directory)
    }

    public init(values: [String: String], directory: URL) throws {
        self.values = values
        func string(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
        func integer(_ key: String, _ fallback: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = string(key) else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError(key: key, value: text, expected: "a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        home = string("ZAVA_HOME").map { URL(fileURLWithPath: $0, relativeTo: directory).standardizedFileURL }
            ?? directory.appendingPathComponent(".zava")
        pgInstallDirectory = string("ZAVA_PG_DIR").map { URL(fileURLWithPath: $0, relativeTo: directory).standardizedFileURL }
            ?? home.appendingPathComponent("pg")
        externalConninfo = string("ZAVA_DATABASE_URL") ?? Configuration.libpqEnvironment(values)
        adminConninfo = string("ZAVA_ADMIN_DATABASE_URL")
        poolSize = try integer("ZAVA_POOL_SIZE", 4, range: 1...256)
        perIdentityConnections = try string("ZAVA_POOL_PER_IDENTITY").map { _ in
            try integer("ZAVA_POOL_PER_IDENTITY", 1, range: 1...256)
        }
        acquireTimeout = .milliseconds(try integer("ZAVA_POOL_TIMEOUT_MS", 10_000, range: 1...600_000))
        statementTimeout = .milliseconds(try integer("ZAVA_STATEMENT_TIMEOUT_MS", 30_000, range: 1...86_400_000))
        rowCap = try integer("ZAVA_ROW_CAP", 10_000, range: 1...100_000_000)
        maxStatementBytes = try integer("ZAVA_MAX_STATEMENT_BYTES", StatementPolicy.defaultMaxBytes, range: 1_024...16 << 20)
        securityRecheckInterval = .seconds(try integer("ZAVA_SECURITY_RECHECK_SECONDS", 30, range: 1...86_400))
        serverHost = string("ZAVA_HOST") ?? "127.0.0.1"
        serverPort = try integer("ZAVA_PORT", 8000, range: 0...65_535)
        mcpPath = string("ZAVA_MCP_PATH") ?? "/mcp"
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

public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String
    public var expected: String

    public var description: String { "\(key)=\(value) is not valid: expected \(expected)" }
}

/// The `KEY=value` files zava reads (`.env`, the REPL's config file): `#` comments, optional
/// quotes, an optional `export` prefix, spaces around `=` allowed.
public enum KeyValueFile {
    public static func parse(contentsOf url: URL) throws -> [String: String] {
        parse(try String(contentsOf: url, encoding: .utf8))
    }

    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let split = line.firstIndex(of: "=") else { continue }
            let key = line[..<split].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: split)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            values[key] = value
        }
        return values
    }
}
