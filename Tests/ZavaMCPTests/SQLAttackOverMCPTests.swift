import Foundation
import Testing
import ZavaCore
import ZavaTesting
@testable import ZavaMCP

/// The attack catalogue (`SQLAttack.all`, also run through the data layer by `HostileSQLTests`)
/// sent by a Seattle client through `execute_sales_query` over HTTP with the real Python client.
@Suite("MCP: the SQL attack catalogue over HTTP", .serialized)
struct SQLAttackOverMCPTests {
    @Test("every attack has its outcome over MCP, and the session is still Seattle's afterwards",
          arguments: [true, false])
    func catalogue(timeoutAttacks: Bool) async throws {
        let attacks = SQLAttack.all.filter { ($0.statementTimeout == .seconds(1)) == timeoutAttacks }
        let fixture = try await MCPFixture.shared.database()
        let database = try fixture.analyst(poolSize: 2, rowCap: 1_000, statementTimeout: attacks[0].statementTimeout)
        let running = try await RunningServer.start(database)
        let seattle = try await database.identities().resolve("seattle")
        let storeID = try #require(seattle.storeID)
        let substitute = { (sql: String) in sql.replacingOccurrences(of: "{store}", with: String(storeID)) }
        var calls: [[String: Any]] = attacks.map { ["tool": "execute_sales_query", "args": ["postgresql_query": substitute($0.sql)]] }
        calls.append(["tool": "execute_sales_query", "args": ["postgresql_query": "SELECT count(*), count(DISTINCT store_id) FROM retail.orders"]])
        calls.append(["tool": "whoami"])
        let report = try await PythonClient.run("sessions", url: running.url, ["cases": [
            ["name": "seattle", "headers": ["x-rls-user-id": SampleIdentity.seattle], "calls": calls],
        ]], as: SessionsReport.self, timeout: .seconds(180))
        try await running.stop()

        let results = try #require(report.sessions.first?.calls, "\(report.sessions.first?.error ?? "")")
        try #require(results.count == calls.count)
        for (attack, result) in zip(attacks, results) {
            switch attack.outcome {
            case .refused(_, let message):
                #expect(result.isError == true && result.text?.contains(message) == true, "\(attack.sql): \(result)")
            case .ownRows(let reference):
                let expected = try await fixture.ownerScalar(substitute(reference))
                let cell = try CompactResult.decode(result.text).r.first?.first
                #expect(result.isError == false && cell?.description == expected, "\(attack.sql): \(result) vs \(expected ?? "")")
            case .harmless:
                #expect(result.isError == false, "\(attack.sql): \(result)")
            case .truncated:
                let capped = try CompactResult.decode(result.text)
                #expect(capped.truncated == true && capped.n <= 1_000, "\(attack.sql)")
            }
        }
        let own = try await MCPFixture.shared.orderCount(storeRLSUserID: SampleIdentity.seattle)
        let after = try CompactResult.decode(results[attacks.count].text)
        #expect(after.r.first == [.number(Double(own)), .number(1)])
        #expect(results[attacks.count + 1].text?.contains("\"profile\":\"seattle\"") == true)
        #expect(await database.executor.statistics.inUse == 0)
        await database.close()
    }
}
