/// Splits SQL text into statements at top-level semicolons, respecting quotes, dollar
/// quotes, comments and parentheses, so multi-line input runs when its `;` arrives. At the
/// prompt a top-level backslash also ends the SQL on its line: what follows is a psql-style
/// command (`select 1 \gx`), which works on the statement typed so far.
public struct StatementSplitter: Sendable {
    private var buffer = ""

    public init() {}

    public var isEmpty: Bool { buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    /// The statement typed so far (psql's query buffer).
    public var pending: String { buffer }

    /// What the continuation prompt shows about the pending text, as psql's `%R` does:
    /// `'` or `"` in a quote, `$` in a dollar quote, `*` in a comment, `(` in parentheses, `-` otherwise.
    public var openState: Character { SQLLexer.scan(buffer, stopAtBackslash: false).open ?? "-" }

    /// Adds a line; returns the statements it completed (without their `;`).
    public mutating func append(_ line: String) -> [String] { append(line, commands: false).statements }

    /// Adds a line; returns the statements it completed and, with `commands`, the backslash
    /// command that ended the line's SQL (from its `\` to the end of the line).
    public mutating func append(_ line: String, commands: Bool) -> (statements: [String], command: String?) {
        let joined = buffer.isEmpty ? line : buffer + "\n" + line
        var rest = Substring(joined)
        var statements: [String] = []
        while true {
            let scan = SQLLexer.scan(rest, stopAtBackslash: commands)
            guard let stop = scan.stop else { break }
            if scan.stopIsBackslash {
                buffer = String(rest[..<stop])
                if isEmpty { buffer = "" }
                return (statements, String(rest[stop...]))
            }
            let statement = rest[..<stop].trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty { statements.append(statement) }
            rest = rest[rest.index(after: stop)...]
        }
        buffer = String(rest)
        if isEmpty { buffer = "" }
        return (statements, nil)
    }

    /// What is left when input ends (a last statement without `;`), emptying the buffer.
    public mutating func finish() -> String? {
        defer { buffer = "" }
        let rest = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        return rest.isEmpty ? nil : rest
    }

    public mutating func reset() { buffer = "" }

    /// Replaces the pending text (`\e` brings back an edited statement).
    public mutating func replace(with text: String) {
        buffer = ""
        _ = append(text, commands: false)
    }

    /// Splits a whole script of SQL (no backslash commands).
    public static func split(_ text: String) -> [String] {
        var splitter = StatementSplitter()
        var statements = splitter.append(text)
        if let last = splitter.finish() { statements.append(last) }
        return statements
    }
}

/// The few lexical rules of PostgreSQL's SQL that decide what is code and what is quoted
/// text or a comment. Every character that matters is ASCII, so the lexer walks UTF-8 bytes.
enum SQLLexer {
    struct Scan {
        /// Where a top-level `;` (or backslash) is.
        var stop: String.Index?
        var stopIsBackslash = false
        /// The construct still open at the end of the text, when no stop was found.
        var open: Character?
    }

    /// Scans `text` up to its first top-level `;` (or backslash, with `stopAtBackslash`).
    static func scan(_ text: Substring, stopAtBackslash: Bool) -> Scan {
        let bytes = Array(text.utf8)
        var depth = 0
        var stop: (offset: Int, backslash: Bool)?
        let open = walk(bytes) { i in
            switch bytes[i] {
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"): depth = max(0, depth - 1)
            case UInt8(ascii: ";") where depth == 0: stop = (i, false)
            case UInt8(ascii: "\\") where stopAtBackslash: stop = (i, true)
            default: break
            }
            return stop == nil
        }
        if let stop {
            return Scan(stop: text.utf8.index(text.utf8.startIndex, offsetBy: stop.offset), stopIsBackslash: stop.backslash)
        }
        return Scan(open: open ?? (depth > 0 ? "(" : nil))
    }

    static func scan(_ text: String, stopAtBackslash: Bool) -> Scan { scan(Substring(text), stopAtBackslash: stopAtBackslash) }

    /// Calls `visit` with the offset of every byte that is code (not quoted text or a
    /// comment) until it returns false; returns what is still open at the end: `'`, `"`, `$`
    /// (a dollar quote) or `*` (a comment), or nil.
    static func walk(_ bytes: [UInt8], visit: (Int) -> Bool) -> Character? {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "'"):
                let escapes = i > 0 && (bytes[i - 1] | 0x20) == UInt8(ascii: "e") && (i == 1 || !isIdentifier(bytes[i - 2]))
                guard let end = closing(bytes, from: i, quote: byte, backslashEscapes: escapes) else { return "'" }
                i = end
                continue
            case UInt8(ascii: "\""):
                guard let end = closing(bytes, from: i, quote: byte, backslashEscapes: false) else { return "\"" }
                i = end
                continue
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                while i < bytes.count, bytes[i] != 10 { i += 1 }
                continue
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                guard let end = commentEnd(bytes, from: i) else { return "*" }
                i = end
                continue
            case UInt8(ascii: "$") where i == 0 || !isIdentifier(bytes[i - 1]):
                if let tagEnd = dollarTagEnd(bytes, from: i) {
                    guard let end = find(bytes[i...tagEnd], in: bytes, from: tagEnd + 1) else { return "$" }
                    i = end
                    continue
                }
            default: break
            }
            guard visit(i) else { return nil }
            i += 1
        }
        return nil
    }

    static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte >= 0x80
    }

    /// The offset just past the quote that closes the one at `start` (a doubled quote is
    /// part of the text), or nil when it stays open.
    private static func closing(_ bytes: [UInt8], from start: Int, quote: UInt8, backslashEscapes: Bool) -> Int? {
        var i = start + 1
        while i < bytes.count {
            if backslashEscapes, bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
            if bytes[i] == quote {
                if i + 1 < bytes.count, bytes[i + 1] == quote { i += 2; continue }
                return i + 1
            }
            i += 1
        }
        return nil
    }

    /// Block comments nest in PostgreSQL.
    private static func commentEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start + 2
        var depth = 1
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "/"), bytes[i + 1] == UInt8(ascii: "*") { depth += 1; i += 2; continue }
            if bytes[i] == UInt8(ascii: "*"), bytes[i + 1] == UInt8(ascii: "/") {
                depth -= 1
                i += 2
                if depth == 0 { return i }
                continue
            }
            i += 1
        }
        return nil
    }

    /// The closing `$` of a dollar-quote tag such as `$$` or `$body$` starting at `start`.
    private static func dollarTagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start + 1
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "$") { return i }
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard isIdentifier(byte) && !(digit && i == start + 1) else { return nil }
            i += 1
        }
        return nil
    }

    private static func find(_ tag: ArraySlice<UInt8>, in bytes: [UInt8], from start: Int) -> Int? {
        guard tag.count <= bytes.count else { return nil }
        var i = start
        while i + tag.count <= bytes.count {
            if bytes[i..<(i + tag.count)].elementsEqual(tag) { return i + tag.count }
            i += 1
        }
        return nil
    }
}
