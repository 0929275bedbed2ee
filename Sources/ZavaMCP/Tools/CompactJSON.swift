import ZavaCore
import ZavaPostgres

/// The sample's compact result shape, `{"c":[columns],"r":[[values]],"n":rows}`, plus
/// `"truncated":true` and a hint when a cap cut the result. Values use ZavaCore's JSON
/// fragments (numerics keep every digit), so the MCP tools and the REPL's json format agree.
enum CompactJSON {
    /// The text, and the rows it kept (JSON fragments, for the structured answer's twin).
    struct Answer {
        var text: String
        var rows: [String]
        var truncated: Bool
    }

    /// The result as compact JSON of at most `maxBytes` UTF-8 bytes: rows that would pass it
    /// are left out and the answer says `"truncated":true`, as when the row cap cut it, with
    /// `hint` saying what to do instead.
    static func answer(_ result: QueryResult, maxBytes: Int = .max, hint: String = "") -> Answer {
        var out = "{\"c\":["
        out += result.columns.map { JSONString.quote($0.name) }.joined(separator: ",")
        out += "],\"r\":["
        let closing = ",\"truncated\":true" + (hint.isEmpty ? "" : ",\"hint\":" + JSONString.quote(hint)) + "}"
        // Room kept for the closing part: `],"n":<count>` and the truncation note.
        let budget = maxBytes - out.utf8.count - 24 - closing.utf8.count
        var used = 0
        var rows: [String] = []
        for row in result.rows {
            let fragment = "[" + row.map(\.jsonFragment).joined(separator: ",") + "]"
            guard used + fragment.utf8.count + 1 <= budget else { break }
            if !rows.isEmpty { out += "," }
            out += fragment
            used += fragment.utf8.count + 1
            rows.append(fragment)
        }
        out += "],\"n\":\(rows.count)"
        let truncated = result.truncated || rows.count < result.rows.count
        out += truncated ? closing : "}"
        return Answer(text: out, rows: rows, truncated: truncated)
    }

    /// The sample's error shape: the message, and an empty result.
    static func error(_ message: String) -> String {
        "{\"err\":\(JSONString.quote(message)),\"c\":[],\"r\":[],\"n\":0}"
    }
}
