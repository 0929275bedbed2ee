/// psql's `\g [file]`, `\gx [file]`: runs the statement typed so far (or the last one again),
/// optionally expanded once, optionally into a file.
struct GoCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: ["\\g", "\\gx"], usage: "\\g [file]  \\gx [file]", summary: "run the statement typed so far (or the last one again)",
        details: "Ends a statement as ; does. \\gx shows this one result expanded; a file name writes the result there.\nExample: select * from stores \\gx")

    var file: String?
    var expanded: Bool

    func run(in repl: REPL) async throws -> REPL.Flow {
        let statement = try repl.bufferOrLast("\\g")
        return await repl.runStatement(statement, expanded: expanded, file: file) ? .next : .failed
    }
}

extension GoCommand {
    init(_ arguments: CommandArguments) throws {
        self.init(file: try arguments.values().first, expanded: arguments.name.lowercased().hasSuffix("x"))
    }
}
