import Foundation
import Testing
@testable import ZavaCore
@testable import ZavaTesting

/// `zava doctor`'s checks: all pass on a correctly provisioned database, and each way around
/// RLS that an operator could leave behind is reported as a failure.
@Suite struct DoctorTests {
    static let model = "all-MiniLM-L6-v2"

    @Test func everyCheckPassesOnTheTestDatabase() async throws {
        let database = try await TestEnvironment.shared.database("doctor")
        let analyst = try database.analyst()
        let full = try await Doctor(database: analyst, adminConninfo: try database.conninfo(.owner), embeddingModel: Self.model).fullReport()
        let notPassing = full.checks.filter { $0.verdict != .pass }
        #expect(notPassing.isEmpty, "\(full.rendered())")
        #expect(full.check("row-level security")?.detail.contains("all 11 retail tables") == true)
        #expect(full.check("embeddings")?.detail.contains("all-MiniLM-L6-v2") == true, "\(full.rendered())")
        // Without the owner's connection the doctor says it saw only what the analyst sees.
        let analystOnly = try await Doctor(database: analyst, embeddingModel: Self.model).fullReport()
        #expect(analystOnly.check("vantage")?.verdict == .warn)
        #expect(analystOnly.checks.filter { $0.verdict == .fail }.isEmpty, "\(analystOnly.rendered())")
        // Another model configured: the stored vectors are reported as not this model's.
        let otherModel = try await Doctor(database: analyst, adminConninfo: try database.conninfo(.owner),
                                          embeddingModel: "text-embedding-3-small").fullReport()
        #expect(otherModel.check("embeddings")?.verdict == .warn)
        #expect(otherModel.check("embeddings")?.detail.contains("configured model is text-embedding-3-small") == true)
        await analyst.close()
    }

    /// The start-up check rides on the pool's one connection and asks only the security facts;
    /// its latency is measured by `zava-bench startup` (BENCHMARKS.md), not here.
    @Test func theStartupCheckAsksOnlySecurityFactsOnThePoolsConnection() async throws {
        let database = try await TestEnvironment.shared.database("doctor")
        let analyst = try database.analyst(poolSize: 1)
        let backend = try await analyst.anonymous.run("SELECT pg_backend_pid()").rows
        let report = try await Doctor(database: analyst).securityReport()
        #expect(report.rlsEnforced)
        let fullReportOnly = Set(DoctorRules.health([:], embeddingModel: nil, staleEmbeddings: nil).map(\.name) + ["vantage"])
        #expect(Set(report.checks.map(\.name)).isDisjoint(with: fullReportOnly), "\(report.rendered())")
        #expect(await analyst.executor.statistics.open == 1, "no extra connection")
        #expect(try await analyst.anonymous.run("SELECT pg_backend_pid()").rows == backend, "the same backend served it")
        await analyst.close()
    }

    @Test func expectedIndexesAreTheOnesTheSchemaCreates() throws {
        let files = TestEnvironment.shared.files
        var created: [String] = []
        for name in ["030_indexes.sql", "040_search.sql"] {
            let sql = try String(contentsOf: files.sqlDirectory.appendingPathComponent(name), encoding: .utf8)
            for line in sql.split(separator: "\n") where line.hasPrefix("CREATE INDEX IF NOT EXISTS ") {
                created.append(String(line.dropFirst("CREATE INDEX IF NOT EXISTS ".count).prefix { $0 != " " }))
            }
        }
        #expect(Set(created) == Set(DoctorRules.expectedIndexes))
    }

