import Testing
import ZavaTestSupport
@testable import ZavaCore

/// Hostile statements under a store identity: each fails, or sees only the store's own rows,
/// and the next request on the same pool is still the store.
@Suite struct HostileSQLTests {
    static let attacks: [String] = [
        // identity changes from inside SQL
        "SELECT set_config('zava.rls_user_id', '00000000-0000-0000-0000-000000000000', true), count(*) FROM retail.orders",
        "SET zava.rls_user_id = '00000000-0000-0000-0000-000000000000'",
        "SET SESSION zava.rls_user_id = '00000000-0000-0000-0000-000000000000'",
        "RESET zava.rls_user_id",
        "RESET ALL",
        "SET ROLE zava_owner",
        "SET SESSION AUTHORIZATION zava_owner",
        "DO $$ BEGIN PERFORM set_config('zava.rls_user_id', '00000000-0000-0000-0000-000000000000', false); END $$",
        // stacking and transaction control
        "COMMIT; SET zava.rls_user_id = '00000000-0000-0000-0000-000000000000'",
        "SELECT 1; SELECT count(*) FROM retail.orders",
        "COMMIT",
        "ROLLBACK",
        "BEGIN",
        "END",
        "PREPARE sneaky AS SELECT count(*) FROM retail.orders",
        "DISCARD ALL",
        // writes
        "WITH moved AS (UPDATE retail.orders SET store_id = 1 RETURNING *) SELECT count(*) FROM moved",
        "WITH gone AS (DELETE FROM retail.orders RETURNING *) SELECT count(*) FROM gone",
        "INSERT INTO retail.orders (customer_id, store_id, order_date) VALUES (1, 1, now())",
        "COPY retail.orders FROM STDIN",
        "COPY (SELECT * FROM retail.orders) TO STDOUT",
        "CREATE TEMP TABLE t AS SELECT * FROM retail.orders",
        "SELECT nextval('retail.orders_order_id_seq')",
        "SELECT pg_advisory_lock(1)",
        "LISTEN zava",
        "DECLARE c CURSOR WITH HOLD FOR SELECT * FROM retail.orders",
    ]

    @Test(arguments: attacks)
    func attackFailsOrSeesOnlyTheStore(_ sql: String) async throws {
        let database = try await TestEnvironment.shared.database("hostile")
        let analyst = try database.analyst(poolSize: 1)
        let seattle = try await analyst.identities().resolve("seattle")
        let storeID = try #require(seattle.storeID)
        let session = analyst.session(for: seattle)
        let expected = try await database.ownerScalar("SELECT count(*) FROM retail.orders WHERE store_id = \(storeID)")
        do {
            let result = try await session.run(sql)
            // If it ran, whatever it returned can only be Seattle's.
            if let first = result.rows.first?.last, case .int(let count) = first {
                #expect(String(count) == expected || count == 1, "\(sql) returned \(count)")
            }
        } catch is DatabaseError {
            // refused: fine
        }
        // The same single connection, next request: still Seattle only, nothing left behind.
        let after = try await session.run("SELECT count(*), count(DISTINCT store_id) FROM retail.orders").rows[0]
        #expect(after[0].displayText == expected)
        #expect(after[1] == .int(1))
        let leftovers = try await session.run(
            "SELECT (SELECT count(*) FROM pg_prepared_statements) + (SELECT count(*) FROM pg_cursors WHERE name <> '') + (SELECT count(*) FROM pg_listening_channels())")
        #expect(leftovers.rows[0][0] == .int(0))
        #expect(try await database.ownerScalar("SELECT count(*) FROM retail.orders WHERE store_id = \(storeID)") == expected)
        await analyst.close()
    }

    @Test func catalogueSnoopingShowsNoOtherStoresData() async throws {
        let database = try await TestEnvironment.shared.database("hostile")
        let analyst = try database.analyst()
        let session = analyst.session(for: try await analyst.identities().resolve("redmond"))
        // pg_stats would expose sampled column values of other stores' rows.
        let stats = try await session.run("SELECT count(*) FROM pg_stats WHERE schemaname = 'retail' AND tablename = 'orders'")
        #expect(stats.rows[0][0] == .int(0))
        await #expect(throws: DatabaseError.self) { try await session.run("SELECT * FROM pg_stat_activity") }
        await analyst.close()
    }
}
