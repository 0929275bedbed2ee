import Testing
@testable import ZavaCore
@testable import ZavaPostgres
@testable import ZavaTesting

/// The analyst role cannot get around RLS or change anything, even outside zava's protocol.
@Suite struct RoleHygieneTests {
    @Test func analystRoleHasNoPowers() async throws {
        let database = try await TestEnvironment.shared.database("roles")
        let analyst = try await database.rawConnection(.analyst)
        let attributes = try await analyst.textRows(
            "SELECT rolsuper::text, rolbypassrls::text, rolcreaterole::text, rolcreatedb::text FROM pg_roles WHERE rolname = current_user")
        #expect(attributes.first == ["false", "false", "false", "false"])
        let owned = try await analyst.textRows(
            "SELECT count(*)::text FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)")
        #expect(owned.first?.first == "0")
        let unprotected = try await analyst.textRows("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'retail' AND c.relkind = 'r' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
            """)
        #expect(unprotected.isEmpty, "tables without enabled+forced RLS: \(unprotected)")
        let tables = try await analyst.textRows(
            "SELECT count(*)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'retail' AND c.relkind = 'r'")
        #expect(tables.first?.first == "11")
    }

    @Test(arguments: [
        "SELECT set_config('zava.rls_user_id', '00000000-0000-0000-0000-000000000000', false)",
        "DO $$ BEGIN PERFORM 1; END $$",
        "CREATE TEMP TABLE stolen (id int)",
        "CREATE TABLE public.stolen (id int)",
        "CREATE TABLE retail.stolen (id int)",
        "CREATE FUNCTION retail.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "INSERT INTO retail.stores (store_name, rls_user_id) VALUES ('x', gen_random_uuid())",
        "UPDATE retail.orders SET store_id = 1",
        "DELETE FROM retail.order_items",
        "TRUNCATE retail.orders",
        "ALTER TABLE retail.orders DISABLE ROW LEVEL SECURITY",
        "DROP POLICY store_rows ON retail.orders",
        "SELECT pg_advisory_lock(42)",
        "SELECT * FROM pg_stat_activity",
        "COPY retail.orders FROM '/etc/passwd'",
        "SELECT pg_read_file('/etc/passwd')",
        "SET ROLE zava_owner",
        "SET SESSION AUTHORIZATION zava_owner",
    ])
    func analystCannot(_ sql: String) async throws {
        let database = try await TestEnvironment.shared.database("roles_deny")
        let analyst = try await database.rawConnection(.analyst)
        do {
            _ = try await analyst.textRows(sql)
            Issue.record("analyst ran: \(sql)")
        } catch let error as DatabaseError {
            #expect(error.sqlState == "42501", "\(sql) failed with \(error.sqlState) \(error.message), not a permission error")
        }
    }
}
