/// A bounded pool of libpq connections shared by every front end of one process.
///
/// Connections open lazily, unhealthy ones are dropped on return, and callers beyond the
/// pool's size wait in a bounded queue for at most `acquireTimeout` before a clear "busy" error.
public actor ConnectionPool {
    public struct Statistics: Sendable, Equatable {
        public var size: Int
        public var open: Int
        public var inUse: Int
        public var waiting: Int
    }

    private let conninfo: String
    public nonisolated let size: Int
    private let acquireTimeout: Duration
    private let maxWaiters: Int
    private let typeNames = TypeNameCache()
    private var idle: [Connection] = []
    private var open = 0
    private var inUse = 0
    private var waiters: [(deadline: ContinuousClock.Instant, continuation: CheckedContinuation<Void, Error>)] = []
    /// Ends waits that ran out of time; one task for all waiters, running while there are any.
    private var expiry: Task<Void, Never>?
    private var isClosed = false

    /// - Parameter conninfo: passed to libpq unmodified.
    public init(conninfo: String, size: Int = 4, acquireTimeout: Duration = .seconds(10), maxWaiters: Int = 1_000) {
        self.conninfo = conninfo
        self.size = max(1, size)
        self.acquireTimeout = acquireTimeout
        self.maxWaiters = maxWaiters
    }

    public var statistics: Statistics {
        Statistics(size: size, open: open, inUse: inUse, waiting: waiters.count)
    }

    /// Lends a connection to `body` and takes it back, healthy or not.
    func withConnection<T: Sendable>(_ body: (Connection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Drops every idle connection: after one turned out broken (a server restart, a
    /// terminated backend) the others are most likely broken too.
    func discardIdle() {
        open -= idle.count
        idle.removeAll()
    }

    private func acquire() async throws -> Connection {
        while true {
            guard !isClosed else { throw ConnectionError(.closed, "pool closed") }
            if let connection = idle.popLast() {
                if connection.isHealthy { inUse += 1; return connection }
                open -= 1
                continue
            }
            if open < size {
                open += 1
                inUse += 1
                do {
                    return try await Connection.connect(conninfo: conninfo, typeNames: typeNames)
                } catch {
                    open -= 1
                    inUse -= 1
                    wakeOne()
                    throw error
                }
            }
            try await waitForRelease()
        }
    }

    private func release(_ connection: Connection) {
        inUse -= 1
        if connection.isHealthy, !isClosed {
            idle.append(connection)
        } else {
            open -= 1
        }
        wakeOne()
    }

    private func wakeOne() {
        guard !waiters.isEmpty else { return }
        waiters.removeFirst().continuation.resume()
    }

    private func waitForRelease() async throws {
        guard waiters.count < maxWaiters else {
            throw ConnectionError(.busy, "\(waiters.count) requests already waiting for a connection")
        }
        try await withCheckedThrowingContinuation { continuation in
            waiters.append((.now + acquireTimeout, continuation))
            if expiry == nil { expiry = Task { await expireWaiters() } }
        }
    }

    /// Waiters queue in order and all wait as long, so the first one's deadline is the next
    /// to pass: one sleep at a time, instead of a timer task per wait (which, with every call
    /// waiting under load, cost more than the wait).
    private func expireWaiters() async {
        while let first = waiters.first {
            if first.deadline > .now {
                try? await Task.sleep(until: first.deadline, clock: .continuous)
                continue
            }
            waiters.removeFirst().continuation.resume(
                throwing: ConnectionError(.busy, "no connection free after \(acquireTimeout); all \(size) are in use"))
        }
        expiry = nil
    }

    /// Closes idle connections and refuses new requests; in-flight ones finish normally.
    public func close() {
        isClosed = true
        open -= idle.count
        idle.removeAll()
        for waiter in waiters { waiter.continuation.resume(throwing: ConnectionError(.closed, "pool closed")) }
        waiters.removeAll()
    }
}
