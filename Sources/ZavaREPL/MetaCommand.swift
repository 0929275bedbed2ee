import ZavaCore

/// The REPL's own commands (`:as seattle`), with psql's habits as aliases (`\d`, `\x`, `\q`).
public enum MetaCommand: Equatable, Sendable {
    case switchIdentity(String)
    case whoami
    case profiles
    case tables
    case describe(String)
    case format(OutputFormat)
    case toggleExpanded
    case timing(Bool?)
    case help(String?)
    case quit
    case search(SearchRequest)
    case server

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// One line of help per command, in the order `:help` lists them.
    public static let summaries: [(usage: String, summary: String)] = [
        (":as <profile>", "run as headoffice or a store (seattle, bellevue, ...; a store name or UUID also works)"),
        (":whoami", "show the current identity"),
        (":profiles", "list the identities"),
        (":tables  (\\dt)", "list the retail tables"),
        (":describe <table>  (:d, \\d)", "columns, keys, foreign keys and indexes of a table"),
        (":format table|expanded|csv|json|markdown", "choose how results are shown (\\x toggles expanded)"),
        (":timing [on|off]  (\\timing)", "show how long each statement took"),
        (":search <text> [--hybrid|--text] [--limit N] [--threshold T] [--category C] [--in-stock]",
         "find products by meaning (and words, with --hybrid); shows this store's stock"),
        (":server", "the MCP endpoint's address, sessions, requests in flight and pool use (with --serve)"),
        (":help [command]  (\\?)", "this list, or one command's details"),
        (":quit  (\\q, Ctrl-D)", "leave zava"),
    ]

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
        switch head.lowercased() {
        case ":as", "\\as":
            guard let rest else { throw ParseError(description: ":as needs a profile, e.g. :as seattle (see :profiles)") }
            return .switchIdentity(rest)
        case ":whoami": return .whoami
        case ":profiles": return .profiles
        case ":tables", "\\dt", "\\dt+": return .tables
        case ":describe", ":d", "\\d", "\\d+":
            guard let rest else { return .tables }
            return .describe(rest)
        case ":format", "\\pset":
            let name = rest?.replacingOccurrences(of: "format ", with: "") ?? ""
            guard let format = OutputFormat(rawValue: name.lowercased()) else {
                throw ParseError(description: ":format takes one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .format(format)
        case "\\x": return .toggleExpanded
        case ":timing", "\\timing":
            switch rest?.lowercased() {
            case nil: return .timing(nil)
            case "on": return .timing(true)
            case "off": return .timing(false)
            default: throw ParseError(description: ":timing takes on or off")
            }
        case ":help", "\\?", ":h", "\\h": return .help(rest)
        case ":quit", ":q", ":exit", "\\q": return .quit
        case ":server": return .server
        case ":search", ":s":
            return .search(try parseSearch(Array(words.dropFirst())))
        default:
            throw ParseError(description: "unknown command \(head); type :help for the list")
        }
    }

    /// `:search cordless drill --limit 5 --in-stock`: words are the text, `--` words are options.
    static func parseSearch(_ words: [String]) throws -> SearchRequest {
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
