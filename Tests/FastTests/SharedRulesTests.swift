import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaMCP
@testable import ZavaPostgres
@testable import ZavaREPL
import ZavaTesting

/// Each rule `AnalystService` and `ErrorReport` hold, called from both front ends: the REPL and
/// the MCP tools must say the same thing, because they ask the same code.
@Suite struct SharedRulesTests {
    static func tool(_ tool: some AnalystTool, _ arguments: [String: JSON]?, executor: FakeStatementExecutor,
                     search: (any ProductSearching)? = nil) async -> ToolReply {
        await tool.call(arguments, context: ToolsOverFakeTests.context(executor, search: search))
    }

    static func tablesKnown(_ executor: FakeStatementExecutor) {
        executor.answer("c.relkind IN ('r', 'p', 'v', 'm') ORDER BY", with: .init(columns: [.named("relname")], rows: [["orders"], ["stores"]]))
    }

    @Test func anUnknownTableListsTheValidOnes() async throws {
        let message = UnknownTableError(name: "nosuch", known: ["retail.orders", "retail.stores"]).description
        let executor = FakeStatementExecutor()
        Self.tablesKnown(executor)
        let repl = try await REPLHarness.run(":d nosuch", executor: executor)
        let mcp = await Self.tool(TableSchemasTool(), ["table_names": .array([.string("nosuch")])], executor: executor)
        #expect(repl.errors.contains(message), "\(repl.errors)")
        #expect(mcp.isError && mcp.text.contains(message), "\(mcp.text)")
    }

    @Test(arguments: [(":search drill --limit 0", ["query_description": JSON.string("drill"), "max_rows": .int(0)], SearchRequest(query: "drill", maxRows: 0)),
                      (":search drill --threshold 150", ["query_description": .string("drill"), "similarity_threshold": .int(150)],
                       SearchRequest(query: "drill", similarityThreshold: 150))])
    func aSearchRequestIsRefusedWithTheRequestsOwnMessage(line: String, arguments: [String: JSON], request: SearchRequest) async throws {
        let message = Self.refusal(of: request)
        let search = RecordingSearch()
        let repl = try await REPLHarness.run(line, executor: FakeStatementExecutor(), search: search)
        let mcp = await Self.tool(ProductSearchTool(), arguments, executor: FakeStatementExecutor(), search: search)
        #expect(!message.isEmpty && repl.errors.contains(message), "\(repl.errors) / \(message)")
        #expect(mcp.isError && mcp.text.contains(message), "\(mcp.text)")
        #expect(search.received.isEmpty, "nothing reaches the engine")
    }

    @Test func aSearchGetsTheSameCheckedRequestFromBoth() async throws {
        let search = RecordingSearch()
        _ = try await REPLHarness.run(":search  cordless drill --limit 500 --category 'POWER TOOLS'", executor: FakeStatementExecutor(), search: search)
        _ = await Self.tool(ProductSearchTool(), ["query_description": .string("cordless drill"), "max_rows": .int(500),
                                                  "category": .string("POWER TOOLS")], executor: FakeStatementExecutor(), search: search)
        _ = try await REPLHarness.run(":search drill", executor: FakeStatementExecutor(), search: search)
        _ = await Self.tool(ProductSearchTool(), ["query_description": .string("  drill  ")], executor: FakeStatementExecutor(), search: search)
        let capped = try SearchRequest(query: "cordless drill", maxRows: 500, category: "POWER TOOLS").validated()
        let defaults = try SearchRequest(query: "drill").validated()
        #expect(search.received == [capped, capped, defaults, defaults])
        #expect(capped.maxRows == SearchRequest.rowCap)
        #expect(defaults.maxRows == SearchRequest.defaultMaxRows && defaults.similarityThreshold == SearchRequest.defaultSimilarityThreshold)
    }

