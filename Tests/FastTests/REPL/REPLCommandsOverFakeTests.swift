import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaREPL
import ZavaTesting

/// The REPL's commands and statements in this process, over a fake executor: what reaches the
/// data layer, and what the person sees.
@Suite struct REPLCommandsOverFakeTests {
    static let seattleSetup = ["BEGIN READ ONLY", "SET LOCAL zava.rls_user_id = 'f47ac10b-58cc-4372-a567-0e02b2c3d479'",
                               "SET LOCAL statement_timeout = 5000"]

    @Test func aStatementRunsAsTheChosenIdentityAndPrintsLikePsql() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("count(*)", with: .init(columns: [.named("store_id", "integer"), .named("count", "bigint")], rows: [["1", "46253"]]))
        let outcome = try await REPLHarness.run(":as headoffice\n:as seattle\nselect store_id, count(*) from orders group by 1;",
                                                executor: executor, profile: nil)
        #expect(outcome.succeeded, "\(outcome.errors)")
        #expect(outcome.output.contains("You are now seattle (Zava Retail Seattle)."))
        #expect(outcome.output.contains(" store_id | count \n----------+-------\n        1 | 46253\n(1 row)\n"), "\(outcome.output)")
        let sent = try #require(executor.sent.last)
        #expect(sent.statement == "select store_id, count(*) from orders group by 1")
        #expect(sent.setup == Self.seattleSetup)
    }

    @Test func variablesTravelAsParameters() async throws {
        let executor = FakeStatementExecutor()
        _ = try await REPLHarness.run("\\set store '3; drop table x'\nselect * from stores where store_id = :'store';", executor: executor)
        let sent = try #require(executor.sent.last)
        #expect(sent.statement == "select * from stores where store_id = $1")
        #expect(sent.parameters == ["3; drop table x"])
    }

    @Test func withoutAnIdentityNothingRuns() async throws {
        let executor = FakeStatementExecutor()
        let outcome = try await REPLHarness.run("select 1;", executor: executor, profile: nil)
        #expect(!outcome.succeeded)
        #expect(outcome.errors.contains("no identity: choose one with --as"), "\(outcome.errors)")
        #expect(!executor.sent.contains { $0.statement == "select 1" })
    }

    @Test func tablesWhoamiAndDescribeComeFromTheAnalystService() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("c.relkind IN ('r', 'p', 'v', 'm') ORDER BY", with: .init(columns: [.named("relname")], rows: [["orders"], ["stores"]]))
        executor.answer("min(order_date)", with: .init(columns: [.named("min"), .named("max")], rows: [["2020-01-01", "2026-06-30"]]))
        let outcome = try await REPLHarness.run(":tables\n:whoami", executor: executor)
        #expect(outcome.output.contains(" retail.orders\n retail.stores\n"), "\(outcome.output)")
        #expect(outcome.output.contains("seattle (Zava Retail Seattle), rls_user_id f47ac10b-58cc-4372-a567-0e02b2c3d479. Orders from 2020-01-01 through 2026-06-30."),
                "\(outcome.output)")
    }

    @Test func aServerErrorShowsItsLineAndCaret() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("store_nme", with: .init(error: DatabaseError(sqlState: "42703", message: "column \"store_nme\" does not exist",
                                                                      hint: "Perhaps you meant \"stores.store_name\".", position: 8)))
        let outcome = try await REPLHarness.run("select store_nme from stores;", executor: executor)
        #expect(!outcome.succeeded)
        #expect(outcome.errors == """
            ERROR:  column "store_nme" does not exist
            LINE 1: select store_nme from stores
                           ^
            HINT:  Perhaps you meant "stores.store_name".

            """, "\(outcome.errors)")
    }

    @Test func explainAnalyzeIsRefusedToAStoreBeforeAnythingIsSent() async throws {
        let executor = FakeStatementExecutor()
        let outcome = try await REPLHarness.run("explain analyze select * from orders;", executor: executor)
        #expect(outcome.errors.contains("EXPLAIN ANALYZE is not available to store identities"))
        #expect(!executor.sent.contains { $0.statement.lowercased().hasPrefix("explain") })
    }

    @Test func commandsThatTouchNoDataSendNothing() async throws {
        let executor = FakeStatementExecutor()
        let outcome = try await REPLHarness.run(":format csv\n\\x\n\\timing on\n:help as\n\\echo hello", executor: executor)
        #expect(outcome.succeeded, "\(outcome.errors)")
        #expect(outcome.output.contains("Output format is csv.") && outcome.output.contains("Timing is on.") && outcome.output.contains("hello\n"))
        #expect(executor.sent.count == 1, "only the identities, read once at start: \(executor.sent.map(\.statement))")
    }

    @Test func conninfoAndListingsAskTheAnalystServiceWithPatternsAsParameters() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("current_database()", with: .init(columns: [.named("db"), .named("user"), .named("host"), .named("port")],
                                                          rows: [["zava", "zava_analyst", nil, "5432"]]))
        let outcome = try await REPLHarness.run("\\conninfo\n\\dn ret*", executor: executor)
        #expect(outcome.output.contains(#"You are connected to database "zava" as user "zava_analyst" via a local socket at port "5432"."#),
                "\(outcome.output)")
        let listing = try #require(executor.sent.last)
        #expect(listing.statement.contains("pg_catalog.pg_namespace") && listing.parameters.contains("ret%"), "\(listing.parameters)")
    }
}
