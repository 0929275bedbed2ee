import NIOConcurrencyHelpers

/// The port the server actually bound (the configured one may be 0), for whoever waits for it:
/// tests, the CLI's start-up message, the Host/Origin allow-list.
final class ListeningState: Sendable {
    private struct State {
        var port: Int?
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    private let state = NIOLockedValueBox(State())

    var port: Int? { state.withLockedValue { $0.port } }

    func bound(port: Int) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Int, any Error>] in
            state.port = port
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    func failed(_ error: any Error) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Int, any Error>] in
            guard state.port == nil else { return [] }
            state.failure = error
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = state.withLockedValue { state in
                if let port = state.port { return .success(port) }
                if let failure = state.failure { return .failure(failure) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
