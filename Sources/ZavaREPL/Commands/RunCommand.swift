/// `:run <name> [arguments]`: a saved statement, its `$1`-style parameters filled in order.
struct RunCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":run"], usage: ":run <name> [arguments]", summary: "run a saved statement with $1-style arguments",
        details: "Runs a saved statement; the arguments fill $1, $2 ... as query parameters (never spliced into\nthe SQL). Quote an argument with spaces: :run category_revenue 'Power Tools' 2024")

    var name: String
    var arguments: [String]

    static func completion(after name: String) -> ArgumentCompletion { .savedQueries }

    func run(in repl: REPL) async throws -> REPL.Flow {
        let sql = try repl.savedStore().load(name)
        if let mismatch = SavedQueries.argumentMismatch(name: name, sql: sql, arguments: arguments) {
            throw MetaCommand.ParseError(description: mismatch)
        }
        for statement in StatementSplitter.split(sql) {
            guard await repl.runStatement(statement, parameters: arguments) else { return .failed }
        }
        return .next
    }
}

extension RunCommand {
    init(_ arguments: CommandArguments) throws {
        guard let name = arguments.words.first else {
            throw MetaCommand.ParseError(description: ":run needs a saved query's name (see :saved)")
        }
        self.init(name: name, arguments: try CommandArguments.tokens(arguments.text(after: 2)))
    }
}
