import Foundation
import Testing
import ZavaCore
import ZavaTesting
@testable import ZavaMCP

/// Clients that send garbage, too much, the wrong things, or vanish mid-call: each gets a clear
/// error, the server keeps serving, and no pooled connection is lost.
@Suite("MCP hostile clients", .serialized)
struct HostileClientTests {
    static let seattle = ["x-rls-user-id": "seattle"]

    static func rpc(_ id: Int, _ method: String, _ params: [String: Any]? = nil) -> [String: Any] {
        var message: [String: Any] = ["jsonrpc": "2.0", "id": id, "method": method]
        if let params { message["params"] = params }
        return message
    }

    @Test("malformed JSON-RPC, unknown methods, wrong media types and a 10 MB body get clear HTTP errors")
    func malformedRequests() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let report = try await PythonClient.run("raw", url: running.url, ["cases": [
            ["name": "not json", "session": true, "headers": Self.seattle, "body": #"{"jsonrpc": "2.0", "id": 1, "meth"#],
            ["name": "json array", "session": true, "headers": Self.seattle, "body": "[1, 2, 3]"],
            ["name": "no method", "session": true, "headers": Self.seattle, "body": ["jsonrpc": "2.0", "id": 9]],
            ["name": "unknown method", "session": true, "headers": Self.seattle, "body": Self.rpc(10, "sql/drop_everything")],
            ["name": "10 MB body", "headers": Self.seattle, "body_bytes": 10_000_000],
            ["name": "text/plain", "session": true, "headers": Self.seattle, "override": ["Content-Type": "text/plain"],
             "body": Self.rpc(11, "tools/list")],
            ["name": "unknown session", "headers": Self.seattle.merging(["Mcp-Session-Id": "not-a-session"]) { $1 },
             "body": Self.rpc(12, "tools/list")],
            ["name": "no session", "headers": Self.seattle, "body": Self.rpc(13, "tools/list")],
            ["name": "forged internal header", "session": true, "headers": Self.seattle,
             "override": ["x-zava-rls-user-id": SampleIdentity.headOffice, "x-zava-auth": "token"],
             "body": Self.rpc(14, "tools/call", ["name": "whoami"])],
        ]], as: RawReport.self)
        try await running.stop()

        func result(_ name: String) throws -> RawResult { try #require(report.raw.first { $0.name == name }) }
        #expect(try result("not json").status == 400)
        #expect(try result("not json").body?.contains("-32700") == true)
        #expect(try result("json array").status == 400)
        #expect(try result("no method").status == 400)
        #expect(try result("unknown method").status == 200)
        #expect(try result("unknown method").body?.contains("-32601") == true, "JSON-RPC method not found")
        #expect(try result("10 MB body").status == 413)
        #expect(try result("10 MB body").body?.contains("limited to 1048576 bytes") == true)
        #expect(try result("text/plain").status == 415)
        #expect(try result("unknown session").status == 404)
        #expect(try result("no session").status == 400)
        let forged = try result("forged internal header")
        #expect(forged.status == 200 && forged.body?.contains(#"\"profile\":\"seattle\""#) == true, "\(forged.body ?? "")")
        #expect(await database.executor.statistics.inUse == 0)
    }

    @Test("unknown tools, wrong parameter types and bad SQL are tool errors; the session keeps working")
    func badToolCalls() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database) { $0.rowCap = 1_000 }
        let calls: [[String: Any]] = [
            ["tool": "drop_all_tables"],
            ["tool": "execute_sales_query", "args": ["postgresql_query": 42]],
            ["tool": "execute_sales_query", "args": [:]],
            ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT 1", "as_user": "headoffice"]],
            ["tool": "get_multiple_table_schemas", "args": ["table_names": "retail.orders"]],
            ["tool": "get_multiple_table_schemas", "args": ["table_names": [1, 2]]],
            ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT 1; SELECT 2"]],
            ["tool": "execute_sales_query", "args": ["postgresql_query": "DELETE FROM retail.orders"]],
            ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT set_config('zava.rls_user_id', '00000000-0000-0000-0000-000000000000', true)"]],
            ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT g FROM generate_series(1, 5000) g"]],
            ["tool": "whoami"],
        ]
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "seattle", "headers": Self.seattle, "calls": calls],
        ]], as: SessionsReport.self)
        try await running.stop()

        let results = try #require(report.sessions.first?.calls)
        try #require(results.count == calls.count, "\(report.sessions.first?.error ?? "")")
        #expect(results[0].rpcError?.contains("Unknown tool") == true, "\(results[0])")
        #expect(results[1].isError == true && results[1].text?.contains("postgresql_query must be a string, got an integer") == true)
        #expect(results[2].isError == true && results[2].text?.contains("postgresql_query is required") == true)
        #expect(results[3].isError == true && results[3].text?.contains("unknown parameter as_user") == true)
        #expect(results[4].isError == true && results[4].text?.contains("table_names must be an array of strings") == true)
        #expect(results[5].isError == true && results[5].text?.contains("table_names[0] must be a string") == true)
        #expect(results[6].isError == true && results[6].text?.contains("multiple commands") == true, "\(results[6])")
        #expect(results[7].isError == true && results[7].text?.contains("ERROR:") == true, "\(results[7])")
        #expect(results[8].isError == true, "set_config is not the analyst's: \(results[8])")
        let capped = try CompactResult.decode(results[9].text)
        #expect(results[9].isError == false && capped.n == 1_000 && capped.truncated == true)
        #expect(results[10].text?.contains("\"profile\":\"seattle\"") == true, "the session still works")
        for failure in results[1...8] where failure.text?.hasPrefix("{") == true {
            let shaped = try CompactResult.decode(failure.text)
            #expect(shaped.err != nil && shaped.n == 0, "errors keep the sample's {err, c, r, n} shape")
        }
        #expect(await database.executor.statistics.inUse == 0)
    }

    @Test("a client that disconnects mid-call: its query is cancelled and its connection returns to the pool")
    func disconnectMidCall() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 2)
        let running = try await RunningServer.start(database)
        let started = ContinuousClock.now
        let client = Task {
            try await PythonClient.run("disconnect", url: running.url,
                                       ["identity": "seattle", "sql": "SELECT pg_sleep(5)", "after": 0.7], as: DisconnectReport.self)
        }
        let running1 = await eventually(within: .seconds(20)) { await database.executor.statistics.inUse == 1 }
        #expect(running1, "the slow query started")
        _ = try await client.value
        let released = await eventually(within: .seconds(2)) { await database.executor.statistics.inUse == 0 }
        #expect(released, "the connection came back without waiting for pg_sleep(5)")
        #expect(ContinuousClock.now - started < .seconds(20))
        let stats = await database.executor.statistics
        #expect(stats.open <= stats.size && stats.waiting == 0)

        let after = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "after", "headers": Self.seattle, "calls": [["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT 1 AS one"]]]],
        ]], as: SessionsReport.self)
        try await running.stop()
        #expect(after.sessions.first?.calls?.first?.text == #"{"c":["one"],"r":[[1]],"n":1}"#)
        #expect(running.logs.all.contains { $0.contains("tool call") && $0.contains("outcome=error") })
    }
}
