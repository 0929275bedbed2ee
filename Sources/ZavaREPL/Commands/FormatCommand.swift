/// `:format [name]` and psql's `\x [on|off|auto]`: how results are shown.
enum FormatCommand: REPLCommand, Equatable {
    /// nil says which format is in use.
    case format(OutputFormat?)
    /// `.expanded`, `.table` (off) or `.auto`; nil switches between on and off.
    case expanded(OutputFormat?)

    static let help = CommandHelp(
        names: [":format", "\\x"], usage: ":format [table|expanded|auto|csv|tsv|json|markdown]  (\\x [on|off|auto])",
        summary: "choose how results are shown; alone, say which (\\x switches expanded on and off)",
        details: """
            table     psql's aligned table (the default)
            expanded  one block per row, a line per column (\\x)
            auto      table, or expanded when a row is wider than the terminal
            csv       header row first, LF line ends (\\pset crlf on: CRLF); NULL is an empty field, '' a quoted empty one
            tsv       tab-separated, header row first; PostgreSQL's text escapes (\\t \\n \\\\), NULL as \\N
            json      an array of objects with typed values
            markdown  a GitHub table
            """)

    /// Formats after `:format`; `\x` takes on, off or auto, which Tab does not offer.
    static func completion(after name: String) -> ArgumentCompletion { name.hasPrefix(":") ? .formats : .nothing }

    func run(in repl: REPL) async throws -> REPL.Flow {
        switch self {
        case .format(let format):
            repl.format = format ?? repl.format
            repl.print("Output format is \(repl.format.rawValue).")
        case .expanded(let setting):
            repl.format = setting ?? (repl.format == .expanded ? .table : .expanded)
            repl.print(repl.format == .auto ? "Expanded display is used automatically."
                       : "Expanded display is \(repl.format == .expanded ? "on" : "off").")
        }
        return .next
    }
}

extension FormatCommand {
    init(_ arguments: CommandArguments) throws {
        if arguments.name.hasPrefix("\\") {
            self = .expanded(try Self.expanded(arguments.rest))
            return
        }
        guard let name = arguments.rest else {
            self = .format(nil)
            return
        }
        guard let format = OutputFormat(rawValue: name.lowercased()) else {
            throw MetaCommand.ParseError(description: ":format takes one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = .format(format)
    }

    private static func expanded(_ setting: String?) throws -> OutputFormat? {
        switch setting?.lowercased() {
        case nil: return nil
        case "on": return .expanded
        case "off": return .table
        case "auto": return .auto
        default: throw MetaCommand.ParseError(description: "\\x takes on, off or auto (or nothing, to switch between on and off)")
        }
    }
}
