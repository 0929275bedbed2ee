import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaMCP
@testable import ZavaPostgres
import ZavaTesting

/// The tools' argument handling and what they send, over a fake executor: no server, no client.
@Suite struct ToolsOverFakeTests {
    static let seattle = Identity(profile: "seattle", rlsUserID: UUID(uuidString: "f47ac10b-58cc-4372-a567-0e02b2c3d479")!,
                                  storeName: "Zava Retail Seattle", storeID: 1)

    static func context(_ executor: FakeStatementExecutor, identity: Identity = seattle,
                        search: (any ProductSearching)? = nil) -> ToolContext {
        let database = Database(executor: executor, limits: QueryLimits(rowCap: 50, statementTimeout: .seconds(5)))
        return ToolContext(principal: Principal(identity: identity, source: .header, tokenLabel: nil),
                           session: database.session(for: identity), search: search)
    }

    @Test func aQueryIsSentAsTypedUnderTheCallersIdentityAndAnsweredInTheSamplesShape() async throws {
        let executor = FakeStatementExecutor()
        executor.answer("count(*)", with: .init(columns: [.named("n", "bigint")], rows: [["46253"]]))
        let sql = "select count(*) as n from orders"
        let context = Self.context(executor)
        let reply = await SalesQueryTool().call(["postgresql_query": .string(sql)], context: context)
        #expect(!reply.isError)
        #expect(reply.text == #"{"c":["n"],"r":[[46253]],"n":1}"#)
        #expect(executor.sent.first?.statement == sql)
        #expect(executor.sent.first?.setup.contains("SET LOCAL zava.rls_user_id = 'f47ac10b-58cc-4372-a567-0e02b2c3d479'") == true)
        _ = await SalesQueryTool().call(["postgresql_query": .string(sql)], context: context)
        #expect(executor.sent.map(\.statement) == [sql, "SELECT min(order_date)::text, max(order_date)::text FROM retail.orders", sql],
                "the data's dates are read once per identity, not per call")
        let structured = try #require(reply.structured?.object)
        #expect(structured["row_count"] == .int(1) && structured["truncated"] == .bool(false))
        #expect(structured["identity"]?["profile"] == .string("seattle"))
        #expect(structured["limits"]?["max_rows"] == .int(50))
    }

    @Test(arguments: [
        (["postgresql_query": JSON.string("   ")], "the statement is empty"),
        (["postgresql_query": .int(1)], "postgresql_query must be a string, got an integer"),
        ([:], "the parameter postgresql_query is required"),
        (["postgresql_query": .string("select 1"), "limit": .int(5)], "unknown parameter limit"),
    ])
    func badArgumentsAreToolErrorsNamingTheProblemAndSendNothing(arguments: [String: JSON], message: String) async {
        let executor = FakeStatementExecutor()
        let reply = await SalesQueryTool().call(arguments, context: Self.context(executor))
        #expect(reply.isError && reply.text.hasPrefix(#"{"err":"#) && reply.text.contains(message), "\(reply.text)")
        #expect(executor.sent.isEmpty)
    }

    @Test func theServersErrorReachesTheModelWithItsPositionAndHint() async {
        let executor = FakeStatementExecutor()
        let error = DatabaseError(sqlState: "42703", message: "column \"store_nme\" does not exist",
                                  hint: "Perhaps you meant to reference the column \"stores.store_name\".", position: 8)
        executor.answer("store_nme", with: .init(error: error))
        let reply = await SalesQueryTool().call(["postgresql_query": .string("select store_nme from stores")],
                                                context: Self.context(executor))
        #expect(reply.isError)
        #expect(reply.text == CompactJSON.error(ErrorReport(error, for: .remote).text))
        #expect(reply.text.contains("POSITION: character 8 of the statement") && reply.text.contains("HINT:"))
    }

    @Test func tableListsAreCheckedByTheAnalystService() async {
        let executor = FakeStatementExecutor()
        executor.answer("c.relkind IN ('r', 'p', 'v', 'm') ORDER BY", with: .init(columns: [.named("relname")], rows: [["orders"], ["stores"]]))
        let unknown = await TableSchemasTool().call(["table_names": .array([.string("retail.nosuch")])], context: Self.context(executor))
        #expect(unknown.isError && unknown.text.contains("unknown table 'retail.nosuch'; valid tables: retail.orders, retail.stores"),
                "\(unknown.text)")
        let tooMany = await TableSchemasTool().call(["table_names": .array((0...AnalystService.maximumTables).map { _ in .string("orders") })],
                                                    context: Self.context(executor))
        #expect(tooMany.isError && tooMany.text.contains("at most \(AnalystService.maximumTables) tables per call"), "\(tooMany.text)")
        let none = await TableSchemasTool().call(["table_names": .array([])], context: Self.context(executor))
        #expect(none.isError && none.text.contains("name at least one table"), "\(none.text)")
    }

    @Test func whoamiSaysWhoAndWhichDatesHaveOrders() async {
        let executor = FakeStatementExecutor()
        executor.answer("min(order_date)", with: .init(columns: [.named("min"), .named("max")], rows: [["2020-01-01", "2026-06-30"]]))
        let reply = await WhoAmITool().call(nil, context: Self.context(executor))
        #expect(!reply.isError)
        #expect(reply.text.contains(#""profile":"seattle""#) && reply.text.contains(#""sees":"only Zava Retail Seattle""#))
        #expect(reply.text.contains(#""orders_from":"2020-01-01","orders_through":"2026-06-30""#), "\(reply.text)")
    }

    @Test func searchWithoutAnEngineSaysSo() async {
        let reply = await ProductSearchTool().call(["query_description": .string("drill")], context: Self.context(FakeStatementExecutor()))
        #expect(reply.isError && reply.text.contains("semantic search is not configured"), "\(reply.text)")
    }
}
