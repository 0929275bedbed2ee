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

    /// The same tables and values as structured content.
    static func structured(_ tables: [TableSchema], validValues: ValidValues) -> JSON {
        let described: [JSON] = tables.map { table in
            ["name": .string(table.qualifiedName), "row_level_security": .bool(table.rowLevelSecurity),
             "columns": .array(table.columns.map { column in
                 ["name": .string(column.name), "type": .string(column.type), "nullable": .bool(column.nullable),
                  "default": column.defaultValue.map(JSON.string) ?? .null]
             }),
             "primary_key": .array(table.primaryKey.map(JSON.string)),
             "foreign_keys": .array(table.foreignKeys.map { key in
                 ["columns": .array(key.columns.map(JSON.string)), "references": .string(key.referencedTable),
                  "referenced_columns": .array(key.referencedColumns.map(JSON.string))]
             })]
        }
        return ["tables": .array(described),
                "valid_values": ["stores": .array(validValues.stores.map(JSON.string)),
                                 "categories": .array(validValues.categories.map(JSON.string)),
                                 "product_types": .object(validValues.productTypes.mapValues { .array($0.map(JSON.string)) }),
                                 "order_years": .array(validValues.orderYears.map(JSON.int))]]
    }

    static let outputSchema: JSON = [
        "type": "object",
        "required": ["tables", "valid_values"],
        "properties": [
            "tables": ["type": "array", "items": [
                "type": "object", "required": ["name", "row_level_security", "columns", "primary_key", "foreign_keys"],
                "properties": [
                    "name": ["type": "string"], "row_level_security": ["type": "boolean"],
                    "columns": ["type": "array", "items": [
                        "type": "object", "required": ["name", "type", "nullable", "default"],
                        "properties": ["name": ["type": "string"], "type": ["type": "string"], "nullable": ["type": "boolean"],
                                       "default": ["type": ["string", "null"]]]]],
                    "primary_key": ["type": "array", "items": ["type": "string"]],
                    "foreign_keys": ["type": "array", "items": [
                        "type": "object", "required": ["columns", "references", "referenced_columns"],
                        "properties": ["columns": ["type": "array", "items": ["type": "string"]], "references": ["type": "string"],
                                       "referenced_columns": ["type": "array", "items": ["type": "string"]]]]],
                ]]],
            "valid_values": [
                "type": "object", "required": ["stores", "categories", "product_types", "order_years"],
                "properties": ["stores": ["type": "array", "items": ["type": "string"]],
                               "categories": ["type": "array", "items": ["type": "string"]],
                               "product_types": ["type": "object", "additionalProperties": ["type": "array", "items": ["type": "string"]]],
                               "order_years": ["type": "array", "items": ["type": "integer"]]]],
        ],
    ]
}
