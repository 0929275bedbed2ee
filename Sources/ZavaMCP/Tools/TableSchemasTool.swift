import ZavaCore

/// `get_multiple_table_schemas(table_names)`: what a model needs to write correct SQL.
struct TableSchemasTool: AnalystTool {
    let definition = ToolDefinition(
        name: "get_multiple_table_schemas",
        title: "Describe retail tables",
        description: """
            Describes the listed tables of the retail schema: columns with their types, primary and foreign keys, \
            how to join them, and the valid values to filter on (store names, product categories and types, the \
            years that have orders) as the caller's identity sees them. Call it before writing a query. Valid \
            table names: retail.stores, retail.customers, retail.categories, retail.product_types, \
            retail.products, retail.inventory, retail.orders, retail.order_items, \
            retail.product_description_embeddings (the retail. prefix is optional). An unknown name gives an \
            error listing the valid ones.
            """,
        inputSchema: Schema.object([
            "table_names": .object([
                "type": "array", "items": .object(["type": "string"]), "minItems": 1, "maxItems": .int(AnalystService.maximumTables),
                "description": "Tables to describe, e.g. [\"retail.orders\", \"retail.order_items\", \"retail.products\"].",
            ]),
        ], required: ["table_names"]),
        outputSchema: SchemaText.outputSchema,
        annotations: .readOnly("Describe tables"))

    func call(_ arguments: [String: JSON]?, context: ToolContext) async -> ToolReply {
        do {
            let requested = try ToolArguments(arguments, tool: name, accepted: ["table_names"]).strings("table_names")
            let analyst = context.analyst
            let tables = try await analyst.describe(requested)
            let values = try await analyst.validValues()
            return ToolReply(text: SchemaText.render(tables, validValues: values, identity: context.principal.identity),
                             isError: false, structured: SchemaText.structured(tables, validValues: values))
        } catch {
            return failure(for: error)
        }
    }
}
