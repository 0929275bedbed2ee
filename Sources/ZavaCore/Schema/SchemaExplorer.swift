import ZavaPostgres

/// A table as an analyst needs to know it.
public struct TableSchema: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: String
        public var nullable: Bool
        public var defaultValue: String?
    }

    public struct ForeignKey: Sendable, Equatable {
        public var columns: [String]
        public var referencedTable: String
        public var referencedColumns: [String]
    }

    public var schema: String
    public var name: String
    public var columns: [Column]
    public var primaryKey: [String]
    public var uniqueKeys: [[String]]
    public var foreignKeys: [ForeignKey]
    public var indexes: [(name: String, definition: String)]
    public var rowLevelSecurity: Bool

    public var qualifiedName: String { "\(schema).\(name)" }

    public static func == (lhs: TableSchema, rhs: TableSchema) -> Bool {
        lhs.qualifiedName == rhs.qualifiedName && lhs.columns == rhs.columns && lhs.foreignKeys == rhs.foreignKeys
    }
}

/// Values that help write correct filters, computed under the caller's identity (never
/// cached across identities: a store sees only its own years of orders).
public struct ValidValues: Sendable, Equatable {
    public var stores: [String]
    public var categories: [String]
    public var productTypes: [String: [String]]
    public var orderYears: [Int]
}

/// A readable table's name and column names (completion's view of the schema).
public struct CatalogueTable: Sendable, Equatable {
    public var schema: String
    public var name: String
    public var columns: [String]

    public init(schema: String, name: String, columns: [String]) {
        self.schema = schema
        self.name = name
        self.columns = columns
    }
}

public struct UnknownTableError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var known: [String]
    public var description: String {
        "unknown table '\(name)'; valid tables: \(known.joined(separator: ", "))"
    }
}

/// Schema discovery through the caller's own session (the catalogue is read as the analyst).
public struct SchemaExplorer: Sendable {
    public let session: Session
    public let schema: String

    public init(session: Session, schema: String = "retail") {
        self.session = session
        self.schema = schema
    }

    /// Reads the catalogue with the search path analysts had before `retail` joined it, so
    /// names print as they always have (`retail.orders`, `vector(384)`), whatever the role's path.
    private func readCatalogue(_ sql: String, parameters: [String?] = []) async throws -> QueryResult {
        try await session.run(sql, parameters: parameters, settings: ["search_path": "public"])
    }

    /// Table names in the schema, in order.
    public func tableNames() async throws -> [String] {
        try await session.run("""
            SELECT c.relname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY c.relname
            """, parameters: [schema]).rows.compactMap { if case .text(let name) = $0[0] { name } else { nil } }
    }

    /// Resolves `orders` or `retail.orders` to a known table, or throws listing the valid ones.
    public func resolve(_ name: String) async throws -> String {
        let known = try await tableNames()
        let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
        let bare = trimmed.hasPrefix("\(schema).") ? String(trimmed.dropFirst(schema.count + 1)) : trimmed
        guard known.contains(bare) else {
            throw UnknownTableError(name: name, known: known.map { "\(schema).\($0)" })
        }
        return bare
    }

    public func describe(_ name: String) async throws -> TableSchema {
        let table = try await resolve(name)
        let qualified = "\(schema).\(table)"
        let columns = try await readCatalogue("""
            SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_catalog.pg_attribute a
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, parameters: [qualified]).rows.map { row in
            TableSchema.Column(name: row[0].displayText, type: row[1].displayText,
                               nullable: row[2] == .bool(true), defaultValue: row[3].isNull ? nil : row[3].displayText)
        }
        let constraints = try await readCatalogue("""
            SELECT c.contype::text,
                   ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
                         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[],
                   CASE WHEN c.confrelid <> 0 THEN c.confrelid::regclass::text END,
                   ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(num, ord)
                         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[]
            FROM pg_catalog.pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype IN ('p', 'u', 'f')
            ORDER BY c.contype, c.conname
            """, parameters: [qualified]).rows
        func names(_ value: PGValue) -> [String] {
            if case .array(let items) = value { items.map(\.displayText) } else { [] }
        }
        let indexes = try await readCatalogue("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_catalog.pg_index i WHERE i.indrelid = $1::regclass ORDER BY 1
            """, parameters: [qualified]).rows.map { (name: $0[0].displayText, definition: $0[1].displayText) }
        let rls = try await readCatalogue("SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = $1::regclass",
                                        parameters: [qualified]).rows.first?.first == .bool(true)
        return TableSchema(
            schema: schema, name: table, columns: columns,
            primaryKey: constraints.first { $0[0] == .text("p") }.map { names($0[1]) } ?? [],
            uniqueKeys: constraints.filter { $0[0] == .text("u") }.map { names($0[1]) },
            foreignKeys: constraints.filter { $0[0] == .text("f") }.map {
                TableSchema.ForeignKey(columns: names($0[1]), referencedTable: $0[2].displayText, referencedColumns: names($0[3]))
            },
            indexes: indexes, rowLevelSecurity: rls)
    }

    /// Every table and view the caller may read, with its columns, outside the system
    /// schemas: what completion offers. One query, however large the schema.
    public func catalogue() async throws -> [CatalogueTable] {
        let rows = try await readCatalogue("""
            SELECT n.nspname::text, c.relname::text,
                   ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
              AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
            ORDER BY 1, 2
            """).rows
        return rows.map { row in
            let columns: [String] = if case .array(let items) = row[2] { items.map(\.displayText) } else { [] }
            return CatalogueTable(schema: row[0].displayText, name: row[1].displayText, columns: columns)
        }
    }

    /// The first and last order dates this identity sees ("this month" may have no data yet:
    /// the dataset ends where it ends); nil when it sees no orders.
    public func orderDates() async throws -> ClosedRange<String>? {
        let row = try await session.run("SELECT min(order_date)::text, max(order_date)::text FROM retail.orders").rows.first
        guard let row, case .text(let first) = row[0], case .text(let last) = row[1] else { return nil }
        return first...last
    }

    /// Store names, categories, product types and the years that have orders, as this identity sees them.
    public func validValues() async throws -> ValidValues {
        let result = try await session.run("""
            SELECT 'store', store_name, NULL FROM retail.stores
            UNION ALL SELECT 'category', category_name, NULL FROM retail.categories
            UNION ALL SELECT 'type', t.type_name, c.category_name FROM retail.product_types t JOIN retail.categories c USING (category_id)
            UNION ALL SELECT 'year', y::text, NULL FROM (SELECT DISTINCT extract(year FROM order_date)::int AS y FROM retail.orders) years
            ORDER BY 1, 2
            """)
        var values = ValidValues(stores: [], categories: [], productTypes: [:], orderYears: [])
        for row in result.rows {
            let value = row[1].displayText
            switch row[0].displayText {
            case "store": values.stores.append(value)
            case "category": values.categories.append(value)
            case "type": values.productTypes[row[2].displayText, default: []].append(value)
            case "year": if let year = Int(value) { values.orderYears.append(year) }
            default: break
            }
        }
        values.orderYears.sort()
        return values
    }
}
