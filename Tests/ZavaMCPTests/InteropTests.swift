import Foundation
import Testing
import ZavaCore
import ZavaPostgres
import ZavaTesting
@testable import ZavaMCP

/// The official Python MCP client against the real endpoint over real PostgreSQL.
@Suite("MCP interop with the Python SDK", .serialized)
struct InteropTests {
    static let toolNames = ["get_multiple_table_schemas", "execute_sales_query", "get_current_utc_date",
                            "semantic_search_products", "whoami"]
    static let countOrders = "SELECT count(*) AS orders FROM retail.orders"

    /// The official client's two ways in: `legacy` (initialize, a session, 2025-11-25) and `auto`
    /// (server/discover, stateless 2026-07-28 requests).
    static let revisions = [("legacy", "2025-11-25"), ("auto", "2026-07-28")]

    @Test("lists the sample's tools and answers each one under several identities, in both revisions", arguments: revisions)
    func everyToolUnderSeveralIdentities(mode: String, revision: String) async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let identities = [("headoffice", SampleIdentity.headOffice), ("seattle", SampleIdentity.seattle),
                          ("redmond", "redmond"), ("online", SampleIdentity.online)]
        let calls: [[String: Any]] = [
            ["tool": "whoami"],
            ["tool": "execute_sales_query", "args": ["postgresql_query": Self.countOrders]],
            ["tool": "get_current_utc_date"],
            ["tool": "get_multiple_table_schemas", "args": ["table_names": ["retail.orders", "products"]]],
            ["tool": "get_multiple_table_schemas", "args": ["table_names": ["retail.nope"]]],
            ["tool": "semantic_search_products", "args": ["query_description": "cordless drill"]],
            ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT no_such_column FROM retail.orders"]],
        ]
        let cases: [[String: Any]] = identities.enumerated().map { index, identity in
            ["name": identity.0, "headers": ["x-rls-user-id": identity.1], "list_tools": index == 0, "calls": calls, "mode": mode]
        }
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": cases], as: SessionsReport.self)
        try await running.stop()
        // Every tool call was logged once, as the identity that made it.
        #expect(running.logs.all.filter { $0.contains("tool call") && $0.contains("outcome=") }.count == identities.count * calls.count)

        let tools = try #require(report.sessions.first?.tools)
        #expect(tools.map(\.name) == Self.toolNames)
        #expect(tools.allSatisfy { $0.readOnly })
        #expect(tools.allSatisfy { !$0.description.isEmpty })
        #expect(tools.first { $0.name == "execute_sales_query" }?.required == ["postgresql_query"])
        #expect(tools.first { $0.name == "get_multiple_table_schemas" }?.params == ["table_names"])
        #expect(tools.first { $0.name == "semantic_search_products" }?.params == ["category", "max_rows", "query_description", "similarity_threshold"])

        for (session, identity) in zip(report.sessions, identities) {
            #expect(session.error == nil, "\(identity.0): \(session.error ?? "")")
            #expect(session.server == "mcp-zava-sales")
            #expect(session.protocol == revision, "\(identity.0) settled on \(session.protocol ?? "-")")
            let results = try #require(session.calls)
            try #require(results.count == calls.count)
            for (index, result) in results.enumerated() where result.isError == false {
                #expect(result.structured == true && result.schemaErrors == [], "call \(index): \(result.schemaErrors ?? [])")
            }

            #expect(results[0].text?.contains("\"profile\":\"\(identity.0)\"") == true, "\(results[0])")
            let store = identity.0 == "headoffice" ? nil : (identity.1.contains("-") ? identity.1 : SampleIdentity.redmond)
            let expected = try await MCPFixture.shared.orderCount(storeRLSUserID: store)
            let count = try CompactResult.decode(results[1].text)
            #expect(results[1].isError == false)
            #expect(count.c == ["orders"] && count.n == 1 && count.r.first?.first == .number(Double(expected)),
                    "\(identity.0): expected \(expected) orders, got \(results[1].text ?? "")")

            let now = try #require(results[2].text.flatMap { try? Date($0, strategy: .iso8601) })
            #expect(abs(now.timeIntervalSinceNow) < 120)

            let schema = try #require(results[3].text)
            #expect(results[3].isError == false)
            #expect(schema.contains("Table retail.orders") && schema.contains("order_date") && schema.contains("Table retail.products"))
            #expect(schema.contains("years with orders:") && schema.contains("category_name"))

            #expect(results[4].isError == true)
            #expect(results[4].text?.contains("retail.orders") == true, "unknown table lists the valid ones")

            #expect(results[5].isError == true)
            #expect(results[5].text?.contains("semantic search is not configured") == true)

