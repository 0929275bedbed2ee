import Foundation
import Logging
import ZavaCore
import ZavaPostgres

/// Runs one `tools/call` for an identity the HTTP layer decided: gives the tool a session for
/// it, bounds the call in time, lets a vanished client cancel it, and counts and logs it (tool,
/// identity, outcome, time; never the result).
struct ToolCallRunner: Sendable {
    let catalog: ToolCatalog
    let database: Database
    let limits: QueryLimits
    /// The largest answer sent (`MCPServerConfiguration.maxAnswerBytes`).
    let maxAnswerBytes: Int
    let deadlines: RequestDeadlines
    let search: (any ProductSearching)?
    let inFlight: InFlightRequests
    let metrics: ServerMetrics
    let logger: Logger
    let dataDates = DataDates()

    /// The one place tool calls run. An unknown tool is a JSON-RPC error (invalid params),
    /// everything else a result (failures as tool errors).
    func call(_ name: String, arguments: [String: JSON]?, principal: Principal, requestID: String) async -> Result<ToolReply, RPCError> {
        guard let tool = catalog.tool(named: name) else { return .failure(unknownTool(name, requestID: requestID)) }
        let session = database.session(for: principal.identity, limits: limits).charged(to: principal.tokenLabel)
            .audited(AuditContext(frontend: .mcp, principal: principal.auditName, requestID: requestID))
        let context = ToolContext(principal: principal, session: session, search: search, replyBytes: maxAnswerBytes / 3,
                                  dataDates: dataDates)
        let started = ContinuousClock.now
        let reply = await run(tool, arguments, context: context, requestID: requestID)
        let elapsed = ContinuousClock.now - started
        metrics.toolCall(tool.name, isError: reply.isError, duration: elapsed)
        if logger.logLevel <= .info {  // the metadata costs more than a point query; build it only when logged
            var metadata: Logger.Metadata = [
                "request_id": "\(requestID)", "tool": "\(tool.name)", "profile": "\(principal.identity.profile)",
                "auth": "\(principal.source.rawValue)", "outcome": "\(reply.isError ? "error" : "ok")",
                "duration_ms": "\(Self.milliseconds(elapsed))",
            ]
            if let rows = reply.rowCount { metadata["rows"] = "\(rows)" }
            if let label = principal.tokenLabel { metadata["token"] = "\(label)" }
            logger.info("tool call", metadata: metadata)
        }
        if let detail = reply.logDetail {
            logger.warning("tool call failed", metadata: ["request_id": "\(requestID)", "tool": "\(tool.name)", "error": "\(detail)"])
        }
        return .success(reply)
    }

    private func unknownTool(_ name: String, requestID: String) -> RPCError {
        metrics.toolCall(name, isError: true, duration: .zero)
        logger.notice("unknown tool", metadata: ["request_id": "\(requestID)", "tool": "\(name.prefix(64))"])
        return .invalidParams("Unknown tool: \(name.prefix(64)). Available tools: \(catalog.names.joined(separator: ", "))")
    }

    /// The call runs in its own task so that a timeout, the client's `notifications/cancelled`
    /// or its disconnection (`inFlight`) can cancel it; cancelling reaches the database
    /// as a cancel request. The task starts on this thread (`Task.immediate`, on the same
    /// executor: no hop to another thread before the query is sent); the timeout is a watch in
    /// `deadlines`, and a call it stopped answers with the timeout message.
    private func run(_ tool: any AnalystTool, _ arguments: [String: JSON]?, context: ToolContext, requestID: String) async -> ToolReply {
        let work = Task.immediate(executorPreference: BlockingExecutor.current) { await tool.call(arguments, context: context) }
        let timedOut = Flag()
        let watch = deadlines.watch(until: .now + deadlines.timeout) {
            timedOut.set()
            work.cancel()
        }
        inFlight.attach(requestID) { work.cancel() }
        let reply = await withTaskCancellationHandler { await work.value } onCancel: { work.cancel() }
        deadlines.unwatch(watch)
        inFlight.detach(requestID)
        if timedOut.isSet {
            return tool.failure("\(tool.name): no answer within the request timeout of \(Self.seconds(deadlines.timeout)); the query was cancelled")
        }
        return reply
    }

    /// `12.3`: milliseconds, rounded to a tenth (without `String(format:)`: every call logs it).
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = seconds * 10_000 + (attoseconds + 50_000_000_000_000) / 100_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}
