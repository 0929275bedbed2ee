import Foundation
import ZavaCore

/// Non-interactive runs: `zava -c "SQL"` and SQL from standard input. Each statement's
/// result goes to stdout, errors to stderr; the run fails if any statement failed, and stops at
/// that statement (as `psql -v ON_ERROR_STOP=1`: a script's later statements often depend on
/// the earlier ones) unless told to go on.
public struct Batch {
    let database: Database
    let profile: String?
    let format: OutputFormat
    let continueOnError: Bool

    public init(database: Database, profile: String?, format: OutputFormat, continueOnError: Bool = false) {
        self.database = database
        self.profile = profile
        self.format = format
        self.continueOnError = continueOnError
    }

    /// Runs the statements of `script` (up to the first that fails, unless `continueOnError`);
    /// returns false when one failed.
    public func run(_ script: String) async throws -> Bool {
        guard let profile else {
            throw MissingIdentityError()
        }
        let identity = try await database.identities().resolve(profile)
        let session = database.session(for: identity)
        let out = OutputBuffer()
        defer { out.flush() }
        var ok = true
        for statement in StatementSplitter.split(script) {
            do {
                switch format {
                case .csv, .tsv:
                    // Streamed: memory stays flat whatever the result's size.
                    let csv = format == .csv
                    let summary = try await session.streamText(
                        statement, onColumns: { out.write(csv ? CSVRenderer.header($0) : TSVRenderer.header($0)) },
                        onRow: { row in out.write { csv ? CSVRenderer.append(row, to: &$0) : TSVRenderer.append(row, to: &$0) } })
                    if summary.truncated { Self.warn("result truncated at \(summary.rowCount) rows: the row cap stopped it; use --max-rows or ZAVA_ROW_CAP for more") }
                case .table, .auto:
                    let result = try await session.run(statement)
                    out.write { TableRenderer(style: .plain).render(result, into: &$0) }
                default:
                    let result = try await session.run(statement)
                    out.write(format.render(result))
                    if result.truncated, !format.announcesTruncation { Self.warn(Footer.truncationNotice(rows: "\(result.rows.count)")) }
                }
            } catch {
                out.flush()
                FileHandle.standardError.write(Data(ErrorRenderer.render(error, statement: statement).utf8))
                ok = false
                if !continueOnError { break }
            }
        }
        return ok
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("zava: \(message)\n".utf8))
    }
}

/// Fail closed: without an identity nothing runs (never head office by default). The advice
/// names the way to choose one where the user is: `:as` at the REPL, `--as` on the command line.
public struct MissingIdentityError: Error, CustomStringConvertible {
    public var interactive = false

    public init(interactive: Bool = false) { self.interactive = interactive }

    public var description: String {
        interactive
            ? "no identity: choose one with :as (headoffice, seattle, bellevue, ...; :profiles lists them)"
            : "no identity: choose one with --as (headoffice, seattle, bellevue, ...) or set ZAVA_PROFILE"
    }
}
