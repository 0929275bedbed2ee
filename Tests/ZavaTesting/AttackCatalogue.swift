import Testing

/// Hostile SQL sent by a store identity, with the outcome each must have. Shared by the data
/// layer's run (`HostileSQLTests`: what the REPL and `zava -c` do) and the MCP endpoint's run
/// (`SQLAttackOverMCPTests`: `execute_sales_query` over HTTP), so both front ends face the same list.
public struct SQLAttack: Sendable, CustomTestStringConvertible {
    public enum Family: String, Sendable {
        case identity, privilege, stacking, write, files, denial, snooping, inference
    }

    public enum Outcome: Sendable {
        /// Refused by the server with this SQLSTATE; over MCP the error text contains `message`.
        case refused(sqlState: String, message: String)
        /// Runs, and its first cell equals this SQL's first cell run by the owner (`{store}` is the store's id).
        case ownRows(reference: String)
        /// Runs and changes nothing (every attack is followed by a check that the identity held).
        case harmless
        /// Runs and is cut by the row cap (1,000) or the byte cap, reported as truncated.
        case truncated
    }

    public var family: Family
    public var sql: String
    public var outcome: Outcome

    public init(_ family: Family, _ sql: String, _ outcome: Outcome) {
        self.family = family
        self.sql = sql
        self.outcome = outcome
    }

    public var testDescription: String { "\(family.rawValue): \(sql.prefix(70).replacingOccurrences(of: "\u{0}", with: "\\0"))" }

    /// 1 s where the timeout is the defence being tested; generous elsewhere, so a loaded
    /// machine does not turn another outcome into a timeout.
    public var statementTimeout: Duration {
        if case .refused(let sqlState, _) = outcome, sqlState == "57014" { return .seconds(1) }
        return .seconds(15)
    }

    static let headOffice = "00000000-0000-0000-0000-000000000000"
    static let readOnly = Outcome.refused(sqlState: "25006", message: "read-only transaction")
    static let denied = Outcome.refused(sqlState: "42501", message: "permission denied")
    static let timedOut = Outcome.refused(sqlState: "57014", message: "canceling statement due to statement timeout")
    static let stacked = Outcome.refused(sqlState: "42601", message: "cannot insert multiple commands into a prepared statement")

