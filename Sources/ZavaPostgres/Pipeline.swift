import CLibPQ
import Glibc

/// A statement wrapped in trusted set-up and clean-up statements, sent as one libpq pipeline
/// with a single sync point, so the whole request costs one write and one network round trip.
///
/// Every part goes over the extended protocol, which accepts exactly one statement per
/// message: the user's text can never smuggle a second statement in. When anything in the
/// pipeline fails, the server skips the rest of it up to the sync, clean-up included; the
/// clean-up is then sent again on its own (a second round trip, on the error path only).
package struct PipelinedStatement: Sendable {
    package var setup: [String]
    package var statement: String
    package var parameters: [String?]
    package var cleanup: [String]
    /// Rows handed to the sink at most; later rows set `truncated` and are discarded.
    package var rowLimit: Int
    /// Rows read and discarded past the limit before the server is asked to stop instead.
    package var drainLimit: Int = 20_000
    /// Bytes of row data handed to the sink at most (as the server sent them); the row that
    /// would pass it ends the result as truncated.
    package var byteLimit: Int = .max
    /// The statement's timeout (the server's `statement_timeout`): past it, and past any cancel
    /// by `Deadline.grace`, zava stops waiting for the server (`Deadline`).
    package var timeout: Duration = .seconds(3_600)

    package init(setup: [String], statement: String, parameters: [String?], cleanup: [String], rowLimit: Int,
                 timeout: Duration = .seconds(3_600)) {
        self.setup = setup
        self.statement = statement
        self.parameters = parameters
        self.cleanup = cleanup
        self.rowLimit = rowLimit
        self.timeout = timeout
    }
}

/// When a pipeline stops waiting for the server. The server's `statement_timeout` ends almost
/// every statement on time; a backend that does not answer (stuck where it checks for no
/// interrupts, such as its lexer, or a server that froze) is sent a cancel request once the
/// timeout has passed, and `grace` after any cancel request zava gives up on the connection:
/// the caller gets its answer, and the connection is closed instead of being pooled again.
package struct Deadline {
    /// How long the server has to act on a cancel request (or on its own statement timeout).
    package static let grace: Duration = .milliseconds(400)
    /// The longest one wait for the server lasts before the deadlines are looked at again.
    package static let slice: Duration = .milliseconds(250)

    package let overrun: ContinuousClock.Instant

    package init(timeout: Duration, from start: ContinuousClock.Instant) {
        overrun = start + timeout + .milliseconds(100)
    }
}

/// The server did not act on a cancel in time (`Deadline`): the connection was given up.
private struct Abandoned: Error {
    package var timedOut: Bool

    package var error: DatabaseError {
        DatabaseError(sqlState: "57014",
                      message: timedOut ? "canceling statement due to statement timeout" : "canceling statement due to user request",
                      detail: "The server did not stop the statement when asked; zava closed its connection.")
    }
}

/// Receives a streamed result on the connection's queue, one row at a time.
package protocol RowSink: AnyObject, Sendable {
    func receive(columns: [Column]) throws
    func receive(row: RawRow) throws
}

/// One streamed row as the server sent it (text format). From a connection it points into
/// libpq's buffer, so it is valid only inside the callback that receives it: never keep it.
/// Writers that want the server's text (CSV, TSV) copy its bytes straight out; everyone else
/// asks for the typed values. A statement executor that is not a connection (a test's fake)
/// hands out rows of its own text.
public struct RawRow {
    package enum Cells {
        case result(OpaquePointer)
        case text([String?])
    }

    package let cells: Cells
    package let kinds: [PGValueDecoder.Kind]

    package init(result: OpaquePointer, kinds: [PGValueDecoder.Kind]) {
        cells = .result(result)
        self.kinds = kinds
    }

    /// A row of server text for `columns` (nil is NULL).
    package init(text: [String?], columns: [Column]) {
        cells = .text(text)
        kinds = columns.map { PGValueDecoder.kind(for: $0.typeName) }
    }

    public var count: Int { kinds.count }

