/// psql's `\set [name [value ...]]`, `\unset name` and `\echo text`: the variables that
/// `:name`, `:'name'` and `:"name"` stand for in SQL.
enum VariablesCommand: REPLCommand, Equatable {
    /// A nil name lists the variables.
    case set(name: String?, value: String?)
    case unset(String)
    case echo(String)

    static let help = CommandHelp(
        names: ["\\set", "\\unset", "\\echo"], usage: "\\set [name [value]]  \\unset name  \\echo text",
        summary: "variables for :name, :'name' and :\"name\" in SQL",
        details: """
            \\set alone lists the variables. In SQL, :name and :'name' become bind parameters ($1, ...), never
            text spliced into the statement, so any value stays one value; :"name" becomes a quoted identifier.
            zava --set name=value sets one from the command line. Example: \\set store 3   select * from stores where store_id = :store;
            """)

    func run(in repl: REPL) async throws -> REPL.Flow {
        switch self {
        case .set(let name?, let value):
            repl.variables[name] = value ?? ""
        case .set(nil, _):
            for name in repl.variables.values.keys.sorted() {
                repl.print("\(name) = '\(repl.variables.values[name] ?? "")'")
            }
        case .unset(let name):
            repl.variables[name] = nil
        case .echo(let text):
            repl.print(text)
        }
        return .next
    }
}

extension VariablesCommand {
    init(_ arguments: CommandArguments) throws {
        switch arguments.name.lowercased() {
        case "\\unset":
            guard let name = arguments.rest else { throw MetaCommand.ParseError(description: "\\unset needs a variable name") }
            self = .unset(name)
        case "\\echo":
            self = .echo(try arguments.values().joined(separator: " "))
        default:
            let values = try arguments.values()
            guard let name = values.first else {
                self = .set(name: nil, value: nil)
                return
            }
            guard Variables.isValidName(name) else {
                throw MetaCommand.ParseError(description: "\\set: \(name) is not a valid variable name (letters, digits and _)")
            }
            self = .set(name: name, value: values.dropFirst().joined())
        }
    }
}
