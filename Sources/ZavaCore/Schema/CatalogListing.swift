import Foundation

/// psql's catalogue listings that zava answers with the same columns: `\dn`, `\df`, `\dv`,
/// `\du`, `\l`. Each is one read-only query run as the current identity; a pattern (`ret*`,
/// `retail.top_*`) is a bind parameter, never spliced.
public enum CatalogListing: String, Sendable, CaseIterable {
    case schemas, functions, views, roles, databases

    /// The query and its parameters for an optional psql pattern (`*` any text, `?` one character).
    public func query(pattern: String?) -> (sql: String, parameters: [String?]) {
        let (schema, name) = Self.split(pattern)
        switch self {
        case .schemas:
            return ("""
                SELECT n.nspname AS "Name", pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner"
                FROM pg_catalog.pg_namespace n
                WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND ($1::text IS NULL OR n.nspname LIKE $1)
                ORDER BY 1
                """, [name ?? schema])
        case .functions:
            return ("""
                SELECT n.nspname AS "Schema", p.proname AS "Name",
                       pg_catalog.pg_get_function_result(p.oid) AS "Result data type",
                       pg_catalog.pg_get_function_arguments(p.oid) AS "Argument data types",
                       CASE p.prokind WHEN 'a' THEN 'agg' WHEN 'w' THEN 'window' WHEN 'p' THEN 'proc' ELSE 'func' END AS "Type"
                FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND ($1::text IS NULL OR p.proname LIKE $1) AND ($2::text IS NULL OR n.nspname LIKE $2)
                ORDER BY 1, 2, 4
                """, [name, schema])
        case .views:
            return ("""
                SELECT n.nspname AS "Schema", c.relname AS "Name",
                       CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END AS "Type",
                       pg_catalog.pg_get_userbyid(c.relowner) AS "Owner"
                FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND ($1::text IS NULL OR c.relname LIKE $1) AND ($2::text IS NULL OR n.nspname LIKE $2)
                ORDER BY 1, 2
                """, [name, schema])
        case .roles:
            return ("""
                SELECT r.rolname AS "Role name",
                       concat_ws(', ', CASE WHEN r.rolsuper THEN 'Superuser' END, CASE WHEN r.rolcreaterole THEN 'Create role' END,
                                 CASE WHEN r.rolcreatedb THEN 'Create DB' END, CASE WHEN NOT r.rolcanlogin THEN 'Cannot login' END,
                                 CASE WHEN r.rolbypassrls THEN 'Bypass RLS' END) AS "Attributes"
                FROM pg_catalog.pg_roles r
                WHERE r.rolname !~ '^pg_' AND ($1::text IS NULL OR r.rolname LIKE $1)
                ORDER BY 1
                """, [name ?? schema])
        case .databases:
            return ("""
                SELECT d.datname AS "Name", pg_catalog.pg_get_userbyid(d.datdba) AS "Owner",
                       pg_catalog.pg_encoding_to_char(d.encoding) AS "Encoding", d.datcollate AS "Collate"
                FROM pg_catalog.pg_database d
                WHERE ($1::text IS NULL OR d.datname LIKE $1)
                ORDER BY 1
                """, [name ?? schema])
        }
    }

    /// `schema.name` into LIKE patterns; either may be nil (any).
    static func split(_ pattern: String?) -> (schema: String?, name: String?) {
        guard let pattern, !pattern.isEmpty else { return (nil, nil) }
        func like(_ part: Substring) -> String? {
            guard !part.isEmpty else { return nil }
            return part.replacingOccurrences(of: "_", with: "\\_").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "*", with: "%").replacingOccurrences(of: "?", with: "_")
        }
        let parts = pattern.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? (like(parts[0]), like(parts[1])) : (nil, like(parts[0]))
    }
}
