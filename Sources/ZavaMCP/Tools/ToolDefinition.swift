/// What `tools/list` says of one tool: its name, what it is for, the JSON Schemas of its
/// arguments and (for revisions that have them) of its structured result, and its hints.
struct ToolDefinition: Sendable {
    struct Annotations: Sendable {
        var title: String
        var readOnlyHint: Bool
        var destructiveHint: Bool
        var idempotentHint: Bool
        var openWorldHint: Bool

        /// Every zava tool only reads, inside a read-only transaction that is rolled back.
        static func readOnly(_ title: String) -> Annotations {
            Annotations(title: title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)
        }
    }

    var name: String
    var title: String
    var description: String
    var inputSchema: JSON
    var outputSchema: JSON?
    var annotations: Annotations

    init(name: String, title: String, description: String, inputSchema: JSON, outputSchema: JSON? = nil, annotations: Annotations) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
    }

    func json(for revision: ProtocolRevision) -> JSON {
        var tool: [String: JSON] = [
            "name": .string(name), "title": .string(title), "description": .string(description), "inputSchema": inputSchema,
            "annotations": ["title": .string(annotations.title), "readOnlyHint": .bool(annotations.readOnlyHint),
                            "destructiveHint": .bool(annotations.destructiveHint), "idempotentHint": .bool(annotations.idempotentHint),
                            "openWorldHint": .bool(annotations.openWorldHint)],
        ]
        if revision.hasStructuredContent, let outputSchema { tool["outputSchema"] = outputSchema }
        return .object(tool)
    }
}

/// JSON Schema fragments for tool inputs and outputs.
enum Schema {
    static func object(_ properties: [String: JSON], required: [String] = []) -> JSON {
        .object(["type": "object", "properties": .object(properties),
                 "required": .array(required.map { .string($0) }), "additionalProperties": false])
    }
}
