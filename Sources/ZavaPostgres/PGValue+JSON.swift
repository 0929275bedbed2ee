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

public enum JSONString {
    /// A JSON string literal with the escapes RFC 8259 requires.
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
