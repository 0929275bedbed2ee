import Foundation
import ZavaCore

/// The REPL's own commands (`:as seattle`), with psql's habits as aliases (`\d`, `\x`, `\q`).
public enum MetaCommand: Equatable, Sendable {
    case switchIdentity(String)
    case whoami
    case profiles
    case tables
    case describe(String)
    case refresh
    /// nil shows the current format.
    case format(OutputFormat?)
    /// psql's `\x`: `.expanded`, `.table` (off) or `.auto`; nil toggles between on and off.
    case expanded(OutputFormat?)
    case pager(Bool?)
    case timing(Bool?)
    case search(SearchRequest)
    case chart(label: String?, value: String?)
    case export(file: String, query: String?, overwrite: Bool)
    case save(name: String, overwrite: Bool)
    case run(name: String, arguments: [String])
    case saved
    case server
    case help(String?)
    case quit
    /// `\g [file]`, `\gx [file]`: run the statement typed so far (or the last one again),
    /// optionally expanded once, optionally into a file.
    case go(file: String?, expanded: Bool)
    /// `\gset [prefix]`: run it and keep its one row's values as variables.
    case gset(prefix: String)
    /// `\watch [seconds]`: run it again every so often until Ctrl-C.
    case watch(seconds: Double)
    /// `\e`: edit the statement typed so far (or the last one) in `$EDITOR`.
    case edit
    /// `\p`, `\r`: show or clear the statement typed so far.
    case printBuffer
    case resetBuffer
    /// `\o [file]`: send the results that follow to a file; alone, back to the screen.
    case output(String?)
    /// `\i file`: run a file's statements and commands as if typed.
    case include(String)
    /// `\set [name [value ...]]`, `\unset name`.
    case set(name: String?, value: String?)
    case unset(String)
    case echo(String)
    case copy(CopyCommand)
    /// `\dn`, `\df`, `\dv`, `\du`, `\l` with an optional psql-style pattern.
    case list(CatalogListing, pattern: String?)
    case conninfo
    /// `\pset option [value]`; nil shows every setting.
    case pset(option: String?, value: String?)

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Every command word, for completion and help lookup.
    public static var names: [String] { CommandHelp.all.flatMap(\.names) }

    /// Whether a line is a meta command rather than SQL.
    public static func isMeta(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        return trimmed.hasPrefix(":") || trimmed.hasPrefix("\\")
    }

