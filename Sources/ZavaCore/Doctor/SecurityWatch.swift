import Logging

/// Re-runs the doctor's security checks while zava serves, so that a change an operator makes
/// after start-up (a new table without RLS, a function granted back) is noticed: while any
/// check fails, `Database.gate` refuses store identities, and the change is logged loudly
/// both ways. A re-check that cannot run (the database is down) changes nothing.
public struct SecurityWatch: Sendable {
    let database: Database
    /// false when started with the override flag: failures are logged, not enforced.
    let enforcing: Bool
    let logger: Logger

    public init(database: Database, enforcing: Bool, logger: Logger) {
        self.database = database
        self.enforcing = enforcing
        self.logger = logger
    }

    /// One re-check; returns the report (nil if it could not run).
    @discardableResult
    public func recheck() async -> DoctorReport? {
        let report: DoctorReport
        do {
            report = try await Doctor(database: database).securityReport()
        } catch {
            logger.warning("security re-check could not run", metadata: ["error": "\(error)"])
            return nil
        }
        let failing = report.failures.map { "\($0.name): \($0.detail)" }.joined(separator: "; ")
        guard enforcing else {
            if !report.rlsEnforced { logger.critical("ROW-LEVEL SECURITY IS NOT ENFORCED (override given)", metadata: ["failing": "\(failing)"]) }
            return report
        }
        if database.gate.update(report) {
            if report.rlsEnforced {
                logger.critical("security checks pass again: serving store identities")
            } else {
                logger.critical("SECURITY CHECKS FAIL: store identities are refused until the database is fixed",
                                metadata: ["failing": "\(failing)"])
            }
        }
        return report
    }

    /// Re-checks every `interval`, and at once on each element of `wakeups` (SIGHUP), until cancelled.
    public func run(every interval: Duration, wakeups: some AsyncSequence<Void, Never> & Sendable) async {
        let (ticks, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let timer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                continuation.yield()
            }
        }
        let signals = Task {
            for await _ in wakeups { continuation.yield() }
        }
        defer {
            timer.cancel()
            signals.cancel()
            continuation.finish()
        }
        for await _ in ticks {
            guard !Task.isCancelled else { break }
            await recheck()
        }
    }
}
