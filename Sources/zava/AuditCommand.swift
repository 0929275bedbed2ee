import ArgumentParser
import Foundation
import ZavaCore

/// `zava audit`: the audit trail (`ZAVA_AUDIT_LOG`), filtered, as a table or JSON Lines.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Print the audit trail: one record per statement, from every front end.",
        discussion: """
            Reads the file named by ZAVA_AUDIT_LOG (or --file) and its rotated predecessors. Times are UTC: \
            2026-12-06, 2026-12-06T14:00, or a span back from now (90m, 24h, 7d).
            """)

    @Option(help: "The trail's file (default ZAVA_AUDIT_LOG).")
    var file: String?

    @Option(name: .customLong("as"), help: "Only this identity's statements (a profile: seattle, headoffice, ...).")
    var identity: String?

    @Option(help: "Only statements from this front end: repl, command or mcp.")
    var frontend: String?

    @Option(help: "Only statements of this shape (the fingerprint column).")
    var fingerprint: String?

    @Option(help: "From this time on (UTC).")
    var since: String?

    @Option(help: "Before this time (UTC).")
    var until: String?

    @Flag(help: "JSON Lines, as stored, instead of a table.")
    var json = false

    func validate() throws {
        if let frontend, AuditContext.Frontend(rawValue: frontend) == nil {
            throw ValidationError("--frontend takes one of \(AuditContext.Frontend.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, AuditQuery.parseTime(value) == nil {
                throw ValidationError("\(name) takes a UTC time (2026-12-06, 2026-12-06T14:00) or a span back from now (90m, 24h, 7d), not \(value)")
            }
        }
    }

    func run() async throws {
        try await reportingErrors {
            let runtime = try Runtime.load(readingPreferences: false)
            guard let path = file ?? runtime.settings.telemetry.auditLogPath else {
                throw ValidationError("no audit trail: set ZAVA_AUDIT_LOG (in the environment or .env) or pass --file")
            }
            let query = AuditQuery(identity: identity, frontend: frontend, fingerprint: fingerprint,
                                   since: since.flatMap { AuditQuery.parseTime($0) }, until: until.flatMap { AuditQuery.parseTime($0) })
            let (records, unreadable) = try query.read(path: path, keep: runtime.settings.telemetry.auditKeep)
            var out = ""
            if json {
                for record in records { out += String(decoding: record.line, as: UTF8.self) }
            } else {
                out = AuditTable.render(records)
            }
            FileHandle.standardOutput.write(Data(out.utf8))
            if unreadable > 0 { Console.info("zava audit: \(unreadable) line\(unreadable == 1 ? "" : "s") of \(path) could not be read as records") }
        }
    }
}

/// The records as an aligned table, psql style, with a row count.
enum AuditTable {
    static func render(_ records: [AuditRecord]) -> String {
        let header = ["time (UTC)", "frontend", "identity", "principal", "rows", "ms", "outcome", "fingerprint", "statement"]
        let rows = records.map { record -> [String] in
            let outcome = switch record.outcome {
            case .ok: record.truncated ? "ok (truncated)" : "ok"
            case .error(let state): "error \(state)"
            }
            let statement = record.statement.split(whereSeparator: \.isNewline).joined(separator: " ")
            return [String(AuditRecord.timestamp(record.time).dropLast(5)), record.frontend, record.identity, record.principal,
                    String(record.rows), String(format: "%.1f", record.durationMilliseconds), outcome,
                    record.fingerprint ?? "", statement.count > 80 ? String(statement.prefix(79)) + "…" : statement]
        }
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 4 || index == 5 ? " " + pad + cell + " " : " " + cell + pad + " "
            }.joined(separator: "|").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        var out = line(header)
        out += widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
        for row in rows { out += line(row) }
        out += "(\(rows.count) row\(rows.count == 1 ? "" : "s"))\n"
        return out
    }
}
