/// The REPL's own commands (`:as seattle`), with psql's habits as aliases (`\d`, `\x`, `\q`).
/// `commands` is the one list of them; each type declares its names, help and arguments.
enum MetaCommand {
    /// Every command, in the order `:help` lists them.
    static let commands: [any REPLCommand.Type] = [
        SwitchIdentityCommand.self, WhoAmICommand.self, ConnInfoCommand.self, ProfilesCommand.self,
        TablesCommand.self, DescribeCommand.self, RefreshCommand.self, FormatCommand.self, PsetCommand.self,
        PagerCommand.self, TimingCommand.self, SearchCommand.self, ChartCommand.self, ExportCommand.self,
        CopyCommand.self, OutputCommand.self, GoCommand.self, GsetCommand.self, VariablesCommand.self,
        WatchCommand.self, EditCommand.self, QueryBufferCommand.self, IncludeCommand.self, ListCommand.self,
        SaveCommand.self, RunCommand.self, SavedCommand.self, ServerCommand.self, HelpCommand.self, QuitCommand.self,
    ]

    private static let byName: [String: any REPLCommand.Type] = Dictionary(
        commands.flatMap { command in command.help.allNames.map { ($0, command) } },
        uniquingKeysWith: { first, _ in first })

    struct ParseError: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    /// The command names Tab completes.
    static var names: [String] { commands.flatMap { $0.help.names } }

    /// The command a name (any case) stands for.
    static func command(named name: String) -> (any REPLCommand.Type)? { byName[name.lowercased()] }

    /// Whether a line is a meta command rather than SQL.
    static func isMeta(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        return trimmed.hasPrefix(":") || trimmed.hasPrefix("\\")
    }

    static func parse(_ line: String) throws -> any REPLCommand {
        let arguments = try CommandArguments(line)
        guard let command = command(named: arguments.name) else {
            throw ParseError(description: "unknown command \(arguments.name); type :help for the list")
        }
        return try command.init(arguments)
    }
}
