/// `:timing [on|off]`, psql's `\timing`: whether each statement's time is shown.
struct TimingCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":timing", "\\timing"], usage: ":timing [on|off]  (\\timing)",
        summary: "show how long each statement took",
        details: "Shows the database's time (request sent to last row) and the total including display.")

    /// nil switches.
    var enabled: Bool?

    static func completion(after name: String) -> ArgumentCompletion { .onOff }

    func run(in repl: REPL) async throws -> REPL.Flow {
        repl.timing = enabled ?? !repl.timing
        repl.print("Timing is \(repl.timing ? "on" : "off").")
        return .next
    }
}

extension TimingCommand {
    init(_ arguments: CommandArguments) throws {
        enabled = try CommandArguments.onOff(arguments.rest, command: ":timing")
    }
}
