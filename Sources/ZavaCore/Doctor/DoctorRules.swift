/// Turns the doctor's catalogue facts into verdicts. `fail` is kept for what lets a query get
/// around row-level security; weaker hygiene problems and missing features are `warn`.
enum DoctorRules {
    /// The indexes `sql/030_indexes.sql` and `sql/040_search.sql` create (a test keeps them in step).
    static let expectedIndexes = [
        "orders_store_date_idx", "orders_customer_store_idx", "orders_date_idx", "order_items_order_idx",
        "order_items_store_product_idx", "order_items_product_idx", "customers_primary_store_idx",
        "inventory_product_idx", "products_category_idx", "products_type_idx", "product_types_category_idx",
        "product_description_embeddings_hnsw", "products_search_idx",
    ]

    static func security(_ facts: [String: String]) -> [DoctorCheck] {
        func value(_ key: String) -> String { facts[key] ?? "" }
        /// pass when `key` is empty, else `verdict` with the listed items after `problem`.
        func none(_ name: String, _ key: String, _ verdict: DoctorCheck.Verdict, ok: String, problem: String) -> DoctorCheck {
            value(key).isEmpty ? DoctorCheck(name, .pass, ok) : DoctorCheck(name, verdict, "\(problem): \(value(key))")
        }
        guard let role = facts["role"], !role.isEmpty else {
            return [DoctorCheck("analyst role", .fail, "the connected role was not found in pg_roles")]
        }
        var checks: [DoctorCheck] = []
        checks.append(none("analyst role", "bypass_attributes", .fail,
                           ok: "\(role): not superuser, no BYPASSRLS, CREATEROLE or REPLICATION",
                           problem: "\(role) has"))
        checks.append(none("role attributes", "other_attributes", .warn, ok: "no CREATEDB", problem: "\(role) has"))
        checks.append(none("role memberships", "privileged_memberships", .fail,
                           ok: value("other_memberships").isEmpty ? "member of no other role"
                               : "member of \(value("other_memberships")) (none of them privileged)",
                           problem: "member of roles that bypass RLS, own retail tables or read server files"))
        checks.append(none("ownership", "owned_objects", .fail, ok: "owns nothing in retail",
                           problem: "owns (and so can ALTER or disable RLS on)"))
        let database = value("database_privileges")
        if database.contains("CREATE") {
            checks.append(DoctorCheck("database privileges", .fail,
                                      "CREATE on the database: it can create a schema and shadow functions the policies call"))
        } else if database.contains("TEMPORARY") {
            checks.append(DoctorCheck("database privileges", .warn, "TEMPORARY on the database: temporary tables are session state"))
        } else {
            checks.append(DoctorCheck("database privileges", .pass, "no CREATE, no TEMPORARY"))
        }
        checks.append(none("schema privileges", "schema_create", .fail, ok: "CREATE on no schema",
                           problem: "CREATE on schemas (objects there can shadow what the policies call)"))
        checks.append(none("dangerous functions", "bypass_functions", .fail,
                           ok: "no EXECUTE on set_config, server-file, large-object import/export or dblink functions",
                           problem: "EXECUTE on"))
        checks.append(none("inference functions", "inference_functions", .fail,
                           ok: "no EXECUTE on statistics counters, activity or lock functions (they count other stores' rows)",
                           problem: "EXECUTE on"))
        checks.append(none("state functions", "state_functions", .warn,
                           ok: "no session advisory locks, backend signalling or server directory listing",
                           problem: "EXECUTE on"))
        checks.append(none("languages", "languages", .fail, ok: "no procedural language (no DO blocks, no functions)",
                           problem: "USAGE on"))
        let tables = value("retail_tables")
        if tables == "0" {
            checks.append(DoctorCheck("row-level security", .fail, "no tables in schema retail: is this zava's database?"))
        } else if !value("rls_disabled").isEmpty {
            checks.append(DoctorCheck("row-level security", .fail, "not enabled on \(value("rls_disabled"))"))
        } else if !value("rls_not_forced").isEmpty {
            checks.append(DoctorCheck("row-level security", .fail, "enabled but not forced on \(value("rls_not_forced"))"))
        } else {
            checks.append(DoctorCheck("row-level security", .pass, "enabled and forced on all \(tables) retail tables"))
        }
        checks.append(none("unprotected tables", "unprotected_relations", .fail,
                           ok: "every table the analyst can read has row-level security",
                           problem: "readable without row-level security"))
        checks.append(none("default privileges", "default_privileges", .warn,
                           ok: "new tables are not readable by the analyst until granted",
                           problem: "new tables become readable by the analyst at once in"))
        checks.append(none("policies", "no_policies", .warn, ok: "every retail table has policies",
                           problem: "no policy (every identity sees nothing) on"))
        checks.append(none("store policies", "unfiltered_policies", .fail,
                           ok: "every permissive policy on store-owned tables filters by retail.current_store_id()",
                           problem: "permissive policies that do not filter by store"))
        checks.append(none("security definer", "definer_functions", .fail,
                           ok: "no SECURITY DEFINER function of a privileged owner is executable",
                           problem: "executable SECURITY DEFINER functions owned by a role that bypasses RLS"))
        checks.append(none("views", "owner_views", .fail,
                           ok: "no readable view or materialized view runs with a privileged owner's rights",
                           problem: "readable views owned by a role that bypasses RLS (not security_invoker)"))
        checks.append(none("identity default", "default_identity", .fail,
                           ok: "zava.rls_user_id has no role or database default (unidentified requests see no store)",
                           problem: "zava.rls_user_id defaults to"))
        checks.append(none("write privileges", "write_privileges", .warn, ok: "SELECT only",
                           problem: "INSERT/UPDATE/DELETE/TRUNCATE (blocked by the read-only transaction) on"))
        checks.append(none("read privileges", "missing_select", .warn, ok: "SELECT on every retail table",
                           problem: "no SELECT on"))
        checks.append(value("activity_readable") == "true"
                      ? DoctorCheck("pg_stat_activity", .warn, "readable: other sessions' query texts are visible")
                      : DoctorCheck("pg_stat_activity", .pass, "not readable"))
        return checks
    }

