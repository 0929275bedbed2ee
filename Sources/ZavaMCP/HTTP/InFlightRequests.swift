import NIOCore
import NIOConcurrencyHelpers

/// The MCP POST requests being answered: what graceful shutdown waits for, and how a tool call
/// learns that its client has gone (its connection closed) so the SQL is cancelled at once
/// instead of holding a pooled connection for nothing.
///
/// A lock rather than an actor: every tool call touches it four times, and an actor hop each
/// time cost more than the bookkeeping. Callbacks (cancels, waiters) run outside the lock.
final class InFlightRequests: Sendable {
    private struct Entry {
        var connection: ObjectIdentifier?
        var cancel: (@Sendable () -> Void)?
        /// Session and JSON-RPC id of a directly answered call, for `notifications/cancelled`.
        var rpcKey: String?
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Requests whose client left before their tool call began: cancelled as soon as it does.
        var abandoned: Set<String> = []
        var watchedConnections: Set<ObjectIdentifier> = []
        var idleWaiters: [CheckedContinuation<Void, Never>] = []

        /// Removes a request; the waiters to resume if none is left.
        mutating func end(_ id: String) -> [CheckedContinuation<Void, Never>] {
            entries[id] = nil
            guard entries.isEmpty else { return [] }
            defer { idleWaiters.removeAll() }
            return idleWaiters
        }
    }

    private let state = NIOLockedValueBox(State())

    var count: Int { state.withLockedValue { $0.entries.count } }

    /// Starts tracking a request. The first request on a connection also starts watching it:
    /// one close callback per connection, not per request.
    func begin(_ id: String, channel: (any Channel)?, rpcKey: String? = nil) {
        let key = channel.map(ObjectIdentifier.init)
        let watch = state.withLockedValue { state in
            state.entries[id] = Entry(connection: key, rpcKey: rpcKey)
            return key.map { state.watchedConnections.insert($0).inserted } ?? false
        }
        if watch, let channel, let key {
            channel.closeFuture.whenComplete { [self] _ in connectionClosed(key) }
        }
    }

    func begin(_ id: String, connection: ObjectIdentifier?, rpcKey: String? = nil) {
        state.withLockedValue { $0.entries[id] = Entry(connection: connection, rpcKey: rpcKey) }
    }

    func end(_ id: String) {
        for waiter in state.withLockedValue({ $0.end(id) }) { waiter.resume() }
    }

    /// Registers how to stop the work for request `id`. Runs `cancel` at once if the client
    /// already went away.
    func attach(_ id: String, cancel: @escaping @Sendable () -> Void) {
        let gone = state.withLockedValue { state in
            if state.abandoned.remove(id) != nil { return true }
            state.entries[id]?.cancel = cancel
            return false
        }
        if gone { cancel() }
    }

    func detach(_ id: String) {
        state.withLockedValue { state in
            state.abandoned.remove(id)
            state.entries[id]?.cancel = nil
        }
    }

    /// The client's `notifications/cancelled` for a call answered directly (the SDK server
    /// cancels the calls it runs itself): its work stops, its answer is still sent.
    func cancel(rpcKey: String) {
        let cancels = state.withLockedValue { state -> [@Sendable () -> Void] in
            var found: [@Sendable () -> Void] = []
            for (id, entry) in state.entries where entry.rpcKey == rpcKey {
                if let cancel = entry.cancel { found.append(cancel) } else { state.abandoned.insert(id) }
            }
            return found
        }
        for cancel in cancels { cancel() }
    }

    /// Cancels the work of every request still open on a connection that closed (or whose
    /// client stopped sending: see `ClientGoneHandler`), and stops waiting for them: nobody
    /// will read their answers, and an answer that never starts streaming never ends either.
    func connectionClosed(_ connection: ObjectIdentifier) {
        let (cancels, waiters) = state.withLockedValue { state -> ([@Sendable () -> Void], [CheckedContinuation<Void, Never>]) in
            state.watchedConnections.remove(connection)
            var cancels: [@Sendable () -> Void] = []
            var waiters: [CheckedContinuation<Void, Never>] = []
            for (id, entry) in state.entries where entry.connection == connection {
                if let cancel = entry.cancel {
                    cancels.append(cancel)
                } else {
                    if state.abandoned.count >= 10_000 { state.abandoned.removeAll() }  // ids of calls that never came
                    state.abandoned.insert(id)
                }
                waiters += state.end(id)
            }
            return (cancels, waiters)
        }
        for cancel in cancels { cancel() }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no request is in flight, or after `limit`, whichever comes first.
    func waitUntilIdle(limit: Duration) async {
        guard count > 0 else { return }
        let timer = Task {
            try await Task.sleep(for: limit)
            self.releaseWaiters()
        }
        await withCheckedContinuation { continuation in
            let idle = state.withLockedValue { state in
                if state.entries.isEmpty { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        timer.cancel()
    }

    private func releaseWaiters() {
        let waiters = state.withLockedValue { state in
            defer { state.idleWaiters.removeAll() }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
