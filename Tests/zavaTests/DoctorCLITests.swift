import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaTestSupport

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
        #expect(overridden.stdout == "stores\r\n8\r\n")
    }
}
}
