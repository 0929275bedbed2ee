import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaTesting

/// `zava doctor` and the start-up refusal, through the executable: against its own embedded
/// cluster, and against throwaway database clones given as an external database.
extension ExecutableTests {
@Suite struct DoctorCLITests {
    static let override = "--i-understand-rls-is-not-enforced"

    /// The executable pointed at `database` as an external database (owner as the admin connection).
    static func zava(_ arguments: [String], external conninfo: String, admin: String?) throws -> Subprocess.Output {
        var environment = CLITests.environment
        environment["ZAVA_DATABASE_URL"] = conninfo
        environment["ZAVA_ADMIN_DATABASE_URL"] = admin
        return try Subprocess.run(CLITests.binary.path, arguments, environment: environment)
    }

    @Test func doctorPassesOnTheEmbeddedCluster() throws {
        try CLITests.provisioned()
        let result = try CLITests.zava(["doctor"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("[pass]  row-level security"))
        #expect(result.stdout.contains("[pass]  analyst role"))
        #expect(result.stdout.contains("Row-level security holds"))
        #expect(!result.stdout.contains("[FAIL]"))
    }

    @Test func rlsDisabledOnATableRefusesToStartUnlessOverridden() async throws {
        let database = try await TestEnvironment.shared.database("doctor_cli_norls")
        let admin = try await database.rawConnection(.superuser)
        try await admin.executeScript("ALTER TABLE retail.orders DISABLE ROW LEVEL SECURITY")
        try await Self.expectRefusal(analyst: try database.conninfo(.analyst), admin: try database.conninfo(.owner),
                                     failing: "row-level security", detail: "not enabled on retail.orders")
    }

    @Test func bypassRLSRoleRefusesToStartUnlessOverridden() async throws {
        let database = try await TestEnvironment.shared.database("doctor_cli_bypass")
        let bypass = try await database.loginRole("zava_doctor_cli_bypass", setup: "ALTER ROLE {role} BYPASSRLS")
        try await Self.expectRefusal(analyst: bypass,
                                     admin: nil, failing: "analyst role", detail: "BYPASSRLS")
    }

    static func expectRefusal(analyst: String, admin: String?, failing: String, detail: String) async throws {
        let doctor = try zava(["doctor"], external: analyst, admin: admin)
        #expect(doctor.status == 1)
        let line = doctor.stdout.split(separator: "\n").first { $0.contains("[FAIL]  \(failing)") }
        #expect(line?.contains(detail) == true, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("ROW-LEVEL SECURITY CAN BE BYPASSED"))

        let leak = "select count(distinct store_id) as stores from retail.orders"
        let refused = try zava(["--as", "seattle", "--format", "csv", "-c", leak], external: analyst, admin: admin)
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty, "nothing ran: \(refused.stdout)")
        #expect(refused.stderr.contains("refusing to start: row-level security can be bypassed"), "\(refused.stderr)")
        #expect(refused.stderr.contains(override))

        let serve = try zava(["--serve", "--no-repl", "--port", "0"], external: analyst, admin: admin)
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("refusing to start"), "\(serve.stderr)")
        #expect(!serve.stderr.contains("MCP endpoint:"))

        let overridden = try zava(["--as", "seattle", "--format", "csv", "-c", leak, override], external: analyst, admin: admin)
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(overridden.stderr.contains("WARNING: ROW-LEVEL SECURITY IS NOT ENFORCED ON THIS DATABASE"))
        // The doctor was right: Seattle sees every store.
        #expect(overridden.stdout == "stores\n8\n")
    }

    /// `zava --serve` against a database that loses RLS while it serves: at SIGHUP (and on its
    /// timer) it re-runs the security checks and refuses store identities until they pass again.
    @Test func aServingEndpointStopsStoreIdentitiesWhenATableLosesRLS() async throws {
        let database = try await TestEnvironment.shared.database("doctor_cli_watch")
        var environment = CLITests.environment
        environment["ZAVA_DATABASE_URL"] = try database.conninfo(.analyst)
        environment["ZAVA_ADMIN_DATABASE_URL"] = try database.conninfo(.owner)
        environment["ZAVA_SECURITY_RECHECK_SECONDS"] = "3600"  // only SIGHUP re-checks here
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("zava-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: logs) }
        let server = try ChildProcess(CLITests.binary.path, ["--serve", "--no-repl", "--stateless", "--port", "0"],
                                      environment: environment, stdout: logs.appendingPathExtension("out"),
                                      stderr: logs.appendingPathExtension("err"))
        defer { server.stop() }
        let stderr = { (try? String(contentsOf: logs.appendingPathExtension("err"), encoding: .utf8)) ?? "" }
        let listening = await eventually(within: .seconds(30)) { stderr().contains("MCP endpoint: http://") }
        try #require(listening, "\(stderr())")
        let url = try #require(stderr().split(separator: "\n").first { $0.hasPrefix("MCP endpoint: ") }?
            .split(separator: " ")[2])
        func count(as identity: String) throws -> String {
            let body = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"execute_sales_query","arguments":{"postgresql_query":"SELECT count(DISTINCT store_id) AS stores FROM retail.orders"}}}"#
            return try Subprocess.run("/usr/bin/curl", ["-s", "-m", "10", "-H", "Content-Type: application/json",
                                                        "-H", "Accept: application/json, text/event-stream",
                                                        "-H", "x-rls-user-id: \(identity)", "-d", body, String(url)]).stdout
        }
        #expect(try count(as: "seattle").contains(#"\"r\":[[1]]"#))

        let owner = try await database.rawConnection(.owner)
        try await owner.executeScript("CREATE TABLE retail.orders_copy AS SELECT * FROM retail.orders; GRANT SELECT ON retail.orders_copy TO zava_analyst")
        #expect(kill(server.pid, SIGHUP) == 0)
        let stopped = await eventually(within: .seconds(10)) { (try? count(as: "seattle"))?.contains("stopped serving store identities") == true }
        #expect(stopped, "\((try? count(as: "seattle")) ?? "")")
        #expect(try count(as: "headoffice").contains(#"\"r\":[[8]]"#), "head office is still served")
        #expect(stderr().contains("SECURITY CHECKS FAIL"), "\(stderr())")

        try await owner.executeScript("DROP TABLE retail.orders_copy")
        #expect(kill(server.pid, SIGHUP) == 0)
        let resumed = await eventually(within: .seconds(10)) { (try? count(as: "seattle"))?.contains(#"\"r\":[[1]]"#) == true }
        #expect(resumed, "\((try? count(as: "seattle")) ?? "")")
        #expect(stderr().contains("security checks pass again"))
    }
}
}
