import Foundation
import Synchronization
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaTesting

/// The executor the MCP endpoint answers on: statements block its threads, never the work
/// queued behind them, and everything it runs can still be cancelled.
@Suite struct BlockingExecutorTests {
    @Test func statementsRunInlineOnlyWhenAskedAndOnTheExecutor() async throws {
        let executor = BlockingExecutor(name: "zava-test", threads: 2)
        defer { executor.shutdown() }
        #expect(!BlockingExecutor.mayBlockForDatabase)
        let inline = await executor.run(databaseCallsInline: true) { BlockingExecutor.mayBlockForDatabase }
        let queued = await executor.run { BlockingExecutor.mayBlockForDatabase }
        // An unstructured task keeps the task-locals but not the executor: it must not block.
        let escaped = await executor.run(databaseCallsInline: true) { await Task { BlockingExecutor.mayBlockForDatabase }.value }
        #expect(inline && !queued && !escaped)
    }

    @Test func inlineStatementsRunSideBySideAndAnswerLikeTheQueues() async throws {
        let database = try await TestEnvironment.shared.database("datalayer")
        // One identity may take the whole pool here: the four must run at once.
        let analyst = try database.analyst(poolSize: 4, perIdentityConnections: 4)
        let session = analyst.session(for: try await analyst.identities().resolve("seattle"))
        let expected = try await session.run("SELECT count(*) FROM retail.orders").rows
        let executor = BlockingExecutor(name: "zava-test", threads: 6)
        defer { executor.shutdown() }
        // Each statement reports when it started and ended (server clock): run side by side,
        // every one starts before any ends, however slow the machine is.
        let sql = """
            SELECT (SELECT count(*) FROM retail.orders), extract(epoch FROM clock_timestamp())::float8,
                   pg_sleep(1.5), extract(epoch FROM clock_timestamp())::float8
            """
        let rows = try await executor.run(databaseCallsInline: true) {
            try await withThrowingTaskGroup(of: [PGValue].self) { group in
                for _ in 0..<4 {
                    group.addTask { try await session.run(sql).rows[0] }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(rows.map { [$0[0]] } == Array(repeating: expected[0], count: 4), "RLS applies inline exactly as on the queues")
        let starts = rows.compactMap { if case .double(let value) = $0[1] { value } else { nil } }
        let ends = rows.compactMap { if case .double(let value) = $0[3] { value } else { nil } }
        #expect(starts.count == 4 && ends.count == 4)
        #expect(try #require(starts.max()) < #require(ends.min()), "the statements ran one after another: \(starts) \(ends)")
        await analyst.close()
    }

    /// A job queued by a task whose thread then blocks (as in libpq, after `willBlock`) is
    /// handed to another thread instead of waiting behind the block.
    @Test func workQueuedBeforeABlockDoesNotWaitForIt() async throws {
        let executor = BlockingExecutor(name: "zava-test", threads: 2)
        defer { executor.shutdown() }
        let clock = ContinuousClock()
        let quickDone = Stamp()
        let blockEnded = await executor.run(databaseCallsInline: true) { () async -> ContinuousClock.Instant in
            // Queued from this thread (it would run next on it), then the thread blocks for a second.
            async let quick: Void = { quickDone.set(clock.now) }()
            BlockingExecutor.willBlock()
            usleep(1_000_000)
            let ended = clock.now
            await quick
            return ended
        }
        let quick = try #require(quickDone.value)
        #expect(quick < blockEnded, "the queued job waited for the blocked thread")
    }

    @Test func cancellingAnInlineStatementCancelsItOnTheServer() async throws {
        let database = try await TestEnvironment.shared.database("datalayer")
        let analyst = try database.analyst(poolSize: 1)
        let session = analyst.session(for: .headOffice)
        let executor = BlockingExecutor(name: "zava-test", threads: 2)
        defer { executor.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let sleeper = Task { try await executor.run(databaseCallsInline: true) { try await session.run("SELECT pg_sleep(30)") } }
        try await Task.sleep(for: .milliseconds(300))
        sleeper.cancel()
        await #expect(throws: DatabaseError.self) { try await sleeper.value }
        #expect(clock.now - start < .seconds(5))
        #expect(try await executor.run(databaseCallsInline: true) { try await session.run("SELECT 2").rows } == [[.int(2)]])
        await analyst.close()
    }

    @Test func workArrivingAfterShutdownStillRuns() async throws {
        let executor = BlockingExecutor(name: "zava-test", threads: 2)
        executor.shutdown()
        try await Task.sleep(for: .milliseconds(50))
        let answer = await executor.run { () async -> Int in
            await withTaskGroup(of: Int.self) { group in
                for value in 1...10 { group.addTask { value } }
                return await group.reduce(0, +)
            }
        }
        #expect(answer == 55)
    }
}

private final class Stamp: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)
    func set(_ value: ContinuousClock.Instant) { instant.withLock { $0 = value } }
    var value: ContinuousClock.Instant? { instant.withLock { $0 } }
}