    public func isNull(_ column: Int) -> Bool {
        switch cells {
        case .result(let result): PQgetisnull(result, 0, Int32(column)) == 1
        case .text(let text): text[column] == nil
        }
    }

    /// The column's text, as the server sent it (empty for NULL: check `isNull`).
    public func withBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        switch cells {
        case .result(let result):
            let length = Int(PQgetlength(result, 0, Int32(column)))
            return try PQgetvalue(result, 0, Int32(column)).withMemoryRebound(to: UInt8.self, capacity: length) {
                try body(UnsafeBufferPointer(start: $0, count: length))
            }
        case .text(let text):
            var value = text[column] ?? ""
            return try value.withUTF8(body)
        }
    }

    /// The typed values (what every front end but the byte writers uses).
    public func decoded() -> [PGValue] {
        kinds.indices.map { index in
            if isNull(index) { return .null }
            let text = withBytes(index) { String(decoding: $0, as: UTF8.self) }
            return PGValueDecoder.decode(text, kind: kinds[index])
        }
    }
}

extension Connection {
    /// Runs the pipeline, streaming rows into `sink` (single-row mode: memory stays flat
    /// whatever the result's size).
    package func execute(_ pipeline: PipelinedStatement, into sink: RowSink) async throws -> StatementSummary {
        try await withHandle { conn, connection in
            do {
                return try connection.runPipeline(conn, pipeline, sink)
            } catch let abandoned as Abandoned {
                throw abandoned.error
            }
        }
    }

    private func runPipeline(_ conn: OpaquePointer, _ pipeline: PipelinedStatement, _ sink: RowSink) throws -> StatementSummary {
        let clock = ContinuousClock()
        let started = clock.now
        deadline = Deadline(timeout: pipeline.timeout, from: started)
        defer { deadline = nil }
        guard PQenterPipelineMode(conn) == 1 else { throw lostError() }
        defer {
            if PQexitPipelineMode(conn) != 1 { poison() }
            if canceller.takeRequested() { poison() }
        }

        // libpq before 17 flushes at every sync point: one sync is one write.
        try queue(conn, pipeline.setup)
        guard Connection.sendParams(conn, pipeline.statement, pipeline.parameters, synchronous: false) != nil else {
            throw lostError()
        }
        try queue(conn, pipeline.cleanup)
        try sync(conn)

        var failure: Error?
        for _ in pipeline.setup {
            if let error = try consumeResults(conn) { failure = failure ?? error }
        }
        // The transaction began on a live connection: a loss from here on happened while the
        // statement ran (not retried), not while the connection sat idle in the pool.
        let setupFailed = failure != nil
        do {
            return try finish(conn, pipeline, sink, failure, started)
        } catch var error as ConnectionError where error.kind == .lost && !setupFailed {
            error.duringStatement = true
            throw error
        }
    }

    /// Streams the user statement's results, then consumes the clean-up statements.
    private func finish(_ conn: OpaquePointer, _ pipeline: PipelinedStatement, _ sink: RowSink,
                        _ setupFailure: Error?, _ started: ContinuousClock.Instant) throws -> StatementSummary {
        let clock = ContinuousClock()
        var failure = setupFailure
        var state = StreamState(pipeline)
        _ = PQsetSingleRowMode(conn)
        while true {
            let next: OpaquePointer?
            do {
                next = try nextResult(conn)
            } catch is Abandoned where state.truncated && state.cancelSent && failure == nil {
                // The rows kept are the answer; the server was only slow to stop sending more.
                return StatementSummary(columns: state.columns ?? [], rowCount: state.rowCount, truncated: true,
                                        commandTag: state.commandTag, elapsed: clock.now - started)
            }
            guard let result = next else { break }
            defer { PQclear(result) }
            do {
                try state.handle(result, conn: conn, connection: self, sink: sink)
            } catch {
                failure = failure ?? error
                if state.cancelSent == false { canceller.cancel(); state.cancelSent = true }
            }
        }
        let elapsed = clock.now - started
        if let error = state.error, failure == nil { failure = error }

        for _ in pipeline.cleanup {
            if let error = try consumeResults(conn), !(error is DatabaseError) { failure = failure ?? error }
        }
        // An error anywhere made the server skip the rest of the pipeline, clean-up included.
        // A cancelled connection is not pooled again (`runPipeline`), so it needs none.
        let cleanupSkipped = PQpipelineStatus(conn) == PQ_PIPELINE_ABORTED
        try expectSync(conn)
        if cleanupSkipped, !canceller.isRequested { try cleanUp(conn, pipeline.cleanup) }
        if PQstatus(conn) != CONNECTION_OK { throw lostError() }
        // libpq keeps its input buffer at the size of the largest message it received: after a
        // huge row, drop the connection rather than keep that memory in the pool.
        if state.largestRow > 8 << 20 { poison() }
        if let failure { throw failure }
        return StatementSummary(columns: state.columns ?? [], rowCount: state.rowCount, truncated: state.truncated,
                                commandTag: state.commandTag, elapsed: elapsed)
    }

