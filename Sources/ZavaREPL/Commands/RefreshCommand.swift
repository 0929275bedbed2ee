/// `:refresh`: reads the table and column names for Tab completion again.
struct RefreshCommand: REPLCommand {
    static let help = CommandHelp(
        names: [":refresh"], usage: ":refresh", summary: "reload table and column names for Tab completion",
        details: "Tab completes keywords, tables, columns of the tables a statement names, commands and profiles.\nThe names are read once at start-up; :refresh reads them again after the schema changed.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        try await repl.refreshCompletion()
        let tables = repl.completion?.completer.catalogue.tables ?? []
        repl.print("Completion knows \(tables.count) tables and \(tables.map(\.columns.count).reduce(0, +)) columns.")
        return .next
    }
}
