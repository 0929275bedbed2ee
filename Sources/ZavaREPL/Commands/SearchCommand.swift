import ZavaCore

/// `:search cordless drill --limit 5 --in-stock`: products by meaning, with this identity's stock.
struct SearchCommand: REPLCommand, Equatable {
    static let help = CommandHelp(
        names: [":search", ":s"],
        usage: ":search <text> [--hybrid|--text] [--limit N] [--threshold T] [--category C] [--in-stock]",
        summary: "find products by meaning (and words, with --hybrid); shows this store's stock",
        details: """
            Embeds the text and finds the closest product descriptions (pgvector HNSW), joined with this
            identity's inventory (head office: stock_all_stores, the sum over every store). --hybrid also
            ranks by words (full-text search); --text uses words only; both add a score column, the rank
            the rows are in. --threshold is a minimum similarity in percent; --min-price/--max-price filter
            by price; an unknown --category lists the categories. Quote text with spaces ('...' or "...").
            Example: :search something to cut copper pipe --limit 5 --in-stock --category "plumbing"
            """)

    var request: SearchRequest

    func run(in repl: REPL) async throws -> REPL.Flow {
        let analyst = try repl.analyst()
        try await repl.runShowing { try await analyst.searchProducts(request) }
        repl.lastStatement = nil
        repl.lastWasSearch = true
        return .next
    }
}

extension SearchCommand {
    /// Words are the text, `--` words are options; quoted text is one word, so
    /// `--category "POWER TOOLS"` works.
    init(_ arguments: CommandArguments) throws {
        let words = try CommandArguments.tokens(arguments.text(after: 1), in: ":search")
        var text: [String] = []
        var request = SearchRequest(query: "")
        var index = 0
        func value(_ option: String) throws -> String {
            index += 1
            guard index < words.count else { throw MetaCommand.ParseError(description: "\(option) needs a value") }
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
                guard let number = Int(text) else { throw MetaCommand.ParseError(description: "--limit takes a whole number, not \(text)") }
                request.maxRows = number
            case "--threshold":
                let text = try value(word)
                guard let number = Double(text) else { throw MetaCommand.ParseError(description: "--threshold takes a percentage, not \(text)") }
                request.similarityThreshold = number
            case "--category": request.category = try value(word)
            case "--min-price", "--max-price":
                let text = try value(word)
                guard let number = Double(text) else { throw MetaCommand.ParseError(description: "\(word) takes a price, not \(text)") }
                if word == "--min-price" { request.minPrice = number } else { request.maxPrice = number }
            default:
                guard !word.hasPrefix("--") else { throw MetaCommand.ParseError(description: "unknown :search option \(word)") }
                text.append(word)
            }
            index += 1
        }
        request.query = text.joined(separator: " ")
        guard !request.query.isEmpty else {
            throw MetaCommand.ParseError(description: ":search needs some text, e.g. :search something to cut copper pipe")
        }
        self.request = request
    }
}
