/// The one MCP engine: every method of every revision this endpoint speaks, answered from the
/// same tools and prompts. The HTTP layer decides the revision, the identity and (for legacy
/// clients) the session; the engine turns one request into its result or error.
struct MCPEngine: Sendable {
    static let serverName = "mcp-zava-sales"
    static let serverVersion = "1.0.0"
    static let serverTitle = "Zava retail sales"
    static let instructions = """
        Zava retail sales analytics over PostgreSQL. Every query runs as the caller's store identity with \
        row-level security: a store sees only its own orders, order items, inventory and customers; head office sees \
        every store. Start with get_multiple_table_schemas for the tables you need, then query with \
        execute_sales_query (one read-only SELECT per call, tables qualified as retail.<table>). Use \
        get_current_utc_date for relative dates, semantic_search_products to find products by description, and whoami \
        to see which identity you are.
        """
    /// How long a client may reuse a list or discovery answer: the tools and prompts never
    /// change while the server runs, and they are the same for every identity.
    static let cacheTTLMilliseconds = 3_600_000

    static let serverInfo: JSON = ["name": .string(serverName), "version": .string(serverVersion), "title": .string(serverTitle)]
    static let capabilities: JSON = ["tools": ["listChanged": false], "prompts": ["listChanged": false]]

    let runner: ToolCallRunner
    let prompts = PromptCatalog()

    /// `initialize`'s result (legacy revisions), at the revision negotiated.
    func initializeResult(_ revision: ProtocolRevision) -> JSON {
        ["protocolVersion": .string(revision.rawValue), "capabilities": Self.capabilities, "serverInfo": Self.serverInfo,
         "instructions": .string(Self.instructions)]
    }

    /// The result of any request but `initialize`, or its error. A method this revision does
    /// not have is "method not found" (404 for a modern client, whose transport says so).
    func answer(_ request: RPCRequest, revision: ProtocolRevision, principal: Principal, requestID: String) async -> Result<JSON, RPCError> {
        var result: [String: JSON]
        switch (request.method, revision.isModern) {
        case ("ping", false):
            result = [:]
        case ("server/discover", true):
            result = ["supportedVersions": .array(ProtocolRevision.modern.map { .string($0.rawValue) }),
                      "capabilities": Self.capabilities, "instructions": .string(Self.instructions)]
            result.merge(Self.cacheHints) { $1 }
        case ("tools/list", _):
            result = ["tools": .array(runner.catalog.tools.map { $0.definition.json(for: revision) })]
            if revision.isModern { result.merge(Self.cacheHints) { $1 } }
        case ("prompts/list", _):
            result = ["prompts": prompts.list]
            if revision.isModern { result.merge(Self.cacheHints) { $1 } }
        case ("prompts/get", _):
            switch prompts.get(request.params) {
            case .success(let found): result = found.object ?? [:]
            case .failure(let error): return .failure(error)
            }
        case ("tools/call", _):
            switch await callTool(request.params, revision: revision, principal: principal, requestID: requestID) {
            case .success(let called): result = called
            case .failure(let error): return .failure(error)
            }
        default:
            return .failure(.methodNotFound(request.method, status: revision.isModern ? 404 : 200))
        }
        if revision.isModern {
            result["resultType"] = "complete"
            result["_meta"] = ["io.modelcontextprotocol/serverInfo": Self.serverInfo]
        }
        return .success(.object(result))
    }

    private static var cacheHints: [String: JSON] {
        ["ttlMs": .int(cacheTTLMilliseconds), "cacheScope": "public"]
    }

    private func callTool(_ params: [String: JSON], revision: ProtocolRevision, principal: Principal,
                          requestID: String) async -> Result<[String: JSON], RPCError> {
        guard case .string(let name)? = params["name"] else { return .failure(.invalidParams("tools/call: name must be a string")) }
        let arguments: [String: JSON]?
        switch params["arguments"] {
        case nil, .null?: arguments = nil
        case .object(let members)?: arguments = members
        default: return .failure(.invalidParams("tools/call: arguments must be an object"))
        }
        return await runner.call(name, arguments: arguments, principal: principal, requestID: requestID).map { reply in
            var result: [String: JSON] = ["content": [["type": "text", "text": .string(reply.text)]], "isError": .bool(reply.isError)]
            if revision.hasStructuredContent, let structured = reply.structured { result["structuredContent"] = structured }
            return result
        }
    }
}
