import Foundation
import Testing
import ZavaCore
import ZavaTesting
@testable import ZavaMCP

/// What `InferenceTests` proves through the data layer, over HTTP: one identity's slow calls
/// leave a connection for the others, a busy pool is not an unhealthy instance, and a backend
/// that answers nothing does not hold a call past its deadline. (EXPLAIN ANALYZE, the revoked
/// counters and the statements refused before sending are in the attack catalogue, which
/// `SQLAttackOverMCPTests` sends over HTTP.)
@Suite("MCP: inference and deadlines", .serialized)
struct InferenceOverMCPTests {
    static func call(_ sql: String, as identity: String, name: String = "call") -> [String: Any] {
        ["name": name, "session": true, "headers": ["x-rls-user-id": identity],
         "body": ["jsonrpc": "2.0", "id": 1, "method": "tools/call",
                  "params": ["name": "execute_sales_query", "arguments": ["postgresql_query": sql]]]]
    }

    @Test("seven Seattle sleepers do not keep head office from answering within 1 s")
    func oneIdentityCannotStarveTheOthers() async throws {
        let fixture = try await MCPFixture.shared.database()
        // Seattle's seven run three at a time: the last waits two rounds for its turn.
        let database = Database(conninfo: try fixture.conninfo(.analyst), poolSize: 4, acquireTimeout: .seconds(40),
                                limits: QueryLimits(rowCap: 100, statementTimeout: .seconds(20)))
        let running = try await RunningServer.start(database) { $0.requestTimeout = .seconds(60) }
        let sleepers = Task {
            try await PythonClient.run("concurrent", url: running.url, [
                "identities": [SampleIdentity.seattle], "sessions_per_identity": 7, "calls_per_session": 1,
                "sql": "SELECT 'slept' AS outcome FROM pg_sleep(6)",
            ], as: ConcurrentReport.self, timeout: .seconds(90))
        }
        let busy = await eventually(within: .seconds(20)) { await database.executor.statistics.inUse == 3 }
        #expect(busy)
        let report = try await PythonClient.run("raw", url: running.url, ["cases": [
            Self.call("SELECT count(DISTINCT store_id) AS stores FROM retail.orders", as: SampleIdentity.headOffice),
        ]], as: RawReport.self)
        let answer = try #require(report.raw.first)
        #expect(answer.status == 200 && answer.body?.contains(#"\"r\":[[8]]"#) == true, "\(answer)")
        #expect((answer.seconds ?? 99) < 1, "head office answered in \(answer.seconds ?? -1) s")
        let slept = try await sleepers.value.results.flatMap(\.calls)
        #expect(slept.count == 7 && slept.allSatisfy { $0.text?.contains("slept") == true }, "\(slept)")
        try await running.stop()
        await database.close()
    }

    /// The analyst's search path holds `retail`: an agent writing `stores` gets the table, as
    /// at the prompt, and still only its own store's orders.
    @Test("bare table names work over MCP, under the same RLS")
    func bareTableNames() async throws {
        let fixture = try await MCPFixture.shared.database()
        let database = try fixture.analyst(poolSize: 2, statementTimeout: .seconds(20))
        let running = try await RunningServer.start(database)
        let report = try await PythonClient.run("raw", url: running.url, ["cases": [
            Self.call("SELECT count(*) AS n FROM stores", as: SampleIdentity.seattle),
            Self.call("SELECT count(DISTINCT store_id) AS n FROM orders", as: SampleIdentity.seattle),
        ]], as: RawReport.self)
        #expect(report.raw.count == 2)
        #expect(report.raw.first?.body?.contains(#"\"r\":[[8]]"#) == true, "\(report.raw)")
        #expect(report.raw.last?.body?.contains(#"\"r\":[[1]]"#) == true, "Seattle's orders only: \(report.raw)")
        try await running.stop()
        await database.close()
    }

    @Test("/healthz answers 200 busy, not 503, while every pooled connection is in use")
    func aBusyPoolIsHealthy() async throws {
        let fixture = try await MCPFixture.shared.database()
        let database = try fixture.analyst(poolSize: 2, statementTimeout: .seconds(20))
        let running = try await RunningServer.start(database)
        let sleepers = Task {
            try await PythonClient.run("concurrent", url: running.url, [
                "identities": [SampleIdentity.seattle, SampleIdentity.redmond], "sessions_per_identity": 1,
                "calls_per_session": 1, "sql": "SELECT 'slept' AS outcome FROM pg_sleep(10)",
            ], as: ConcurrentReport.self, timeout: .seconds(60))
        }
        let full = await eventually(within: .seconds(20)) { await database.executor.statistics.inUse == 2 }
        #expect(full)
        let health = try await PythonClient.run("raw", url: running.url, ["cases": [
            ["name": "health", "method": "GET", "path": "/healthz"],
        ]], as: RawReport.self)
        #expect(health.raw.first?.status == 200 && health.raw.first?.body?.contains(#""status":"busy""#) == true, "\(health.raw)")
        _ = try await sleepers.value
        try await running.stop()
        await database.close()
    }

    @Test("a backend that answers nothing: the call ends at the request timeout and its connection is not reused")
    func aStuckBackendEndsAtTheDeadline() async throws {
        let fixture = try await MCPFixture.shared.database()
        let database = try fixture.analyst(poolSize: 1, statementTimeout: .seconds(30))
        let running = try await RunningServer.start(database) { $0.requestTimeout = .seconds(1) }
        let before = try await PythonClient.run("raw", url: running.url, ["cases": [
            Self.call("SELECT pg_backend_pid() AS pid", as: SampleIdentity.seattle),
        ]], as: RawReport.self)
        let pid = try #require(before.raw.first?.body.flatMap(Self.firstNumber))
        #expect(kill(pid, SIGSTOP) == 0)
        defer { kill(pid, SIGCONT) }
        let stuck = try await PythonClient.run("raw", url: running.url, ["cases": [
            Self.call("SELECT count(*) FROM retail.orders", as: SampleIdentity.seattle),
            Self.call("SELECT pg_backend_pid() AS pid", as: SampleIdentity.seattle, name: "after"),
        ]], as: RawReport.self)
        let call = try #require(stuck.raw.first)
        #expect(call.status == 200 && call.body?.contains("request timeout") == true, "\(call)")
        #expect((call.seconds ?? 99) < 2, "answered in \(call.seconds ?? -1) s: within the 1 s deadline + 1 s")
        let after = try #require(stuck.raw.last?.body.flatMap(Self.firstNumber))
        #expect(after != pid, "the stuck connection was not reused")
        try await running.stop()
        await database.close()
    }

    /// The first number in a compact result's rows (`"r":[[1234]]`), from a JSON or SSE body.
    static func firstNumber(_ body: String) -> Int32? {
        guard let range = body.range(of: #"\"r\":[["#) else { return nil }
        return Int32(body[range.upperBound...].prefix { $0.isNumber })
    }
}
