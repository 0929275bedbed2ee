import ZavaPostgres

/// What an analyst asks, as one identity, from whichever front end: run a statement, list and
/// describe tables, the valid values to filter on, search products, who am I. The one place
/// each of these rules and defaults lives; the REPL and the MCP tools only read their input
/// and render what comes back.
public struct AnalystService: Sendable {
    public let session: Session
    public let search: (any ProductSearching)?

    /// Tables one describe call may name.
    public static let maximumTables = 20

    public init(session: Session, search: (any ProductSearching)?) {
        self.session = session
        self.search = search
    }

    /// Runs one statement and collects its rows under the session's limits.
    public func query(_ sql: String, parameters: [String?] = []) async throws -> QueryResult {
        guard sql.contains(where: { !$0.isWhitespace }) else { throw AnalystError("the statement is empty: send one SQL statement") }
        return try await session.run(sql, parameters: parameters)
    }

    /// The schema's tables, qualified (`retail.orders`), in order.
    public func tableNames() async throws -> [String] {
        let explorer = SchemaExplorer(session: session)
        return try await explorer.tableNames().map { "\(explorer.schema).\($0)" }
    }

    /// The named tables (`orders` or `retail.orders`), each once, in the order asked; an
    /// unknown name is an error listing the valid ones.
    public func describe(_ names: [String]) async throws -> [TableSchema] {
        guard !names.isEmpty else { throw AnalystError("name at least one table") }
        guard names.count <= Self.maximumTables else {
            throw AnalystError("at most \(Self.maximumTables) tables per call (got \(names.count))")
        }
        let explorer = SchemaExplorer(session: session)
        var tables: [TableSchema] = []
        for name in names {
            let table = try await explorer.describe(name)
            if !tables.contains(where: { $0.qualifiedName == table.qualifiedName }) { tables.append(table) }
        }
        return tables
    }

    /// Store names, categories, product types and order years, as this identity sees them.
    public func validValues() async throws -> ValidValues {
        try await SchemaExplorer(session: session).validValues()
    }

    /// Products by meaning (or words): the request is checked here, for every front end.
    public func searchProducts(_ request: SearchRequest) async throws -> QueryResult {
        let checked = try request.validated()
        guard let search else {
            throw AnalystError("semantic search is not configured on this server (no product search engine is available)")
        }
        return try await search.searchProducts(session: session, request: checked)
    }

    /// psql's catalogue listings (`\dn`, `\df`, `\dv`, `\du`, `\l`), narrowed by a psql pattern.
    public func list(_ listing: CatalogListing, pattern: String?) async throws -> QueryResult {
        let (sql, parameters) = listing.query(pattern: pattern)
        return try await session.run(sql, parameters: parameters)
    }

    /// Where the session's connection goes: psql's `\conninfo`.
    public func connectionInfo() async throws -> ConnectionInfo {
        let row = try await session.run("""
            SELECT current_database(), current_user, host(inet_server_addr()), current_setting('port')
            """).rows.first ?? []
        guard row.count == 4 else { throw AnalystError("the server did not say where it is") }
        return ConnectionInfo(database: row[0].displayText, user: row[1].displayText, host: row[2].text, port: row[3].displayText)
    }

    /// Who the session runs as, and which dates it has orders for ("last month" may be past
    /// the dataset's end). Without an identity there is nothing to ask.
    public func whoami() async throws -> WhoAmI {
        guard let identity = session.identity else { throw AnalystError("no identity") }
        let dates = try? await SchemaExplorer(session: session).orderDates()
        return WhoAmI(identity: identity, orderDates: dates ?? nil)
    }
}
