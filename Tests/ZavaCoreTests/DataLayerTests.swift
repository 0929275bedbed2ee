import Foundation
import Synchronization
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaTesting

@Suite struct DataLayerTests {
    @Test func decodesEveryTypeExactly() async throws {
        let database = try await TestEnvironment.shared.database("datalayer")
        let analyst = try database.analyst()
        let row = try await analyst.session(for: .headOffice).run("""
            SELECT 42::int, 9007199254740993::bigint, 12345678901234567890.123456789::numeric, 'héllo'::text, true,
                   DATE '2024-02-29', TIMESTAMP '2024-02-29 13:45:00.5', 'f47ac10b-58cc-4372-a567-0e02b2c3d479'::uuid,
                   ARRAY[1,2,NULL]::int[], ARRAY['a b','c,d',NULL]::text[], '[1,2.5,-3]'::vector, NULL::text, 1.5::float8,
                   '{"a": 1}'::jsonb
            """).rows[0]
        #expect(row[0] == .int(42))
        #expect(row[1] == .int(9_007_199_254_740_993))
        #expect(row[2] == .numeric("12345678901234567890.123456789"))
        #expect(row[3] == .text("héllo"))
        #expect(row[4] == .bool(true))
        #expect(row[5] == .date("2024-02-29"))
        #expect(row[6] == .timestamp("2024-02-29 13:45:00.5"))
        #expect(row[7] == .uuid("f47ac10b-58cc-4372-a567-0e02b2c3d479"))
        #expect(row[8] == .array([.int(1), .int(2), .null]))
        #expect(row[9] == .array([.text("a b"), .text("c,d"), .null]))
        #expect(row[10] == .vector([1, 2.5, -3]))
        #expect(row[11] == .null)
        #expect(row[12] == .double(1.5))
        #expect(row[13] == .json("{\"a\": 1}"))
        await analyst.close()
    }

    /// The byte writers' path: the server's own text, NULL told apart, and the same typed
    /// values as `run` when decoded.
    @Test func streamedTextIsTheServersTextAndDecodesLikeRun() async throws {
        let database = try await TestEnvironment.shared.database("datalayer")
        let analyst = try database.analyst()
        let session = analyst.session(for: .headOffice)
        let sql = "SELECT 7::int, 'a,\"b\"'::text, NULL::text, ''::text, 1.50::numeric, ARRAY['x y']::text[] FROM generate_series(1, 3)"
        let rows = Mutex<[(texts: [String?], values: [PGValue])]>([])
        let summary = try await session.streamText(sql, onColumns: { _ in }, onRow: { row in
            let texts = (0..<row.count).map { row.isNull($0) ? nil : row.withBytes($0) { String(decoding: $0, as: UTF8.self) } }
            let values = row.decoded()
            rows.withLock { $0.append((texts, values)) }
        })
        #expect(summary.rowCount == 3)
        let streamed = rows.withLock { $0 }
        #expect(streamed.count == 3)
        #expect(streamed[0].texts == ["7", "a,\"b\"", nil, "", "1.50", "{\"x y\"}"])
        #expect(streamed.map(\.values) == (try await session.run(sql)).rows)
        await analyst.close()
    }

