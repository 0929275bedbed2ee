import Foundation
import ZavaCore
import ZavaProvisioning
import ZavaREPL

/// Wiring shared by the subcommands: configuration, the user's preferences, project files, the database.
struct Runtime {
    let settings: Settings
    let preferences: Preferences
    let files: ProjectFiles

    /// `readingPreferences: false` for the commands that never use them (`zava db ...`): a
    /// mistake in the REPL's config file must not stop anyone from stopping the database.
    /// The project's `.env` and `.zava` are found from the project's folder (the one holding
    /// the binary's `sql/`), so zava works the same from any working directory.
    static func load(readingPreferences: Bool = true) throws -> Runtime {
        let files = try ProjectFiles.locate()
        return Runtime(settings: try Settings.load(directory: files.root),
                       preferences: readingPreferences ? try Preferences.load() : Preferences(), files: files)
    }

    /// Flags first, then `ZAVA_*` settings, then the config file.
    func profile(_ flag: String?) -> String? { flag ?? settings.profile ?? preferences.profile }

    func rowCap(_ flag: Int?) -> Int {
        flag ?? settings.explicitRowCap ?? preferences.rowCap ?? settings.rowCap
    }

    var provisioner: Provisioner { Provisioner(settings: settings, files: files) }

    /// Scale of the first seed when `zava` provisions the embedded cluster itself.
    var seedScale: Double { settings.seedScale }

    /// Opens the data layer, starting (and on first use provisioning) the embedded cluster.
    func openDatabase(rowCap: Int? = nil) async throws -> Database {
        let conninfo = try await provisioner.prepare(seedScale: seedScale, events: Console.report)
        let telemetry = settings.telemetry
        let auditLog = try telemetry.auditLogPath.map { try AuditLog(path: $0, maxBytes: telemetry.auditMaxBytes, keep: telemetry.auditKeep) }
        return Database(conninfo: conninfo, poolSize: settings.poolSize,
                        perIdentityConnections: settings.perIdentityConnections, acquireTimeout: settings.acquireTimeout,
                        limits: QueryLimits(rowCap: self.rowCap(rowCap), statementTimeout: settings.statementTimeout,
                                            maxStatementBytes: settings.maxStatementBytes),
                        auditLog: auditLog)
    }
}

/// Status messages on stderr, so stdout carries only results.
enum Console {
    static func info(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func report(_ event: Provisioner.Event) {
        switch event {
        case .initializing(let directory):
            info("Creating the embedded PostgreSQL 18 + pgvector cluster in \(directory) ...")
        case .started(let elapsed):
            info("Started the embedded PostgreSQL cluster (\(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))).")
        case .migrated(let names):
            info("Applied \(names.count) schema file\(names.count == 1 ? "" : "s"): \(names.joined(separator: ", ")).")
        case .seeding(let scale):
            info("Loading the Zava retail dataset (scale \(scale)) ...")
        case .embedding(let model):
            info("Embedding the product descriptions with \(model) ...")
        case .embedded(let report):
            info("Embedded \(report.embedded) products (\(report.unchanged) unchanged) in \(report.elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow))).")
        case .embeddingSkipped(let reason):
            info("Product embeddings were not computed (\(reason)); SQL works, search needs `zava embed`.")
        case .seeded(let report):
            let rows = report.rows.values.reduce(0, +)
            info("Loaded \(rows.formatted()) rows in \(report.elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow))).")
        }
    }

    static func seedProgress() -> @Sendable (SeedProgress) -> Void {
        { progressBar(label: $0.table, done: $0.rowsDone, total: $0.rowsTotal, unit: "rows") }
    }

    static func embeddingProgress() -> @Sendable (EmbeddingProgress) -> Void {
        { progressBar(label: "products", done: $0.done, total: $0.total, unit: "embedded") }
    }

    /// A one-line progress bar on a terminal; one line when a step finishes otherwise.
    static func progressBar(label: String, done: Int, total: Int, unit: String) {
        let finished = done == total
        guard isatty(STDERR_FILENO) == 1 else {
            if finished { info("  \(label): \(total.formatted()) \(unit)") }
            return
        }
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(fraction * 30)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
        let padded = label.padding(toLength: 14, withPad: " ", startingAt: 0)
        let line = "\r  \(padded) \(bar) \(String(format: "%3d", Int(fraction * 100)))%  \(done.formatted()) / \(total.formatted())"
        FileHandle.standardError.write(Data((line + (finished ? "\n" : "")).utf8))
    }
}

/// Prints an error for the user and exits non-zero (never a stack trace).
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let exit as ExitCodeConvertible {
        throw exit
    } catch {
        Console.info("zava: \(ErrorReport(error, for: .local).text)")
        throw ExitCodeError.failure
    }
}
