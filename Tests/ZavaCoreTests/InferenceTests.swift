import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaTesting

/// Inference: what a store identity could learn about other stores' rows without ever seeing
/// one (execution statistics, counters, other sessions' statements), and requests that would
/// outlive their deadline or starve other identities. Through the data layer, as the REPL and
/// `zava -c` run statements; `InferenceOverMCPTests` sends the same over HTTP.
@Suite struct InferenceTests {
    /// Every spelling of EXPLAIN ANALYZE: refused for a store, allowed for head office.
    static let explainAnalyze = [
        "EXPLAIN ANALYZE SELECT 1 FROM retail.orders WHERE store_id = 2",
        "explain analyse select 1 from retail.orders where store_id = 2",
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (ANALYZE true) SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (ANALYZE on, BUFFERS) SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (analyze 1, format json) SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (FORMAT XML, ANALYZE) SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (FORMAT YAML, ANALYSE 'on') SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN ANALYZE VERBOSE SELECT 1 FROM retail.orders WHERE store_id = 2",
        "/* hi */ -- note\n EXPLAIN /* c */ (/* c */ AnAlYzE) SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (ANALYZE, SUMMARY OFF) SELECT count(*) FROM retail.customers WHERE email < 'b'",
    ]

    @Test(arguments: explainAnalyze)
    func explainAnalyzeIsRefusedForStoresAndRunsForHeadOffice(_ sql: String) async throws {
        let (analyst, seattle) = try await Self.seattle("inference")
        await #expect(throws: StatementPolicy.explainAnalyzeRefused) { try await seattle.run(sql) }
        let headOffice = analyst.session(for: .headOffice)
        let plan = try await headOffice.run(sql)
        #expect(plan.rows.map { $0[0].displayText }.joined().lowercased().contains("actual"))
        await analyst.close()
    }

    /// Plain EXPLAIN plans without running: estimates only, for every identity.
    @Test(arguments: [
        "EXPLAIN SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (ANALYZE false, COSTS OFF) SELECT 1 FROM retail.orders WHERE store_id = 2",
        "EXPLAIN (ANALYZE off, VERBOSE) SELECT 1 FROM retail.orders",
        "select 'explain analyze' as note",
    ])
    func plainExplainRunsForStores(_ sql: String) async throws {
        let (analyst, seattle) = try await Self.seattle("inference")
        let result = try await seattle.run(sql)
        let text = result.rows.map { $0[0].displayText }.joined().lowercased()
        #expect(!text.isEmpty && !text.contains("actual"), "\(text)")
        await analyst.close()
    }

    /// The second line of defence does not depend on parsing: a plan-shaped result carrying
    /// execution statistics is stopped on its way back, whatever produced it.
    @Test func aPlanWithExecutionStatisticsIsStoppedOnItsWayBack() async throws {
        let (analyst, seattle) = try await Self.seattle("inference")
        await #expect(throws: StatementPolicy.explainAnalyzeRefused) {
            try await seattle.run(#"SELECT 'Seq Scan on orders (actual rows=38511 loops=1)' AS "QUERY PLAN""#)
        }
        // Every format head office gets from EXPLAIN ANALYZE is recognised.
        let headOffice = analyst.session(for: .headOffice)
        for format in ["TEXT", "JSON", "XML", "YAML"] {
            let plan = try await headOffice.run("EXPLAIN (ANALYZE, FORMAT \(format), TIMING OFF, SUMMARY OFF) SELECT 1 FROM retail.orders WHERE store_id = 2")
            let first = plan.rows[0][0].displayText
            #expect(Array(first.utf8).withUnsafeBufferPointer(ExecutionStatisticsGuard.carriesExecutionStatistics), "\(format): \(first)")
            let planned = try await headOffice.run("EXPLAIN (FORMAT \(format)) SELECT 1 FROM retail.orders WHERE store_id = 2")
            let text = planned.rows.map { $0[0].displayText }.joined(separator: "\n")
            #expect(!Array(text.utf8).withUnsafeBufferPointer(ExecutionStatisticsGuard.carriesExecutionStatistics), "\(format): \(text)")
        }
        await analyst.close()
    }

