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
            with its name, store_id and rls_user_id, and how the identity was established (header, token, a verified \
            JWT - then with the signed-in subject - or the server's default profile). Results of the other tools are \
            limited to what this identity may see.
            """,
        inputSchema: Schema.object([:]),
        outputSchema: [
            "type": "object",
            "required": ["profile", "store_name", "store_id", "rls_user_id", "head_office", "sees", "authenticated_by", "subject"],
            "properties": [
                "profile": ["type": "string"], "store_name": ["type": ["string", "null"]], "store_id": ["type": ["integer", "null"]],
                "rls_user_id": ["type": "string", "format": "uuid"], "head_office": ["type": "boolean"], "sees": ["type": "string"],
                "authenticated_by": ["type": "string", "enum": .array(Principal.Source.allCases.map { .string($0.rawValue) })],
                "subject": ["type": ["string", "null"]],
                "orders_from": ["type": ["string", "null"], "format": "date"], "orders_through": ["type": ["string", "null"], "format": "date"],
            ],
        ],
        annotations: .readOnly("Current identity"))

    func call(_ arguments: [String: JSON]?, context: ToolContext) async -> ToolReply {
        do {
            _ = try ToolArguments(arguments, tool: name, accepted: [])
            let whoami = try await context.analyst.whoami()
            let identity = whoami.identity
            let answer: JSON = [
                "profile": .string(identity.profile),
                "store_name": identity.storeName.map(JSON.string) ?? .null,
                "store_id": identity.storeID.map(JSON.int) ?? .null,
                "rls_user_id": .string(identity.rlsUserID.lowercaseText),
                "head_office": .bool(identity.isHeadOffice),
                "sees": .string(whoami.sees),
                "authenticated_by": .string(context.principal.source.rawValue),
                "subject": context.principal.subject.map(JSON.string) ?? .null,
                "orders_from": whoami.orderDates.map { .string($0.lowerBound) } ?? .null,
                "orders_through": whoami.orderDates.map { .string($0.upperBound) } ?? .null,
            ]
            return ToolReply(text: String(decoding: JSONWriter.bytes(answer), as: UTF8.self), isError: false, structured: answer)
        } catch {
            return failure(for: error)
        }
    }
}