    private func queue(_ conn: OpaquePointer, _ statements: [String]) throws {
        for sql in statements {
            guard Connection.sendParams(conn, sql, [], synchronous: false) != nil else { throw lostError() }
        }
    }

    /// Ends the pipeline with its sync point, which also sends what was queued.
    private func sync(_ conn: OpaquePointer) throws {
        guard PQpipelineSync(conn) == 1 else { throw lostError() }
    }

    /// After a failure the server skipped the clean-up (a pipeline stops at its first error):
    /// runs it again as a pipeline of its own. A connection that cannot be cleaned up is not
    /// pooled again.
    private func cleanUp(_ conn: OpaquePointer, _ cleanup: [String]) throws {
        guard PQstatus(conn) == CONNECTION_OK else { return }
        try queue(conn, cleanup)
        try sync(conn)
        for _ in cleanup where try consumeResults(conn) != nil { poison() }
        try expectSync(conn)
    }

    /// Reads one queued statement's results up to its terminating NULL; returns its error, if any.
    private func consumeResults(_ conn: OpaquePointer) throws -> Error? {
        var error: Error?
        while let result = try nextResult(conn) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_FATAL_ERROR:
                error = error ?? failure(from: result)
            case PGRES_COPY_OUT, PGRES_COPY_IN, PGRES_COPY_BOTH:
                error = error ?? refuseCopy(conn)
            default: break
            }
        }
        if PQstatus(conn) != CONNECTION_OK { return lostError() }
        return error
    }

    private func expectSync(_ conn: OpaquePointer) throws {
        guard let result = try nextResult(conn) else { throw lostError() }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_PIPELINE_SYNC else { throw lostError() }
    }

    /// `PQgetResult`, but waiting for the server in slices, so that the wait ends at the
    /// deadline: past the statement's timeout a cancel request is sent, and once a cancel
    /// (ours, the user's, a request timeout's) has gone unanswered for `Deadline.grace`, the
    /// connection is given up and the caller is answered.
    private func nextResult(_ conn: OpaquePointer) throws -> OpaquePointer? {
        while PQisBusy(conn) == 1 {
            let socket = PQsocket(conn)
            guard socket >= 0, let deadline else { break }
            let now = ContinuousClock.now
            let stopAsked = canceller.stopRequestedAt
            if stopAsked == nil, now >= deadline.overrun { canceller.cancel(); continue }
            if let stopAsked, now >= stopAsked + Deadline.grace {
                poison()
                throw Abandoned(timedOut: now >= deadline.overrun)
            }
            let until = min(now + Deadline.slice, stopAsked.map { $0 + Deadline.grace } ?? deadline.overrun)
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(1, (until - now).wholeMilliseconds)))
            if ready < 0, errno != EINTR { break }
            if ready > 0, PQconsumeInput(conn) == 0 { break }
        }
        return PQgetResult(conn)
    }

    /// The server's error for a failed result, or a connection error when the link broke.
    package func failure(from result: OpaquePointer) -> Error {
        guard PQstatus(handle) == CONNECTION_OK, let error = DatabaseError(result: result) else { return lostError() }
        return error
    }

    /// COPY streams are not part of the analyst's read-only API: end them at once.
    package func refuseCopy(_ conn: OpaquePointer) -> Error {
        var buffer: UnsafeMutablePointer<CChar>?
        _ = PQputCopyEnd(conn, "COPY is not supported by zava")
        while PQgetCopyData(conn, &buffer, 0) > 0 { PQfreemem(buffer) }
        return DatabaseError(sqlState: "0A000", message: "COPY is not supported here; use a SELECT and an export format instead")
    }
}

