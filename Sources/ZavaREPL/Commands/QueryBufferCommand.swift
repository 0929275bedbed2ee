/// psql's `\p` and `\r`: show or clear the statement typed so far.
enum QueryBufferCommand: REPLCommand, Equatable {
    case print
    case reset

    static let help = CommandHelp(
        names: ["\\p", "\\r"], unlisted: ["\\print", "\\reset"], usage: "\\p  \\r", summary: "show or clear the statement typed so far",
        details: "\\p prints the statement typed so far; \\r clears it (as Ctrl-C does).")

    func run(in repl: REPL) async throws -> REPL.Flow {
        switch self {
        case .print:
            repl.print(repl.splitter.isEmpty ? "Query buffer is empty." : repl.splitter.pending)
        case .reset:
            repl.splitter.reset()
            repl.print("Query buffer reset (cleared).")
        }
        return .next
    }
}

extension QueryBufferCommand {
    init(_ arguments: CommandArguments) {
        self = arguments.name.lowercased().hasPrefix("\\p") ? .print : .reset
    }
}
