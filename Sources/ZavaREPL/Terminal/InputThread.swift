import Foundation

/// The one thread that waits for typing, for the line editor's whole life: a blocked read
/// holds neither one of the few cooperative threads (the MCP endpoint in the same process
/// needs them) nor a thread started per line. Jobs run one at a time, in order.
final class InputThread: @unchecked Sendable {
    /// Guards `jobs` and `stopped`; the thread waits on it for work.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false

    init() {
        let thread = Thread { [self] in serve() }
        thread.name = "zava input"
        thread.start()
    }

    /// Runs `job` on the input thread; the caller's task waits without holding a thread.
    func run<T: Sendable>(_ job: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            post { continuation.resume(returning: job()) }
        }
    }

    /// Ends the thread once the jobs already posted have run (the thread holds `self` until then).
    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    private func post(_ job: @escaping @Sendable () -> Void) {
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    private func serve() {
        while let job = next() { job() }
    }

    /// The next job; nil once stopped and none is left.
    private func next() -> (@Sendable () -> Void)? {
        condition.withLock {
            while jobs.isEmpty && !stopped { condition.wait() }
            return jobs.isEmpty ? nil : jobs.removeFirst()
        }
    }
}
