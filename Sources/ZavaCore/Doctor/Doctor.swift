import Foundation
import ZavaPostgres

/// One line of the doctor's checklist.
public struct DoctorCheck: Sendable, Equatable {
    public enum Verdict: Sendable {
        case pass, warn, fail
    }

    public var name: String
    /// `fail` means row-level security could be bypassed; everything else short of that is `warn`.
    public var verdict: Verdict
    public var detail: String

    public init(_ name: String, _ verdict: Verdict, _ detail: String) {
        self.name = name
        self.verdict = verdict
        self.detail = detail
    }
}

/// The checklist, in the order it was checked.
public struct DoctorReport: Sendable {
    public var checks: [DoctorCheck]

    public init(checks: [DoctorCheck]) { self.checks = checks }

    /// The checks that let RLS be bypassed: the front ends refuse to start on any of them.
    public var failures: [DoctorCheck] { checks.filter { $0.verdict == .fail } }
    public var rlsEnforced: Bool { failures.isEmpty }

    public func check(_ name: String) -> DoctorCheck? { checks.first { $0.name == name } }

    /// An aligned checklist, one line per check (continuation lines indented under the detail).
    public func rendered() -> String {
        let width = checks.map(\.name.count).max() ?? 0
        return checks.map { check in
            let mark = switch check.verdict { case .pass: "pass"; case .warn: "WARN"; case .fail: "FAIL" }
            let name = check.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let indent = String(repeating: " ", count: width + 9)
            let detail = check.detail.replacingOccurrences(of: "\n", with: "\n" + indent)
            return "[\(mark)]  \(name)  \(detail)"
        }.joined(separator: "\n") + "\n"
    }
}

/// Audits the database zava is pointed at: can row-level security be bypassed by the role
/// zava connects as, and is the database fit for use (versions, indexes, embeddings)?
///
/// Security checks always run on the analyst's own connection, because what matters is what
/// that role can do; they read only world-readable catalogues, in one query (one round trip),
/// cheap enough to run before every start. Health checks use the owner's connection when one
/// is configured (it sees past RLS), else the analyst's, and say which.
public struct Doctor: Sendable {
    let database: Database
    /// The owner's (or an admin's) connection string: the embedded cluster's owner, or `ZAVA_ADMIN_DATABASE_URL`.
    let adminConninfo: String?
    /// The configured embedding model's name, to compare with what the stored vectors came from.
    let embeddingModel: String?

    public init(database: Database, adminConninfo: String? = nil, embeddingModel: String? = nil) {
        self.database = database
        self.adminConninfo = adminConninfo
        self.embeddingModel = embeddingModel
    }

    /// Only the checks that decide whether RLS holds: one round trip on a pooled analyst connection.
    public func securityReport() async throws -> DoctorReport {
        let result = try await database.anonymous.run(DoctorQueries.security)
        // Fail closed: a cut-short list of facts is no evidence that RLS holds.
        guard !result.truncated else { throw DoctorError.incompleteFacts }
        return DoctorReport(checks: DoctorRules.security(Self.facts(result)))
    }

    /// Every check: security, then versions, indexes and embeddings.
    public func fullReport() async throws -> DoctorReport {
        var checks = try await securityReport().checks
        let health: [String: String]
        let products: [[PGValue]]
        if let adminConninfo {
            let connection = try await Connection.connect(conninfo: adminConninfo, typeNames: TypeNameCache())
            let user = try await connection.query("SELECT current_user::text").rows.first?.first?.text
            checks.insert(DoctorCheck("vantage", .pass,
                                      "security as the analyst role; versions, indexes, embeddings as \(user ?? "the owner") (sees every row)"), at: 0)
            health = Self.facts(try await connection.query(DoctorQueries.health))
            products = try await connection.query(DoctorQueries.productTexts).rows
        } else {
            checks.insert(DoctorCheck("vantage", .warn,
                                      "analyst connection only: every check shows what the analyst role can see; "
                                      + "set ZAVA_ADMIN_DATABASE_URL to the owner's connection for a complete audit"), at: 0)
            health = Self.facts(try await database.anonymous.run(DoctorQueries.health))
            products = try await database.anonymous.run(DoctorQueries.productTexts).rows
        }
        let stale = embeddingModel.map { model in
            products.filter { row in
                guard let text = row[1].text, let hash = row[2].text else { return false }
                return hash != EmbeddingSource.hash(model: model, text: text)
            }.count
        }
        checks += DoctorRules.health(health, embeddingModel: embeddingModel, staleEmbeddings: stale)
        return DoctorReport(checks: checks)
    }

    /// `key, value` rows as a dictionary (missing values as empty text).
    static func facts(_ result: QueryResult) -> [String: String] {
        var facts: [String: String] = [:]
        for row in result.rows where row.count == 2 {
            facts[row[0].displayText] = row[1].isNull ? nil : row[1].displayText
        }
        return facts
    }
}

/// The doctor could not read what it checks.
public enum DoctorError: Error, CustomStringConvertible {
    case incompleteFacts

    public var description: String {
        "the security checks' catalogue facts came back incomplete (result cut short); RLS cannot be confirmed"
    }
}

/// Why zava refuses to start: the doctor found a way around RLS.
public struct RLSNotEnforcedError: Error, CustomStringConvertible {
    public var report: DoctorReport
    public var overrideFlag: String

    public init(report: DoctorReport, overrideFlag: String) {
        self.report = report
        self.overrideFlag = overrideFlag
    }

    public var description: String {
        "refusing to start: row-level security can be bypassed on this database:\n"
            + DoctorReport(checks: report.failures).rendered()
            + "Fix the database (run `zava doctor` for the full checklist), or pass \(overrideFlag) to start anyway."
    }
}
