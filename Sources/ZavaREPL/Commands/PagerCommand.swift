/// `:pager [on|off]`: whether results taller than the terminal go through `$PAGER`.
struct PagerCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":pager"], usage: ":pager [on|off]", summary: "page long results through $PAGER",
        details: "When on (the default), a result taller than the terminal goes through $PAGER\n(default: less -SRXF); a shorter one is printed as it is, even when wide.")

    /// nil switches.
    var enabled: Bool?

    static func completion(after name: String) -> ArgumentCompletion { .onOff }

    func run(in repl: REPL) async throws -> REPL.Flow {
        repl.pager.enabled = enabled ?? !repl.pager.enabled
        repl.print("Pager is \(repl.pager.enabled ? "on (\(repl.pager.command))" : "off").")
        return .next
    }
}

extension PagerCommand {
    init(_ arguments: CommandArguments) throws {
        enabled = try CommandArguments.onOff(arguments.rest, command: ":pager")
    }
}
