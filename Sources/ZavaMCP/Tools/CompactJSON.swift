import ZavaCore
import ZavaPostgres

/// The sample's compact result shape, `{"c":[columns],"r":[[values]],"n":rows}`, plus
/// `"truncated":true` when the row cap cut the result. Values use ZavaCore's JSON fragments
/// (numerics keep every digit), so the MCP tools and the REPL's json format agree.
enum CompactJSON {
    /// The result as compact JSON of at most `maxBytes` UTF-8 bytes: rows that would pass it are
    /// left out and the answer says `"truncated":true`, as when the row cap cut it.
    static func result(_ result: QueryResult, maxBytes: Int = .max) -> String {
        var out = "{\"c\":["
        out += result.columns.map { JSONString.quote($0.name) }.joined(separator: ",")
        out += "],\"r\":["
        // Room kept for the closing part: `],"n":<count>,"truncated":true}`.
        let budget = maxBytes - out.utf8.count - 40
        var used = 0
        var kept = 0
        for row in result.rows {
            let fragment = (kept == 0 ? "[" : ",[") + row.map(\.jsonFragment).joined(separator: ",") + "]"
            guard used + fragment.utf8.count <= budget else { break }
            out += fragment
            used += fragment.utf8.count
            kept += 1
        }
        out += "],\"n\":\(kept)"
        if result.truncated || kept < result.rows.count { out += ",\"truncated\":true" }
        return out + "}"
    }

    /// The sample's error shape: the message, and an empty result.
    static func error(_ message: String) -> String {
        "{\"err\":\(JSONString.quote(message)),\"c\":[],\"r\":[],\"n\":0}"
    }
}
