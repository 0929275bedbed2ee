import NIOConcurrencyHelpers

/// The per-request timeout of every tool call in flight, enforced by one sweep on a timer
/// (`MCPServer.run`) instead of one timer per call.
///
/// A dispatch timer per call cost a wake-up of dispatch's manager thread for every call, the
/// largest single item of the server's per-call CPU. Here a call only adds and removes an
/// entry under a lock; a call overruns its deadline by at most one sweep interval.
final class RequestDeadlines: Sendable {
    private struct Watch {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var watches: [Int: Watch] = [:]
        var nextToken = 0
    }

    /// How long a call may run.
    let timeout: Duration
    /// How late a deadline may be noticed: a tenth of the timeout, between 50 ms and 1 s.
    let interval: Duration
    private let state = NIOLockedValueBox(State())

    init(timeout: Duration) {
        self.timeout = timeout
        interval = min(.seconds(1), max(.milliseconds(50), timeout / 10))
    }

    var count: Int { state.withLockedValue { $0.watches.count } }

    /// Calls `expire` (once, outside any lock) if the watch is still on at `deadline`.
    func watch(until deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> Int {
        state.withLockedValue { state in
            state.nextToken += 1
            state.watches[state.nextToken] = Watch(deadline: deadline, expire: expire)
            return state.nextToken
        }
    }

    func unwatch(_ token: Int) {
        _ = state.withLockedValue { $0.watches.removeValue(forKey: token) }
    }

    /// Expires every watch whose deadline has passed.
    func sweep(now: ContinuousClock.Instant = .now) {
        let expired = state.withLockedValue { state -> [Watch] in
            let due = state.watches.filter { $0.value.deadline <= now }
            for token in due.keys { state.watches[token] = nil }
            return Array(due.values)
        }
        for watch in expired { watch.expire() }
    }

    /// Sweeps every `interval` until the task is cancelled.
    func run() async {
        while (try? await Task.sleep(for: interval)) != nil {
            sweep()
        }
    }
}
