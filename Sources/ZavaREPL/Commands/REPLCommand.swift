/// One `:` or backslash command, declared in one place as swift-argument-parser declares a
/// command: its names and help, how it reads its arguments, and what it does. `MetaCommand`
/// lists the types; parsing, `:help` and Tab completion all read this declaration.
protocol REPLCommand: Sendable {
    static var help: CommandHelp { get }
    /// Reads the arguments, throwing `MetaCommand.ParseError` with the message to show.
    init(_ arguments: CommandArguments) throws
    func run(in repl: REPL) async throws -> REPL.Flow
    /// What Tab offers after `name`, one of the command's names.
    static func completion(after name: String) -> ArgumentCompletion
    /// Whether the arguments hold a query that binds `:name` variables as parameters, so the
    /// substitution psql applies to backslash commands' arguments must leave them alone.
    static var bindsVariables: Bool { get }
}

extension REPLCommand {
    static func completion(after name: String) -> ArgumentCompletion { .nothing }
    static var bindsVariables: Bool { false }
}
