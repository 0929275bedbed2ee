import ZavaCore

/// The sample's compact result shape, `{"c":[columns],"r":[[values]],"n":rows}`, plus
/// `"truncated":true` when the row cap cut the result. Values use ZavaCore's JSON fragments
/// (numerics keep every digit), so the MCP tools and the REPL's json format agree.
enum CompactJSON {
    static func result(_ result: QueryResult) -> String {
        var out = "{\"c\":["
        out += result.columns.map { JSONString.quote($0.name) }.joined(separator: ",")
        out += "],\"r\":["
        out += result.rows.map { "[" + $0.map(\.jsonFragment).joined(separator: ",") + "]" }.joined(separator: ",")
        out += "],\"n\":\(result.rows.count)"
        if result.truncated { out += ",\"truncated\":true" }
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
        case is CancellationError:
            return "the request was cancelled"
        default:
            return String(describing: error)
        }
    }
}
