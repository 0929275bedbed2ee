/// `:help [command]`, psql's `\?`: the list of commands, or one command's details.
struct HelpCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":help", ":h", "\\?", "\\h"], usage: ":help [command]  (\\?)", summary: "this list, or one command's details",
        details: "Lists the commands, or explains one: :help export")

    /// nil: the list.
    var topic: String?

    /// `:` commands as topics, except after psql's `\h` (which names SQL commands in psql).
    static func completion(after name: String) -> ArgumentCompletion { name == "\\h" ? .nothing : .commandNames }

    func run(in repl: REPL) async throws -> REPL.Flow {
        repl.out.write(CommandHelp.render(topic: topic))
        return .next
    }
}

extension HelpCommand {
    init(_ arguments: CommandArguments) { topic = arguments.rest }
}