    static func health(_ facts: [String: String], embeddingModel: String?, staleEmbeddings: Int?) -> [DoctorCheck] {
        func value(_ key: String) -> String { facts[key] ?? "" }
        var checks: [DoctorCheck] = []
        let versionNumber = Int(value("server_version_num")) ?? 0
        checks.append(DoctorCheck("server version", versionNumber >= 150_000 ? .pass : .warn,
                                  "PostgreSQL \(value("server_version"))" + (versionNumber >= 150_000 ? "" : " (zava is tested on 18)")))
        checks.append(value("vector").isEmpty
                      ? DoctorCheck("pgvector", .warn, "the vector extension is not installed: semantic search will not work")
                      : DoctorCheck("pgvector", .pass, "vector \(value("vector"))"))
        let present = Set(value("indexes").split(separator: ",").map(String.init))
        let missing = expectedIndexes.filter { !present.contains($0) }
        checks.append(missing.isEmpty
                      ? DoctorCheck("indexes", .pass, "all \(expectedIndexes.count) expected indexes present")
                      : DoctorCheck("indexes", .warn, "missing: \(missing.joined(separator: ", ")) (run `zava db migrate`)"))
        checks.append(value("hnsw").isEmpty
                      ? DoctorCheck("HNSW index", .warn, "no HNSW index on retail.product_description_embeddings: vector search scans")
                      : DoctorCheck("HNSW index", .pass, value("hnsw")))
        let products = Int(value("products")) ?? 0
        let without = Int(value("products_without_embedding")) ?? 0
        let stored = value("embedding_model")
        var problems: [String] = []
        if products == 0 { problems.append("no products") }
        if without > 0 { problems.append("\(without) of \(products) products have no embedding") }
        if let embeddingModel, !stored.isEmpty, stored != embeddingModel {
            problems.append("vectors come from \(stored), the configured model is \(embeddingModel)")
        }
        if stored.isEmpty, products > 0 { problems.append("no model recorded in retail.embedding_models") }
        if let staleEmbeddings, staleEmbeddings > 0 { problems.append("\(staleEmbeddings) embeddings are of changed text") }
        if problems.isEmpty {
            let model = stored.isEmpty ? "" : " with \(stored) (\(value("embedding_dimension")) dimensions)"
            checks.append(DoctorCheck("embeddings", .pass, "\(products) products embedded\(model), none stale"))
        } else {
            checks.append(DoctorCheck("embeddings", .warn, problems.joined(separator: "; ") + " (run `zava embed`)"))
        }
        return checks
    }
}
