import Foundation
/// Tab completion: what can follow the text before the cursor. Pure (no I/O), so every rule
/// is a unit test and a 20,000-column schema costs one pass over the candidate names.
public struct SQLCompleter: Sendable {
    /// The candidates for the word under the cursor, or `files` when a file name is wanted.
    public enum Completion: Equatable, Sendable {
        case candidates([String])
        case files
    }

    public var catalogue: CompletionCatalogue

    public init(catalogue: CompletionCatalogue) {
        self.catalogue = catalogue
    }

    /// `before`: the statement up to the cursor (earlier lines of a multi-line statement
    /// included); `after`: the rest of the line, which may name the tables (`SELECT | FROM orders`).
    public func complete(before: String, after: String = "") -> Completion {
        let word = Self.currentWord(before)
        let head = String(before.dropLast(word.count))
        if head.allSatisfy(\.isWhitespace), word.hasPrefix(":") || word.hasPrefix("\\") {
            return .candidates(matching(word, in: MetaCommand.names))
        }
        let trimmed = head.drop(while: \.isWhitespace)
        if trimmed.hasPrefix(":") || trimmed.hasPrefix("\\") {
            return metaArgument(command: String(trimmed.prefix { !$0.isWhitespace }), word: word)
        }
        return .candidates(sql(word: word, head: head, statement: before + after))
    }

    // MARK: - Meta commands

    private func metaArgument(command: String, word: String) -> Completion {
        let name = command.lowercased()
        switch MetaCommand.command(named: name)?.completion(after: name) ?? .nothing {
        case .profiles: return .candidates(matching(word, in: catalogue.profiles))
        case .tables: return .candidates(matching(word, in: catalogue.qualifiedTableNames))
        case .formats: return .candidates(matching(word, in: OutputFormat.allCases.map(\.rawValue)))
        case .onOff: return .candidates(matching(word, in: ["on", "off"]))
        case .savedQueries: return .candidates(matching(word, in: catalogue.savedQueries))
        case .commandNames: return .candidates(matching(word, in: MetaCommand.names.filter { $0.hasPrefix(":") }))
        case .files: return .files
        case .nothing: return .candidates([])
        }
    }

    // MARK: - SQL

    private func sql(word: String, head: String, statement: String) -> [String] {
        let tokens = SQLTokens(head).tokens
        let references = Self.references(in: SQLTokens(statement).tokens, catalogue: catalogue)
        if let dot = word.lastIndex(of: ".") {
            let qualifier = String(word[..<dot])
            let prefix = String(word[word.index(after: dot)...])
            if catalogue.schemas.contains(where: { $0.caseInsensitiveCompare(CompletionCatalogue.unquoted(qualifier)) == .orderedSame }) {
                let names = catalogue.tables.filter { $0.schema.lowercased() == CompletionCatalogue.unquoted(qualifier).lowercased() }
                    .map { qualifier + "." + Self.identifier($0.name) }
                return matching(qualifier + "." + prefix, in: names)
            }
            guard let table = references[CompletionCatalogue.unquoted(qualifier).lowercased()] else { return [] }
            return matching(word, in: table.columns.map { qualifier + "." + Self.identifier($0) })
        }
        let previous = tokens.last
        let keywords = Self.keywordCandidates(casedLike: word)
        if let previous, previous.isKeyword(in: Self.tableKeywords)
            || (previous.text == "," && Self.clause(of: tokens) == "from") {
            return matching(word, in: catalogue.typedTableNames) + matching(word, in: catalogue.schemas.map { Self.identifier($0) + "." })
        }
        let expressionStart = previous.map { !$0.isWord || $0.isKeyword(in: Self.expressionKeywords) } ?? false
        if expressionStart, Self.columnClauses.contains(Self.clause(of: tokens) ?? "") {
            var seen = Set<String>()
            let columns = references.values.sorted { $0.qualifiedName < $1.qualifiedName }
                .flatMap(\.columns).filter { seen.insert($0).inserted }.map(Self.identifier)
            return matching(word, in: columns) + matching(word, in: Self.functions) + matching(word, in: keywords)
        }
        return matching(word, in: keywords)
    }

    /// Case-insensitive prefix match that also lets a bare prefix find a qualified name
    /// (`ord` → `retail.orders`), sorted and without repeats.
    private func matching(_ word: String, in names: [String]) -> [String] {
        let prefix = word.lowercased()
        var seen = Set<String>()
        return names.filter { name in
            let lower = name.lowercased()
            if lower.hasPrefix(prefix) { return true }
            guard !prefix.contains("."), let dot = lower.firstIndex(of: ".") else { return false }
            return lower[lower.index(after: dot)...].hasPrefix(prefix)
        }.filter { seen.insert($0).inserted }.sorted()
    }

