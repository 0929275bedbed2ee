import Foundation
import Testing
import ZavaCore
import ZavaTesting
@testable import ZavaMCP

/// Many clients at once, health and metrics, and a clean shutdown.
@Suite("MCP load and operations", .serialized)
struct LoadAndOperationsTests {
    @Test("200 concurrent tool calls over mixed identities: every answer is for its own identity")
    func concurrentCallsKeepTheirIdentity() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 4)
        let running = try await RunningServer.start(database)
        let identities = [SampleIdentity.headOffice, SampleIdentity.seattle, SampleIdentity.redmond, SampleIdentity.online]
        let sql = """
            SELECT current_setting('zava.rls_user_id') AS me, count(*) AS orders, count(DISTINCT store_id) AS stores,
                   min(store_id) AS lowest FROM retail.orders
            """
        let report = try await PythonClient.run("concurrent", url: running.url, [
            "identities": identities, "sessions_per_identity": 2, "calls_per_session": 25, "sql": sql,
        ], as: ConcurrentReport.self)
        try await running.stop()

        #expect(report.failures.isEmpty, "\(report.failures)")
        let directory = try await database.identities()
        var answered = 0
        for session in report.results {
            let identity = try directory.resolve(session.identity)
            let orders = try await MCPFixture.shared.orderCount(storeRLSUserID: identity.isHeadOffice ? nil : session.identity)
            for call in session.calls {
                let result = try CompactResult.decode(call.text)
                let row = try #require(result.r.first, "\(call)")
                #expect(row[0] == .string(session.identity), "answered as \(row[0]) for \(session.identity)")
                #expect(row[1] == .number(Double(orders)))
                if identity.isHeadOffice {
                    #expect(row[2] == .number(8))
                } else {
                    #expect(row[2] == .number(1) && row[3] == .number(Double(identity.storeID ?? -1)))
                }
                answered += 1
            }
        }
        #expect(answered == 200)
        #expect(await database.executor.statistics.inUse == 0)
    }

    @Test("/healthz follows the database, /metrics counts tools, refusals and pool use")
    func healthAndMetrics() async throws {
        let database = try await MCPFixture.shared.analyst(poolSize: 3)
        let running = try await RunningServer.start(database)
        _ = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "seattle", "headers": ["x-rls-user-id": "seattle"],
             "calls": [["tool": "whoami"], ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT 1"]],
                       ["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT nope"]]]],
            ["name": "anonymous", "headers": [:], "calls": [["tool": "whoami"]]],
        ]], as: SessionsReport.self)
        let healthy = try await PythonClient.run("raw", url: running.url, ["cases": [
            ["name": "healthz", "method": "GET", "path": "/healthz"],
            ["name": "metrics", "method": "GET", "path": "/metrics"],
        ]], as: RawReport.self)
        await database.close()
        let unhealthy = try await PythonClient.run("raw", url: running.url, ["cases": [
            ["name": "healthz", "method": "GET", "path": "/healthz"],
        ]], as: RawReport.self)
        try await running.stop()

        #expect(healthy.raw[0].status == 200 && healthy.raw[0].body == #"{"status":"ok"}"#)
        let metrics = try #require(healthy.raw[1].body)
        #expect(healthy.raw[1].status == 200)
        #expect(metrics.contains(#"zava_mcp_tool_calls_total{tool="execute_sales_query",outcome="ok"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"zava_mcp_tool_calls_total{tool="execute_sales_query",outcome="error"} 1"#))
        #expect(metrics.contains(#"zava_mcp_tool_call_duration_seconds_bucket{tool="whoami""#))
        #expect(metrics.contains(#"zava_mcp_refused_requests_total{reason="identity"}"#))
        #expect(metrics.contains(#"zava_mcp_pool_connections{state="size"} 3"#))
        #expect(metrics.contains(#"zava_mcp_pool_connections{state="in_use"} 0"#))
        #expect(metrics.contains("zava_mcp_http_requests_total"))
        #expect(unhealthy.raw[0].status == 503)
        #expect(unhealthy.raw[0].body?.contains("unavailable") == true)
    }

    @Test("graceful shutdown lets the call in flight finish, closes open streams, then stops")
    func gracefulShutdown() async throws {
        let database = try await MCPFixture.shared.analyst()
        let running = try await RunningServer.start(database)
        let client = Task {
            try await PythonClient.run("sessions", url: running.url, ["cases": [
                ["name": "slow", "list_tools": true, "headers": ["x-rls-user-id": "online"],
                 "calls": [["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT 42 AS answer FROM pg_sleep(2.5)"]]]],
            ]], as: SessionsReport.self)
        }
        let inFlight = await eventually(within: .seconds(20)) { await running.server.status().inFlight == 1 }
        #expect(inFlight)
        // The client also holds its session's GET stream open; give it time to connect (new
        // connections are refused once shutdown starts), so shutdown has an open stream to end.
        try await Task.sleep(for: .seconds(1))
        let requested = ContinuousClock.now
        await running.group.triggerGracefulShutdown()
        try await running.task.value
        #expect(ContinuousClock.now - requested < .seconds(10))
        let report = try await client.value
        let call = try #require(report.sessions.first?.calls?.first, "\(report.sessions.first?.error ?? "")")
        #expect(call.isError == false && call.text == #"{"c":["answer"],"r":[[42]],"n":1}"#)
        #expect(running.logs.all.contains { $0.contains("MCP endpoint stopped") })
    }
}
