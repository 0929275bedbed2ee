/// psql's `\pset option [value]`: display settings; alone, every setting.
struct PsetCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: ["\\pset"], usage: "\\pset [format|null|pager|expanded|crlf] [value]",
        summary: "psql's display settings; alone, list them",
        details: """
            \\pset format csv      the same as :format csv (aligned is table)
            \\pset null '(null)'   how NULL is shown (default ∅ in a UTF-8 locale, else nothing)
            \\pset pager off       the same as :pager off
            \\pset crlf on         CSV with RFC 4180's CRLF line endings instead of LF
            """)

    /// Lowercased; nil shows every setting.
    var option: String?
    var value: String?

    static func completion(after name: String) -> ArgumentCompletion { .formats }

    func run(in repl: REPL) async throws -> REPL.Flow {
        switch option {
        case nil:
            repl.print("""
                format     \(repl.format.rawValue)
                null       '\(repl.style.null)'
                pager      \(repl.pager.enabled ? "on" : "off")
                crlf       \(repl.style.crlf ? "on" : "off")
                """)
        case "format":
            guard let value else {
                repl.print("Output format is \(repl.format.rawValue).")
                return .next
            }
            guard let chosen = OutputFormat(rawValue: value.lowercased()) ?? (value.lowercased() == "aligned" ? .table : nil) else {
                throw UsageError("\\pset format takes one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            repl.format = chosen
            repl.print("Output format is \(repl.format.rawValue).")
        case "null":
            repl.style.null = value ?? ""
            repl.print("Null display is \"\(repl.style.null)\".")
        case "pager":
            repl.pager.enabled = try CommandArguments.onOff(value, command: "\\pset pager") ?? !repl.pager.enabled
            repl.print("Pager is \(repl.pager.enabled ? "on (\(repl.pager.command))" : "off").")
        case "expanded", "x":
            _ = try await FormatCommand(CommandArguments("\\x" + (value.map { " " + $0 } ?? ""))).run(in: repl)
        case "crlf":
            repl.style.crlf = try CommandArguments.onOff(value, command: "\\pset crlf") ?? !repl.style.crlf
            repl.print("CSV line endings are \(repl.style.crlf ? "CRLF (RFC 4180)" : "LF").")
        default:
            throw UsageError("\\pset \(option ?? ""): zava knows format, null, pager, expanded and crlf")
        }
        return .next
    }
}

extension PsetCommand {
    init(_ arguments: CommandArguments) throws {
        let values = try arguments.values()
        guard values.count <= 2 else {
            throw MetaCommand.ParseError(description: "\\pset takes an option and a value, e.g. \\pset null '(null)'")
        }
        option = values.first?.lowercased()
        value = values.count == 2 ? values[1] : nil
    }
}
