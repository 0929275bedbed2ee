import Foundation
import ZavaPostgres
import ZavaSpans

/// Per-request limits: how many rows come back, how many bytes of values a collected result
/// may hold, and how long the server may work.
public struct QueryLimits: Sendable, Equatable {
    /// 64 MiB: far more than a screen or a model's context can use, small enough that a few
    /// huge values (`repeat('x', 100000000)`) cannot exhaust memory.
    public static let defaultByteCap = 64 << 20

    public var rowCap: Int
    public var statementTimeout: Duration
    /// Bytes of row data (as the server sent them) a collected result keeps; the row that would
    /// exceed it and every later one are dropped and the result is marked truncated. Streamed
    /// results (`Session.stream`) hold one row at a time and are bounded by `rowCap` only.
    public var byteCap: Int
    /// Longer statements are refused before they are sent (`StatementPolicy`).
    public var maxStatementBytes: Int

    public init(rowCap: Int, statementTimeout: Duration, byteCap: Int = QueryLimits.defaultByteCap,
                maxStatementBytes: Int = StatementPolicy.defaultMaxBytes) {
        self.rowCap = max(0, rowCap)
        self.statementTimeout = statementTimeout
        self.byteCap = max(0, byteCap)
        self.maxStatementBytes = max(1, maxStatementBytes)
    }
}

/// Runs statements as one identity. This is the only code that knows the RLS protocol:
///
///     BEGIN READ ONLY
///     SET LOCAL zava.rls_user_id = '<identity>'     -- what the policies read
///     SET LOCAL statement_timeout = <ms>
///     <the one user statement>                      -- extended protocol: one statement only
///     ROLLBACK                                      -- always; nothing is ever committed
///     DEALLOCATE ALL                                -- the one state a rollback leaves
///     -- sync --
///
/// all sent as one pipeline (one write, one round trip). An error skips the rest up to the
/// sync, so then ROLLBACK and DEALLOCATE ALL are sent again before the connection is reused.
/// ROLLBACK undoes settings, cursors, LISTEN and transaction locks; the analyst role can take
/// no session locks (`zava doctor` fails a database where it could) and a read-only
/// transaction creates no temporary tables, so a statement `PREPARE`d by the user is all that
/// outlives the transaction.
/// `DISCARD ALL` would reset the same and cost a fifth of a point query's time.
/// Nothing is set at session scope, so a pooled connection carries no identity from one
/// request to the next.
///
/// Before anything is sent, `StatementPolicy` refuses what the server could not be stopped in
/// or what would reveal other stores' rows, and `SecurityGate` refuses store identities while
/// the database's security checks fail. For every identity but head office, results pass
/// `ExecutionStatisticsGuard` on their way back. Each request counts against its identity's
/// (and principal's) share of the pool, so no identity can hold every connection.
public struct Session: Sendable {
    /// nil only for the catalogue reads that need no identity (they see no store rows).
    public let identity: Identity?
    let executor: any StatementExecutor
    let gate: SecurityGate
    public let limits: QueryLimits
    /// Who the pool charges for this session's requests besides the identity (an MCP token).
    public private(set) var principal: String?
    /// Where statements are recorded (`ZAVA_AUDIT_LOG`), if anywhere.
    let auditLog: AuditLog?
    /// What they are recorded as; a session no front end named records nothing (catalogue reads).
    public private(set) var auditContext: AuditContext?

    /// Statement shapes for the audit trail and spans.
    let shapes: StatementShapes

    init(identity: Identity?, executor: any StatementExecutor, gate: SecurityGate, limits: QueryLimits,
         auditLog: AuditLog? = nil, shapes: StatementShapes) {
        self.identity = identity
        self.executor = executor
        self.gate = gate
        self.limits = limits
        self.auditLog = auditLog
        self.shapes = shapes
    }

    /// The same session with other limits (e.g. a front end's own row cap).
    public func with(limits: QueryLimits) -> Session {
        var copy = Session(identity: identity, executor: executor, gate: gate, limits: limits, auditLog: auditLog, shapes: shapes)
        copy.principal = principal
        copy.auditContext = auditContext
        return copy
    }

    /// The same session charged to `principal` too: its requests share one quota of the pool
    /// whatever identity they run as.
    public func charged(to principal: String?) -> Session {
        var copy = self
        copy.principal = principal
        return copy
    }

    /// The same session with its statements recorded in the audit trail as `context`.
    public func audited(_ context: AuditContext) -> Session {
        var copy = self
        copy.auditContext = context
        return copy
    }

    /// The pool's quota keys: the identity (anonymous catalogue reads share one) and the principal.
    var quotaKeys: [QuotaKey] {
        let own = identity.map { QuotaKey.identity($0.rlsUserID) } ?? .anonymous
        guard let principal else { return [own] }
        return [own, .principal(principal)]
    }

