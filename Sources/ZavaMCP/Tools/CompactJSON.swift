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

/// Error text for tool replies: the database's own message (with its DETAIL and HINT) where
/// there is one, so the model can correct its SQL.
enum ErrorText {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as DatabaseError:
            var text = error.description
            if let position = error.position { text += "\nPOSITION: character \(position) of the statement" }
            return text
        case let error as ConnectionError:
            // libpq's own text names the server's host, port or socket path: the log has it.
            switch error.kind {
            case .unavailable: return "database unavailable: zava cannot reach PostgreSQL right now; try again shortly"
            case .lost: return "connection to the database was lost while the statement ran; try again"
            case .busy, .closed: return error.description
            }
        case is CancellationError:
            return "the request was cancelled"
        default:
            return String(describing: error)
        }
    }

    /// The detail to log for `error` when the caller is told less than it says.
    static func logDetail(_ error: any Error) -> String? {
        guard let error = error as? ConnectionError, [.unavailable, .lost].contains(error.kind) else { return nil }
        return error.description
    }
}
