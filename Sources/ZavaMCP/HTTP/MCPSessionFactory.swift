import MCP

/// Makes the SDK `Server` behind one stateful session (or one stateless request): the tool list
/// and the `tools/call` handler, both shared, immutable values.
struct MCPSessionFactory: Sendable {
    static let serverName = "mcp-zava-sales"
    static let serverVersion = "1.0.0"
    static let instructions = """
        Zava retail sales analytics over PostgreSQL. Every query runs as the caller's store identity with \
        row-level security: a store sees only its own orders, order items, inventory and customers; head office sees \
        every store. Start with get_multiple_table_schemas for the tables you need, then query with \
        execute_sales_query (one read-only SELECT per call, tables qualified as retail.<table>). Use \
        get_current_utc_date for relative dates, semantic_search_products to find products by description, and whoami \
        to see which identity you are.
        """

    let runner: ToolCallRunner

    func makeServer() async -> Server {
        let server = Server(name: Self.serverName, version: Self.serverVersion, title: "Zava retail sales",
                            instructions: Self.instructions, capabilities: .init(tools: .init(listChanged: false)))
        let definitions = runner.catalog.definitions
        let runner = self.runner
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: definitions) }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await runner.handle(parameters, http: Server.currentHandlerContext?.httpContext)
        }
        return server
    }
}
