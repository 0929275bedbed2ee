import ZavaCore
import ZavaPostgres

/// A query's or a search's answer: the sample's compact text (`{"c","r","n"}`) and, beside it,
/// the same rows as structured content with what a model needs to trust them: the identity
/// that answered, whether a cap cut them, the caps, and the dates the identity has data for.
enum ResultReply {
    static let truncationHint = """
        The answer was cut to fit the MCP answer budget. Aggregate (GROUP BY with count, sum, avg) or add \
        ORDER BY ... LIMIT to get the rows that matter.
        """

    static func make(_ result: QueryResult, context: ToolContext) async -> ToolReply {
        let answer = CompactJSON.answer(result, maxBytes: context.replyBytes, hint: truncationHint)
        var structured: [String: JSON] = [
            "columns": .array(result.columns.map { ["name": .string($0.name), "type": .string($0.typeName)] }),
            "rows": .raw("[" + answer.rows.joined(separator: ",") + "]"),
            "row_count": .int(answer.rows.count),
            "truncated": .bool(answer.truncated),
            "identity": identity(context.principal.identity),
            "limits": ["max_rows": .int(context.session.limits.rowCap), "max_bytes": .int(context.replyBytes)],
        ]
        if answer.truncated { structured["hint"] = .string(truncationHint) }
        if let dates = await context.dataDates.dates(for: context.analyst) {
            structured["data_dates"] = ["orders_from": .string(dates.lowerBound), "orders_through": .string(dates.upperBound)]
        }
        return ToolReply(text: answer.text, isError: false, structured: .object(structured), rowCount: answer.rows.count)
    }

    static func identity(_ identity: Identity) -> JSON {
        ["profile": .string(identity.profile), "store_name": identity.storeName.map(JSON.string) ?? .null,
         "head_office": .bool(identity.isHeadOffice)]
    }

    /// The JSON Schema (2020-12) every query and search answer's structured content meets.
    static let outputSchema: JSON = [
        "type": "object",
        "required": ["columns", "rows", "row_count", "truncated", "identity", "limits"],
        "properties": [
            "columns": ["type": "array", "items": ["type": "object", "required": ["name", "type"],
                                                    "properties": ["name": ["type": "string"], "type": ["type": "string"]]]],
            "rows": ["type": "array", "items": ["type": "array"]],
            "row_count": ["type": "integer", "minimum": 0],
            "truncated": ["type": "boolean"],
            "hint": ["type": "string"],
            "identity": ["type": "object", "required": ["profile", "store_name", "head_office"],
                         "properties": ["profile": ["type": "string"], "store_name": ["type": ["string", "null"]],
                                        "head_office": ["type": "boolean"]]],
            "limits": ["type": "object", "required": ["max_rows", "max_bytes"],
                       "properties": ["max_rows": ["type": "integer"], "max_bytes": ["type": "integer"]]],
            "data_dates": ["type": "object", "required": ["orders_from", "orders_through"],
                           "properties": ["orders_from": ["type": "string", "format": "date"],
                                          "orders_through": ["type": "string", "format": "date"]]],
        ],
    ]
}