    /// The attacks, run as Seattle with a 1,000-row cap.
    public static let all: [SQLAttack] = [
        // Identity changes from inside SQL.
        SQLAttack(.identity, "SELECT set_config('zava.rls_user_id', '\(headOffice)', true), count(*) FROM retail.orders", denied),
        SQLAttack(.identity, "SELECT count(*) FROM retail.orders WHERE (SELECT set_config('zava.rls_user_id', '\(headOffice)', true)) IS NOT NULL", denied),
        SQLAttack(.identity, "WITH hq AS (SELECT set_config('zava.rls_user_id', '\(headOffice)', false)) SELECT count(*) FROM retail.orders, hq", denied),
        SQLAttack(.identity, "SET zava.rls_user_id = '\(headOffice)'", .harmless),
        SQLAttack(.identity, "SET SESSION zava.rls_user_id = '\(headOffice)'", .harmless),
        SQLAttack(.identity, "RESET zava.rls_user_id", .harmless),
        SQLAttack(.identity, "RESET ALL", .harmless),
        SQLAttack(.identity, "SET ROLE zava_owner", .refused(sqlState: "42501", message: "permission denied to set role")),
        SQLAttack(.identity, "SET SESSION AUTHORIZATION zava_owner", .refused(sqlState: "42501", message: "permission denied to set session authorization")),
        SQLAttack(.identity, "DO $$ BEGIN PERFORM set_config('zava.rls_user_id', '\(headOffice)', false); END $$", .refused(sqlState: "42501", message: "permission denied for language plpgsql")),
        SQLAttack(.identity, "ALTER ROLE zava_analyst SET zava.rls_user_id = '\(headOffice)'", readOnly),
        SQLAttack(.identity, "SELECT count(*) FROM retail.orders WHERE retail.is_head_office() OR true", .ownRows(reference: "SELECT count(*) FROM retail.orders WHERE store_id = {store}")),
        SQLAttack(.identity, "SELECT current_setting('zava.rls_user_id')", .ownRows(reference: "SELECT rls_user_id::text FROM retail.stores WHERE store_id = {store}")),
        // Privilege changes.
        SQLAttack(.privilege, "GRANT zava_owner TO zava_analyst", readOnly),
        SQLAttack(.privilege, "ALTER ROLE zava_analyst BYPASSRLS", readOnly),
        SQLAttack(.privilege, "GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO zava_analyst", readOnly),
        SQLAttack(.privilege, "ALTER TABLE retail.orders DISABLE ROW LEVEL SECURITY", readOnly),
        SQLAttack(.privilege, "DROP POLICY store_rows ON retail.orders", readOnly),
        SQLAttack(.privilege, "CREATE POLICY mine ON retail.orders FOR SELECT USING (true)", readOnly),
        SQLAttack(.privilege, "CREATE ROLE intruder SUPERUSER", readOnly),
        // Statement stacking and transaction control.
        SQLAttack(.stacking, "COMMIT; SET zava.rls_user_id = '\(headOffice)'", stacked),
        SQLAttack(.stacking, "SELECT 1; SELECT count(*) FROM retail.orders", stacked),
        SQLAttack(.stacking, "SELECT 1 /* ; */ ; SET ROLE zava_owner", stacked),
        SQLAttack(.stacking, "COMMIT", .harmless),
        SQLAttack(.stacking, "ROLLBACK", .harmless),
        SQLAttack(.stacking, "BEGIN", .harmless),
        SQLAttack(.stacking, "END", .harmless),
        SQLAttack(.stacking, "SAVEPOINT s", .harmless),
        SQLAttack(.stacking, "SET TRANSACTION READ WRITE", .harmless),
        SQLAttack(.stacking, "PREPARE sneaky AS SELECT count(*) FROM retail.orders", .harmless),
        SQLAttack(.stacking, "DECLARE c CURSOR WITH HOLD FOR SELECT * FROM retail.orders", .harmless),
        SQLAttack(.stacking, "LISTEN zava", .harmless),
        SQLAttack(.stacking, "SET work_mem = '1GB'", .harmless),
        SQLAttack(.stacking, "SET search_path = public, retail", .harmless),
        SQLAttack(.stacking, "SELECT pg_advisory_xact_lock(42)", .harmless),
        SQLAttack(.stacking, "DISCARD ALL", .refused(sqlState: "25001", message: "cannot run inside a transaction block")),
        // Writes of every kind.
        SQLAttack(.write, "WITH moved AS (UPDATE retail.orders SET store_id = 1 RETURNING *) SELECT count(*) FROM moved", readOnly),
        SQLAttack(.write, "WITH gone AS (DELETE FROM retail.orders RETURNING *) SELECT count(*) FROM gone", readOnly),
        SQLAttack(.write, "WITH added AS (INSERT INTO retail.stores (store_name, rls_user_id) VALUES ('x', gen_random_uuid()) RETURNING *) SELECT * FROM added", readOnly),
        SQLAttack(.write, "INSERT INTO retail.orders (customer_id, store_id, order_date) VALUES (1, 1, now())", readOnly),
        SQLAttack(.write, "UPDATE retail.inventory SET stock_level = 0", readOnly),
        SQLAttack(.write, "DELETE FROM retail.order_items", readOnly),
        SQLAttack(.write, "TRUNCATE retail.orders", readOnly),
        SQLAttack(.write, "MERGE INTO retail.inventory i USING retail.products p ON i.product_id = p.product_id WHEN MATCHED THEN UPDATE SET stock_level = 0", readOnly),
        SQLAttack(.write, "COPY retail.orders FROM STDIN", denied),
        SQLAttack(.write, "COPY (SELECT * FROM retail.orders) TO STDOUT", .refused(sqlState: "0A000", message: "COPY is not supported")),
        SQLAttack(.write, "CREATE TEMP TABLE t AS SELECT * FROM retail.orders", readOnly),
        SQLAttack(.write, "CREATE TABLE public.stolen AS SELECT * FROM retail.orders", readOnly),
        SQLAttack(.write, "SELECT nextval('retail.orders_order_id_seq')", denied),
        SQLAttack(.write, "SELECT * FROM retail.orders LIMIT 1 FOR UPDATE", readOnly),
        SQLAttack(.write, "LOCK TABLE retail.orders IN ACCESS EXCLUSIVE MODE", denied),
        SQLAttack(.write, "SELECT lo_create(0)", readOnly),
        // File and server functions.
        SQLAttack(.files, "SELECT pg_read_file('/etc/passwd')", denied),
        SQLAttack(.files, "SELECT pg_read_binary_file('global/pg_control')", denied),
        SQLAttack(.files, "SELECT pg_ls_dir('.')", denied),
        SQLAttack(.files, "SELECT pg_stat_file('postgresql.conf')", denied),
        SQLAttack(.files, "SELECT lo_import('/etc/passwd')", denied),
        SQLAttack(.files, "COPY (SELECT 1) TO PROGRAM 'id'", denied),
        SQLAttack(.files, "COPY (SELECT * FROM retail.orders) TO '/tmp/zava-stolen.csv'", denied),
        SQLAttack(.files, "SELECT dblink_connect('dbname=zava user=zava_owner')", .refused(sqlState: "42883", message: "does not exist")),
        SQLAttack(.files, "CREATE EXTENSION dblink", readOnly),
        SQLAttack(.files, "LOAD '/tmp/evil.so'", .refused(sqlState: "42501", message: "access to library")),
        SQLAttack(.files, "SELECT pg_reload_conf()", denied),
        SQLAttack(.files, "SELECT pg_terminate_backend(pg_backend_pid())", denied),
        SQLAttack(.files, "SELECT pg_cancel_backend(1)", denied),
        SQLAttack(.files, "SELECT pg_advisory_lock(1)", denied),
        SQLAttack(.files, "SELECT * FROM pg_hba_file_rules", denied),
        SQLAttack(.files, "ALTER SYSTEM SET row_security = off", .refused(sqlState: "25001", message: "cannot run inside a transaction block")),
        // Denial of service: bounded by the statement timeout and the row cap.
        SQLAttack(.denial, "SELECT pg_sleep(60)", timedOut),
        SQLAttack(.denial, "SELECT count(*) FROM generate_series(1, 1000000000000::bigint)", timedOut),
        SQLAttack(.denial, "SELECT count(*) FROM retail.order_items a, retail.order_items b, retail.order_items c", timedOut),
        SQLAttack(.denial, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r", timedOut),
        SQLAttack(.denial, "SELECT generate_series(1, 100000000) AS g, repeat('x', 1000) AS padding", .truncated),
        SQLAttack(.denial, "SELECT repeat('x', 100000000) AS big", .truncated),
        // Catalogue snooping for other stores' data.
        SQLAttack(.snooping, "SELECT count(*) FROM pg_stats WHERE schemaname = 'retail' AND tablename IN ('orders', 'order_items', 'inventory', 'customers')", .ownRows(reference: "SELECT 0")),
        SQLAttack(.snooping, "SELECT * FROM pg_statistic", denied),
        SQLAttack(.snooping, "SELECT * FROM pg_stat_activity", denied),
        // A non-leakproof qual that would fail on any other store's row: RLS filters first.
        SQLAttack(.snooping, "SELECT count(*) FROM retail.orders WHERE 1 / (CASE WHEN store_id = {store} THEN 1 ELSE 0 END) = 1", .ownRows(reference: "SELECT count(*) FROM retail.orders WHERE store_id = {store}")),
        SQLAttack(.snooping, "SELECT count(*) FROM retail.orders o JOIN retail.order_items i USING (order_id)", .ownRows(reference: "SELECT count(*) FROM retail.orders o JOIN retail.order_items i USING (order_id) WHERE o.store_id = {store}")),
        SQLAttack(.snooping, "SELECT count(*) FROM retail.customers", .ownRows(reference: "SELECT count(*) FROM retail.customers c WHERE primary_store_id = {store} OR EXISTS (SELECT 1 FROM retail.orders o WHERE o.customer_id = c.customer_id AND o.store_id = {store})")),
        SQLAttack(.snooping, "SELECT count(DISTINCT store_id) FROM retail.inventory", .ownRows(reference: "SELECT 1")),
        // Accepted, documented in docs/security.md: table-wide totals and planner estimates, never rows.
        SQLAttack(.snooping, "SELECT reltuples FROM pg_class WHERE oid = 'retail.orders'::regclass", .harmless),
        SQLAttack(.snooping, "EXPLAIN SELECT * FROM retail.orders WHERE store_id = 2", .harmless),
        // Inference: figures about other stores' rows without a row of theirs.
        SQLAttack(.inference, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT 1 FROM retail.orders WHERE store_id = 2", explainAnalyze),
        SQLAttack(.inference, "explain analyse select 1 from retail.orders where store_id = 2", explainAnalyze),
        SQLAttack(.inference, "/* c */ EXPLAIN (FORMAT JSON, ANALYZE true) SELECT count(*) FROM retail.customers WHERE email < 'b'", explainAnalyze),
        SQLAttack(.inference, "EXPLAIN (analyze 1, format xml) SELECT 1 FROM retail.orders", explainAnalyze),
        SQLAttack(.inference, "EXPLAIN (FORMAT YAML, ANALYZE on) SELECT 1 FROM retail.inventory", explainAnalyze),
        SQLAttack(.inference, #"SELECT 'Seq Scan (actual rows=38511 loops=1)' AS "QUERY PLAN""#, explainAnalyze),
        SQLAttack(.inference, "SELECT (SELECT count(*) FROM retail.orders WHERE store_id = 2), pg_stat_get_xact_tuples_returned('retail.orders_store_date_idx'::regclass)", denied),
        SQLAttack(.inference, "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'orders'", denied),
        SQLAttack(.inference, "SELECT query FROM pg_stat_get_activity(NULL)", denied),
        SQLAttack(.inference, "SELECT pg_stat_get_backend_activity(s) FROM pg_stat_get_backend_idset() s", denied),
        SQLAttack(.inference, "SELECT * FROM pg_statio_user_indexes", denied),
        SQLAttack(.inference, "SELECT * FROM pg_locks", denied),
        SQLAttack(.inference, "SELECT 1 " + String(repeating: "/*", count: 30_000) + String(repeating: "*/", count: 30_000),
                  .refused(sqlState: "54001", message: "120000 operator characters in a row")),
        SQLAttack(.inference, "SELECT 1 " + String(repeating: "+-", count: 20_000) + " 1",
                  .refused(sqlState: "54001", message: "40000 operator characters in a row")),
        SQLAttack(.inference, "SELECT 1 " + String(repeating: " ", count: 300_000),
                  .refused(sqlState: "54000", message: "zava sends at most")),
        SQLAttack(.inference, "SELECT 1 AS a\u{0} FROM retail.orders", .refused(sqlState: "22021", message: "NUL byte")),
    ]

    static let explainAnalyze = Outcome.refused(sqlState: "42501", message: "EXPLAIN ANALYZE is not available to store identities")
}