    /// Tables the statement names after FROM/JOIN (and in FROM lists), by alias and by name.
    static func references(in tokens: [SQLTokens.Token], catalogue: CompletionCatalogue) -> [String: CompletionCatalogue.Table] {
        var references: [String: CompletionCatalogue.Table] = [:]
        var inFrom = false
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if token.isKeyword(in: ["from", "join", "update", "into"]) {
                inFrom = true
            } else if token.text == "," && inFrom {
                // another table of a FROM list
            } else {
                if token.isWord && Self.keywords.contains(token.text.lowercased()) && !token.isKeyword(in: ["only", "lateral"]) { inFrom = false }
                continue
            }
            guard index < tokens.count, tokens[index].isWord, !tokens[index].isKeyword(in: Self.keywords),
                  let table = catalogue.table(named: tokens[index].text) else { continue }
            references[table.name.lowercased()] = table
            references[table.qualifiedName.lowercased()] = table
            index += 1
            if index < tokens.count, tokens[index].isKeyword(in: ["as"]) { index += 1 }
            if index < tokens.count, tokens[index].isWord, !tokens[index].isKeyword(in: Self.keywords) {
                references[CompletionCatalogue.unquoted(tokens[index].text).lowercased()] = table
                index += 1
            }
        }
        return references
    }

    /// The clause the cursor is in: the nearest clause keyword before it, lower-cased.
    static func clause(of tokens: [SQLTokens.Token]) -> String? {
        tokens.last { $0.isKeyword(in: clauseKeywords) }?.text.lowercased()
    }

    /// The partial word before the cursor: everything since the last break character. The
    /// same characters are given to libedit, so both agree on what a candidate replaces.
    static func currentWord(_ text: String) -> String {
        String(text.reversed().prefix { !wordBreaks.contains($0) }.reversed())
    }

    static let wordBreakCharacters = " \t\n'`@><=;|&{(,)+-*/%!~^[]"
    static let wordBreaks = Set(wordBreakCharacters)

    /// An identifier as SQL needs it: quoted unless lower-case letters, digits and `_`.
    static func identifier(_ name: String) -> String {
        let plain = name.first.map { $0 == "_" || ($0.isLetter && $0.isLowercase) } == true
            && name.allSatisfy { $0 == "_" || $0 == "$" || $0.isNumber || ($0.isLetter && $0.isLowercase) }
            && !keywords.contains(name)
        return plain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func keywordCandidates(casedLike word: String) -> [String] {
        let lower = word.first.map { $0.isLowercase } ?? false
        return keywords.map { lower ? $0 : $0.uppercased() }.sorted()
    }

    static let tableKeywords: Set<String> = ["from", "join", "into", "update", "table", "only", "lateral"]
    static let clauseKeywords: Set<String> = ["select", "from", "where", "on", "by", "having", "set", "returning", "using",
                                              "limit", "offset", "values", "window", "partition"]
    static let columnClauses: Set<String> = ["select", "where", "on", "by", "having", "set", "returning", "partition"]
    /// After these an expression starts (so a column fits).
    static let expressionKeywords: Set<String> = ["select", "where", "on", "by", "having", "and", "or", "not", "set", "distinct",
                                                  "when", "then", "else", "case", "returning", "partition", "in", "like",
                                                  "ilike", "between", "is"]
    static let keywords: Set<String> = [
        "select", "from", "where", "group", "by", "order", "having", "limit", "offset", "join", "left", "right", "inner",
        "outer", "full", "cross", "natural", "on", "using", "as", "and", "or", "not", "in", "is", "null", "like", "ilike",
        "between", "case", "when", "then", "else", "end", "distinct", "union", "all", "intersect", "except", "with", "asc",
        "desc", "nulls", "first", "last", "exists", "explain", "analyze", "true", "false", "fetch", "rows", "only", "over",
        "partition", "window", "filter", "lateral", "values", "cast", "interval", "date", "timestamp", "table", "into",
        "update", "set", "returning", "any", "some", "array", "recursive", "materialized",
    ]
    static let functions = ["abs", "array_agg", "avg", "coalesce", "count", "current_date", "date_part", "date_trunc",
                            "extract", "greatest", "least", "length", "lower", "max", "min", "now", "nullif", "round",
                            "string_agg", "sum", "to_char", "upper"]
}

/// A light SQL tokenizer for completion: words (possibly qualified or quoted), punctuation;
/// string literals and comments are skipped so their contents never look like keywords.
struct SQLTokens {
    struct Token: Equatable {
        var text: String
        var isWord: Bool

        func isKeyword(in set: Set<String>) -> Bool { isWord && !text.hasPrefix("\"") && set.contains(text.lowercased()) }
    }

    private(set) var tokens: [Token] = []

    init(_ text: String) {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "-", index + 1 < characters.count, characters[index + 1] == "-" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
            } else if character == "'" {
                index += 1
                while index < characters.count, characters[index] != "'" { index += 1 }
                index += 1
            } else if character.isLetter || character == "_" || character == "\"" {
                var word = ""
                while index < characters.count {
                    let next = characters[index]
                    if next == "\"" {
                        word.append(next)
                        index += 1
                        while index < characters.count, characters[index] != "\"" { word.append(characters[index]); index += 1 }
                        if index < characters.count { word.append("\""); index += 1 }
                    } else if next.isLetter || next.isNumber || next == "_" || next == "$" || next == "." {
                        word.append(next)
                        index += 1
                    } else {
                        break
                    }
                }
                tokens.append(Token(text: word, isWord: true))
            } else {
                tokens.append(Token(text: String(character), isWord: false))
                index += 1
            }
        }
    }
}
