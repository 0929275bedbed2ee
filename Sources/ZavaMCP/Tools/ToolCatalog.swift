/// The tools `mcp-zava-sales` offers, in the order clients list them.
struct ToolCatalog: Sendable {
    let tools: [any AnalystTool]

    init(tools: [any AnalystTool] = [TableSchemasTool(), SalesQueryTool(), CurrentDateTool(), ProductSearchTool(),
                                     WhoAmITool()]) {
        self.tools = tools
    }

    var names: [String] { tools.map(\.name) }

    func tool(named name: String) -> (any AnalystTool)? {
        tools.first { $0.name == name }
    }
}
