import ZavaCore

/// What Tab can offer, indexed once when loaded (start-up and `:refresh`) so that each
/// key press is a few dictionary lookups and one pass over the names, whatever the schema's size.
public struct CompletionCatalogue: Sendable {
    public struct Table: Sendable, Equatable {
        public var schema: String
        public var name: String
        public var columns: [String]

        var qualifiedName: String { "\(schema).\(name)" }
    }

    public private(set) var tables: [Table]
    /// Lower-cased bare and qualified names → index in `tables` (a bare name may be in several schemas).
    private var byName: [String: [Int]] = [:]
    public private(set) var schemas: [String]
    /// Each table as a statement must name it (`retail.orders`; bare in `public`), built once.
    private(set) var typedTableNames: [String] = []
    /// `schema.table` for every table (what `:describe` offers).
    private(set) var qualifiedTableNames: [String] = []
    public var profiles: [String]
    public var savedQueries: [String]

    public init(tables: [Table] = [], profiles: [String] = [], savedQueries: [String] = []) {
        self.tables = tables
        self.profiles = profiles
        self.savedQueries = savedQueries
        var schemas = Set<String>()
        for (index, table) in tables.enumerated() {
            byName[table.name.lowercased(), default: []].append(index)
            byName[table.qualifiedName.lowercased(), default: []].append(index)
            schemas.insert(table.schema)
        }
        self.schemas = schemas.sorted()
        qualifiedTableNames = tables.map(\.qualifiedName)
        typedTableNames = tables.map { table in
            table.schema == "public" ? SQLCompleter.identifier(table.name)
                : SQLCompleter.identifier(table.schema) + "." + SQLCompleter.identifier(table.name)
        }
    }

    public init(_ tables: [CatalogueTable], profiles: [String], savedQueries: [String] = []) {
        self.init(tables: tables.map { Table(schema: $0.schema, name: $0.name, columns: $0.columns) },
                  profiles: profiles, savedQueries: savedQueries)
    }

    /// The table a statement names as `orders` or `retail.orders` (case-insensitive).
    func table(named name: String) -> Table? {
        byName[Self.unquoted(name).lowercased()]?.first.map { tables[$0] }
    }

    static func unquoted(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map { part in
            part.count >= 2 && part.hasPrefix("\"") && part.hasSuffix("\"") ? String(part.dropFirst().dropLast()) : String(part)
        }.joined(separator: ".")
    }
}
