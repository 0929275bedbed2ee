import Foundation

/// psql's `\copy { table [(columns)] | (query) } to { 'file' | stdout } [with] [(format csv, header)]`.
/// zava runs the query as the current identity and writes its rows itself, streamed and never
/// cut by the row cap, in COPY's own text or CSV format. zava only reads, so `from` is refused.
public struct CopyCommand: REPLCommand, Equatable, Sendable {
    public enum Format: String, Sendable { case text, csv }

    static let help = CommandHelp(
        names: ["\\copy"], usage: "\\copy {table | (query)} to {'file' | stdout} [with (format csv, header)]",
        summary: "stream rows to a file in COPY's text or CSV format, no row cap",
        details: """
            As psql's \\copy: runs the query as the current identity and writes every row as it arrives,
            in COPY's text format (tab-separated, \\N for NULL) or CSV. zava only reads: \\copy ... from is
            refused. Example: \\copy (select * from orders where order_date >= '2026-10-01') to 'oct.csv' csv header
            """)

    /// The SELECT that produces the rows.
    public var query: String
    /// nil: standard output.
    public var file: String?
    public var format: Format = .text
    public var header = false

    /// The query binds variables as parameters: substitution must leave its text alone.
    static var bindsVariables: Bool { true }

    /// The rows in COPY's text or CSV format, streamed to the file or standard output.
    func run(in repl: REPL) async throws -> REPL.Flow {
        let target = try file.map { try OutputFile.open($0, overwrite: true) }
        defer { target?.close() }
        let (sql, parameters) = repl.variables.bind(query)
        let rows = try await repl.stream(sql, parameters: parameters, to: target?.buffer ?? repl.out,
                                         format: format == .csv ? .csv : .tsv, header: header)
        // On standard output the tag would end up among the rows.
        if target != nil { repl.print("COPY \(rows)") }
        return .next
    }

    public static func parse(_ text: String) throws -> CopyCommand {
        let source: String
        var rest: Substring
        let trimmed = Substring(text.trimmingCharacters(in: .whitespaces))
        if trimmed.hasPrefix("(") {
            guard let close = Self.closingParenthesis(trimmed) else { throw error("the query in parentheses is not closed") }
            source = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]).trimmingCharacters(in: .whitespaces)
            rest = trimmed[trimmed.index(after: close)...]
        } else {
            guard let direction = trimmed.range(of: #"\s(to|from)\s"#, options: [.regularExpression, .caseInsensitive]) else {
                throw error("expected \\copy <table or (query)> to <file>")
            }
            let target = trimmed[..<direction.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !target.isEmpty else { throw error("expected a table or a (query) after \\copy") }
            if let open = target.firstIndex(of: "("), target.hasSuffix(")") {
                let columns = target[target.index(after: open)..<target.index(before: target.endIndex)]
                source = "SELECT \(columns) FROM \(target[..<open].trimmingCharacters(in: .whitespaces))"
            } else {
                source = "SELECT * FROM \(target)"
            }
            rest = trimmed[direction.lowerBound...]
        }
        guard !source.isEmpty else { throw error("the query is empty") }
        var words = try CommandArguments.tokens(String(rest).replacingOccurrences(of: ",", with: " , "))
        func next() -> String? { words.isEmpty ? nil : words.removeFirst() }
        switch next()?.lowercased() {
        case "to": break
        case "from": throw error("zava only reads: \\copy ... from is not supported (load data with zava db seed or psql)")
        default: throw error("expected to <file> after the \(trimmed.hasPrefix("(") ? "query" : "table")")
        }
        var command = CopyCommand(query: source)
        guard let target = next() else { throw error("expected a file name, stdout or pstdout after to") }
        switch target.lowercased() {
        case "stdout", "pstdout": command.file = nil
        case "program": throw error("\\copy ... to program is not supported: write to a file, or to stdout and pipe zava -c")
        default: command.file = target
        }
        if words.first?.lowercased() == "with" { _ = next() }
        let options = words.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "()")) }.filter { !$0.isEmpty && $0 != "," }
        var index = 0
        while index < options.count {
            let option = options[index].lowercased()
            let value = index + 1 < options.count ? options[index + 1].lowercased() : nil
            switch option {
            case "csv", "text": command.format = Format(rawValue: option) ?? .text
            case "format":
                guard let value, let format = Format(rawValue: value) else {
                    throw error("format takes csv or text\(value == "binary" ? ": zava does not write binary COPY" : "")")
                }
                command.format = format
                index += 1
            case "header":
                if let value, ["true", "on", "1", "false", "off", "0"].contains(value) {
                    command.header = ["true", "on", "1"].contains(value)
                    index += 1
                } else {
                    command.header = true
                }
            case "binary": throw error("zava does not write binary COPY: use format csv or text")
            default: throw error("unsupported option \(options[index]): zava's \\copy takes format csv|text and header")
            }
            index += 1
        }
        return command
    }

    private static func error(_ text: String) -> MetaCommand.ParseError { MetaCommand.ParseError(description: "\\copy: \(text)") }

    /// The `)` that closes the `(` at the start of `text`, skipping quoted text and comments.
    private static func closingParenthesis(_ text: Substring) -> String.Index? {
        let bytes = Array(text.utf8)
        var depth = 0
        var close: Int?
        _ = SQLLexer.walk(bytes) { i in
            if bytes[i] == UInt8(ascii: "(") { depth += 1 }
            if bytes[i] == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { close = i; return false }
            }
            return true
        }
        return close.map { text.utf8.index(text.utf8.startIndex, offsetBy: $0) }
    }
}

extension CopyCommand {
    init(_ arguments: CommandArguments) throws {
        self = try Self.parse(arguments.text(after: 1))
    }
}
