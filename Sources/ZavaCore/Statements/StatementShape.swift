/// What one linear pass over a statement's bytes tells before anything parses it: its size,
/// NUL bytes, its longest run of operator characters, its first keyword, and whether it
/// mentions EXPLAIN at all.
///
/// PostgreSQL's lexer takes time quadratic in the length of a run of operator characters
/// (`~!@#^&|`?+-*/%<>=`) that holds comment openers or ends in `+`/`-` (`select 1 ` and
/// `/*` × 16 then `*/` × 16, repeated 4,000 times, 256 KB: 53 s; `+-` × 20,000: 6 s), since
/// it backs up and rescans the rest of the run at each of them, and it checks for interrupts
/// nowhere in between: neither `statement_timeout` nor a cancel request stops a backend there.
/// A run longer than any real operator or comment marker is refused before it is sent (and
/// before libpg_query, which has the same lexer, sees it). Runs are counted quoted or not:
/// never shorter than what the lexer sees, so no quoting trick hides one.
struct StatementShape: Equatable {
    var bytes = 0
    /// Byte offset of the first NUL, if any (libpq would cut the statement there).
    var firstNUL: Int?
    var longestOperatorRun = 0
    /// The first keyword after white space and comments, lower-cased (nil if none).
    var leadingKeyword: String?
    /// Whether "explain" appears anywhere, in any case: only then is the statement parsed.
    var mentionsExplain = false

    init(_ sql: String) {
        var copy = sql
        self = copy.withUTF8 { StatementShape(scanning: $0) }
    }

    private init(scanning text: UnsafeBufferPointer<UInt8>) {
        bytes = text.count
        var run = 0
        for (index, byte) in text.enumerated() {
            if Self.isOperatorCharacter(byte) {
                run += 1
                longestOperatorRun = max(longestOperatorRun, run)
                continue
            }
            run = 0
            if byte == 0, firstNUL == nil { firstNUL = index }
            if byte | 0x20 == UInt8(ascii: "e"), !mentionsExplain, Self.matches(text, at: index, "explain") {
                mentionsExplain = true
            }
        }
        leadingKeyword = Self.leadingKeyword(text)
    }

    /// The lexer's `op_chars`.
    private static func isOperatorCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "@"), UInt8(ascii: "#"), UInt8(ascii: "^"),
             UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "`"), UInt8(ascii: "?"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "<"),
             UInt8(ascii: ">"), UInt8(ascii: "="): true
        default: false
        }
    }

    private static func matches(_ text: UnsafeBufferPointer<UInt8>, at start: Int, _ word: StaticString) -> Bool {
        guard start + word.utf8CodeUnitCount <= text.count else { return false }
        return (0..<word.utf8CodeUnitCount).allSatisfy { text[start + $0] | 0x20 == word.utf8Start[$0] }
    }

    /// Before the first token there is nothing to quote, so white space, `--` comments and
    /// nested `/* */` comments are all the lexer can skip.
    private static func leadingKeyword(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        var index = 0
        var depth = 0
        while index < text.count {
            let byte = text[index]
            let next = index + 1 < text.count ? text[index + 1] : 0
            if byte == UInt8(ascii: "/"), next == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if depth > 0 {
                index += byte == UInt8(ascii: "*") && next == UInt8(ascii: "/") ? 2 : 1
                if byte == UInt8(ascii: "*"), next == UInt8(ascii: "/") { depth -= 1 }
            } else if byte == UInt8(ascii: "-"), next == UInt8(ascii: "-") {
                while index < text.count, text[index] != UInt8(ascii: "\n"), text[index] != UInt8(ascii: "\r") { index += 1 }
            } else if [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C].contains(byte) {
                index += 1
            } else {
                var end = index
                while end < text.count, isLetter(text[end]) { end += 1 }
                return end > index ? String(decoding: text[index..<end], as: UTF8.self).lowercased() : nil
            }
        }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
    }
}
