import NIOCore

/// The MCP POST requests being answered: what graceful shutdown waits for, and how a tool call
/// learns that its client has gone (its connection closed) so the SQL is cancelled at once
/// instead of holding a pooled connection for nothing.
actor InFlightRequests {
    private struct Entry {
        var connection: ObjectIdentifier?
        var cancel: (@Sendable () -> Void)?
        /// Session and JSON-RPC id of a directly answered call, for `notifications/cancelled`.
        var rpcKey: String?
    }

    private var entries: [String: Entry] = [:]
    /// Requests whose client left before their tool call began: cancelled as soon as it does.
    private var abandoned: Set<String> = []
    private var watchedConnections: Set<ObjectIdentifier> = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    var count: Int { entries.count }

    /// Starts tracking a request. The first request on a connection also starts watching it:
    /// one close callback per connection, not per request.
    func begin(_ id: String, channel: (any Channel)?, rpcKey: String? = nil) {
        let key = channel.map(ObjectIdentifier.init)
        if let channel, let key, watchedConnections.insert(key).inserted {
            channel.closeFuture.whenComplete { _ in
                Task { await self.connectionClosed(key) }
            }
        }
        begin(id, connection: key, rpcKey: rpcKey)
    }

    func begin(_ id: String, connection: ObjectIdentifier?, rpcKey: String? = nil) {
        entries[id] = Entry(connection: connection, rpcKey: rpcKey)
    }

    /// The client's `notifications/cancelled` for a call answered directly (the SDK server
    /// cancels the calls it runs itself): its work stops, its answer is still sent.
    func cancel(rpcKey: String) {
        for (id, entry) in entries where entry.rpcKey == rpcKey {
            if let cancel = entry.cancel {
                cancel()
            } else {
                abandoned.insert(id)
            }
        }
    }

    func end(_ id: String) {
        entries[id] = nil
        if entries.isEmpty {
            for waiter in idleWaiters { waiter.resume() }
            idleWaiters.removeAll()
        }
    }

    /// Registers how to stop the work for request `id`. Runs `cancel` at once if the client
    /// already went away.
    func attach(_ id: String, cancel: @escaping @Sendable () -> Void) {
        if abandoned.remove(id) != nil { cancel(); return }
        entries[id]?.cancel = cancel
    }

    func detach(_ id: String) {
        abandoned.remove(id)
        entries[id]?.cancel = nil
    }

    /// Cancels the work of every request still open on a connection that closed (or whose
    /// client stopped sending: see `ClientGoneHandler`), and stops waiting for them: nobody
    /// will read their answers, and an answer that never starts streaming never ends either.
    func connectionClosed(_ connection: ObjectIdentifier) {
        watchedConnections.remove(connection)
        for (id, entry) in entries where entry.connection == connection {
            if let cancel = entry.cancel {
                cancel()
            } else {
                if abandoned.count >= 10_000 { abandoned.removeAll() }  // ids of calls that never came
                abandoned.insert(id)
            }
            end(id)
        }
    }

    /// Returns once no request is in flight, or after `limit`, whichever comes first.
    func waitUntilIdle(limit: Duration) async {
        guard !entries.isEmpty else { return }
        let timer = Task {
            try await Task.sleep(for: limit)
            self.releaseWaiters()
        }
        await withCheckedContinuation { idleWaiters.append($0) }
        timer.cancel()
    }

    private func releaseWaiters() {
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters.removeAll()
    }
}
