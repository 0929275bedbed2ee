import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
import ZavaTesting

/// The exact statements `Session` sends around a user's statement, for each kind of identity,
/// and what it refuses to send at all: checked against a fake executor, no server.
@Suite struct SessionProtocolTests {
    static let seattle = Identity(profile: "seattle", rlsUserID: UUID(uuidString: "f47ac10b-58cc-4372-a567-0e02b2c3d479")!,
                                  storeName: "Zava Retail Seattle", storeID: 1)

    func session(_ identity: Identity, executor: FakeStatementExecutor, rowCap: Int = 100) -> Session {
        Database(executor: executor, limits: QueryLimits(rowCap: rowCap, statementTimeout: .milliseconds(2_500)))
            .session(for: identity)
    }

    @Test(arguments: [(Identity.headOffice, "00000000-0000-0000-0000-000000000000"),
                      (seattle, "f47ac10b-58cc-4372-a567-0e02b2c3d479")])
    func everyStatementIsWrappedInAReadOnlyRolledBackTransactionForItsIdentity(identity: Identity, uuid: String) async throws {
        let executor = FakeStatementExecutor()
        _ = try await session(identity, executor: executor).run("select count(*) from orders where store_id = $1", parameters: ["3"])
        let sent = try #require(executor.sent.first)
        #expect(executor.sent.count == 1, "one pipeline, one round trip")
        #expect(sent.setup == ["BEGIN READ ONLY", "SET LOCAL zava.rls_user_id = '\(uuid)'", "SET LOCAL statement_timeout = 2500"])
        #expect(sent.statement == "select count(*) from orders where store_id = $1")
        #expect(sent.parameters == ["3"], "values travel as parameters, never spliced")
        #expect(sent.cleanup == ["ROLLBACK", "DEALLOCATE ALL"])
        #expect(sent.keys == [.identity(identity.rlsUserID)])
        #expect(sent.rowLimit == 100 && sent.timeout == .milliseconds(2_500))
    }

    @Test func anIdentitysUUIDTextIsLowerCaseAndCanonical() {
        for uuid in [Identity.headOfficeID, UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
            + (0..<64).map({ _ in UUID() }) {
            #expect(uuid.lowercaseText == uuid.uuidString.lowercased())
        }
    }

    @Test func catalogueReadsCarryNoIdentityAndAPrincipalIsChargedToo() async throws {
        let executor = FakeStatementExecutor()
        let database = Database.fake(executor)
        _ = try await database.identities()
        let anonymous = try #require(executor.sent.first)
        #expect(anonymous.setup == ["BEGIN READ ONLY", "SET LOCAL statement_timeout = 5000"], "no identity is set: no store rows")
        #expect(anonymous.keys == [.anonymous])
        _ = try await database.session(for: Self.seattle).charged(to: "token@line3").run("select 1")
        #expect(executor.sent.last?.keys == [.identity(Self.seattle.rlsUserID), .principal("token@line3")])
    }

    @Test func schemaReadsPinTheirSearchPathInsideTheTransaction() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("c.relkind IN ('r', 'p', 'v', 'm') ORDER BY", with: .init(columns: [.named("relname")], rows: [["orders"]]))
        _ = try await SchemaExplorer(session: session(Self.seattle, executor: executor)).describe("orders")
        let catalogue = executor.sent.dropFirst()
        #expect(!catalogue.isEmpty)
        for sent in catalogue {
            #expect(sent.setup.last == "SET LOCAL search_path = public", "\(sent.statement.prefix(40))")
            #expect(sent.cleanup == ["ROLLBACK", "DEALLOCATE ALL"])
        }
    }

    @Test(arguments: ["explain analyze select * from orders", "EXPLAIN (ANALYZE) select 1", "select 1\u{0}", String(repeating: "x", count: 300_000)])
    func whatAStoreMayNotSendNeverLeaves(sql: String) async throws {
        let executor = FakeStatementExecutor()
        await #expect(throws: DatabaseError.self) { try await session(Self.seattle, executor: executor).run(sql) }
        #expect(executor.sent.isEmpty, "refused before anything was sent")
    }

    @Test func aPlanWithExecutionStatisticsNeverReachesAStore() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("explain", with: .init(columns: [.named("QUERY PLAN")],
                                               rows: [["Seq Scan on orders (actual rows=46253 loops=1)"]]))
        await #expect(throws: DatabaseError.self) {
            try await session(Self.seattle, executor: executor).run("explain (format text) select * from orders")
        }
        let plan = try await session(.headOffice, executor: executor).run("explain (format text) select * from orders")
        #expect(plan.rows.count == 1, "head office sees its plans")
    }

    @Test func aClosedSecurityGateStopsStoresButNotHeadOffice() async throws {
        let executor = FakeStatementExecutor()
        let database = Database(executor: executor, limits: QueryLimits(rowCap: 10, statementTimeout: .seconds(1)))
        database.gate.update(DoctorReport(checks: [DoctorCheck("rls enabled", .fail, "retail.orders lost RLS")]))
        await #expect(throws: DatabaseError.self) { try await database.session(for: Self.seattle).run("select 1") }
        #expect(executor.sent.isEmpty)
        _ = try await database.session(for: .headOffice).run("select 1")
        #expect(executor.sent.count == 1)
    }

    @Test func theRowCapCutsAndSaysSo() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("generate_series", with: .init(columns: [.named("n", "integer")], rows: (1...5).map { [String($0)] }))
        let result = try await session(.headOffice, executor: executor, rowCap: 3).run("select generate_series(1, 5)")
        #expect(result.rows == [[.int(1)], [.int(2)], [.int(3)]])
        #expect(result.truncated)
    }
}