/// The user statement's part of the pipeline: columns, row cap, command tag.
private struct StreamState {
    package let rowLimit: Int
    package let drainLimit: Int
    package let byteLimit: Int
    package var bytes = 0
    package var largestRow = 0
    package var columns: [Column]?
    package var kinds: [PGValueDecoder.Kind] = []
    package var rowCount = 0
    package var discarded = 0
    package var truncated = false
    package var cancelSent = false
    package var commandTag = ""
    package var error: Error?

    package init(_ pipeline: PipelinedStatement) {
        rowLimit = pipeline.rowLimit
        drainLimit = pipeline.drainLimit
        byteLimit = pipeline.byteLimit
    }

    package mutating func handle(_ result: OpaquePointer, conn: OpaquePointer, connection: Connection, sink: RowSink) throws {
        switch PQresultStatus(result) {
        case PGRES_SINGLE_TUPLE:
            try describe(result, connection: connection, sink: sink)
            let size = rowBytes(result)
            largestRow = max(largestRow, size)
            if !truncated, rowCount < rowLimit, bytes + size > byteLimit {
                // Over the byte cap: what is left cannot be kept, so stop the server at once.
                truncated = true
                if !cancelSent { connection.canceller.cancel(); cancelSent = true }
            }
            guard rowCount < rowLimit, !truncated else {
                truncated = true
                discarded += 1
                if discarded > drainLimit, !cancelSent {
                    connection.canceller.cancel()
                    cancelSent = true
                }
                return
            }
            try sink.receive(row: RawRow(result: result, kinds: kinds))
            rowCount += 1
            bytes += size
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            if PQresultStatus(result) == PGRES_TUPLES_OK { try describe(result, connection: connection, sink: sink) }
            commandTag = String(cString: PQcmdStatus(result))
        case PGRES_EMPTY_QUERY:
            commandTag = ""
        case PGRES_FATAL_ERROR:
            let error = connection.failure(from: result)
            // A cancel we sent ourselves to stop a truncated result is not the user's error.
            if truncated, cancelSent, (error as? DatabaseError)?.isCancellation == true { return }
            self.error = self.error ?? error
        case PGRES_COPY_OUT, PGRES_COPY_IN, PGRES_COPY_BOTH:
            self.error = self.error ?? connection.refuseCopy(conn)
        default:
            break
        }
    }

    private mutating func describe(_ result: OpaquePointer, connection: Connection, sink: RowSink) throws {
        guard columns == nil else { return }
        let described = (0..<PQnfields(result)).map { index in
            let oid = UInt32(PQftype(result, index))
            return Column(name: String(cString: PQfname(result, index)), typeOID: oid,
                          typeName: connection.typeNames.name(for: oid))
        }
        columns = described
        kinds = described.map { PGValueDecoder.kind(for: $0.typeName) }
        try sink.receive(columns: described)
    }

    private func rowBytes(_ result: OpaquePointer) -> Int {
        (0..<PQnfields(result)).reduce(0) { $0 + Int(PQgetlength(result, 0, $1)) }
    }
}

/// Collects a streamed result into a `QueryResult` (bounded by the row limit).
package final class CollectingSink: RowSink, @unchecked Sendable {
    package private(set) var columns: [Column] = []
    package private(set) var rows: [[PGValue]] = []

    package init() {}

    package func receive(columns: [Column]) { self.columns = columns }
    package func receive(row: RawRow) { rows.append(row.decoded()) }
}
