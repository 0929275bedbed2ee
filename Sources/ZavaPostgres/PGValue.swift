/// One decoded cell of a result. Exact where it matters: numerics keep every digit,
/// dates and timestamps keep the server's text (what psql shows), vectors become floats.
public enum PGValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// `numeric`, kept as the server's exact decimal text (no float rounding).
    case numeric(String)
    case text(String)
    case date(String)
    case timestamp(String)
    case uuid(String)
    case json(String)
    case vector([Float])
    case array([PGValue])

    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The display text, or nil for NULL (for code that reads a value it knows is text).
    public var text: String? { isNull ? nil : displayText }

    /// The value as psql prints it in aligned output.
    public var displayText: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "t" : "f"
        case .int(let value): String(value)
        case .double(let value): PGValue.format(value)
        case .numeric(let text), .text(let text), .date(let text), .timestamp(let text),
             .uuid(let text), .json(let text): text
        case .vector(let values): "[" + values.map { PGValue.format(Double($0)) }.joined(separator: ",") + "]"
        case .array(let values): "{" + values.map(\.arrayElementText).joined(separator: ",") + "}"
        }
    }

    /// Whether renderers right-align it (numbers, like psql).
    public var isNumeric: Bool {
        switch self {
        case .int, .double, .numeric: true
        default: false
        }
    }

    private var arrayElementText: String {
        switch self {
        case .null: return "NULL"
        case .text(let text), .json(let text):
            let needsQuotes = text.isEmpty || text.contains { " ,{}\"\\".contains($0) } || text.uppercased() == "NULL"
            guard needsQuotes else { return text }
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        default: return displayText
        }
    }

    package static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// Decodes the text format by type, so every front end sees the same typed value. The type's
/// kind is worked out once per column, not once per cell.
package enum PGValueDecoder {
    package indirect enum Kind: Sendable {
        case bool, int, double, numeric, date, timestamp, uuid, json, vector, text
        case array(Kind)
    }

    package static func kind(for typeName: String) -> Kind {
        if typeName.hasSuffix("[]") { return .array(kind(for: String(typeName.dropLast(2)))) }
        switch typeName {
        case "boolean": return .bool
        case "smallint", "integer", "bigint", "oid": return .int
        case "real", "double precision": return .double
        // money is text: its server text carries a currency symbol and separators ("$1,000.00"),
        // which are not a number in JSON or CSV.
        case "numeric": return .numeric
        case "date": return .date
        case "timestamp without time zone", "timestamp with time zone", "time without time zone",
             "time with time zone", "interval":
            return .timestamp
        case "uuid": return .uuid
        case "json", "jsonb": return .json
        case "vector": return .vector
        default: return .text
        }
    }

    package static func decode(_ text: String, typeName: String) -> PGValue { decode(text, kind: kind(for: typeName)) }

    package static func decode(_ text: String, kind: Kind) -> PGValue {
        switch kind {
        case .bool: return .bool(text == "t")
        case .int: return Int64(text).map(PGValue.int) ?? .numeric(text)
        case .double: return Double(text).map(PGValue.double) ?? .text(text)
        case .numeric: return .numeric(text)
        case .date: return .date(text)
        case .timestamp: return .timestamp(text)
        case .uuid: return .uuid(text)
        case .json: return .json(text)
        case .vector: return .vector(text.dropFirst().dropLast().split(separator: ",").compactMap { Float($0) })
        case .text: return .text(text)
        case .array(let element):
            return .array(PGArrayParser.parse(text).map { $0.map { decode($0, kind: element) } ?? .null })
        }
    }
}

/// Parses a one-dimensional PostgreSQL array literal (`{a,"b c",NULL}`); nested arrays are
/// returned as their text so nothing is lost.
package enum PGArrayParser {
    package static func parse(_ literal: String) -> [String?] {
        var chars = Substring(literal)
        if let equals = chars.firstIndex(of: "="), chars.first == "[" { chars = chars[chars.index(after: equals)...] }
        guard chars.first == "{", chars.last == "}" else { return [literal] }
        chars = chars.dropFirst().dropLast()
        var items: [String?] = []
        var current = ""
        var quoted = false, wasQuoted = false, escaped = false, depth = 0
        for char in chars {
            if escaped { current.append(char); escaped = false; continue }
            switch char {
            case "\\" where quoted: escaped = true
            case "\"": quoted.toggle(); wasQuoted = true
            case "{" where !quoted: depth += 1; current.append(char)
            case "}" where !quoted: depth -= 1; current.append(char)
            case "," where !quoted && depth == 0:
                items.append(wasQuoted || current != "NULL" ? current : nil)
                current = ""; wasQuoted = false
            default: current.append(char)
            }
        }
        if !current.isEmpty || wasQuoted || !items.isEmpty {
            items.append(wasQuoted || current != "NULL" ? current : nil)
        }
        return items
    }
}
