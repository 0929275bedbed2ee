import ZavaCore

/// `:describe <table>`, psql's `\d`: a table's columns, keys and indexes; alone, the tables.
struct DescribeCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":describe", ":d", "\\d", "\\d+"], usage: ":describe <table>  (:d, \\d)",
        summary: "columns, keys, foreign keys and indexes of a table",
        details: "Shows a table's columns with types, nullability and defaults, its keys and indexes. Example: :d orders")

    /// nil lists the tables, as `\d` alone does in psql.
    var table: String?

    static func completion(after name: String) -> ArgumentCompletion { .tables }

    func run(in repl: REPL) async throws -> REPL.Flow {
        guard let table else { return try await TablesCommand().run(in: repl) }
        for description in try await repl.analyst().describe([table]) {
            repl.out.write(SchemaRenderer.render(description, style: repl.style))
        }
        return .next
    }
}

extension DescribeCommand {
    init(_ arguments: CommandArguments) { table = arguments.rest }
}
