import ZavaCore
import ZavaPostgres

/// `:tables`, psql's `\dt`: the retail schema's tables.
struct TablesCommand: REPLCommand {
    static let help = CommandHelp(
        names: [":tables", "\\dt", "\\dt+"], usage: ":tables  (\\dt)", summary: "list the retail tables",
        details: "Lists the tables of the retail schema.")

    init() {}
    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        let names = try await repl.analyst().tableNames()
        repl.show(QueryResult(columns: [REPL.textColumn("table")], rows: names.map { [.text($0)] }))
        return .next
    }
}
