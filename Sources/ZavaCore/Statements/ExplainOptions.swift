import CPgQuery
import Foundation

/// Whether a statement is an EXPLAIN that executes its query (`ANALYZE` in any spelling),
/// decided by PostgreSQL's own grammar through libpg_query: `EXPLAIN ANALYZE`, `ANALYSE`,
/// `(ANALYZE)`, `(ANALYZE true)`, `(analyze 1, format json)`, comments anywhere, any case.
enum ExplainOptions {
    enum Verdict: Equatable {
        /// Not an EXPLAIN, or one that only plans.
        case plansOnly
        /// EXPLAIN with ANALYZE on (or an ANALYZE value zava cannot read as off).
        case executes
        /// libpg_query (PostgreSQL 15's grammar) cannot parse it.
        case unparsable(String)
    }

    static func inspect(_ sql: String) -> Verdict {
        let result = pg_query_parse(sql)
        defer { pg_query_free_parse_result(result) }
        if let error = result.error {
            return .unparsable(error.pointee.message.map { String(cString: $0) } ?? "syntax error")
        }
        guard let tree = result.parse_tree,
              let root = try? JSONSerialization.jsonObject(with: Data(String(cString: tree).utf8)) as? [String: Any]
        else { return .unparsable("unreadable parse tree") }
        let statements = (root["stmts"] as? [[String: Any]]) ?? []
        for entry in statements {
            guard let statement = entry["stmt"] as? [String: Any], let explain = statement["ExplainStmt"] as? [String: Any]
            else { continue }
            let options = (explain["options"] as? [[String: Any]]) ?? []
            for option in options {
                guard let element = option["DefElem"] as? [String: Any],
                      (element["defname"] as? String)?.lowercased() == "analyze" else { continue }
                if !isOff(element["arg"]) { return .executes }
            }
        }
        return .plansOnly
    }

    /// The values PostgreSQL's boolean options read as false; anything else counts as on
    /// (fail closed: an unusual spelling is refused rather than guessed).
    private static func isOff(_ argument: Any?) -> Bool {
        guard let argument = argument as? [String: Any] else { return false }  // bare ANALYZE is on
        if let integer = argument["Integer"] as? [String: Any] {
            return (integer["ival"] as? Int ?? 0) == 0
        }
        if let string = argument["String"] as? [String: Any], let value = (string["sval"] as? String)?.lowercased() {
            return ["false", "off", "no", "0", "f", "fa", "fal", "fals", "n", "of"].contains(value)
        }
        return false
    }
}
