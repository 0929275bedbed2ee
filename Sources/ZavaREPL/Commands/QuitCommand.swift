/// `:quit`, psql's `\q`: leaves zava.
struct QuitCommand: REPLCommand {
    static let help = CommandHelp(
        names: [":quit", ":q", ":exit", "\\q"], unlisted: ["\\quit"], usage: ":quit  (\\q, exit, quit, Ctrl-D)", summary: "leave zava",
        details: "Leaves zava. exit or quit alone on a line also leave; inside a statement they are text.\nCtrl-C cancels a running statement or clears the line instead.")

    init(_ arguments: CommandArguments) {}

    func run(in repl: REPL) async throws -> REPL.Flow { .quit }
}
