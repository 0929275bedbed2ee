import Foundation

/// `get_current_utc_date()`: so the model can turn "last quarter" into dates.
struct CurrentDateTool: AnalystTool {
    /// Injected so tests can pin the time.
    var now: @Sendable () -> Date = { Date() }

    let definition = ToolDefinition(
        name: "get_current_utc_date",
        title: "Current UTC date and time",
        description: """
            Returns the current date and time in UTC as ISO 8601 text (e.g. 2025-06-30T14:05:09.120Z). Use it to \
            turn relative periods such as "this year" or "the last 3 months" into date filters.
            """,
        inputSchema: Schema.object([:]),
        outputSchema: ["type": "object", "required": ["utc"], "properties": ["utc": ["type": "string", "format": "date-time"]]],
        annotations: .readOnly("Current UTC date"))

    func call(_ arguments: [String: JSON]?, context: ToolContext) async -> ToolReply {
        do {
            _ = try ToolArguments(arguments, tool: name, accepted: [])
            let text = now().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            return ToolReply(text: text, isError: false, structured: ["utc": .string(text)])
        } catch {
            return failure(for: error)
        }
    }
}
