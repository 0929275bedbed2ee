import ZavaPostgres

/// `:saved`: the saved statements and where they are kept.
struct SavedCommand: REPLCommand {
    static let help = CommandHelp(
        names: [":saved"], usage: ":saved", summary: "list saved statements", details: "Lists the saved statements and where they are kept.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow {
        let store = try repl.savedStore()
        let rows = try store.names().map { name -> [PGValue] in
            let sql = try store.load(name).replacingOccurrences(of: "\n", with: " ")
            return [.text(name), .text(sql.count > 70 ? String(sql.prefix(69)) + "…" : sql)]
        }
        repl.show(QueryResult(columns: [REPL.textColumn("name"), REPL.textColumn("statement")], rows: rows))
        repl.print("(kept in \(store.directory.path))")
        return .next
    }
}
