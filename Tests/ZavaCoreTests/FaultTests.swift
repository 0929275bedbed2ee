import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaTesting

/// Faults in the data layer: an operator killing a backend mid-query, a full pool queue,
/// results too large to hold. Each fails fast with a clear error or is cut and reported,
/// and the pool keeps serving.
@Suite struct FaultTests {
    @Test func aBackendTerminatedMidQueryFailsAtOnceAndIsNotRetried() async throws {
        let database = try await TestEnvironment.shared.database("faults_terminate")
        let analyst = try database.analyst(poolSize: 1)
        let session = analyst.session(for: try await analyst.identities().resolve("everett"))
        let admin = try await database.rawConnection(.superuser)
        let clock = ContinuousClock()
        let start = clock.now
        // Long enough that a retried statement could not finish before the bound below, even on a
        // loaded machine where finding the backend takes a while.
        let sleeper = Task { try await session.run("SELECT pg_sleep(9), 'finished' AS marker") }
        var terminated = false
        while !terminated, clock.now - start < .seconds(6) {
            let rows = try await admin.textRows("""
                SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
                WHERE datname = $1 AND usename = 'zava_analyst' AND query LIKE 'SELECT pg_sleep(9)%' AND state = 'active'
                """, [database.name])
            terminated = rows.first?.first == "true"
            if !terminated { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(terminated, "the query was seen running and terminated")
        do {
            let result = try await sleeper.value
            Issue.record("the terminated query was run again and finished: \(result.rows)")
        } catch let error as ConnectionError {
            #expect(error.kind == .lost && error.duringStatement)
            #expect(error.description.hasPrefix("connection to the database was lost: server closed the connection"), "\(error)")
        }
        #expect(clock.now - start < .seconds(8), "failed at once, not after a retried pg_sleep(9)")
        #expect(try await session.run("SELECT count(DISTINCT store_id) FROM retail.orders").rows == [[.int(1)]])
        #expect(await analyst.executor.statistics.inUse == 0)
        await analyst.close()
    }

    @Test func theWaitQueueIsBoundedAndOverflowIsAnImmediateBusyError() async throws {
        let database = try await TestEnvironment.shared.database("faults_queue")
        // The queued requests are served once the holder ends: give them time on a loaded machine.
        let pool = ConnectionPool(conninfo: try database.conninfo(.analyst), size: 1, acquireTimeout: .seconds(30), maxWaiters: 4)
        let limits = QueryLimits(rowCap: 10, statementTimeout: .seconds(10))
        let session = Session(identity: .headOffice, executor: pool, gate: SecurityGate(), limits: limits, shapes: StatementShapes())
        let other = Session(identity: Identity(profile: "other", rlsUserID: UUID(), storeName: "Other", storeID: 99),
                            executor: pool, gate: SecurityGate(), limits: limits, shapes: StatementShapes())
        let holder = Task { try await session.run("SELECT pg_sleep(1.5)") }
        let opened = await eventually { await pool.statistics.inUse == 1 }
        try #require(opened)
        // One identity may take half of the wait queue, so another always finds room in it.
        let waiters = (0..<2).map { _ in Task { try await session.run("SELECT 1") } }
        let queued = await eventually { await pool.statistics.waiting == 2 }
        try #require(queued)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await session.run("SELECT 2")
            Issue.record("a third waiter of the same identity was queued")
        } catch let error as ConnectionError {
            #expect(error.kind == .busy && error.description.contains("this identity already has 2 requests waiting"), "\(error)")
        }
        let others = (0..<2).map { _ in Task { try await other.run("SELECT 3") } }
        let full = await eventually { await pool.statistics.waiting == 4 }
        try #require(full, "another identity still queued")
        do {
            _ = try await other.run("SELECT 4")
            Issue.record("a fifth waiter was queued")
        } catch let error as ConnectionError {
            #expect(error.kind == .busy && error.description.contains("already waiting"), "\(error)")
        }
        // A queued request would have been served when the holder's 1.5 s sleep ended.
        #expect(clock.now - start < .seconds(1), "refused at once, not after the wait")
        _ = try await holder.value
        for waiter in waiters { #expect(try await waiter.value.rows == [[.int(1)]]) }
        for waiter in others { #expect(try await waiter.value.rows == [[.int(3)]]) }
        await pool.close()
    }

    @Test func aHundredMegabyteValueIsCutAndItsConnectionNotKept() async throws {
        let database = try await TestEnvironment.shared.database("faults_huge")
        let analyst = try database.analyst(poolSize: 1)
        let session = analyst.session(for: .headOffice)
        let before = try await session.run("SELECT pg_backend_pid()").rows
        let huge = try await session.run("SELECT repeat('x', 100000000) AS big")
        #expect(huge.truncated && huge.rows.isEmpty && huge.columns.map(\.name) == ["big"])
        let after = try await session.run("SELECT pg_backend_pid()").rows
        #expect(after != before, "the connection that buffered 100 MB was closed, not pooled")
        await analyst.close()
    }

    @Test func collectedResultsStopAtTheByteCap() async throws {
        let database = try await TestEnvironment.shared.database("faults_huge")
        let analyst = Database(conninfo: try database.conninfo(.analyst), poolSize: 1,
                               limits: QueryLimits(rowCap: 10_000, statementTimeout: .seconds(30), byteCap: 10_000_100))
        let session = analyst.session(for: .headOffice)
        let clock = ContinuousClock()
        let start = clock.now
        let capped = try await session.run("SELECT g, repeat('x', 999999) AS pad FROM generate_series(1, 100000) g")
        #expect(capped.truncated && capped.rows.count == 10, "\(capped.rows.count) rows")
        #expect(clock.now - start < .seconds(10), "the server was stopped, not drained")
        // Streaming keeps one row at a time: the byte cap does not apply, the row cap does.
        let counter = Counter()
        let streamed = try await session.stream("SELECT g, repeat('x', 999999) AS pad FROM generate_series(1, 30) g",
                                                onColumns: { _ in }, onRow: { _ in counter.increment() })
        #expect(!streamed.truncated && counter.value == 30)
        // Ten million rows: the row cap cuts them, the server stops early.
        let tenMillion = try await analyst.session(for: .headOffice).run("SELECT generate_series(1, 10000000) AS g")
        #expect(tenMillion.truncated && tenMillion.rows.count == 10_000)
        await analyst.close()
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
