import Foundation
import Testing
import ZavaCore
import ZavaPostgres
@testable import ZavaMCP

/// The one request path from HTTP bytes to the tool and back, driven with raw HTTP: results,
/// tool errors and JSON-RPC errors in both modes, what each revision's checks refuse, and
/// calls stopped by the client or the request timeout.
@Suite("MCP endpoint: one request path", .serialized)
struct EndpointTests {
    static let seattle = ["x-rls-user-id": "seattle"]

    static func call(_ id: Int, _ tool: String, _ arguments: [String: Any]? = nil) -> [String: Any] {
        var params: [String: Any] = ["name": tool]
        if let arguments { params["arguments"] = arguments }
        return ["jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params]
    }

    /// Deterministic calls: results, tool errors and JSON-RPC errors.
    static var cases: [[String: Any]] { [
        ["name": "query", "body": call(1, "execute_sales_query", ["postgresql_query": "SELECT count(*) AS n, 'a/b' AS s FROM retail.orders"])],
        ["name": "string id", "body": ["jsonrpc": "2.0", "id": "q-1", "method": "tools/call",
                                       "params": ["name": "execute_sales_query", "arguments": ["postgresql_query": "SELECT 1 AS one"]]]],
        ["name": "unicode", "body": call(14, "execute_sales_query", ["postgresql_query": "SELECT E'é 日本 🚀\\n\"q\" \\\\ /' AS s"])],
        ["name": "sql error", "body": call(2, "execute_sales_query", ["postgresql_query": "SELECT nope FROM retail.orders"])],
        ["name": "wrong type", "body": call(3, "execute_sales_query", ["postgresql_query": 42])],
        ["name": "unknown parameter", "body": call(4, "execute_sales_query", ["postgresql_query": "SELECT 1", "as_user": "headoffice"])],
        ["name": "missing parameter", "body": call(5, "execute_sales_query", [:])],
        ["name": "unknown tool", "body": call(6, "drop_all_tables")],
        ["name": "whoami", "body": call(7, "whoami")],
        ["name": "schemas", "body": call(8, "get_multiple_table_schemas", ["table_names": ["retail.stores"]])],
        ["name": "no search", "body": call(9, "semantic_search_products", ["query_description": "drill", "max_rows": 20.0])],
        ["name": "data url", "body": call(10, "execute_sales_query", ["postgresql_query": "data:,SELECT 1"])],
        ["name": "meta", "body": ["jsonrpc": "2.0", "id": 11, "method": "tools/call",
                                  "params": ["name": "whoami", "_meta": ["progressToken": 5]]]],
        ["name": "arguments array", "body": ["jsonrpc": "2.0", "id": 12, "method": "tools/call",
                                             "params": ["name": "whoami", "arguments": [1]]]],
        ["name": "no params", "body": ["jsonrpc": "2.0", "id": 13, "method": "tools/call"]],
    ] }

    /// The JSON-RPC message of a JSON body.
    static func message(_ result: RawResult) -> String? {
        guard let body = result.body, body.hasPrefix("{") else { return nil }
        return body
    }

    @Test("stateful and stateless: every call answered as one JSON message", arguments: [false, true])
    func answers(stateless: Bool) async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) { $0.stateless = stateless }
        let cases = Self.cases.map { $0.merging(["session": !stateless, "headers": Self.seattle]) { $1 } }
        let report = try await PythonClient.run("raw", url: running.url, ["cases": cases], as: RawReport.self)
        try await running.stop()
        #expect(await database.executor.statistics.inUse == 0)
        for answer in report.raw {
            #expect(answer.error == nil && answer.status == 200, "\(answer.name): \(answer.status ?? -1) \(answer.error ?? "")")
            #expect(answer.headers?["content-type"] == "application/json", "\(answer.name)")
            if !stateless { #expect(answer.headers?["mcp-session-id"] != nil, "\(answer.name)") }
        }
        func message(_ name: String) throws -> String { try #require(report.raw.first { $0.name == name }.flatMap(Self.message)) }
        #expect(try message("query").contains(#"\"a/b\""#) && message("query").contains(#""isError":false"#))
        #expect(try message("unicode").contains("é 日本 🚀"))
        #expect(try message("sql error").contains(#""isError":true"#) && message("sql error").contains("does not exist"))
        #expect(try message("wrong type").contains("postgresql_query must be a string"))
        #expect(try message("unknown tool").contains("-32602") && message("unknown tool").contains("Unknown tool: drop_all_tables"))
        #expect(try message("data url").contains(#""isError":true"#), "data: text is SQL like any other")
        #expect(try message("meta").contains(#"\"profile\":\"seattle\""#))
        #expect(try message("arguments array").contains("-32602") && message("no params").contains("-32602"))
    }

    @Test("sessions, identities, protocol versions and media types are checked before anything runs")
    func refusals() async throws {
        let call = Self.call(1, "whoami")
        let cases: [[String: Any]] = [
            ["name": "unknown session", "headers": Self.seattle.merging(["Mcp-Session-Id": "not-a-session"]) { $1 }, "body": call],
            ["name": "no session", "headers": Self.seattle, "body": call],
            ["name": "no identity", "session": true, "headers": Self.seattle, "override": ["x-rls-user-id": ""], "body": call],
            ["name": "other identity", "session": true, "headers": Self.seattle, "override": ["x-rls-user-id": "headoffice"], "body": call],
            ["name": "bad version", "session": true, "headers": Self.seattle, "override": ["MCP-Protocol-Version": "1999-01-01"], "body": call],
            ["name": "no json accepted", "session": true, "headers": Self.seattle, "override": ["Accept": "text/event-stream"], "body": call],
            ["name": "text/plain", "session": true, "headers": Self.seattle, "override": ["Content-Type": "text/plain"], "body": call],
            ["name": "forged host", "session": true, "headers": Self.seattle, "override": ["Host": "evil.example:80"], "body": call],
            ["name": "no version header", "session": true, "headers": Self.seattle, "drop": ["MCP-Protocol-Version"], "body": call],
        ]
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let report = try await PythonClient.run("raw", url: running.url, ["cases": cases], as: RawReport.self)
        try await running.stop()
        let expected = ["unknown session": 404, "no session": 400, "no identity": 401, "other identity": 403, "bad version": 400,
                        "no json accepted": 406, "text/plain": 415, "forged host": 421, "no version header": 200]
        for answer in report.raw {
            #expect(answer.status == expected[answer.name], "\(answer.name): \(answer.status ?? -1) \(answer.body ?? answer.error ?? "")")
            #expect(answer.body?.contains(#""jsonrpc":"2.0""#) == true, "\(answer.name): a JSON-RPC message says why")
        }
        let answered = try #require(report.raw.last)
        #expect(answered.headers?["content-type"] == "application/json")
        #expect(Self.message(answered)?.contains(#"\"profile\":\"seattle\""#) == true)
    }

    @Test("notifications/cancelled stops a call and frees its connection")
    func cancelled() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database)
        let report = try await PythonClient.run("cancel", url: running.url,
                                                ["identity": "seattle", "sql": "SELECT pg_sleep(10)", "after": 0.7], as: RawReport.self)
        try await running.stop()
        let answer = try #require(report.raw.first)
        #expect(try #require(answer.seconds) < 8, "the call did not wait for pg_sleep(10)")
        #expect(answer.status == 200 && answer.headers?["content-type"] == "application/json")
        #expect(answer.body?.contains(#""isError":true"#) == true && answer.body?.contains("cancel") == true, "\(answer.body ?? "")")
        #expect(await database.executor.statistics.inUse == 0)
    }

    @Test("the request timeout stops a call and says so")
    func requestTimeout() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database, search: StuckSearch()) { $0.requestTimeout = .seconds(1) }
        let started = ContinuousClock.now
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "seattle", "headers": Self.seattle, "calls": [
                ["tool": "semantic_search_products", "args": ["query_description": "drill"]],
                ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT pg_sleep(10)"]],
            ]],
        ]], as: SessionsReport.self)
        try await running.stop()
        let calls = try #require(report.sessions.first?.calls)
        #expect(ContinuousClock.now - started < .seconds(60), "the calls did not wait out pg_sleep(10) and the stuck search")
        #expect(calls.first?.isError == true && calls.first?.text?.contains("no answer within the request timeout of 1 s") == true,
                "\(calls)")
        #expect(calls.last?.isError == true && calls.last?.text?.contains("timeout") == true, "\(calls)")
        #expect(await database.executor.statistics.inUse == 0)
    }
}

/// A search that never answers on its own.
struct StuckSearch: ProductSearching {
    func searchProducts(session: Session, request: SearchRequest) async throws -> QueryResult {
        try await Task.sleep(for: .seconds(60))
        throw CancellationError()
    }
}
