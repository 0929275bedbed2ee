import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaTesting

/// The attack catalogue (`SQLAttack.all`) through the data layer, as the REPL and `zava -c`
/// run it: each attack has its stated outcome, and the next request on the same connection is
/// still the store, with nothing left behind.
@Suite struct HostileSQLTests {
    /// One attack at a time: each opens its own pool, and 84 at once would crowd the test
    /// cluster's connection slots that every other suite shares.
    @Test(.serialized, arguments: SQLAttack.all)
    func attackHasItsOutcome(_ attack: SQLAttack) async throws {
        let database = try await TestEnvironment.shared.database("hostile")
        let analyst = try database.analyst(poolSize: 1, rowCap: 1_000, statementTimeout: attack.statementTimeout)
        let seattle = try await analyst.identities().resolve("seattle")
        let storeID = try #require(seattle.storeID)
        let session = analyst.session(for: seattle)
        let sql = attack.sql.replacingOccurrences(of: "{store}", with: String(storeID))
        let backend = try await session.run("SELECT pg_backend_pid()").rows.first?.first
        switch attack.outcome {
        case .refused(let sqlState, _):
            do {
                let result = try await session.run(sql)
                Issue.record("ran, returned \(result.rows.prefix(3))")
            } catch let error as DatabaseError {
                #expect(error.sqlState == sqlState, "\(error.sqlState): \(error.message)")
            }
        case .ownRows(let reference):
            let result = try await session.run(sql)
            let expected = try await database.ownerScalar(reference.replacingOccurrences(of: "{store}", with: String(storeID)))
            #expect(result.rows.first?.first?.displayText == expected)
        case .harmless:
            _ = try await session.run(sql)
        case .truncated:
            let result = try await session.run(sql)
            #expect(result.truncated && result.rows.count <= 1_000)
        }
        try await Self.expectStillTheStore(session, storeID: storeID, database: database)
        // Denial attacks and results stopped on their way back end with a cancel: that connection is not reused.
        let dropsConnection = attack.family == .denial || attack.sql.contains(#"AS "QUERY PLAN""#)
        #expect(try await session.run("SELECT pg_backend_pid()").rows.first?.first == backend || dropsConnection,
                "the check ran on the connection the attack used")
        await analyst.close()
    }

    /// Only the store's rows, and no prepared statement, cursor, channel, advisory lock or
    /// changed setting left on the connection.
    static func expectStillTheStore(_ session: Session, storeID: Int, database: TestDatabase) async throws {
        let expected = try await database.ownerScalar("SELECT count(*) FROM retail.orders WHERE store_id = \(storeID)")
        let after = try await session.run("SELECT count(*), count(DISTINCT store_id) FROM retail.orders").rows[0]
        #expect(after[0].displayText == expected)
        #expect(after[1] == .int(1))
        // pg_locks is revoked from PUBLIC (it shows other backends' locks): the superuser reads it.
        let backend = try await session.run("SELECT pg_backend_pid()").rows[0][0].displayText
        let advisory = try await database.rawConnection(.superuser)
            .textRows("SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND pid = \(backend)")
        #expect(advisory == [["0"]], "advisory locks left on the connection")
        let leftovers = try await session.run("""
            SELECT (SELECT count(*) FROM pg_prepared_statements) + (SELECT count(*) FROM pg_cursors WHERE name <> '')
                 + (SELECT count(*) FROM pg_listening_channels()),
                   current_setting('search_path'), current_setting('work_mem'), current_setting('role'),
                   current_setting('session_authorization'), current_setting('transaction_read_only')
            """).rows[0]
        #expect(leftovers == [.int(0), .text("retail, public"), .text("16MB"), .text("none"), .text("zava_analyst"), .text("on")])
    }

    /// A lock held elsewhere makes the statement wait only until its timeout.
    @Test func lockWaitsEndAtTheStatementTimeout() async throws {
        let database = try await TestEnvironment.shared.database("hostile_locks")
        let owner = try await database.rawConnection(.owner)
        try await owner.executeScript("BEGIN; LOCK TABLE retail.orders IN ACCESS EXCLUSIVE MODE")
        let analyst = try database.analyst(poolSize: 1, statementTimeout: .milliseconds(500))
        let session = analyst.session(for: try await analyst.identities().resolve("tacoma"))
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await session.run("SELECT count(*) FROM retail.orders")
            Issue.record("the locked table was read")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "57014")
        }
        #expect(clock.now - start < .seconds(3))
        try await owner.executeScript("ROLLBACK")
        #expect(try await session.run("SELECT count(DISTINCT store_id) FROM retail.orders").rows == [[.int(1)]])
        await analyst.close()
    }

    @Test func theCatalogueCoversEveryFamilyWithFortyOrMoreAttacks() {
        #expect(SQLAttack.all.count >= 40)
        let families = Set(SQLAttack.all.map(\.family.rawValue))
        #expect(families == ["identity", "privilege", "stacking", "write", "files", "denial", "snooping", "inference"])
    }
}