            #expect(results[6].isError == true)
            let failure = try CompactResult.decode(results[6].text)
            #expect(failure.err?.contains("no_such_column") == true && failure.n == 0 && failure.c.isEmpty)
        }
    }

    @Test("answers equal the data layer's (what the REPL renders) for the same SQL and identity, in both revisions",
          arguments: revisions)
    func sameAnswersAsTheDataLayer(mode: String, revision: String) async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let sql = """
            SELECT o.store_id, extract(year FROM o.order_date)::int AS year, count(*) AS orders, sum(i.total_amount) AS revenue
            FROM retail.orders o JOIN retail.order_items i USING (order_id)
            GROUP BY 1, 2 ORDER BY 1, 2
            """
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "seattle", "headers": ["x-rls-user-id": "seattle"], "mode": mode,
             "calls": [["tool": "execute_sales_query", "args": ["postgresql_query": sql]]]],
        ]], as: SessionsReport.self)
        #expect(report.sessions.first?.protocol == revision)
        try await running.stop()

        let seattle = try await database.identities().resolve("seattle")
        let direct = try await database.session(for: seattle).run(sql)
        let text = try #require(report.sessions.first?.calls?.first?.text)
        #expect(text == CompactJSON.answer(direct).text)
        let decoded = try CompactResult.decode(text)
        #expect(decoded.n == direct.rows.count && decoded.n > 0)
        #expect(Set(decoded.r.map { $0[0] }) == [.number(Double(seattle.storeID ?? -1))])
    }

    @Test("a second client library (fastmcp) lists the tools and gets each one's answers under four identities")
    func fastmcpClient() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let identities = [("headoffice", SampleIdentity.headOffice), ("seattle", SampleIdentity.seattle),
                          ("redmond", SampleIdentity.redmond), ("online", SampleIdentity.online)]
        let calls: [[String: Any]] = [
            ["tool": "whoami"],
            ["tool": "execute_sales_query", "args": ["postgresql_query": Self.countOrders]],
            ["tool": "get_current_utc_date"],
            ["tool": "get_multiple_table_schemas", "args": ["table_names": ["retail.orders"]]],
        ]
        let cases = identities.map { ["name": $0.0, "headers": ["x-rls-user-id": $0.1], "calls": calls] as [String: Any] }
        let report = try await PythonClient.run("fastmcp", url: running.url, ["cases": cases], as: SessionsReport.self)
        try await running.stop()
        for (session, identity) in zip(report.sessions, identities) {
            #expect(session.error == nil, "\(identity.0): \(session.error ?? "")")
            #expect(session.tools?.map(\.name) == Self.toolNames)
            let results = try #require(session.calls)
            try #require(results.count == calls.count)
            #expect(results.allSatisfy { $0.isError == false && $0.structured == true && $0.schemaErrors == [] }, "\(results)")
            #expect(results[0].text?.contains("\"profile\":\"\(identity.0)\"") == true)
            let expected = try await MCPFixture.shared.orderCount(storeRLSUserID: identity.0 == "headoffice" ? nil : identity.1)
            #expect(try CompactResult.decode(results[1].text).r.first?.first == .number(Double(expected)), "\(identity.0)")
        }
    }

    @Test("select * from retail.customers answers within the answer budget, says truncated and how to ask for less",
          arguments: revisions)
    func answerBudget(mode: String, revision: String) async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "headoffice", "headers": ["x-rls-user-id": "headoffice"], "mode": mode,
             "calls": [["tool": "execute_sales_query", "args": ["postgresql_query": "select * from retail.customers"]]]],
        ]], as: SessionsReport.self)
        try await running.stop()
        let call = try #require(report.sessions.first?.calls?.first)
        let text = try #require(call.text)
        let defaults = MCPServerConfiguration()
        #expect(call.isError == false && call.structured == true && call.schemaErrors == [])
        #expect(text.utf8.count <= defaults.maxAnswerBytes / 3, "\(text.utf8.count) bytes of text")
        let decoded = try CompactResult.decode(text)
        #expect(decoded.n > 0 && decoded.n <= defaults.rowCap)
        #expect(text.contains(#""truncated":true"#) && text.contains("Aggregate"), "\(text.suffix(300))")
    }

    @Test(".vscode/mcp.json works as-is: its four servers reach their own identities")
    func vscodeConfiguration() async throws {
        struct File: Decodable {
            struct Server: Decodable {
                let type: String
                let url: String
                let headers: [String: String]
            }
            let servers: [String: Server]
        }
        let url = PythonClient.testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".vscode/mcp.json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        #expect(file.servers.count == 4)
        #expect(file.servers.values.allSatisfy { $0.type == "http" && $0.url == "http://127.0.0.1:8000/mcp" })
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let names = file.servers.keys.sorted()
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": names.map { name in
            ["name": name, "headers": file.servers[name]?.headers ?? [:], "calls": [["tool": "whoami"]]]
        }], as: SessionsReport.self)
        try await running.stop()
        for session in report.sessions {
            let profile = try #require(session.name.split(separator: "-").last)
            #expect(session.calls?.first?.text?.contains("\"profile\":\"\(profile)\"") == true, "\(session.name): \(session)")
        }
    }

    @Test("stateless mode serves the same tools, and version negotiation in auto mode works")
    func statelessMode() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) { $0.stateless = true }
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "seattle", "mode": "auto", "headers": ["x-rls-user-id": SampleIdentity.seattle], "list_tools": true,
             "calls": [["tool": "whoami"], ["tool": "execute_sales_query", "args": ["postgresql_query": Self.countOrders]]]],
            ["name": "anonymous", "headers": [:], "calls": [["tool": "whoami"]]],
        ]], as: SessionsReport.self)
        try await running.stop()

        let seattle = report.sessions[0]
        #expect(seattle.error == nil, "\(seattle.error ?? "")")
        #expect(seattle.tools?.map(\.name) == Self.toolNames)
        #expect(seattle.calls?.first?.text?.contains("\"profile\":\"seattle\"") == true)
        let expected = try await MCPFixture.shared.orderCount(storeRLSUserID: SampleIdentity.seattle)
        let count = try CompactResult.decode(seattle.calls?.last?.text)
        #expect(count.r.first?.first == .number(Double(expected)))
        #expect(report.sessions[1].error?.contains("no identity") == true, "\(report.sessions[1])")
    }

    @Test("semantic search goes through the ProductSearching seam with the caller's session")
    func searchSeam() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database, search: NameMatchSearch())
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "redmond", "headers": ["x-rls-user-id": SampleIdentity.redmond], "calls": [
                ["tool": "semantic_search_products", "args": ["query_description": "a", "max_rows": 500, "similarity_threshold": 10]],
                ["tool": "semantic_search_products", "args": ["query_description": "a", "max_rows": "ten"]],
                ["tool": "semantic_search_products", "args": ["query_description": "a", "similarity_threshold": 250]],
                ["tool": "semantic_search_products", "args": ["max_rows": 3]],
            ]],
        ]], as: SessionsReport.self)
        try await running.stop()

        let calls = try #require(report.sessions.first?.calls)
        let found = try CompactResult.decode(calls[0].text)
        #expect(calls[0].isError == false)
        #expect(found.c == ["product_id", "product_name", "similarity", "rls_user_id"])
        #expect(found.n == SearchRequest.rowCap, "max_rows is capped at 100")
        #expect(found.r.allSatisfy { $0[3] == .string(SampleIdentity.redmond) }, "the search ran as the caller")
        #expect(calls[1].isError == true && calls[1].text?.contains("max_rows must be an integer") == true)
        #expect(calls[2].isError == true && calls[2].text?.contains("similarity_threshold is a percentage from 0 to 100") == true)
        #expect(calls[3].isError == true && calls[3].text?.contains("query_description is required") == true)
    }
}

