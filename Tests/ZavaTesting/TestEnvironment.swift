import Foundation
import MiniLM
@testable import ZavaCore
@testable import ZavaProvisioning
@testable import ZavaPostgres

/// A private test cluster (under `ZAVA_TEST_HOME`, default `.zava/test`), provisioned once per
/// test process, with a seeded template database; every suite clones its own database from it.
public actor TestEnvironment {
    public static let shared = TestEnvironment()

    public static let seedScale = 0.02
    private var ready: Task<Provisioner, Error>?
    private var model: MiniLMEmbedder?
    private var databases: [String: Task<TestDatabase, Error>] = [:]

    public nonisolated let files: ProjectFiles
    public nonisolated let configuration: Settings

    init() {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        files = ProjectFiles(root: root)
        let environment = ProcessInfo.processInfo.environment
        let home = environment["ZAVA_TEST_HOME"] ?? root.appendingPathComponent(".zava/test").path
        let pg = environment["ZAVA_PG_DIR"] ?? root.appendingPathComponent(".zava/pg").path
        // Force the embedded cluster even if the developer's shell points at another database.
        configuration = (try? Settings(values: ["ZAVA_HOME": home, "ZAVA_PG_DIR": pg], directory: root))
            ?? { fatalError("test configuration") }()
    }

    public nonisolated var cluster: EmbeddedCluster {
        EmbeddedCluster(home: configuration.home, installDirectory: configuration.pgInstallDirectory)
    }

    /// A database cloned from the seeded template, named after the suite; created once per
    /// test run and shared by every test that asks for the same name.
    public func database(_ name: String) async throws -> TestDatabase {
        if let existing = databases[name] { return try await existing.value }
        let task = Task { try await self.createDatabase(name) }
        databases[name] = task
        return try await task.value
    }

    private func createDatabase(_ name: String) async throws -> TestDatabase {
        let template = try await templateProvisioner()
        let databaseName = "zava_test_\(name.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" })"
        let admin = try await Connection.connect(conninfo: try cluster.conninfo(role: .superuser, database: "postgres"),
                                                 typeNames: TypeNameCache())
        try await admin.executeScript("DROP DATABASE IF EXISTS \"\(databaseName)\" WITH (FORCE)")
        try await admin.executeScript("CREATE DATABASE \"\(databaseName)\" TEMPLATE \"\(template.database)\" OWNER zava_owner")
        // Database-level privileges live in the shared catalogue and are not copied from a template.
        let clone = try await Connection.connect(conninfo: try cluster.conninfo(role: .superuser, database: databaseName),
                                                 typeNames: TypeNameCache())
        for migration in try Migrator(directory: files.sqlDirectory).migrations() where migration.name.hasPrefix("002_") {
            try await clone.executeScript(migration.sql)
        }
        return TestDatabase(name: databaseName, cluster: cluster, files: files, configuration: configuration)
    }

    /// The template: created, migrated and seeded once; rebuilt when sql/ or data/ change.
    private func templateProvisioner() async throws -> Provisioner {
        if let ready { return try await ready.value }
        let task = Task { try await self.buildTemplate() }
        ready = task
        return try await task.value
    }

    private func buildTemplate() async throws -> Provisioner {
        let cluster = self.cluster
        if cluster.status == .notInitialized { try cluster.initialize() }
        try cluster.start()
        let name = "zava_template_\(try fingerprint())"
        let provisioner = Provisioner(settings: configuration, files: files, database: name)
        let admin = try await Connection.connect(conninfo: try cluster.conninfo(role: .superuser, database: "postgres"),
                                                 typeNames: TypeNameCache())
        let marker = try await admin.textRows(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", [name])
        if marker.first?.first == "ready" { return provisioner }
        try await admin.executeScript("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
        try await provisioner.provisionRoles()
        try await provisioner.migrate()
        try await provisioner.seed(scale: Self.seedScale)
        try await provisioner.embed(with: try embedder())
        try await admin.executeScript("COMMENT ON DATABASE \"\(name)\" IS 'ready'")
        return provisioner
    }

    /// The local model, loaded once per test process (90 MB of weights).
    public func embedder() throws -> MiniLMEmbedder {
        if let model { return model }
        let directory = ProcessInfo.processInfo.environment["ZAVA_MODEL_DIR"].map { URL(fileURLWithPath: $0) }
            ?? files.root.appendingPathComponent(".zava/models/all-MiniLM-L6-v2")
        let loaded = try MiniLMEmbedder(modelDirectory: directory)
        model = loaded
        return loaded
    }

    private func fingerprint() throws -> String {
        let manager = FileManager.default
        var text = "\(Self.seedScale)"
        for directory in [files.sqlDirectory, files.dataDirectory, files.dataDirectory.appendingPathComponent("catalog")] {
            for name in try manager.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".sql") || name.hasSuffix(".json") {
                text += name + ((try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? "")
            }
        }
        return Checksum.fnv1a(text)
    }
}

/// One suite's database: connection strings for each role and ready-made data layers.
public struct TestDatabase: Sendable {
    public let name: String
    public let cluster: EmbeddedCluster
    public nonisolated let files: ProjectFiles
    public nonisolated let configuration: Settings

    public func conninfo(_ role: EmbeddedCluster.Role) throws -> String {
        try cluster.conninfo(role: role, database: name)
    }

    /// The analyst data layer, as the front ends use it.
    public func analyst(poolSize: Int = 4, perIdentityConnections: Int? = nil, rowCap: Int = 10_000,
                        statementTimeout: Duration = .seconds(30)) throws -> Database {
        Database(conninfo: try conninfo(.analyst), poolSize: poolSize, perIdentityConnections: perIdentityConnections,
                 limits: QueryLimits(rowCap: rowCap, statementTimeout: statementTimeout))
    }

    /// The owner (bypasses RLS): the reference the tests compare against.
    public func owner() throws -> Database {
        Database(conninfo: try conninfo(.owner), poolSize: 2, limits: QueryLimits(rowCap: 1_000_000, statementTimeout: .seconds(60)))
    }

    /// A raw connection as `role`, outside the data layer's protocol (for role-hygiene tests).
    func rawConnection(_ role: EmbeddedCluster.Role) async throws -> Connection {
        try await Connection.connect(conninfo: try conninfo(role), typeNames: TypeNameCache())
    }

    /// Runs one query as the owner and returns the first cell as text.
    public func ownerScalar(_ sql: String) async throws -> String? {
        let owner = try self.owner()
        defer { Task { await owner.close() } }
        return try await owner.session(for: .headOffice).run(sql).rows.first?.first.map { $0.isNull ? "" : $0.displayText }
    }
}

extension TestDatabase {
    /// Creates (or resets) a login role with the analyst's grants in this database, then runs
    /// `setup` as the superuser (`{role}` and `{db}` substituted); returns a connection string for
    /// it. For tests that give one role one misconfiguration without touching `zava_analyst`.
    public func loginRole(_ role: String, setup: String? = nil) async throws -> String {
        let admin = try await rawConnection(.superuser)
        // One script, so one transaction: the grants of cases running side by side on this
        // database are serialised by the role lock, and never update a catalogue row at once.
        let customised = setup.map { ";\n" + $0.replacingOccurrences(of: "{role}", with: role).replacingOccurrences(of: "{db}", with: name) } ?? ""
        try await admin.executeScript("""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(role)') THEN
                    CREATE ROLE \(role) LOGIN NOINHERIT PASSWORD 'test-role';
                END IF;
            END $$;
            ALTER ROLE \(role) NOSUPERUSER NOBYPASSRLS NOREPLICATION NOCREATEROLE NOCREATEDB PASSWORD 'test-role';
            REVOKE zava_owner, pg_read_server_files FROM \(role);
            GRANT CONNECT ON DATABASE "\(name)" TO \(role);
            GRANT USAGE ON SCHEMA retail TO \(role);
            GRANT SELECT ON ALL TABLES IN SCHEMA retail TO \(role);
            GRANT EXECUTE ON FUNCTION retail.is_head_office(), retail.current_store_id() TO \(role)
            """ + customised)
        return try conninfo(.analyst) + " user=\(role) password=test-role"
    }
}
