import ZavaCore

/// One MCP tool: what it advertises, and what a call does with the caller's session.
protocol AnalystTool: Sendable {
    var definition: ToolDefinition { get }
    /// Runs one call. Failures come back as error replies (MCP tool errors), never as throws:
    /// the model should read the database's message and fix its query.
    func call(_ arguments: [String: JSON]?, context: ToolContext) async -> ToolReply
    /// The reply for a failure that happened around the call (timeout, cancellation).
    func failure(_ message: String) -> ToolReply
}

extension AnalystTool {
    var name: String { definition.name }
    func failure(_ message: String) -> ToolReply { ToolReply(text: message, isError: true) }

    /// The reply for an error the call ran into: what the caller may know, and for the log what it may not.
    func failure(for error: any Error) -> ToolReply {
        let report = ErrorReport(error, for: .remote)
        var reply = failure(report.text)
        reply.logDetail = report.logDetail
        return reply
    }
}

/// What a tool call may use: who is asking, and the analyst service on a session bound to that
/// identity (the only way to reach data). ZavaMCP never builds RLS SQL or opens connections.
struct ToolContext: Sendable {
    let principal: Principal
    let session: Session
    let search: (any ProductSearching)?
    /// Bytes a reply's text may have: the JSON-RPC answer carries it escaped again (at most
    /// twice its size) and its rows once more as structured content, so a third of the
    /// configured answer limit.
    var replyBytes: Int = .max
    /// The order dates each identity sees, shared by the calls of one server.
    var dataDates = DataDates()

    var analyst: AnalystService { AnalystService(session: session, search: search) }
}

/// A tool's answer: the text the client shows the model, the same answer as structured JSON
/// (for clients of revisions that have it), and whether it reports a failure.
struct ToolReply: Sendable, Equatable {
    var text: String
    var isError: Bool
    /// `structuredContent`, matching the tool's `outputSchema`.
    var structured: JSON?
    /// For logs and metrics only (never the rows themselves).
    var rowCount: Int?
    /// What went wrong in more detail than the caller is told (hosts, socket paths): logged only.
    var logDetail: String?

    init(text: String, isError: Bool, structured: JSON? = nil, rowCount: Int? = nil, logDetail: String? = nil) {
        self.text = text
        self.isError = isError
        self.structured = structured
        self.rowCount = rowCount
        self.logDetail = logDetail
    }
}
