/// Removes literals from SQL that the parser could not read: quoted strings (`'...'`, `E'...'`,
/// dollar-quoted), and numbers that stand alone become `?`; comments go entirely (they can
/// hold anything). Identifiers, keywords and operators stay, so the shape is still readable.
enum LiteralScrubber {
    static func scrub(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        // After an `E` prefix, a backslash escapes the next character (`E'it\'s'`).
        var escapeString = false
        func isIdentifierByte(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "$") }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"):
                index += 1
                while index < bytes.count {
                    if escapeString, bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
                    if bytes[index] == UInt8(ascii: "'") {
                        if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "'") { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
                escapeString = false
                out.append(UInt8(ascii: "?"))
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                var depth = 0
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                        depth += 1; index += 2
                    } else if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                        depth -= 1; index += 2
                        if depth == 0 { break }
                    } else {
                        index += 1
                    }
                }
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "$") where dollarTag(bytes, at: index) != nil:
                let tag = dollarTag(bytes, at: index) ?? []
                index += tag.count
                while index < bytes.count, !bytes[index...].starts(with: tag) { index += 1 }
                index = min(bytes.count, index + tag.count)
                out.append(UInt8(ascii: "?"))
            case UInt8(ascii: "0")...UInt8(ascii: "9") where out.last.map { !isIdentifierByte($0) } ?? true:
                while index < bytes.count, isIdentifierByte(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
                out.append(UInt8(ascii: "?"))
            case UInt8(ascii: "\""):
                // A quoted identifier is not a literal: copied as it is.
                out.append(byte)
                index += 1
                while index < bytes.count {
                    out.append(bytes[index])
                    index += 1
                    if bytes[index - 1] == UInt8(ascii: "\"") { break }
                }
            default:
                // `E'..'`, `B'..'`, `X'..'`, `U&'..'`: the prefix goes with its string.
                if isIdentifierByte(byte), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "'"),
                   out.last.map({ !isIdentifierByte($0) }) ?? true, "eEbBxXnN".utf8.contains(byte) {
                    escapeString = byte | 0x20 == UInt8(ascii: "e")
                    index += 1
                    continue
                }
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `$tag$` or `$$` starting at `index` (not `$1`, a parameter).
    private static func dollarTag(_ bytes: [UInt8], at index: Int) -> [UInt8]? {
        var end = index + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "$") {
            guard isLetter(bytes[end]) || (isDigit(bytes[end]) && end > index + 1) else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        return Array(bytes[index...end])
    }

    /// A letter of an identifier: ASCII letters, `_`, and any byte of a non-ASCII character.
    private static func isLetter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || byte >= 0x80 || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