    public static func parse(_ line: String) throws -> MetaCommand {
        let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let head = words.first else { throw ParseError(description: "empty command") }
        let argument = words.dropFirst().joined(separator: " ")
        let rest: String? = argument.isEmpty ? nil : argument
        /// The arguments as typed (spacing inside quotes kept), split into words.
        func values() throws -> [String] { try arguments(Self.text(of: line, after: 1)) }
        switch head.lowercased() {
        case ":as", "\\as":
            guard let rest else { throw ParseError(description: ":as needs a profile, e.g. :as seattle (see :profiles)") }
            return .switchIdentity(rest)
        case ":whoami": return .whoami
        case "\\conninfo": return .conninfo
        case ":profiles": return .profiles
        case ":tables", "\\dt", "\\dt+": return .tables
        case ":describe", ":d", "\\d", "\\d+":
            guard let rest else { return .tables }
            return .describe(rest)
        case ":refresh": return .refresh
        case "\\pset":
            let values = try values()
            guard values.count <= 2 else { throw ParseError(description: "\\pset takes an option and a value, e.g. \\pset null '(null)'") }
            return .pset(option: values.first?.lowercased(), value: values.count == 2 ? values[1] : nil)
        case ":format":
            let name = rest ?? ""
            if name.isEmpty { return .format(nil) }
            guard let format = OutputFormat(rawValue: name.lowercased()) else {
                throw ParseError(description: ":format takes one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .format(format)
        case "\\x":
            switch rest?.lowercased() {
            case nil: return .expanded(nil)
            case "on": return .expanded(.expanded)
            case "off": return .expanded(.table)
            case "auto": return .expanded(.auto)
            default: throw ParseError(description: "\\x takes on, off or auto (or nothing, to switch between on and off)")
            }
        case ":timing", "\\timing": return .timing(try onOff(rest, command: ":timing"))
        case ":pager": return .pager(try onOff(rest, command: ":pager"))
        case ":chart":
            let columns = Array(words.dropFirst())
            switch columns.count {
            case 0: return .chart(label: nil, value: nil)
            case 2: return .chart(label: columns[0], value: columns[1])
            default: throw ParseError(description: ":chart takes no columns (it picks them) or two: :chart <label column> <value column>")
            }
        case "\\o", "\\out":
            return .output(try values().first)
        case "\\g", "\\gx":
            return .go(file: try values().first, expanded: head.lowercased() == "\\gx")
        case "\\gset":
            return .gset(prefix: rest ?? "")
        case "\\watch":
            guard let rest else { return .watch(seconds: 2) }
            let text = rest.hasPrefix("i=") || rest.hasPrefix("interval=") ? String(rest.drop { $0 != "=" }.dropFirst()) : rest
            guard let seconds = Double(text), seconds > 0, seconds <= 86_400 else {
                throw ParseError(description: "\\watch takes an interval in seconds, e.g. \\watch 5")
            }
            return .watch(seconds: seconds)
        case "\\e", "\\edit": return .edit
        case "\\p", "\\print": return .printBuffer
        case "\\r", "\\reset": return .resetBuffer
        case "\\i", "\\include", "\\ir", "\\include_relative":
            guard let file = try values().first else { throw ParseError(description: "\\i needs a file, e.g. \\i report.sql") }
            return .include(file)
        case "\\set":
            let values = try values()
            guard let name = values.first else { return .set(name: nil, value: nil) }
            guard Variables.isValidName(name) else {
                throw ParseError(description: "\\set: \(name) is not a valid variable name (letters, digits and _)")
            }
            return .set(name: name, value: values.dropFirst().joined())
        case "\\unset":
            guard let name = rest else { throw ParseError(description: "\\unset needs a variable name") }
            return .unset(name)
        case "\\echo": return .echo(try values().joined(separator: " "))
        case "\\copy":
            return .copy(try CopyCommand.parse(Self.text(of: line, after: 1)))
        case "\\dn", "\\dn+", "\\df", "\\df+", "\\dv", "\\dv+", "\\du", "\\du+", "\\dg", "\\l", "\\l+", "\\list":
            let key = head.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+"))
            let listing: CatalogListing = switch key {
            case "\\dn": .schemas
            case "\\df": .functions
            case "\\dv": .views
            case "\\du", "\\dg": .roles
            default: .databases
            }
            return .list(listing, pattern: rest)
        case ":export", ":export!":
            guard words.count >= 2 else {
                throw ParseError(description: ":export needs a file, e.g. :export revenue.csv (.csv, .tsv, .json or .md)")
            }
            let query = Self.text(of: line, after: 2)
            return .export(file: words[1], query: query.isEmpty ? nil : query, overwrite: head.hasSuffix("!"))
        case ":save", ":save!":
            guard words.count == 2 else { throw ParseError(description: ":save takes one name, e.g. :save monthly_revenue") }
            return .save(name: words[1], overwrite: head.hasSuffix("!"))
        case ":run":
            guard words.count >= 2 else { throw ParseError(description: ":run needs a saved query's name (see :saved)") }
            return .run(name: words[1], arguments: try Self.arguments(Self.text(of: line, after: 2)))
        case ":saved": return .saved
        case ":help", "\\?", ":h", "\\h": return .help(rest)
        case ":quit", ":q", ":exit", "\\q", "\\quit": return .quit
        case ":server": return .server
        case ":search", ":s":
            return .search(try parseSearch(Self.text(of: line, after: 1)))
        default:
            throw ParseError(description: "unknown command \(head); type :help for the list")
        }
    }

    static func onOff(_ text: String?, command: String) throws -> Bool? {
        switch text?.lowercased() {
        case nil: nil
        case "on": true
        case "off": false
        default: throw ParseError(description: "\(command) takes on or off")
        }
    }

    /// The line's text after its first `count` words, spacing kept (a query stays as typed).
    static func text(of line: String, after count: Int) -> String {
        var rest = Substring(line.trimmingCharacters(in: .whitespaces))
        for _ in 0..<count {
            rest = rest.drop { $0 != " " }.drop { $0 == " " }
        }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// Command arguments: words, or quoted text ('Power Tools' or "Power Tools") as one
    /// argument, a doubled quote inside standing for itself ('it''s'). A quote opens only at the
    /// start of a word: `kid's` and `1/2"` stay plain text. `command` names the command in errors.
    static func arguments(_ text: String, in command: String? = nil) throws -> [String] {
        var arguments: [String] = []
        var word: String?
        var quote: Character?
        var characters = text.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if let open = quote {
                if character != open {
                    word?.append(character)
                } else if pending == open {
                    word?.append(open)
                    pending = characters.next()
                } else {
                    quote = nil
                }
            } else if character == " " {
                if let finished = word { arguments.append(finished) }
                word = nil
            } else if word == nil, character == "'" || character == "\"" {
                quote = character
                word = ""
            } else {
                word = (word ?? "") + String(character)
            }
        }
        guard quote == nil else { throw ParseError(description: "unterminated quote in \(command.map { $0 + " " } ?? "")\(text)") }
        if let word { arguments.append(word) }
        return arguments
    }

    /// `:search cordless drill --limit 5 --in-stock`: words are the text, `--` words are options.
    /// Quoted text is one word (`arguments`), so `--category "POWER TOOLS"` works.
    static func parseSearch(_ line: String) throws -> SearchRequest {
        let words = try arguments(line, in: ":search")
        var text: [String] = []
        var request = SearchRequest(query: "")
        var index = 0
        func value(_ option: String) throws -> String {
            index += 1
            guard index < words.count else { throw ParseError(description: "\(option) needs a value") }
            return words[index]
        }
        while index < words.count {
            let word = words[index]
            switch word {
            case "--hybrid": request.mode = .hybrid
            case "--text": request.mode = .text
            case "--in-stock": request.inStockOnly = true
            case "--limit":
                let text = try value(word)
                guard let number = Int(text) else { throw ParseError(description: "--limit takes a whole number, not \(text)") }
                request.maxRows = number
            case "--threshold":
                let text = try value(word)
                guard let number = Double(text) else { throw ParseError(description: "--threshold takes a percentage, not \(text)") }
                request.similarityThreshold = number
            case "--category": request.category = try value(word)
            case "--min-price", "--max-price":
                let text = try value(word)
                guard let number = Double(text) else { throw ParseError(description: "\(word) takes a price, not \(text)") }
                if word == "--min-price" { request.minPrice = number } else { request.maxPrice = number }
            default:
                guard !word.hasPrefix("--") else { throw ParseError(description: "unknown :search option \(word)") }
                text.append(word)
            }
            index += 1
        }
        request.query = text.joined(separator: " ")
        guard !request.query.isEmpty else { throw ParseError(description: ":search needs some text, e.g. :search something to cut copper pipe") }
        return request
    }
}
