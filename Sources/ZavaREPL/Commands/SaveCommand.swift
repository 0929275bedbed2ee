/// `:save <name>`: the last SQL statement, kept under a name for `:run`.
struct SaveCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":save", ":save!"], usage: ":save <name>  (:save! replaces)", summary: "save the last statement",
        details: "Saves the last SQL statement under a name (letters, digits, _ and -), in the config\ndirectory's queries/ folder. Use $1, $2 ... in it for :run's arguments.")

    var name: String
    var overwrite: Bool

    func run(in repl: REPL) async throws -> REPL.Flow {
        guard let lastStatement = repl.lastStatement else {
            throw UsageError(repl.lastWasSearch
                ? ":save keeps SQL statements, and the last result came from :search; run a SQL statement, then :save it"
                : "no statement to save yet: run one first")
        }
        try repl.savedStore().save(lastStatement + ";", as: name, overwrite: overwrite)
        repl.completion?.completer.catalogue.savedQueries = try repl.savedStore().names()
        let firstLine = lastStatement.split(separator: "\n").first.map(String.init) ?? ""
        repl.print("Saved \(name) (\(firstLine.count > 60 ? String(firstLine.prefix(59)) + "…" : firstLine)); :run \(name) runs it.")
        return .next
    }
}

extension SaveCommand {
    init(_ arguments: CommandArguments) throws {
        guard arguments.words.count == 1, let name = arguments.words.first else {
            throw MetaCommand.ParseError(description: ":save takes one name, e.g. :save monthly_revenue")
        }
        self.init(name: name, overwrite: arguments.name.hasSuffix("!"))
    }
}
