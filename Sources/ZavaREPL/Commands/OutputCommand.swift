/// psql's `\o [file]`: the results that follow go to a file; alone, back to the screen.
struct OutputCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: ["\\o", "\\out"], usage: "\\o [file]", summary: "send the results that follow to a file; alone, back to the screen",
        details: "Results are written to the file (replaced if it exists) in the current format, streamed and\nwithout the screen's row cap, until \\o alone.")

    /// nil: the screen.
    var file: String?

    func run(in repl: REPL) async throws -> REPL.Flow {
        repl.closeOutput()
        if let file {
            repl.output = try OutputFile.open(file, overwrite: true)
        }
        return .next
    }
}

extension OutputCommand {
    init(_ arguments: CommandArguments) throws { file = try arguments.values().first }
}
