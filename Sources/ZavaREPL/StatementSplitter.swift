/// Splits SQL text into statements at top-level semicolons, respecting quotes, dollar
/// quotes, comments and parentheses, so multi-line input runs when its `;` arrives.
public struct StatementSplitter: Sendable {
    private var buffer = ""

    public init() {}

    public var isEmpty: Bool { buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    public var pending: String { buffer }

    /// Adds a line; returns the statements it completed (without their `;`).
    public mutating func append(_ line: String) -> [String] {
        buffer += buffer.isEmpty ? line : "\n" + line
        var statements: [String] = []
        while let end = Self.firstTerminator(in: buffer) {
            let statement = String(buffer[..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty { statements.append(statement) }
            buffer = String(buffer[buffer.index(after: end)...])
        }
        if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = "" }
        return statements
    }

    /// What is left when input ends (a last statement without `;`).
    public mutating func finish() -> String? {
        defer { buffer = "" }
        let rest = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        return rest.isEmpty ? nil : rest
    }

    public mutating func reset() { buffer = "" }

    /// Splits a whole script.
    public static func split(_ text: String) -> [String] {
        var splitter = StatementSplitter()
        var statements = splitter.append(text)
        if let last = splitter.finish() { statements.append(last) }
        return statements
    }

    static func firstTerminator(in text: String) -> String.Index? {
        var index = text.startIndex
        var depth = 0
        func peek(_ offset: Int) -> Character? {
            text.index(index, offsetBy: offset, limitedBy: text.endIndex).flatMap { $0 < text.endIndex ? text[$0] : nil }
        }
        while index < text.endIndex {
            let char = text[index]
            switch char {
            case "'", "\"":
                index = skipQuoted(text, from: index, quote: char)
                continue
            case "-" where peek(1) == "-":
                index = text[index...].firstIndex(of: "\n") ?? text.endIndex
                continue
            case "/" where peek(1) == "*":
                index = text[text.index(index, offsetBy: 2)...].range(of: "*/")?.upperBound ?? text.endIndex
                continue
            case "$":
                if let tagEnd = dollarTagEnd(text, from: index) {
                    let tag = text[index...tagEnd]
                    let bodyStart = text.index(after: tagEnd)
                    index = text[bodyStart...].range(of: tag)?.upperBound ?? text.endIndex
                    continue
                }
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case ";" where depth == 0: return index
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func skipQuoted(_ text: String, from start: String.Index, quote: Character) -> String.Index {
        var index = text.index(after: start)
        while index < text.endIndex {
            if text[index] == quote {
                let next = text.index(after: index)
                if next < text.endIndex, text[next] == quote { index = text.index(after: next); continue }
                return next
            }
            index = text.index(after: index)
        }
        return text.endIndex
    }

    /// The closing `$` of a dollar-quote tag such as `$$` or `$body$` starting at `start`.
    private static func dollarTagEnd(_ text: String, from start: String.Index) -> String.Index? {
        var index = text.index(after: start)
        while index < text.endIndex {
            let char = text[index]
            if char == "$" { return index }
            guard char.isLetter || char == "_" || (char.isNumber && index > text.index(after: start)) else { return nil }
            index = text.index(after: index)
        }
        return nil
    }
}
