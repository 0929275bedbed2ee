import Foundation
import ZavaPostgres
import ZavaCore

/// Applies the plain SQL files of `sql/` in name order, each in its own transaction, and
/// records them in `zava_meta.schema_migrations`. The files are idempotent, so a file whose
/// text changed is simply applied again.
public struct Migrator: Sendable {
    public struct Migration: Sendable {
        public var name: String
        public var sql: String
        public var checksum: String
    }

    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public func migrations() throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        return try names.map { name in
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return Migration(name: name, sql: sql, checksum: Checksum.fnv1a(sql))
        }
    }

    /// Applies what is new or changed; returns the names applied.
    @discardableResult
    func apply(on connection: Connection) async throws -> [String] {
        try await connection.executeScript("""
            CREATE SCHEMA IF NOT EXISTS zava_meta;
            REVOKE ALL ON SCHEMA zava_meta FROM PUBLIC;
            CREATE TABLE IF NOT EXISTS zava_meta.schema_migrations (
                name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            """)
        let applied = try await connection.query("SELECT name, checksum FROM zava_meta.schema_migrations").rows
        let known = Dictionary(applied.compactMap { row in row[0].text.flatMap { name in row[1].text.map { (name, $0) } } },
                               uniquingKeysWith: { first, _ in first })
        var names: [String] = []
        for migration in try migrations() where known[migration.name] != migration.checksum {
            do {
                try await connection.executeScript("BEGIN;\n\(migration.sql)\n;COMMIT;")
            } catch {
                try? await connection.executeScript("ROLLBACK")
                throw MigrationError(file: migration.name, underlying: error)
            }
            _ = try await connection.query("""
                INSERT INTO zava_meta.schema_migrations (name, checksum) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()
                """, [migration.name, migration.checksum])
            names.append(migration.name)
        }
        return names
    }
}

public struct MigrationError: Error, CustomStringConvertible {
    public var file: String
    public var underlying: Error
    public var description: String { "sql/\(file): \(underlying)" }
}
