import ZavaCore
import ZavaPostgres

/// `:describe` output in psql's `\d` shape.
enum SchemaRenderer {
    static func render(_ table: TableSchema, style: RenderStyle) -> String {
        let text = REPL.textColumn
        let columns = QueryResult(
            columns: [text("Column"), text("Type"), text("Nullable"), text("Default")],
            rows: table.columns.map { [.text($0.name), .text($0.type), .text($0.nullable ? "" : "not null"),
                                       .text($0.defaultValue ?? "")] })
        var body = TableRenderer(style: style).render(columns)
        body = String(body.split(separator: "\n", omittingEmptySubsequences: false).dropLast(2).joined(separator: "\n")) + "\n"
        var out = "Table \"\(table.qualifiedName)\"\(table.rowLevelSecurity ? " (row-level security)" : "")\n" + body
        if !table.primaryKey.isEmpty { out += "Primary key: (\(table.primaryKey.joined(separator: ", ")))\n" }
        for unique in table.uniqueKeys { out += "Unique: (\(unique.joined(separator: ", ")))\n" }
        if !table.foreignKeys.isEmpty {
            out += "Foreign keys:\n"
            for key in table.foreignKeys {
                out += "    (\(key.columns.joined(separator: ", "))) -> \(key.referencedTable)(\(key.referencedColumns.joined(separator: ", ")))\n"
            }
        }
        if !table.indexes.isEmpty {
            out += "Indexes:\n"
            for index in table.indexes { out += "    \(index.name): \(index.definition)\n" }
        }
        return out
    }
}
