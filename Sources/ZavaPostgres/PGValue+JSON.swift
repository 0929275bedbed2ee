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

    /// Appends `text` as a JSON string literal to `out`.
    public static func append(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x0A: out += #"\n"#.utf8
            case 0x0D: out += #"\r"#.utf8
            case 0x09: out += #"\t"#.utf8
            case ..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out += #"\u00"#.utf8
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
