/// What one linear pass over a statement's bytes tells before anything parses it: its size,
/// NUL bytes, an upper bound on how deep its comments nest, its first keyword, and whether it
/// mentions EXPLAIN at all.
///
/// PostgreSQL's lexer takes time super-linear in the depth of nested `/* ... */` comments and
/// checks for interrupts nowhere inside them, so neither `statement_timeout` nor a cancel
/// request stops a backend stuck there; such statements are refused before they are sent
/// (and before libpg_query, which has the same lexer, sees them). The depth counts every
/// `/*` and `*/`, quoted or not: never less than what the lexer sees, so no quoting trick
/// hides a deep nest (an opener inside a string literal may only count too much).
struct StatementShape: Equatable {
    var bytes = 0
    /// Byte offset of the first NUL, if any (libpq would cut the statement there).
    var firstNUL: Int?
    var commentDepth = 0
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
        let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*")
        var depth = 0
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == 0, firstNUL == nil { firstNUL = index }
            let next = index + 1 < text.count ? text[index + 1] : 0
            if byte == slash, next == star {
                depth += 1
                commentDepth = max(commentDepth, depth)
                index += 2
            } else if byte == star, next == slash, depth > 0 {
                depth -= 1
                index += 2
            } else {
                if byte | 0x20 == UInt8(ascii: "e"), !mentionsExplain, Self.matches(text, at: index, "explain") {
                    mentionsExplain = true
                }
                index += 1
            }
        }
        leadingKeyword = Self.leadingKeyword(text)
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