    /// Runs one statement and collects its rows (at most `limits.rowCap`).
    public func run(_ sql: String, parameters: [String?] = []) async throws -> QueryResult {
        try await run(sql, parameters: parameters, settings: [:])
    }

    /// The same, with transaction-local planner settings chosen by ZavaCore itself (never by
    /// a caller: names and values are inlined).
    func run(_ sql: String, parameters: [String?], settings: [String: String]) async throws -> QueryResult {
        let (summary, sink) = try await retryingOnStaleConnection { () -> (StatementSummary, CollectingSink) in
            let sink = CollectingSink()
            // A collected result keeps every row: its bytes are bounded too.
            return (try await execute(sql, parameters: parameters, settings: settings, byteLimit: limits.byteCap, into: sink), sink)
        }
        return QueryResult(columns: summary.columns.isEmpty ? sink.columns : summary.columns, rows: sink.rows,
                           truncated: summary.truncated, commandTag: summary.commandTag, elapsed: summary.elapsed)
    }

    /// Streams one statement's rows to `onRow` as they arrive (memory stays flat), after
    /// `onColumns`. The callbacks run on a connection thread, one at a time.
    public func stream(_ sql: String, parameters: [String?] = [],
                       onColumns: @escaping @Sendable ([Column]) throws -> Void,
                       onRow: @escaping @Sendable ([PGValue]) throws -> Void) async throws -> StatementSummary {
        try await streamText(sql, parameters: parameters, onColumns: onColumns, onRow: { try onRow($0.decoded()) })
    }

    /// Streams rows as the server's text (`RawRow`, valid only inside `onRow`): for writers
    /// that copy bytes straight to their output, with no per-cell decoding.
    public func streamText(_ sql: String, parameters: [String?] = [],
                           onColumns: @escaping @Sendable ([Column]) throws -> Void,
                           onRow: @escaping @Sendable (RawRow) throws -> Void) async throws -> StatementSummary {
        let sink = ClosureSink(onColumns: onColumns, onRawRow: onRow)
        return try await retryingOnStaleConnection(canRetry: { !sink.started }) {
            try await execute(sql, parameters: parameters, settings: [:], byteLimit: .max, into: sink)
        }
    }

    /// Every statement's one way to the server: the checks, the span (when tracing), the
    /// pipeline, the audit record (when auditing).
    private func execute(_ sql: String, parameters: [String?], settings: [String: String], byteLimit: Int,
                         into sink: RowSink) async throws -> StatementSummary {
        let recorded = auditLog != nil && auditContext != nil
        guard Trace.isOn || recorded else {
            return try await send(sql, parameters: parameters, settings: settings, byteLimit: byteLimit, into: sink, traceparent: nil)
        }
        let shape = shapes.shape(of: sql)
        guard Trace.isOn else {
            return try await audited(sql, shape, parameters: parameters, settings: settings, byteLimit: byteLimit, into: sink,
                                     traceparent: nil, recorded: true)
        }
        return try await Trace.withSpan(shape.summary, ofKind: .client) { span in
            span.reserveAttributes(6)
            span.set("db.system.name", "postgresql")
            span.set("db.query.summary", .string(shape.summary))
            span.set("db.query.text", .string(shape.normalized))
            span.set("zava.identity", .string(identity?.profile ?? "catalog"))
            do {
                let summary = try await audited(sql, shape, parameters: parameters, settings: settings, byteLimit: byteLimit, into: sink,
                                                traceparent: Trace.traceparent(of: span.context), recorded: recorded)
                span.set("db.response.returned_rows", .int(Int64(summary.rowCount)))
                return summary
            } catch {
                let sqlState = Self.sqlState(of: error)
                span.set("db.response.status_code", .string(sqlState))
                span.set("error.type", .string(sqlState))
                throw error
            }
        }
    }

    /// The statement, with its outcome in the audit trail when `recorded`.
    private func audited(_ sql: String, _ shape: StatementFingerprint, parameters: [String?], settings: [String: String],
                         byteLimit: Int, into sink: RowSink, traceparent: String?, recorded: Bool) async throws -> StatementSummary {
        let started = ContinuousClock.now
        do {
            let summary = try await send(sql, parameters: parameters, settings: settings, byteLimit: byteLimit, into: sink,
                                         traceparent: traceparent)
            if recorded {
                try record(shape, traceparent: traceparent, started: started, rows: summary.rowCount,
                           truncated: summary.truncated, outcome: .ok)
            }
            return summary
        } catch {
            if recorded {
                try record(shape, traceparent: traceparent, started: started, rows: 0, truncated: false,
                           outcome: .error(sqlState: Self.sqlState(of: error)))
            }
            throw error
        }
    }

