import ZavaCore
import ZavaPostgres

/// CSV as psql and COPY write it: a header row, then one line per row, LF line endings
/// (RFC 4180's CRLF when asked, `crlf`); NULL is an empty field, the empty string a quoted
/// one, so the two stay distinct.
public enum CSVRenderer {
    public static func header(_ columns: [Column], crlf: Bool = false) -> String {
        var bytes: [UInt8] = []
        for (index, column) in columns.enumerated() {
            if index > 0 { bytes.append(44) }
            appendField(column.name, quoteEmpty: false, to: &bytes)
        }
        endLine(crlf, &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func render(_ result: QueryResult, crlf: Bool = false) -> String {
        var bytes = Array(header(result.columns, crlf: crlf).utf8)
        for row in result.rows { append(row, crlf: crlf, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one row's CSV bytes.
    public static func append(_ row: [PGValue], crlf: Bool = false, to bytes: inout [UInt8]) {
        for (index, value) in row.enumerated() {
            if index > 0 { bytes.append(44) }
            switch value {
            case .null: continue
            case .int(let number): bytes.append(contentsOf: String(number).utf8)
            case .numeric(let text), .text(let text), .date(let text), .timestamp(let text), .uuid(let text):
                appendField(text, quoteEmpty: true, to: &bytes)
            default: appendField(value.displayText, quoteEmpty: true, to: &bytes)
            }
        }
        endLine(crlf, &bytes)
    }

    /// One streamed row in the server's text, straight from libpq's buffer (no decoding): the
    /// streaming path writes straight into the output buffer.
    public static func append(_ row: RawRow, crlf: Bool = false, to bytes: inout [UInt8]) {
        for index in 0..<row.count {
            if index > 0 { bytes.append(44) }
            if row.isNull(index) { continue }
            row.withBytes(index) { appendField($0, quoteEmpty: true, to: &bytes) }
        }
        endLine(crlf, &bytes)
    }

    private static func endLine(_ crlf: Bool, _ bytes: inout [UInt8]) {
        if crlf { bytes.append(13) }
        bytes.append(10)
    }

    static func appendField(_ text: String, quoteEmpty: Bool, to bytes: inout [UInt8]) {
        appendField(text.utf8, quoteEmpty: quoteEmpty, to: &bytes)
    }

    /// RFC 4180 quoting, decided on the UTF-8 bytes.
    static func appendField<Bytes: BidirectionalCollection<UInt8>>(_ utf8: Bytes, quoteEmpty: Bool, to bytes: inout [UInt8]) {
        if utf8.isEmpty {
            if quoteEmpty { bytes.append(contentsOf: [34, 34]) }
            return
        }
        let special = utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 } // , " \n \r
        guard special || utf8.first == 32 || utf8.last == 32 else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(34)
        for byte in utf8 {
            if byte == 34 { bytes.append(34) }
            bytes.append(byte)
        }
        bytes.append(34)
    }
}

/// Tab-separated values in COPY's text format: its escapes (`\t`, `\n`, `\r`, `\\`, ...) and
/// `\N` for NULL, so every value, NULL and the empty string included, reads back exactly.
public enum TSVRenderer {
    public static func header(_ columns: [Column]) -> String {
        var bytes: [UInt8] = []
        for (index, column) in columns.enumerated() {
            if index > 0 { bytes.append(9) }
            appendField(column.name, to: &bytes)
        }
        bytes.append(10)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func append(_ row: [PGValue], to bytes: inout [UInt8]) {
        for (index, value) in row.enumerated() {
            if index > 0 { bytes.append(9) }
            if value.isNull { bytes.append(contentsOf: [92, 78]) } else { appendField(value.displayText, to: &bytes) }
        }
        bytes.append(10)
    }

    /// One streamed row in the server's text, straight from libpq's buffer.
    public static func append(_ row: RawRow, to bytes: inout [UInt8]) {
        for index in 0..<row.count {
            if index > 0 { bytes.append(9) }
            if row.isNull(index) { bytes.append(contentsOf: [92, 78]) } else { row.withBytes(index) { appendField($0, to: &bytes) } }
        }
        bytes.append(10)
    }

    public static func render(_ result: QueryResult) -> String {
        var bytes = Array(header(result.columns).utf8)
        for row in result.rows { append(row, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendField(_ text: String, to bytes: inout [UInt8]) { appendField(text.utf8, to: &bytes) }

    static func appendField<Bytes: Collection<UInt8>>(_ utf8: Bytes, to bytes: inout [UInt8]) {
        for byte in utf8 {
            switch byte {
            case 9: bytes.append(contentsOf: [92, 116])
            case 10: bytes.append(contentsOf: [92, 110])
            case 13: bytes.append(contentsOf: [92, 114])
            case 8: bytes.append(contentsOf: [92, 98])
            case 11: bytes.append(contentsOf: [92, 118])
            case 12: bytes.append(contentsOf: [92, 102])
            case 92: bytes.append(contentsOf: [92, 92])
            default: bytes.append(byte)
            }
        }
    }
}

/// A JSON array of objects, one per row, with typed values.
public enum JSONRenderer {
    public static func render(_ result: QueryResult) -> String {
        guard !result.rows.isEmpty else { return "[]\n" }
        return "[\n" + result.rows.map { object($0, columns: result.columns) }.joined(separator: ",\n") + "\n]\n"
    }

    public static func object(_ row: [PGValue], columns: [Column]) -> String {
        "{" + zip(columns, row).map { JSONString.quote($0.name) + ":" + $1.jsonFragment }.joined(separator: ",") + "}"
    }
}

/// A GitHub-flavoured markdown table (pipes and newlines escaped inside cells).
public enum MarkdownRenderer {
    public static func render(_ result: QueryResult) -> String {
        guard !result.columns.isEmpty else { return result.commandTag + "\n" }
        return header(result.columns) + result.rows.map(line).joined()
    }

    static func header(_ columns: [Column]) -> String {
        "| " + columns.map { cell($0.name) }.joined(separator: " | ") + " |\n"
            + "|" + columns.map { $0.isNumeric ? " ---: " : " --- " }.joined(separator: "|") + "|\n"
    }

    static func line(_ row: [PGValue]) -> String {
        "| " + row.map { $0.isNull ? "" : cell($0.displayText) }.joined(separator: " | ") + " |\n"
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
    }
}