    @Test func errorsCarrySQLStateMessageAndPosition() async throws {
        let database = try await TestEnvironment.shared.database("datalayer")
        let analyst = try database.analyst()
        do {
            _ = try await analyst.session(for: .headOffice).run("SELECT store_nam FROM retail.stores")
            Issue.record("expected an error")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "42703")
            #expect(error.message.contains("store_nam"))
            #expect(error.position == 8)
            #expect(error.hint?.contains("store_name") == true)
        }
        await analyst.close()
    }

    @Test func rowCapTruncatesAndSaysSo() async throws {
        let database = try await TestEnvironment.shared.database("datalayer")
        let analyst = try database.analyst(rowCap: 100)
        let session = analyst.session(for: .headOffice)
        let capped = try await session.run("SELECT g FROM generate_series(1, 5000) g")
        #expect(capped.rows.count == 100)
        #expect(capped.truncated)
        let exact = try await session.run("SELECT g FROM generate_series(1, 100) g")
        #expect(exact.rows.count == 100)
        #expect(!exact.truncated)
        // A huge result is stopped on the server, not read to the end, and the pool recovers.
        let clock = ContinuousClock()
        let start = clock.now
        let huge = try await session.run("SELECT g, repeat('x', 100) FROM (SELECT generate_series(1, 50000000) AS g) streamed")
        #expect(huge.truncated)
        #expect(clock.now - start < .seconds(10))
        #expect(try await session.run("SELECT 1").rows == [[.int(1)]])
        await analyst.close()
    }

    @Test func cancellingATaskCancelsTheStatementOnTheServer() async throws {
        let database = try await TestEnvironment.shared.database("datalayer")
        let analyst = try database.analyst(poolSize: 1)
        let session = analyst.session(for: .headOffice)
        let clock = ContinuousClock()
        let start = clock.now
        let sleeper = Task { try await session.run("SELECT pg_sleep(30)") }
        try await Task.sleep(for: .milliseconds(300))
        sleeper.cancel()
        do {
            _ = try await sleeper.value
            Issue.record("pg_sleep finished")
        } catch let error as DatabaseError {
            #expect(error.isCancellation)
        }
        // Far below pg_sleep(30); generous because the suite shares 2 cores with other builds.
        #expect(clock.now - start < .seconds(5))
        #expect(try await session.run("SELECT 2").rows == [[.int(2)]])
        await analyst.close()
    }

    @Test func statementTimeoutIsEnforcedByTheServer() async throws {
        let database = try await TestEnvironment.shared.database("datalayer")
        let analyst = try database.analyst(statementTimeout: .milliseconds(200))
        await #expect(throws: DatabaseError.self) { try await analyst.session(for: .headOffice).run("SELECT pg_sleep(5)") }
        #expect(try await analyst.session(for: .headOffice).run("SELECT 3").rows == [[.int(3)]])
        await analyst.close()
    }

    @Test func terminatedBackendsAreReplacedTransparently() async throws {
        let database = try await TestEnvironment.shared.database("datalayer_terminate")
        let analyst = try database.analyst(poolSize: 2)
        let session = analyst.session(for: .headOffice)
        _ = try await session.run("SELECT 1")
        let admin = try await database.rawConnection(.superuser)
        _ = try await admin.textRows("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'zava_analyst' AND datname = $1
            """, [database.name])
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await session.run("SELECT 4").rows == [[.int(4)]])
        #expect(await analyst.executor.statistics.inUse == 0)
        await analyst.close()
    }

    @Test func noIdentityLeaksUnderConcurrency() async throws {
        let database = try await TestEnvironment.shared.database("datalayer_concurrency")
        // 400 requests queue for 3 connections: what is checked is who sees what, so none may
        // time out waiting on a loaded machine.
        let analyst = Database(conninfo: try database.conninfo(.analyst), poolSize: 3, acquireTimeout: .seconds(120),
                               limits: QueryLimits(rowCap: 10_000, statementTimeout: .seconds(30)))
        let identities = try await analyst.identities().identities
        var expected: [String: String] = [:]
        for identity in identities {
            let filter = identity.storeID.map { "WHERE store_id = \($0)" } ?? ""
            expected[identity.profile] = try await database.ownerScalar("SELECT count(*) FROM retail.orders \(filter)")
        }
        let results = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for index in 0..<400 {
                let identity = identities[index % identities.count]
                group.addTask {
                    let row = try await analyst.session(for: identity)
                        .run("SELECT count(*) FROM retail.orders").rows[0][0]
                    return (identity.profile, row.displayText)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 400)
        for (profile, count) in results { #expect(count == expected[profile], "\(profile)") }
        #expect(await analyst.executor.statistics.open <= 3)
        await analyst.close()
    }

    @Test func poolExhaustionGivesABusyErrorAfterTheWait() async throws {
        let database = try await TestEnvironment.shared.database("datalayer_busy")
        let analyst = Database(conninfo: try database.conninfo(.analyst), poolSize: 1, acquireTimeout: .milliseconds(200),
                               limits: QueryLimits(rowCap: 10, statementTimeout: .seconds(5)))
        let session = analyst.session(for: .headOffice)
        let sleeper = Task { try await session.run("SELECT pg_sleep(1)") }
        try await Task.sleep(for: .milliseconds(100))
        do {
            _ = try await session.run("SELECT 1")
            Issue.record("expected busy")
        } catch let error as ConnectionError {
            #expect(error.kind == .busy)
        }
        _ = try await sleeper.value
        #expect(try await session.run("SELECT 5").rows == [[.int(5)]])
        await analyst.close()
    }

    @Test func unreachableDatabaseIsAClearError() async throws {
        let database = Database(conninfo: "host=/nonexistent port=1 dbname=x user=y connect_timeout=2", poolSize: 1,
                                limits: QueryLimits(rowCap: 10, statementTimeout: .seconds(1)))
        do {
            _ = try await database.session(for: .headOffice).run("SELECT 1")
            Issue.record("expected an error")
        } catch let error as ConnectionError {
            #expect(error.kind == .unavailable)
            #expect(error.description.contains("database unavailable"))
        }
    }
}
