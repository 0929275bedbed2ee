import ArgumentParser
import Foundation
import ZavaCore

/// `zava doctor`: the database's security and health checklist; exits non-zero when RLS can be bypassed.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Audit the database: can row-level security be bypassed? Versions, indexes, embeddings.")

    func run() async throws {
        try await reportingErrors {
            let runtime = try Runtime.load()
            let database = try await runtime.openDatabase()
            let doctor = Doctor(database: database, adminConninfo: runtime.adminConninfo,
                                embeddingModel: EmbedderFactory.modelName(runtime.settings))
            let report = try await doctor.fullReport()
            await database.close()
            print(report.rendered(), terminator: "")
            let warnings = report.checks.filter { $0.verdict == .warn }.count
            if report.rlsEnforced {
                print("Row-level security holds for the analyst role (\(warnings) warning\(warnings == 1 ? "" : "s")).")
            } else {
                print("ROW-LEVEL SECURITY CAN BE BYPASSED: \(report.failures.count) failed check\(report.failures.count == 1 ? "" : "s"). "
                      + "zava refuses to start on this database.")
                throw ExitCodeError.failure
            }
        }
    }
}

/// The flag that starts zava although the doctor found a way around RLS. Named to be read.
struct RLSOverride: ParsableArguments {
    static let flag = "--i-understand-rls-is-not-enforced"

    @Flag(name: .customLong("i-understand-rls-is-not-enforced"),
          help: "Start even when `zava doctor` finds that row-level security can be bypassed (DANGEROUS: store managers may see every store).")
    var allowUnenforcedRLS = false
}

extension Runtime {
    /// The owner's connection for the doctor's health checks: the embedded cluster's owner, or
    /// `ZAVA_ADMIN_DATABASE_URL` for an external database (nil: the doctor says it saw less).
    var adminConninfo: String? {
        settings.usesEmbeddedCluster
            ? try? provisioner.cluster.conninfo(role: .owner, database: provisioner.database)
            : settings.adminConninfo
    }

    /// `openDatabase`, then the doctor's security checks (one round trip on the pool's first
    /// connection): a database where RLS can be bypassed is refused unless overridden, loudly.
    func openCheckedDatabase(rowCap: Int? = nil, override: RLSOverride) async throws -> Database {
        let database = try await openDatabase(rowCap: rowCap)
        let report: DoctorReport
        do {
            report = try await Doctor(database: database).securityReport()
        } catch {
            await database.close()
            throw error
        }
        guard !report.rlsEnforced else { return database }
        guard override.allowUnenforcedRLS else {
            await database.close()
            throw RLSNotEnforcedError(report: report, overrideFlag: RLSOverride.flag)
        }
        let banner = String(repeating: "!", count: 78)
        Console.info("""
            \(banner)
            WARNING: ROW-LEVEL SECURITY IS NOT ENFORCED ON THIS DATABASE.
            Every identity may see every store's rows. Started anyway because of \(RLSOverride.flag).
            \(DoctorReport(checks: report.failures).rendered().trimmingCharacters(in: .newlines))
            \(banner)
            """)
        return database
    }
}
