import Foundation
import ZavaCore

/// Plain text a model reads well: one block per table, then the valid values that matter for
/// the tables asked about (store names only where there is a store_id, and so on).
enum SchemaText {
    static func render(_ tables: [TableSchema], validValues: ValidValues, identity: Identity) -> String {
        var out = tables.map(block).joined(separator: "\n")
        let columns = Set(tables.flatMap { $0.columns.map(\.name) })
        let names = Set(tables.map(\.name))
        var values: [String] = []
        if columns.contains("store_id") || names.contains("stores") {
            values.append("store_name (retail.stores): " + validValues.stores.joined(separator: ", "))
        }
        if columns.contains("category_id") || names.contains("categories") {
            values.append("category_name (retail.categories): " + validValues.categories.joined(separator: ", "))
        }
        if columns.contains("type_id") || names.contains("product_types") {
            let types = validValues.productTypes.keys.sorted().map { "\($0): \(validValues.productTypes[$0, default: []].joined(separator: ", "))" }
            values.append("type_name (retail.product_types) by category:\n    " + types.joined(separator: "\n    "))
        }
        if columns.contains("order_date") || names.contains("order_items") {
            values.append("years with orders: " + validValues.orderYears.map(String.init).joined(separator: ", "))
        }
        if !values.isEmpty {
            out += "\nValid values (as \(identity.profile) sees them):\n  " + values.joined(separator: "\n  ") + "\n"
        }
        return out
    }

    static func block(_ table: TableSchema) -> String {
        var lines = ["Table \(table.qualifiedName)"]
        // Tables that point at a store hold that store's rows; the stores table itself is reference data.
        let storeOwned = table.primaryKey != ["store_id"]
            && table.columns.contains { $0.name == "store_id" || $0.name == "primary_store_id" }
        if table.rowLevelSecurity, storeOwned {
            lines.append("  row-level security: only the caller's store's rows are visible (head office sees all)")
        } else if table.rowLevelSecurity {
            lines.append("  reference data: every identity sees all rows")
        }
        lines.append("  columns:")
        let width = table.columns.map(\.name.count).max() ?? 0
        for column in table.columns {
            var line = "    " + column.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + column.type
            if !column.nullable { line += " not null" }
            if let value = column.defaultValue { line += " default \(value)" }
            lines.append(line)
        }
        if !table.primaryKey.isEmpty { lines.append("  primary key: (\(table.primaryKey.joined(separator: ", ")))") }
        for unique in table.uniqueKeys { lines.append("  unique: (\(unique.joined(separator: ", ")))") }
        if !table.foreignKeys.isEmpty {
            lines.append("  joins:")
            for key in table.foreignKeys {
                let pairs = zip(key.columns, key.referencedColumns).map { "\(table.qualifiedName).\($0) = \(key.referencedTable).\($1)" }
                lines.append("    JOIN \(key.referencedTable) ON " + pairs.joined(separator: " AND "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