    /// Counters that count rows before RLS filters them, other backends' statements, locks.
    static let revokedCalls = [
        "SELECT (SELECT count(*) FROM retail.orders WHERE store_id = 2), pg_stat_get_xact_tuples_returned('retail.orders_store_date_idx'::regclass)",
        "SELECT pg_stat_get_tuples_returned('retail.orders'::regclass)",
        "SELECT pg_stat_get_live_tuples('retail.orders'::regclass)",
        "SELECT query FROM pg_stat_get_activity(NULL)",
        "SELECT pg_stat_get_backend_activity(s) FROM pg_stat_get_backend_idset() s",
        "SELECT * FROM pg_stat_user_tables",
        "SELECT * FROM pg_stat_user_indexes",
        "SELECT * FROM pg_statio_user_tables",
        "SELECT * FROM pg_stat_xact_user_tables",
        "SELECT * FROM pg_stat_database",
        "SELECT * FROM pg_stat_io",
        "SELECT * FROM pg_locks",
        "SELECT pg_blocking_pids(pg_backend_pid())",
        "SELECT * FROM pg_prepared_xacts",
    ]

    @Test(arguments: revokedCalls)
    func statisticsActivityAndLockFunctionsAreRevoked(_ sql: String) async throws {
        let (analyst, seattle) = try await Self.seattle("inference")
        do {
            let result = try await seattle.run(sql)
            Issue.record("ran: \(result.rows.prefix(2))")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "42501" && error.message.contains("permission denied for function"), "\(error)")
        }
        await analyst.close()
    }

    /// Every function `sql/002_database.sql` revokes, by name: none is executable by the analyst.
    @Test func noStatisticsOrLockFunctionIsExecutableByTheAnalyst() async throws {
        let database = try await TestEnvironment.shared.database("inference")
        let owner = try database.owner()
        let functions = try await owner.session(for: .headOffice).run("""
            SELECT p.oid::regprocedure::text, has_function_privilege('zava_analyst', p.oid, 'EXECUTE')
            FROM pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace
              AND (p.proname LIKE 'pg\\_stat\\_%' OR p.proname IN (\(DoctorQueries.inferenceFunctions.map { "'\($0)'" }.joined(separator: ","))))
            ORDER BY 1
            """).rows
        await owner.close()
        #expect(functions.count > 100, "the list covers the counters, activity and lock functions")
        let executable = functions.filter { $0[1] == .bool(true) }.map { $0[0].displayText }
        #expect(executable.isEmpty, "executable by the analyst: \(executable)")
        for name in ["pg_stat_get_xact_tuples_returned(oid)", "pg_stat_get_activity(integer)", "pg_lock_status()",
                     "pg_stat_get_backend_activity(integer)", "pg_blocking_pids(integer)"] {
            #expect(functions.contains { $0[0].displayText == name }, "\(name) is checked")
        }
    }

    /// Plain EXPLAIN's estimates come from table-wide statistics: customers' personal columns keep none.
    @Test func estimatesRevealNoCustomerValues() async throws {
        let database = try await TestEnvironment.shared.database("inference")
        let stored = try await database.ownerScalar("""
            SELECT count(*) FROM pg_stats WHERE schemaname = 'retail' AND tablename = 'customers'
               AND attname IN ('first_name', 'last_name', 'email', 'phone')
            """)
        #expect(stored == "0")
    }

    /// A table the owner adds later is not readable by the analyst (no default privileges).
    @Test func aNewOwnerTableIsNotReadableByTheAnalyst() async throws {
        let database = try await TestEnvironment.shared.database("inference_new_table")
        let owner = try await database.rawConnection(.owner)
        try await owner.executeScript("CREATE TABLE retail.orders_copy AS SELECT * FROM retail.orders")
        let (analyst, seattle) = try await Self.seattle("inference_new_table")
        do {
            let result = try await seattle.run("SELECT count(DISTINCT store_id) FROM retail.orders_copy")
            Issue.record("readable: \(result.rows)")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "42501", "\(error)")
        }
        await analyst.close()
    }

    // MARK: - Statements the server could not be stopped in

    /// Shapes the server's lexer spends quadratic time on, and cannot be interrupted in.
    static let lexerTraps = [
        "select 1 " + String(repeating: "/*", count: 30_000) + String(repeating: "*/", count: 30_000),
        "select 1 " + String(repeating: String(repeating: "/*", count: 16) + String(repeating: "*/", count: 16), count: 4_000),
        "select 1 " + String(repeating: "+-", count: 20_000) + " 1",
        "select 1 '" + String(repeating: "/*", count: 10_000) + "'",
    ]

    @Test(arguments: lexerTraps)
    func statementsTheLexerCannotBeInterruptedInAreRefusedBeforeTheyAreSent(_ sql: String) async throws {
        let (analyst, seattle) = try await Self.seattle("inference")
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try await seattle.run(sql)
            Issue.record("sent: \(result.rows)")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "54001" && error.message.contains("operator characters in a row"), "\(error)")
        }
        #expect(clock.now - start < .seconds(1), "refused before it was sent (the server would lex it for seconds)")
        await analyst.close()
    }

    @Test func ordinaryCommentsAndOperatorsAreSent() async throws {
        let (analyst, seattle) = try await Self.seattle("inference")
        let nested = "select 1 " + String(repeating: "/*", count: 16) + String(repeating: "*/", count: 16)
        #expect(try await seattle.run(nested).rows == [[.int(1)]])
        let banner = "/" + String(repeating: "*", count: 120) + "/\nselect 2 -- " + String(repeating: "=", count: 100)
        #expect(try await seattle.run(banner).rows == [[.int(2)]])
        #expect(try await seattle.run("select '/* not a comment' as a").rows == [[.text("/* not a comment")]])
        await analyst.close()
    }

    @Test func overlongStatementsAndNULBytesAreRefused() async throws {
        let database = try await TestEnvironment.shared.database("inference")
        let analyst = Database(conninfo: try database.conninfo(.analyst), poolSize: 1,
                               limits: QueryLimits(rowCap: 10, statementTimeout: .seconds(5), maxStatementBytes: 2_048))
        let seattle = analyst.session(for: try await analyst.identities().resolve("seattle"))
        let long = "select 1 " + String(repeating: " ", count: 2_048)
        await #expect(throws: DatabaseError.self) { try await seattle.run(long) }
        do {
            _ = try await seattle.run(long)
        } catch let error as DatabaseError {
            #expect(error.sqlState == "54000" && error.message.contains("zava sends at most 2048"), "\(error)")
        }
        do {
            let result = try await seattle.run("select 1 as a\u{0} from retail.orders")
            Issue.record("sent cut short: \(result.rows)")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "22021" && error.message.contains("NUL byte (at byte 14)"), "\(error)")
        }
        await analyst.close()
    }

    /// A backend that answers nothing (stopped with SIGSTOP: stuck like one in its lexer) does
    /// not hold the caller past its deadline: cancel, then the connection is given up.
    @Test func aBackendThatDoesNotAnswerEndsAtTheDeadline() async throws {
        let (analyst, seattle) = try await Self.seattle("inference", poolSize: 1, statementTimeout: .seconds(1))
        let stopped = try await Self.stopBackend(of: seattle)
        defer { kill(stopped, SIGCONT) }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try await seattle.run("SELECT count(*) FROM retail.orders")
            Issue.record("answered: \(result.rows)")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "57014" && error.detail?.contains("closed its connection") == true, "\(error)")
        }
        #expect(clock.now - start < .seconds(2), "within the deadline (1 s) + 1 s")
        let next = try await seattle.run("SELECT pg_backend_pid()").rows[0][0].displayText
        #expect(next != String(stopped), "the connection was not reused")
        await analyst.close()
    }

    /// The same through a Swift task's cancellation (what an MCP request timeout and Ctrl-C do).
    @Test func aCancelledRequestOnAStuckBackendEndsAtOnce() async throws {
        let (analyst, seattle) = try await Self.seattle("inference", poolSize: 1, statementTimeout: .seconds(60))
        let stopped = try await Self.stopBackend(of: seattle)
        defer { kill(stopped, SIGCONT) }
        let work = Task { try await seattle.run("SELECT 1") }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        work.cancel()
        let outcome = await work.result
        #expect(clock.now - start < .seconds(1), "answered within the cancel's grace")
        #expect((try? outcome.get()) == nil, "a stopped backend cannot have answered")
        #expect(await analyst.executor.statistics.open == 0, "the connection was given up")
        await analyst.close()
    }

    // MARK: - Fairness

    /// Seven Seattle sleepers on a pool of four hold at most three connections: head office
    /// still answers at once.
    @Test func oneIdentityCannotStarveTheOthers() async throws {
        let (analyst, seattle) = try await Self.seattle("inference_fair", poolSize: 4, statementTimeout: .seconds(20))
        let sleepers = (0..<7).map { _ in Task { try await seattle.run("SELECT pg_sleep(6)") } }
        let busy = await eventually { await analyst.executor.statistics.inUse == 3 }
        let statistics = await analyst.executor.statistics
        #expect(busy, "\(statistics)")
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await analyst.session(for: .headOffice).run("SELECT 1").rows == [[.int(1)]])
        // Starved, it would wait for a sleeper's 6 s; a new connection on a busy CI machine can
        // take over a second (one run: 1.34 s), so the bound sits between the two.
        #expect(clock.now - start < .seconds(4), "head office waited \(clock.now - start)")
        let tacoma = analyst.session(for: try await analyst.identities().resolve("tacoma"))
        #expect(try await tacoma.run("SELECT 2").rows == [[.int(2)]])
        #expect(await analyst.executor.statistics.inUse == 3, "Seattle never held the fourth connection")
        // The health check uses a connection of its own: a busy pool is not a dead database.
        #expect(await analyst.health().isServing)
        for sleeper in sleepers { sleeper.cancel() }
        for sleeper in sleepers { _ = await sleeper.result }
        await analyst.close()
    }

    // MARK: - Changes after start-up

    /// The owner adds a readable table without RLS while zava serves: within the re-check,
    /// store identities are refused; once it is gone, they are served again.
    @Test func aTableThatLosesRLSStopsStoreIdentitiesWithinTheRecheck() async throws {
        let database = try await TestEnvironment.shared.database("inference_watch")
        let (analyst, seattle) = try await Self.seattle("inference_watch")
        let watch = SecurityWatch(database: analyst, enforcing: true, logger: .init(label: "test"))
        let (wakeups, _) = AsyncStream<Void>.makeStream()
        let watching = Task { await watch.run(every: .milliseconds(200), wakeups: wakeups) }
        defer { watching.cancel() }
        #expect(try await seattle.run("SELECT count(DISTINCT store_id) FROM retail.orders").rows == [[.int(1)]])
        let owner = try await database.rawConnection(.owner)
        try await owner.executeScript("""
            CREATE TABLE retail.orders_copy AS SELECT * FROM retail.orders;
            GRANT SELECT ON retail.orders_copy TO zava_analyst
            """)
        let stopped = await eventually(within: .seconds(3)) { !analyst.gate.failing.isEmpty }
        #expect(stopped)
        do {
            let result = try await seattle.run("SELECT count(DISTINCT store_id) FROM retail.orders_copy")
            Issue.record("served: \(result.rows)")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "42501" && error.message.contains("stopped serving store identities"), "\(error)")
            #expect(error.detail?.contains("retail.orders_copy") == true, "\(error)")
        }
        #expect(try await analyst.session(for: .headOffice).run("SELECT 1").rows == [[.int(1)]], "head office is not stopped")
        try await owner.executeScript("DROP TABLE retail.orders_copy")
        let resumed = await eventually(within: .seconds(3)) { analyst.gate.failing.isEmpty }
        #expect(resumed)
        #expect(try await seattle.run("SELECT count(DISTINCT store_id) FROM retail.orders").rows == [[.int(1)]])
        await analyst.close()
    }

    /// Stops (SIGSTOP) the backend of the session's one pooled connection; returns its pid.
    static func stopBackend(of session: Session) async throws -> Int32 {
        let pid = try #require(Int32(try await session.run("SELECT pg_backend_pid()").rows[0][0].displayText))
        #expect(kill(pid, SIGSTOP) == 0)
        return pid
    }

    static func seattle(_ name: String, poolSize: Int = 2, statementTimeout: Duration = .seconds(15)) async throws -> (Database, Session) {
        let database = try await TestEnvironment.shared.database(name)
        let analyst = try database.analyst(poolSize: poolSize, statementTimeout: statementTimeout)
        let seattle = try await analyst.identities().resolve("seattle")
        return (analyst, analyst.session(for: seattle))
    }
}