    @Test func anEmptySearchTextIsRefusedBeforeTheEngine() async {
        let search = RecordingSearch()
        let mcp = await Self.tool(ProductSearchTool(), ["query_description": .string("   ")], executor: FakeStatementExecutor(), search: search)
        #expect(mcp.isError && mcp.text.contains(Self.refusal(of: SearchRequest(query: "   "))), "\(mcp.text)")
        #expect(search.received.isEmpty)
    }

    /// The message `SearchRequest.validated()` refuses `request` with.
    static func refusal(of request: SearchRequest) -> String {
        do {
            _ = try request.validated()
            Issue.record("\(request) should be refused")
            return "(accepted)"
        } catch {
            return "\(error)"
        }
    }

    @Test func whoamiSaysTheSameIdentityAndDates() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("min(order_date)", with: .init(columns: [.named("min"), .named("max")], rows: [["2020-01-01", "2026-06-30"]]))
        let repl = try await REPLHarness.run(":whoami", executor: executor)
        let mcp = await Self.tool(WhoAmITool(), nil, executor: executor)
        #expect(repl.output.contains("Orders from 2020-01-01 through 2026-06-30."))
        #expect(mcp.text.contains(#""orders_from":"2020-01-01","orders_through":"2026-06-30""#))
        #expect(repl.output.contains("Zava Retail Seattle") && mcp.text.contains(#""store_name":"Zava Retail Seattle""#))
    }

    @Test func aServerErrorSaysTheSameMessageDetailAndHint() async throws {
        let error = DatabaseError(sqlState: "42501", message: "permission denied for function pg_stat_get_xact_tuples_returned",
                                  detail: "counters count rows before RLS", hint: "ask head office")
        let executor = FakeStatementExecutor()
        executor.answer("pg_stat", with: .init(error: error))
        let repl = try await REPLHarness.run("select pg_stat_get_xact_tuples_returned(1);", executor: executor)
        let mcp = await Self.tool(SalesQueryTool(), ["postgresql_query": .string("select pg_stat_get_xact_tuples_returned(1)")], executor: executor)
        for line in ["ERROR:  \(error.message)", "DETAIL:  \(error.detail ?? "")", "HINT:  \(error.hint ?? "")"] {
            #expect(repl.errors.contains(line), "\(repl.errors)")
            #expect(mcp.text.contains(line.replacingOccurrences(of: "\"", with: "\\\"")), "\(mcp.text)")
        }
    }

    @Test func aLostDatabaseIsNamedLocallyButNotToARemoteClient() {
        let error = ConnectionError(.unavailable, "could not connect to server: No such file or directory /tmp/.s.PGSQL.5432")
        #expect(ErrorRenderer.render(error).contains(".s.PGSQL.5432"), "the person at the machine sees libpq's words")
        let remote = ErrorReport(error, for: .remote)
        #expect(!remote.text.contains(".s.PGSQL") && remote.logDetail?.contains(".s.PGSQL.5432") == true)
    }
}

/// The hints zava adds where the server gave none: what models and people get wrong most.
@Suite struct ErrorHintTests {
    @Test func missingTablesAndStackedStatementsGetAHintNamingTheWayOut() {
        let stacked = DatabaseError(sqlState: "42601", message: "cannot insert multiple commands into a prepared statement")
        #expect(ErrorReport(stacked, for: .remote).text.contains("HINT:  Send one statement at a time (one per call)."))
        let missing = DatabaseError(sqlState: "42P01", message: "relation \"order\" does not exist", position: 15)
        #expect(ErrorReport(missing, for: .remote).hint?.contains("get_multiple_table_schemas") == true)
        #expect(ErrorReport(missing, for: .local).hint?.contains(":tables") == true)
        let column = DatabaseError(sqlState: "42703", message: "column \"x\" does not exist", hint: "Perhaps you meant \"y\".")
        #expect(ErrorReport(column, for: .remote).hint == "Perhaps you meant \"y\".", "the server's own hint wins")
    }
}
