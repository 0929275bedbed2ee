import Foundation
import Testing
import ZavaCore
@testable import ZavaMCP

/// More concurrent tool calls than pooled connections: the extra calls wait a bounded time,
/// then get a clear "database busy" tool error; the endpoint serves normally afterwards.
@Suite("MCP: pool exhaustion", .serialized)
struct PoolExhaustionTests {
    @Test("calls beyond the pool wait, then get a busy error; nothing is lost")
    func busyAfterTheWait() async throws {
        let fixture = try await MCPFixture.shared.database()
        let database = Database(conninfo: try fixture.conninfo(.analyst), poolSize: 1, acquireTimeout: .milliseconds(300),
                                limits: QueryLimits(rowCap: 100, statementTimeout: .seconds(10)))
        let running = try await RunningServer.start(database)
        let report = try await PythonClient.run("concurrent", url: running.url, [
            "identities": [SampleIdentity.seattle], "sessions_per_identity": 1, "calls_per_session": 3,
            "sql": "SELECT 'slept' AS outcome FROM pg_sleep(1.5)",
        ], as: ConcurrentReport.self)
        let after = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "after", "headers": ["x-rls-user-id": "seattle"],
             "calls": [["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT 1 AS one"]]]],
        ]], as: SessionsReport.self)
        try await running.stop()

        #expect(report.failures.isEmpty, "\(report.failures)")
        let calls = report.results.flatMap(\.calls)
        try #require(calls.count == 3)
        let slept = calls.filter { $0.isError == false && $0.text?.contains("slept") == true }
        let busy = calls.filter { $0.isError == true && $0.text?.contains("database busy") == true }
        #expect(slept.count == 1 && busy.count == 2, "\(calls)")
        #expect(report.seconds < 5)
        #expect(after.sessions.first?.calls?.first?.text == #"{"c":["one"],"r":[[1]],"n":1}"#)
        #expect(await database.executor.statistics.inUse == 0)
        await database.close()
    }
}