    /// A role like the analyst but misconfigured one way; `{role}` and `{db}` are substituted.
    struct RoleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var setup: String
        var failingCheck: String
        var testDescription: String { name }
    }

    static let roleCases: [RoleCase] = [
        RoleCase(name: "bypassrls", setup: "ALTER ROLE {role} BYPASSRLS", failingCheck: "analyst role"),
        RoleCase(name: "superuser", setup: "ALTER ROLE {role} SUPERUSER", failingCheck: "analyst role"),
        RoleCase(name: "replication", setup: "ALTER ROLE {role} REPLICATION", failingCheck: "analyst role"),
        RoleCase(name: "owner_member", setup: "GRANT zava_owner TO {role}", failingCheck: "role memberships"),
        RoleCase(name: "file_reader", setup: "GRANT pg_read_server_files TO {role}", failingCheck: "role memberships"),
        RoleCase(name: "set_config", setup: "GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO {role}",
                 failingCheck: "dangerous functions"),
        RoleCase(name: "read_file", setup: "GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) TO {role}",
                 failingCheck: "dangerous functions"),
        RoleCase(name: "plpgsql", setup: "GRANT USAGE ON LANGUAGE plpgsql TO {role}", failingCheck: "languages"),
        RoleCase(name: "create_schema", setup: "GRANT CREATE ON SCHEMA public TO {role}", failingCheck: "schema privileges"),
        RoleCase(name: "create_db", setup: "GRANT CREATE ON DATABASE \"{db}\" TO {role}", failingCheck: "database privileges"),
        RoleCase(name: "identity_default",
                 setup: "ALTER ROLE {role} IN DATABASE \"{db}\" SET zava.rls_user_id = '00000000-0000-0000-0000-000000000000'",
                 failingCheck: "identity default"),
    ]

    @Test(arguments: roleCases)
    func aMisconfiguredRoleFails(_ testCase: RoleCase) async throws {
        let database = try await TestEnvironment.shared.database("doctor_roles")
        let role = "zava_doctor_\(testCase.name)"
        let conninfo = try await database.loginRole(role, setup: testCase.setup)
        let connected = Database(conninfo: conninfo, poolSize: 1, limits: QueryLimits(rowCap: 100, statementTimeout: .seconds(10)))
        let report = try await Doctor(database: connected).securityReport()
        await connected.close()
        #expect(!report.rlsEnforced)
        #expect(report.check(testCase.failingCheck)?.verdict == .fail, "\(report.rendered())")
        #expect(report.failures.map(\.name).allSatisfy { $0 == testCase.failingCheck || ["superuser", "owner_member"].contains(testCase.name) },
                "only the misconfigured check fails: \(report.rendered())")
    }

    @Test func theSameRoleWithoutTheMisconfigurationPasses() async throws {
        let database = try await TestEnvironment.shared.database("doctor_roles")
        let conninfo = try await database.loginRole("zava_doctor_baseline")
        let connected = Database(conninfo: conninfo, poolSize: 1, limits: QueryLimits(rowCap: 100, statementTimeout: .seconds(10)))
        let report = try await Doctor(database: connected).securityReport()
        await connected.close()
        #expect(report.rlsEnforced, "\(report.rendered())")
    }

    /// A misconfigured database (each its own clone): the analyst itself is fine.
    struct DatabaseCase: Sendable, CustomTestStringConvertible {
        var name: String
        var setup: String
        var failingCheck: String
        /// A query a Seattle session can use to see other stores' rows through the hole (proves the check matters).
        var leak: String?
        var testDescription: String { name }
    }

    static let databaseCases: [DatabaseCase] = [
        DatabaseCase(name: "rls_disabled", setup: "ALTER TABLE retail.orders DISABLE ROW LEVEL SECURITY",
                     failingCheck: "row-level security", leak: "SELECT count(DISTINCT store_id) FROM retail.orders"),
        DatabaseCase(name: "rls_not_forced", setup: "ALTER TABLE retail.inventory NO FORCE ROW LEVEL SECURITY",
                     failingCheck: "row-level security", leak: nil),
        DatabaseCase(name: "permissive_policy", setup: "CREATE POLICY everything ON retail.order_items FOR SELECT USING (true)",
                     failingCheck: "store policies", leak: "SELECT count(DISTINCT store_id) FROM retail.order_items"),
        DatabaseCase(name: "owner_view", setup: """
            CREATE VIEW public.all_orders AS SELECT * FROM retail.orders;
            ALTER VIEW public.all_orders OWNER TO zava_owner;
            GRANT USAGE ON SCHEMA public TO zava_analyst;
            GRANT SELECT ON public.all_orders TO zava_analyst
            """, failingCheck: "views", leak: "SELECT count(DISTINCT store_id) FROM public.all_orders"),
        DatabaseCase(name: "definer_function", setup: """
            CREATE FUNCTION public.order_stores() RETURNS bigint LANGUAGE sql SECURITY DEFINER
                AS 'SELECT count(DISTINCT store_id) FROM retail.orders';
            ALTER FUNCTION public.order_stores() OWNER TO zava_owner;
            GRANT USAGE ON SCHEMA public TO zava_analyst
            """, failingCheck: "security definer", leak: "SELECT public.order_stores()"),
        DatabaseCase(name: "new_table_granted", setup: """
            CREATE TABLE retail.orders_copy AS SELECT * FROM retail.orders;
            ALTER TABLE retail.orders_copy OWNER TO zava_owner;
            GRANT SELECT ON retail.orders_copy TO zava_analyst
            """, failingCheck: "unprotected tables", leak: "SELECT count(DISTINCT store_id) FROM retail.orders_copy"),
        DatabaseCase(name: "public_table", setup: """
            CREATE TABLE public.orders_copy AS SELECT * FROM retail.orders;
            GRANT USAGE ON SCHEMA public TO zava_analyst;
            GRANT SELECT ON public.orders_copy TO zava_analyst
            """, failingCheck: "unprotected tables", leak: "SELECT count(DISTINCT store_id) FROM public.orders_copy"),
        DatabaseCase(name: "counter_granted", setup: "GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_get_xact_tuples_returned(oid) TO zava_analyst",
                     failingCheck: "inference functions", leak: nil),
        DatabaseCase(name: "analyst_owns_table", setup: """
            CREATE TABLE retail.analyst_notes (id int);
            ALTER TABLE retail.analyst_notes ENABLE ROW LEVEL SECURITY;
            ALTER TABLE retail.analyst_notes FORCE ROW LEVEL SECURITY;
            CREATE POLICY read_all ON retail.analyst_notes FOR SELECT USING (true);
            ALTER TABLE retail.analyst_notes OWNER TO zava_analyst
            """, failingCheck: "ownership", leak: nil),
    ]

    @Test(arguments: databaseCases)
    func aMisconfiguredDatabaseFails(_ testCase: DatabaseCase) async throws {
        let database = try await TestEnvironment.shared.database("doctor_\(testCase.name)")
        let admin = try await database.rawConnection(.superuser)
        try await admin.executeScript(testCase.setup)
        let analyst = try database.analyst(poolSize: 1)
        let report = try await Doctor(database: analyst).securityReport()
        #expect(!report.rlsEnforced)
        #expect(report.check(testCase.failingCheck)?.verdict == .fail, "\(report.rendered())")
        // A front end's tiny row cap (`--max-rows 1`) does not cut the doctor's facts short.
        let capped = try database.analyst(poolSize: 1, rowCap: 1)
        let cappedReport = try await Doctor(database: capped).securityReport()
        await capped.close()
        #expect(cappedReport.check(testCase.failingCheck)?.verdict == .fail, "\(cappedReport.rendered())")
        if let leak = testCase.leak {
            let seattle = analyst.session(for: try await analyst.identities().resolve("seattle"))
            let stores = try await seattle.run(leak).rows.first?.first
            #expect(stores == .int(8), "the hole is real: Seattle sees every store through it")
        }
        await analyst.close()
    }

    /// Each function `sql/002_database.sql` revokes, granted back one at a time: the doctor
    /// fails and names it.
    @Test func everyRevokedFunctionGrantedBackFails() async throws {
        let database = try await TestEnvironment.shared.database("doctor_grant_back")
        let admin = try await database.rawConnection(.superuser)
        let functions = try await admin.textRows("""
            SELECT p.oid::regprocedure::text, p.proname FROM pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace
              AND (p.proname LIKE 'pg\\_stat\\_%' OR p.proname IN (\(DoctorQueries.inferenceFunctions.map { "'\($0)'" }.joined(separator: ","))))
              AND NOT has_function_privilege('zava_analyst', p.oid, 'EXECUTE')
            ORDER BY 1
            """)
        #expect(functions.count > 100)
        let analyst = try database.analyst(poolSize: 1)
        #expect(try await Doctor(database: analyst).securityReport().rlsEnforced)
        for row in functions {
            guard let signature = row[0], let name = row[1] else { continue }
            try await admin.executeScript("GRANT EXECUTE ON FUNCTION \(signature) TO zava_analyst")
            let check = try await Doctor(database: analyst).securityReport().check("inference functions")
            #expect(check?.verdict == .fail && check?.detail.contains(name) == true, "\(signature): \(String(describing: check))")
            try await admin.executeScript("REVOKE EXECUTE ON FUNCTION \(signature) FROM zava_analyst")
        }
        await analyst.close()
    }

    /// Default privileges that would make new tables readable at once: a warning.
    @Test func defaultPrivilegesForTheAnalystWarn() async throws {
        let database = try await TestEnvironment.shared.database("doctor_default_privileges")
        let admin = try await database.rawConnection(.superuser)
        try await admin.executeScript("ALTER DEFAULT PRIVILEGES FOR ROLE zava_owner IN SCHEMA retail GRANT SELECT ON TABLES TO zava_analyst")
        let analyst = try database.analyst(poolSize: 1)
        let report = try await Doctor(database: analyst).securityReport()
        await analyst.close()
        #expect(report.check("default privileges")?.verdict == .warn, "\(report.rendered())")
        #expect(report.rlsEnforced)
    }
}
