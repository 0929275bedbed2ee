import ZavaCore

/// RFC 4180 CSV: a header row, then one line per row; NULL is an empty field, the empty
/// string a quoted one, so the two stay distinct.
public enum CSVRenderer {
    public static func header(_ columns: [Column]) -> String {
        columns.map { field($0.name) }.joined(separator: ",") + "\r\n"
    }

    public static func line(_ row: [PGValue]) -> String {
        row.map { $0.isNull ? "" : field($0.displayText, quoteEmpty: true) }.joined(separator: ",") + "\r\n"
    }

    static func field(_ text: String, quoteEmpty: Bool = false) -> String {
        if text.isEmpty { return quoteEmpty ? "\"\"" : "" }
        let bytes = text.utf8
        let special = bytes.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 } // , " \n \r
        guard special || bytes.first == 32 || bytes.last == 32 else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
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
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
        }
        var out = "| " + result.columns.map { cell($0.name) }.joined(separator: " | ") + " |\n"
        out += "|" + result.columns.map { $0.isNumeric ? " ---: " : " --- " }.joined(separator: "|") + "|\n"
        for row in result.rows {
            out += "| " + row.map { $0.isNull ? "" : cell($0.displayText) }.joined(separator: " | ") + " |\n"
        }
        return out
    }
}
