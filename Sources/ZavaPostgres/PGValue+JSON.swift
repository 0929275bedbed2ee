/// JSON for results, shared by the REPL's json format and the MCP tools: numbers stay
/// numbers with every digit (numeric is written from its exact text), vectors are arrays.
extension PGValue {
    public var jsonFragment: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): value.isFinite ? PGValue.format(value) : JSONString.quote(PGValue.format(value))
        case .numeric(let text): text == "NaN" || text.contains("Infinity") ? JSONString.quote(text) : text
        case .text(let text), .date(let text), .timestamp(let text), .uuid(let text): JSONString.quote(text)
        case .json(let text): text
        case .vector(let values): "[" + values.map { PGValue.format(Double($0)) }.joined(separator: ",") + "]"
        case .array(let values): "[" + values.map(\.jsonFragment).joined(separator: ",") + "]"
        }
    }
}

/// The one JSON string escaper: RFC 8259's required escapes, everything else (all of UTF-8) as is.
public enum JSONString {
    /// A JSON string literal.
    public static func quote(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal to `out`: runs of bytes that need no escape are
    /// copied whole (most text is one such run).
    public static func append(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): out += #"\""#.utf8
                case UInt8(ascii: "\\"): out += #"\\"#.utf8
                case 0x0A: out += #"\n"#.utf8
                case 0x0D: out += #"\r"#.utf8
                case 0x09: out += #"\t"#.utf8
                default:
                    let digits = Array("0123456789abcdef".utf8)
                    out += #"\u00"#.utf8
                    out.append(digits[Int(byte >> 4)])
                    out.append(digits[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