    /// The SQLSTATE a failed statement reports in its span and audit record: the server's, the
    /// one for a lost connection, or "zava" for a refusal before the server was asked.
    private static func sqlState(of error: any Error) -> String {
        (error as? DatabaseError)?.sqlState ?? (error as? ConnectionError).map { _ in "08006" } ?? "zava"
    }

    private func send(_ sql: String, parameters: [String?], settings: [String: String], byteLimit: Int,
                      into sink: RowSink, traceparent: String?) async throws -> StatementSummary {
        try StatementPolicy(maxBytes: limits.maxStatementBytes).check(sql, for: identity)
        if let identity, !identity.isHeadOffice { try gate.check() }
        var pipeline = pipeline(sql, parameters, settings: settings, traceparent: traceparent)
        pipeline.byteLimit = byteLimit
        let guarded: RowSink = identity?.isHeadOffice == true ? sink : ExecutionStatisticsGuard(wrapping: sink)
        return try await executor.execute(pipeline, charging: quotaKeys, into: guarded)
    }

    private func record(_ shape: StatementFingerprint, traceparent: String?, started: ContinuousClock.Instant, rows: Int,
                        truncated: Bool, outcome: AuditRecord.Outcome) throws {
        guard let auditLog, let auditContext else { return }
        let elapsed = ContinuousClock.now - started
        try auditLog.append(AuditRecord(
            time: Date().timeIntervalSince1970, frontend: auditContext.frontend.rawValue,
            identity: identity?.profile ?? "catalog", storeID: identity?.storeID, principal: auditContext.principal,
            requestID: auditContext.requestID, traceID: traceparent.map(Trace.traceID(of:)),
            fingerprint: shape.fingerprint, statement: shape.normalized, rows: rows, truncated: truncated,
            durationMilliseconds: elapsed.milliseconds,
            outcome: outcome))
    }

    /// `traceparent`, when tracing, becomes the transaction's `application_name`, so the
    /// server's `pg_stat_activity` and log show which trace a statement belongs to.
    func pipeline(_ sql: String, _ parameters: [String?], settings: [String: String] = [:],
                  traceparent: String? = nil) -> PipelinedStatement {
        var setup: [String] = []
        setup.reserveCapacity(4 + settings.count)
        setup.append("BEGIN READ ONLY")
        if let identity {
            // A UUID's text is hex digits and dashes only: safe to inline (SET takes no parameters).
            setup.append("SET LOCAL zava.rls_user_id = '\(identity.rlsUserID.lowercaseText)'")
        }
        if let traceparent {
            // Written by `Trace.traceparent(of:)` from the span's ids: hex digits and dashes only.
            setup.append("SET LOCAL application_name = 'zava \(traceparent)'")
        }
        let milliseconds = max(1, limits.statementTimeout.wholeMilliseconds)
        setup.append("SET LOCAL statement_timeout = \(milliseconds)")
        if !settings.isEmpty {
            setup += settings.keys.sorted().map { "SET LOCAL \($0) = \(settings[$0] ?? "DEFAULT")" }
        }
        return PipelinedStatement(setup: setup, statement: sql, parameters: parameters,
                                  cleanup: ["ROLLBACK", "DEALLOCATE ALL"], rowLimit: limits.rowCap,
                                  timeout: limits.statementTimeout)
    }

    /// The statements this session sends before and after a user statement, as plain text, so a
    /// benchmark can replay exactly this protocol through bare libpq without a copy of it.
    public func protocolStatements() -> (setup: [String], cleanup: [String]) {
        let pipeline = pipeline("", [])
        return (pipeline.setup, pipeline.cleanup)
    }

    /// A request that failed because its pooled connection had gone stale while idle (server
    /// restart, terminated idle backend) is retried once on a new connection. Safe: every
    /// request is a read-only transaction that is rolled back. A connection lost while the
    /// statement ran (an operator's `pg_terminate_backend`, a crash) is not retried: the
    /// statement may be why, and the caller is told at once.
    private func retryingOnStaleConnection<T>(canRetry: () -> Bool = { true },
                                              _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ConnectionError where error.kind == .lost && !error.duringStatement && canRetry() {
            await executor.discardIdle()
            return try await body()
        }
    }
}

/// Forwards streamed rows to closures.
private final class ClosureSink: RowSink, @unchecked Sendable {
    let onColumns: @Sendable ([Column]) throws -> Void
    let onRawRow: @Sendable (RawRow) throws -> Void
    private(set) var started = false

    init(onColumns: @escaping @Sendable ([Column]) throws -> Void, onRawRow: @escaping @Sendable (RawRow) throws -> Void) {
        self.onColumns = onColumns
        self.onRawRow = onRawRow
    }

    func receive(columns: [Column]) throws { started = true; try onColumns(columns) }
    func receive(row: RawRow) throws { try onRawRow(row) }
}