extension InteropTests {
    @Test("product search: an unknown category is a tool error listing the categories; head office's stock says it is every store's")
    func searchCategoriesAndStock() async throws {
        let database = try await MCPFixture.shared.analyst()
        let embedder = try await TestEnvironment.shared.embedder()
        let running = try await RunningServer.start(database, search: EmbeddingProductSearch { embedder })
        let search = { (category: String) -> [String: Any] in
            ["tool": "semantic_search_products", "args": ["query_description": "cordless drill", "max_rows": 5, "category": category]]
        }
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "headoffice", "headers": ["x-rls-user-id": SampleIdentity.headOffice],
             "calls": [search("POWER TOOL"), search("power tools")]],
            ["name": "seattle", "headers": ["x-rls-user-id": SampleIdentity.seattle], "calls": [search("Power Tools")]],
        ]], as: SessionsReport.self)
        try await running.stop()

        let headOffice = try #require(report.sessions.first?.calls)
        try #require(headOffice.count == 2)
        #expect(headOffice[0].isError == true)
        let unknown = try CompactResult.decode(headOffice[0].text)
        #expect(unknown.err?.hasPrefix("no category \"POWER TOOL\"; the categories are: ") == true, "\(unknown)")
        for category in ["ELECTRICAL", "GARDEN & OUTDOOR", "HAND TOOLS", "POWER TOOLS", "PLUMBING"] {
            #expect(unknown.err?.contains(category) == true, "\(category) in \(unknown)")
        }
        let all = try CompactResult.decode(headOffice[1].text)
        #expect(headOffice[1].isError == false)
        #expect(all.c.last == "stock_all_stores" && all.n > 0)
        #expect(all.r.allSatisfy { $0[3] == .string("POWER TOOLS") })

        let seattle = try #require(report.sessions.last?.calls?.first)
        let own = try CompactResult.decode(seattle.text)
        #expect(seattle.isError == false)
        #expect(own.c == ["product_id", "sku", "product_name", "category_name", "type_name", "base_price", "similarity", "stock"])
        #expect(own.n > 0 && own.r.allSatisfy { $0[3] == .string("POWER TOOLS") })
    }
}

/// A stand-in search engine for the seam (the real one lives elsewhere): it runs its SQL
/// through the session it is given, as the contract requires.
struct NameMatchSearch: ProductSearching {
    func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult {
        try await session.run("""
            SELECT p.product_id, p.product_name, 99.5::float8 AS similarity, current_setting('zava.rls_user_id') AS rls_user_id
            FROM retail.products p CROSS JOIN generate_series(1, 3)
            WHERE p.product_name ILIKE '%' || $1 || '%' AND 99.5 >= $2::float8
            ORDER BY 1 LIMIT $3::int
            """, parameters: [request.query, String(request.similarityThreshold), String(request.maxRows)])
    }
}
