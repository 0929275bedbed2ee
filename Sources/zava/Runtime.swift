import Foundation
import ZavaCore

/// Wiring shared by the subcommands: configuration, project files, the database.
struct Runtime {
    let configuration: Configuration
    let files: ProjectFiles

    static func load() throws -> Runtime {
        Runtime(configuration: try Configuration.load(), files: try ProjectFiles.locate())
    }

    var provisioner: Provisioner { Provisioner(configuration: configuration, files: files) }

    /// Opens the data layer, starting (and on first use provisioning) the embedded cluster.
    func openDatabase(rowCap: Int? = nil) async throws -> Database {
        let conninfo = try await provisioner.prepare(events: Console.report)
        return Database(conninfo: conninfo, poolSize: configuration.poolSize, acquireTimeout: configuration.acquireTimeout,
                        limits: QueryLimits(rowCap: rowCap ?? configuration.rowCap,
                                            statementTimeout: configuration.statementTimeout))
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
        case .seeded(let report):
            let rows = report.rows.values.reduce(0, +)
            info("Loaded \(rows.formatted()) rows in \(report.elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow))).")
        }
    }

    /// A one-line progress bar on a terminal; a line per finished table otherwise.
    static func seedProgress() -> @Sendable (SeedProgress) -> Void {
        let interactive = isatty(STDERR_FILENO) == 1
        return { progress in
            let done = progress.rowsDone == progress.rowsTotal
            if interactive {
                let fraction = progress.rowsTotal == 0 ? 1 : Double(progress.rowsDone) / Double(progress.rowsTotal)
                let filled = Int(fraction * 30)
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
                let line = String(format: "\r  %-14@ %@ %3d%%  %@ / %@", progress.table as NSString, bar as NSString,
                                  Int(fraction * 100), progress.rowsDone.formatted() as NSString,
                                  progress.rowsTotal.formatted() as NSString)
                FileHandle.standardError.write(Data((line + (done ? "\n" : "")).utf8))
            } else if done {
                info("  \(progress.table): \(progress.rowsTotal.formatted()) rows")
            }
        }
    }
}

/// Prints an error for the user and exits non-zero (never a stack trace).
struct ReportedFailure: Error {}

func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let exit as ExitCodeConvertible {
        throw exit
    } catch {
        Console.info("zava: \(error)")
        throw ExitCodeError.failure
    }
}
