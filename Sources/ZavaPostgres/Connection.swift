import CLibPQ
import Dispatch
import Foundation

/// One libpq connection. Every libpq call on it runs on its own serial queue, so blocking
/// network I/O never stalls Swift's cooperative thread pool; callers `await` the result.
/// Tasks on a `BlockingExecutor` that allows it make the calls on their own thread instead.
package final class Connection: @unchecked Sendable {
    package let handle: OpaquePointer
    private let queue: DispatchQueue
    package let canceller: Canceller
    package let typeNames: TypeNameCache
    /// Set when this connection must not be reused (broken, or a cancel may still be in flight).
    package private(set) var isPoisoned = false
    /// While a pipeline runs: when to stop waiting for the server (used on the connection's thread only).
    package var deadline: Deadline?

    private init(handle: OpaquePointer, label: String, typeNames: TypeNameCache) {
        self.handle = handle
        self.queue = DispatchQueue(label: label)
        self.canceller = Canceller(connection: handle)
        self.typeNames = typeNames
    }

    deinit {
        canceller.invalidate()
        PQfinish(handle)
    }

    /// Connects with the connection string passed to libpq unmodified (URIs, multi-host lists,
    /// service files, .pgpass and sslmode all behave as libpq documents).
    package static func connect(conninfo: String, typeNames: TypeNameCache) async throws -> Connection {
        let queue = DispatchQueue(label: "zava.connect")
        let handle: OpaquePointer = try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard let conn = PQconnectdb(conninfo) else {
                    continuation.resume(throwing: ConnectionError(.unavailable, "out of memory"))
                    return
                }
                guard PQstatus(conn) == CONNECTION_OK else {
                    let message = String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines()
                    PQfinish(conn)
                    continuation.resume(throwing: ConnectionError(.unavailable, message))
                    return
                }
                continuation.resume(returning: conn)
            }
        }
        // Server notices (e.g. "already exists, skipping") are not the user's business.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = Connection(handle: handle, label: "zava.connection", typeNames: typeNames)
        if !typeNames.isLoaded {
            try await connection.loadTypeNames()
        }
        return connection
    }

    package var isHealthy: Bool { !isPoisoned && PQstatus(handle) == CONNECTION_OK }

    /// The server's version number, e.g. 180006.
    package var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs blocking libpq work on this connection's queue, or right here when the task runs
    /// on a `BlockingExecutor` that allows it; a Swift task cancellation sends the server a
    /// cancel request for whatever statement is running.
    package func withHandle<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer, Connection) throws -> T) async throws -> T {
        // This operation's own cancel: one arriving after it ended must not reach the next
        // borrower of the connection.
        let operation = canceller.arm()
        return try await withTaskCancellationHandler {
            if BlockingExecutor.mayBlockForDatabase {
                BlockingExecutor.willBlock()
                return try perform(body)
            }
            return try await withCheckedThrowingContinuation { continuation in
                queue.async { continuation.resume(with: Result { try self.perform(body) }) }
            }
        } onCancel: {
            self.canceller.cancel(operation: operation)
        }
    }

    /// One operation, on whichever thread may block: not begun if cancelled already.
    private func perform<T>(_ body: (OpaquePointer, Connection) throws -> T) throws -> T {
        guard canceller.begin() else {
            canceller.end()
            poison()
            throw DatabaseError(sqlState: "57014", message: "canceling statement due to user request")
        }
        defer { canceller.end() }
        return try body(handle, self)
    }

    package func poison() { isPoisoned = true }

    /// Runs statements with the simple protocol, for trusted administrative SQL (migrations,
    /// seeding) that may hold several statements. Never used for a user's statement.
    package func executeScript(_ sql: String) async throws {
        try await withHandle { conn, connection in
            let result = PQexec(conn, sql)
            defer { PQclear(result) }
            try connection.check(result, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
        }
    }

    /// Runs one trusted statement outside any transaction zava opens (administrative queries:
    /// migrations, the doctor's owner view) through the same pipeline as every statement,
    /// collecting its typed rows.
    package func query(_ sql: String, _ parameters: [String?] = []) async throws -> QueryResult {
        let sink = CollectingSink()
        let summary = try await execute(PipelinedStatement(setup: [], statement: sql, parameters: parameters, cleanup: [],
                                                           rowLimit: .max), into: sink)
        return QueryResult(columns: summary.columns, rows: sink.rows, truncated: summary.truncated,
                           commandTag: summary.commandTag, elapsed: summary.elapsed)
    }

    /// Streams rows from a COPY ... FROM STDIN: `produce` is called until it returns nil.
    package func copyIn(_ sql: String, produce: @escaping @Sendable () -> [UInt8]?) async throws {
        try await withHandle { conn, connection in
            let start = PQexec(conn, sql)
            defer { PQclear(start) }
            try connection.check(start, expecting: [PGRES_COPY_IN])
            while let chunk = produce() {
                let sent = chunk.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress.map { base in
                        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                            PQputCopyData(conn, $0, Int32(buffer.count))
                        }
                    } ?? 1
                }
                if sent != 1 { throw connection.lostError() }
            }
            guard PQputCopyEnd(conn, nil) == 1 else { throw connection.lostError() }
            while let result = PQgetResult(conn) {
                defer { PQclear(result) }
                try connection.check(result, expecting: [PGRES_COMMAND_OK])
            }
        }
    }

    // MARK: - libpq helpers used on the connection's queue

    package func check(_ result: OpaquePointer?, expecting: [ExecStatusType]) throws {
        if let result, expecting.contains(PQresultStatus(result)) { return }
        if let error = DatabaseError(result: result) {
            if PQstatus(handle) != CONNECTION_OK { throw lostError() }
            throw error
        }
        throw lostError()
    }

    package func lostError() -> ConnectionError {
        isPoisoned = true
        let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
        return ConnectionError(.lost, message.isEmpty ? "no response from server" : message)
    }

    /// Sends one statement over the extended protocol (which refuses multi-statement text).
    /// With `synchronous` it waits for the result (`PQexecParams`); else it only queues it.
    @discardableResult
    package static func sendParams(_ conn: OpaquePointer, _ sql: String, _ parameters: [String?], synchronous: Bool) -> OpaquePointer? {
        var cStrings: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { cStrings.forEach { free($0) } }
        return cStrings.withUnsafeMutableBufferPointer { buffer -> OpaquePointer? in
            let values = UnsafeRawPointer(buffer.baseAddress).map { $0.assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
            if synchronous {
                return PQexecParams(conn, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            }
            let sent = PQsendQueryParams(conn, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            return sent == 1 ? conn : nil
        }
    }

    private func loadTypeNames() async throws {
        // Read before any type is known: both columns arrive as text.
        let rows = try await query("SELECT oid::text, format_type(oid, NULL) FROM pg_catalog.pg_type").rows
        var names: [UInt32: String] = [:]
        for row in rows where row.count == 2 {
            if let oid = UInt32(row[0].displayText), !row[1].isNull { names[oid] = row[1].displayText }
        }
        typeNames.store(names)
    }
}

/// Sends cancel requests for a connection from any thread (libpq's PGcancel is made for that).
///
/// A cancel that reaches the server before the statement starts is lost, so once asked it
/// keeps asking every 100 ms until the connection's current operation has finished.
package final class Canceller: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelHandle: OpaquePointer?
    private var wanted = false
    private var active = false
    private var requested = false
    /// When the current operation was first asked to stop.
    private var wantedSince: ContinuousClock.Instant?
    /// Counts operations, so a task's cancel applies to its own operation only.
    private var generation = 0

    package init(connection: OpaquePointer) {
        cancelHandle = PQgetCancel(connection)
    }

    /// Starts a new operation (before it is queued): cancels meant for earlier ones are void.
    package func arm() -> Int {
        lock.withLock {
            generation += 1
            wanted = false
            wantedSince = nil
            requested = false
            return generation
        }
    }

    /// Called on the connection's queue before an operation; false if it was cancelled already.
    package func begin() -> Bool {
        lock.withLock {
            active = true
            return !wanted
        }
    }

    package func end() {
        lock.withLock {
            active = false
            wanted = false
            wantedSince = nil
        }
    }

    /// Asks the server to cancel the current operation (or `operation`, when it is still the
    /// current one), and keeps asking until it ends.
    package func cancel(operation: Int? = nil) {
        let start = lock.withLock { () -> Bool in
            if let operation, operation != generation { return false }
            let first = !wanted
            if first { wantedSince = .now }
            wanted = true
            requested = true
            return first && active
        }
        guard start else { return }
        DispatchQueue.global().async {
            while self.sendIfActive() { usleep(100_000) }
        }
    }

    private func sendIfActive() -> Bool {
        lock.withLock {
            guard active, wanted, let cancelHandle else { return false }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
            return true
        }
    }

    /// When the running operation was first asked to stop, if it was.
    package var stopRequestedAt: ContinuousClock.Instant? { lock.withLock { wanted ? wantedSince : nil } }

    /// Whether a cancel was asked for since `takeRequested` last answered (without resetting it).
    package var isRequested: Bool { lock.withLock { requested } }

    /// Whether a cancel was asked for since the last call; a cancelled connection is not
    /// reused (a late cancel could hit the next request's statement).
    package func takeRequested() -> Bool {
        lock.withLock {
            defer { requested = false }
            return requested
        }
    }

    package func invalidate() {
        lock.withLock {
            if let cancelHandle { PQfreeCancel(cancelHandle) }
            cancelHandle = nil
            active = false
        }
    }
}

/// Type names by OID, loaded once per pool (extension types such as `vector` have no fixed OID).
package final class TypeNameCache: @unchecked Sendable {
    private let lock = NSLock()
    private var names: [UInt32: String] = [:]

    package init() {}

    package var isLoaded: Bool { lock.withLock { !names.isEmpty } }

    package func store(_ newNames: [UInt32: String]) { lock.withLock { names = newNames } }

    package func name(for oid: UInt32) -> String { lock.withLock { names[oid] } ?? "oid \(oid)" }
}
