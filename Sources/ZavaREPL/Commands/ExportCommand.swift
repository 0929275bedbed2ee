import ZavaCore

/// `:export <file> [query]`: the last result, or every row of a query, to a file whose
/// extension picks the format.
struct ExportCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":export", ":export!"], usage: ":export <file> [query]  (:export! overwrites)",
        summary: "write the last result (or a query's) to .csv, .tsv, .json or .md",
        details: """
            The file's extension picks the format. With a query, runs it as the current identity and
            streams every row to the file (no row cap) instead of the last result. An existing file is
            never overwritten unless the command is :export! .
            Example: :export revenue.csv   :export top.json select * from retail.products
            """)

    var file: String
    /// nil: the last result.
    var query: String?
    var overwrite: Bool

    static func completion(after name: String) -> ArgumentCompletion { .files }

    func run(in repl: REPL) async throws -> REPL.Flow {
        let (target, format) = try ResultExporter.open(file, overwrite: overwrite)
        defer { target.close() }
        func wrote(_ rows: Int) {
            repl.print("Wrote \(rows.formatted()) row\(rows == 1 ? "" : "s") (\(target.size.formatted()) bytes) to \(target.path).")
        }
        if let query {
            // Streamed: an export is never cut by the screen's row cap.
            let (sql, parameters) = repl.variables.bind(query)
            wrote(try await repl.stream(sql, parameters: parameters, to: target.buffer, format: format))
            repl.lastStatement = query
            return .next
        }
        guard let lastResult = repl.lastResult else {
            throw UsageError("no result to export yet: run a query first, or :export <file> <query>")
        }
        target.buffer.write(format.render(lastResult, style: RenderStyle(null: repl.style.null, crlf: repl.style.crlf)))
        let rows = lastResult.rows.count
        wrote(rows)
        if lastResult.truncated {
            repl.print("(\(Footer.truncationNotice(rows: rows.formatted()))); :export <file> <query> writes every row)")
        }
        return .next
    }
}

extension ExportCommand {
    init(_ arguments: CommandArguments) throws {
        guard let file = arguments.words.first else {
            throw MetaCommand.ParseError(description: ":export needs a file, e.g. :export revenue.csv (.csv, .tsv, .json or .md)")
        }
        let query = arguments.text(after: 2)
        self.init(file: file, query: query.isEmpty ? nil : query, overwrite: arguments.name.hasSuffix("!"))
    }
}
