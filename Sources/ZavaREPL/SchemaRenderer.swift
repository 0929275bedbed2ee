import ZavaCore

/// `:describe` output in psql's `\d` shape.
enum SchemaRenderer {
    static func render(_ table: TableSchema, style: RenderStyle) -> String {
        let text = { (name: String) in Column(name: name, typeOID: 25, typeName: "text") }
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

/// `:help` and `:help <command>`.
enum HelpText {
    static func render(topic: String?) -> String {
        let entries = MetaCommand.summaries
        if let topic {
            let key = topic.hasPrefix(":") || topic.hasPrefix("\\") ? topic : ":" + topic
            if let entry = entries.first(where: { $0.usage.hasPrefix(key) || $0.usage.contains(" \(key)") || $0.usage.contains("(\(key)") }) {
                return "\(entry.usage)\n    \(entry.summary)\n"
            }
            return "No help for \(topic); type :help for the list.\n"
        }
        let width = entries.map { DisplayWidth.of($0.usage) }.max() ?? 0
        return "Commands (SQL statements end with ;):\n"
            + entries.map { "  " + DisplayWidth.pad($0.usage, to: width) + "  " + $0.summary }.joined(separator: "\n") + "\n"
    }
}
