import CPgQuery

/// The bind parameters (`$1`, `$2`, ...) a statement uses, read by PostgreSQL's grammar
/// (libpg_query), so a `$1` inside a string or a comment does not count.
public enum StatementParameters {
    /// The highest parameter number used (0 for none), or nil when the statement cannot be parsed.
    public static func highest(in sql: String) -> Int? {
        let result = pg_query_parse(sql)
        defer { pg_query_free_parse_result(result) }
        guard result.error == nil, let tree = result.parse_tree else { return nil }
        let marker = #""ParamRef":{"number":"#
        var highest = 0
        var rest = Substring(String(cString: tree))
        while let found = rest.range(of: marker) {
            rest = rest[found.upperBound...]
            if let number = Int(rest.prefix { $0.isNumber }) { highest = max(highest, number) }
        }
        return highest
    }
}
