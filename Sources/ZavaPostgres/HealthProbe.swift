import Synchronization

/// One connection of its own for health checks, outside the pool: whether the server answers
/// must not depend on whether a pooled connection is free.
package actor HealthProbe {
    private let conninfo: String
    private var connection: Connection?
    private var isClosed = false

    package init(conninfo: String) { self.conninfo = conninfo }

    /// nil when the server answered `SELECT 1` within `limit`, else why not. A probe that took
    /// too long is not waited for: it is left to finish or fail with its connection, and the
    /// next probe connects afresh.
    package func problem(within limit: Duration) async -> String? {
        guard !isClosed else { return "the data layer is closed" }
        let current = connection
        connection = nil
        let conninfo = self.conninfo
        let answer = FirstAnswer<Result<Connection, Error>?>()
        let outcome = await withCheckedContinuation { continuation in
            answer.wait(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                answer.give(nil)
            }
            Task {
                do {
                    let probe: Connection
                    if let current, current.isHealthy { probe = current } else {
                        probe = try await Connection.connect(conninfo: conninfo, typeNames: TypeNameCache())
                    }
                    _ = try await probe.query("SELECT 1")
                    answer.give(.success(probe))
                } catch {
                    answer.give(.failure(error))
                }
                timer.cancel()
            }
        }
        switch outcome {
        case .success(let probe)?:
            connection = probe
            return nil
        case .failure(let error)?:
            return String(describing: error)
        case nil:
            return "the database did not answer within \(limit)"
        }
    }

    package func close() {
        isClosed = true
        connection = nil
    }
}

/// Resumes a continuation with the first value given; later ones are dropped.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, Never>?>(nil)

    package func wait(_ waiting: CheckedContinuation<Value, Never>) { continuation.withLock { $0 = waiting } }

    package func give(_ value: Value) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
