import Foundation
import ZavaCore

/// `execute_sales_query(postgresql_query)`: one statement under the caller's identity.
struct SalesQueryTool: AnalystTool {
    let definition = ToolDefinition(
        name: "execute_sales_query",
        title: "Run a read-only SQL query on the Zava sales data",
        description: """
            Runs one PostgreSQL SELECT (or WITH ... SELECT) against the retail schema and returns the rows as \
            compact JSON: {"c": [column names], "r": [[row values]], "n": row count}, with "truncated": true when \
            the server's row cap cut the result. The query runs read-only as the caller's store identity: row-level \
            security limits orders, order_items, inventory and customers to that store (head office sees all), so \
            do not filter by store to enforce access. Qualify tables as retail.<table>; call \
            get_multiple_table_schemas first to learn columns and valid values. Only one statement per call. \
            Errors come back as {"err": "<database message>", "c": [], "r": [], "n": 0}.
            """,
        inputSchema: Schema.object([
            "postgresql_query": .object([
                "type": "string",
                "description": "One PostgreSQL query, e.g. SELECT count(*) FROM retail.orders WHERE order_date >= '2025-01-01'",
            ]),
        ], required: ["postgresql_query"]),
        outputSchema: ResultReply.outputSchema,
        annotations: .readOnly("Run a sales query"))

    func call(_ arguments: [String: JSON]?, context: ToolContext) async -> ToolReply {
        do {
            let sql = try ToolArguments(arguments, tool: name, accepted: ["postgresql_query"]).string("postgresql_query")
            let result = try await context.analyst.query(sql)
            return await ResultReply.make(result, context: context)
        } catch {
            return failure(for: error)
        }
    }

    func failure(_ message: String) -> ToolReply {
        ToolReply(text: CompactJSON.error(message), isError: true)
    }
}
