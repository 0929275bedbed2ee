import ZavaCore
import ZavaPostgres

/// `whoami()`: which identity this connection runs as, so a user can check before trusting
/// an answer ("is this all stores or just mine?").
struct WhoAmITool: AnalystTool {
    let definition = ToolDefinition(
        name: "whoami",
        title: "Which store am I?",
        description: """
            Tells which identity the queries of this connection run as: head office (every store) or one store, \
            with its name, store_id and rls_user_id, and how the identity was established (header, token or the \
            server's default profile). Results of the other tools are limited to what this identity may see.
            """,
        inputSchema: Schema.object([:]),
        annotations: .readOnly("Current identity"))

    func call(_ arguments: [String: JSON]?, context: ToolContext) async -> ToolReply {
        do {
            _ = try ToolArguments(arguments, tool: name, accepted: [])
            let whoami = try await context.analyst.whoami()
            let identity = whoami.identity
            let fields: [(String, String)] = [
                ("profile", JSONString.quote(identity.profile)),
                ("store_name", identity.storeName.map(JSONString.quote) ?? "null"),
                ("store_id", identity.storeID.map(String.init) ?? "null"),
                ("rls_user_id", JSONString.quote(identity.rlsUserID.uuidString.lowercased())),
                ("head_office", identity.isHeadOffice ? "true" : "false"),
                ("sees", JSONString.quote(whoami.sees)),
                ("authenticated_by", JSONString.quote(context.principal.source.rawValue)),
                ("orders_from", whoami.orderDates.map { JSONString.quote($0.lowerBound) } ?? "null"),
                ("orders_through", whoami.orderDates.map { JSONString.quote($0.upperBound) } ?? "null"),
            ]
            return ToolReply(text: "{" + fields.map { "\(JSONString.quote($0.0)):\($0.1)" }.joined(separator: ",") + "}", isError: false)
        } catch {
            return failure(for: error)
        }
    }
}
