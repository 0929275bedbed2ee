import Tracing
import ZavaSpans

/// A bounded pool of libpq connections shared by every front end of one process.
///
/// Connections open lazily, unhealthy ones are dropped on return, and callers beyond the
/// pool's size wait in a bounded queue for at most `acquireTimeout` before a clear "busy" error.
///
/// Fairness: each request is charged to quota keys (its identity, and an MCP token) and no
/// key may hold more than `perKeyLimit` connections (one fewer than the pool by default), so
/// one identity's slow statements never take the connection every other identity needs.
/// A request over its key's quota waits; a released connection goes to the first waiter
/// whose keys are all under quota. One key may hold at most half of the wait queue.
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
    /// Connections each quota key holds now.
    private var charged: [QuotaKey: Int] = [:]
    public nonisolated let perKeyLimit: Int
    private var waiters: [(deadline: ContinuousClock.Instant, keys: [QuotaKey], continuation: CheckedContinuation<Void, Error>)] = []
    /// Ends waits that ran out of time; one task for all waiters, running while there are any.
    private var expiry: Task<Void, Never>?
    private var isClosed = false

    /// - Parameters:
    ///   - conninfo: passed to libpq unmodified.
    ///   - perKeyLimit: connections one quota key may hold; nil is one fewer than `size`.
    public init(conninfo: String, size: Int = 4, perKeyLimit: Int? = nil, acquireTimeout: Duration = .seconds(10),
                maxWaiters: Int = 1_000) {
        self.conninfo = conninfo
        self.size = max(1, size)
        self.perKeyLimit = min(self.size, max(1, perKeyLimit ?? (self.size - 1)))
        self.acquireTimeout = acquireTimeout
        self.maxWaiters = maxWaiters
    }

    public var statistics: Statistics {
        Statistics(size: size, open: open, inUse: inUse, waiting: waiters.count)
    }

    /// Waits for a connection of at least this many nanoseconds (1 ms) are traced.
    static let tracedWait: UInt64 = 1_000_000

    /// Lends a connection to `body`, charged to `keys`, and takes it back, healthy or not.
    package func withConnection<T: Sendable>(charging keys: [QuotaKey] = [], _ body: (Connection) async throws -> T) async throws -> T {
        // A wait for a connection is a span of its own; the usual free connection is not worth
        // one (a span costs more than taking it).
        let started = Trace.isOn ? DefaultTracerClock.now : nil
        let connection = try await acquire(keys)
        if let started, DefaultTracerClock.now.nanosecondsSinceEpoch >= started.nanosecondsSinceEpoch + Self.tracedWait {
            Trace.start("acquire connection", ofKind: .internal, at: started).end()
        }
        do {
            let value = try await body(connection)
            release(connection, keys)
            return value
        } catch {
            release(connection, keys)
            throw error
        }
    }

    private func underQuota(_ keys: [QuotaKey]) -> Bool {
        keys.allSatisfy { (charged[$0] ?? 0) < perKeyLimit }
    }

    private func charge(_ keys: [QuotaKey], by delta: Int) {
        for key in keys {
            let count = (charged[key] ?? 0) + delta
            charged[key] = count > 0 ? count : nil
        }
    }

    /// Drops every idle connection: after one turned out broken (a server restart, a
    /// terminated backend) the others are most likely broken too.
    package func discardIdle() {
        open -= idle.count
        idle.removeAll()
    }

    private func acquire(_ keys: [QuotaKey]) async throws -> Connection {
        while true {
            guard !isClosed else { throw ConnectionError(.closed, "pool closed") }
            guard underQuota(keys) else {
                try await waitForRelease(keys)
                continue
            }
            if let connection = idle.popLast() {
                if connection.isHealthy { inUse += 1; charge(keys, by: 1); return connection }
                open -= 1
                continue
            }
            if open < size {
                open += 1
                inUse += 1
                charge(keys, by: 1)
                do {
                    return try await Connection.connect(conninfo: conninfo, typeNames: typeNames)
                } catch {
                    open -= 1
                    inUse -= 1
                    charge(keys, by: -1)
                    wakeOne()
                    throw error
                }
            }
            try await waitForRelease(keys)
        }
    }

    private func release(_ connection: Connection, _ keys: [QuotaKey]) {
        inUse -= 1
        charge(keys, by: -1)
        if connection.isHealthy, !isClosed {
            idle.append(connection)
        } else {
            open -= 1
        }
        wakeOne()
    }

    /// Wakes the first waiter that may take a connection now (its keys are under quota).
    private func wakeOne() {
        guard let index = waiters.firstIndex(where: { underQuota($0.keys) }) else { return }
        waiters.remove(at: index).continuation.resume()
    }

    private func waitForRelease(_ keys: [QuotaKey]) async throws {
        guard waiters.count < maxWaiters else {
            throw ConnectionError(.busy, "\(waiters.count) requests already waiting for a connection")
        }
        // Nor does one key fill the queue: past half of it, its requests are refused at once, so
        // another identity always finds room to wait.
        for key in keys where waiters.count(where: { $0.keys.contains(key) }) >= max(1, maxWaiters / 2) {
            throw ConnectionError(.busy, "this identity already has \(max(1, maxWaiters / 2)) requests waiting for a connection")
        }
        try await withCheckedThrowingContinuation { continuation in
            waiters.append((.now + acquireTimeout, keys, continuation))
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
            let waiter = waiters.removeFirst()
            let message = underQuota(waiter.keys)
                ? "no connection free after \(acquireTimeout); all \(size) are in use"
                : "no connection free after \(acquireTimeout); this identity already runs \(perKeyLimit) statements, its share of the \(size) connections"
            waiter.continuation.resume(throwing: ConnectionError(.busy, message))
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
