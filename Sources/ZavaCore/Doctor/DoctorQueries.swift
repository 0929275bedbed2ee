/// The doctor's catalogue queries. Each returns `key, value` text rows (lists comma-separated,
/// empty when there is nothing to report), so the rules in `DoctorRules` are plain Swift.
enum DoctorQueries {
    /// Functions that read server files or reach other databases: each is a way around RLS.
    static let bypassFunctions = ["set_config", "pg_read_file", "pg_read_binary_file", "lo_import", "lo_export",
                                  "dblink", "dblink_connect", "dblink_connect_u", "dblink_exec", "dblink_open",
                                  "dblink_send_query", "pg_file_write", "pg_file_rename", "pg_file_unlink"]
    /// Functions that leave state behind on a pooled connection, or reach into other sessions.
    static let stateFunctions = ["pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock",
                                 "pg_try_advisory_lock_shared", "pg_terminate_backend", "pg_cancel_backend",
                                 "pg_ls_dir", "pg_stat_file", "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir",
                                 "pg_reload_conf", "pg_rotate_logfile"]

    /// Functions that reveal other stores' rows by counting them (the statistics counters count
    /// before RLS filters), or other backends' statements and locks. Every `pg_stat_*`
    /// function counts too, in any schema (pg_stat_statements' included).
    static let inferenceFunctions = ["pg_lock_status", "pg_blocking_pids", "pg_safe_snapshot_blocking_pids",
                                     "pg_isolation_test_session_is_blocked", "pg_prepared_xact"]

    private static func list(_ names: [String]) -> String { names.map { "'\($0)'" }.joined(separator: ",") }

    /// What the current role (the analyst) can do. World-readable catalogues only.
    static let security = """
        WITH me AS (
            SELECT oid, rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication
            FROM pg_catalog.pg_roles WHERE rolname = current_user
        ), retail_tables AS (
            SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity, c.relowner
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'retail' AND c.relkind IN ('r', 'p')
        ), powerful AS (
            SELECT r.oid, r.rolname FROM pg_catalog.pg_roles r
            WHERE r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolreplication
               OR r.rolname IN ('pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program')
               OR EXISTS (SELECT 1 FROM retail_tables t WHERE t.relowner = r.oid)
        ), store_tables AS (
            SELECT t.* FROM retail_tables t
            WHERE t.relname <> 'stores' AND EXISTS (
                SELECT 1 FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = t.oid AND a.attname IN ('store_id', 'primary_store_id') AND NOT a.attisdropped)
        ), applicable_policies AS (
            SELECT t.relname, p.polname, pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS qual
            FROM store_tables t JOIN pg_catalog.pg_policy p ON p.polrelid = t.oid
            WHERE p.polpermissive AND p.polcmd IN ('r', '*')
              AND (0::oid = ANY (p.polroles)
                   OR EXISTS (SELECT 1 FROM me, unnest(p.polroles) AS target(oid)
                              WHERE pg_catalog.pg_has_role(me.oid, target.oid, 'MEMBER')))
        )
        SELECT k, v FROM (VALUES
          ('role', (SELECT rolname::text FROM me)),
          ('bypass_attributes', (SELECT concat_ws(', ', CASE WHEN rolsuper THEN 'SUPERUSER' END,
                                                        CASE WHEN rolbypassrls THEN 'BYPASSRLS' END,
                                                        CASE WHEN rolcreaterole THEN 'CREATEROLE' END,
                                                        CASE WHEN rolreplication THEN 'REPLICATION' END) FROM me)),
          ('other_attributes', (SELECT concat_ws(', ', CASE WHEN rolcreatedb THEN 'CREATEDB' END) FROM me)),
          ('privileged_memberships', (SELECT coalesce(string_agg(p.rolname, ', ' ORDER BY p.rolname), '')
                                      FROM powerful p, me WHERE p.oid <> me.oid AND pg_catalog.pg_has_role(me.oid, p.oid, 'MEMBER'))),
          ('other_memberships', (SELECT coalesce(string_agg(r.rolname, ', ' ORDER BY r.rolname), '')
                                 FROM pg_catalog.pg_roles r, me
                                 WHERE r.oid <> me.oid AND r.rolname <> 'pg_database_owner'
                                   AND pg_catalog.pg_has_role(me.oid, r.oid, 'MEMBER')
                                   AND r.oid NOT IN (SELECT oid FROM powerful))),
          ('owned_objects', (SELECT coalesce(string_agg(name, ', ' ORDER BY name), '') FROM (
              SELECT 'retail.' || c.relname AS name FROM pg_catalog.pg_class c, me
              WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'retail') AND pg_catalog.pg_has_role(me.oid, c.relowner, 'MEMBER')
              UNION ALL
              SELECT 'retail.' || p.proname || '()' FROM pg_catalog.pg_proc p, me
              WHERE p.pronamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'retail') AND pg_catalog.pg_has_role(me.oid, p.proowner, 'MEMBER')
              UNION ALL
              SELECT 'schema ' || n.nspname FROM pg_catalog.pg_namespace n, me
              WHERE n.nspname = 'retail' AND pg_catalog.pg_has_role(me.oid, n.nspowner, 'MEMBER')) owned)),
          ('database_privileges', (SELECT concat_ws(', ',
                CASE WHEN pg_catalog.has_database_privilege(me.oid, current_database(), 'CREATE') THEN 'CREATE' END,
                CASE WHEN pg_catalog.has_database_privilege(me.oid, current_database(), 'TEMPORARY') THEN 'TEMPORARY' END) FROM me)),
          ('schema_create', (SELECT coalesce(string_agg(n.nspname, ', ' ORDER BY n.nspname), '')
                             FROM pg_catalog.pg_namespace n, me
                             WHERE n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                               AND pg_catalog.has_schema_privilege(me.oid, n.oid, 'CREATE'))),
          ('bypass_functions', (SELECT coalesce(string_agg(DISTINCT p.proname, ', '), '')
                                FROM pg_catalog.pg_proc p, me
                                WHERE p.proname IN (\(list(bypassFunctions)))
                                  AND pg_catalog.has_function_privilege(me.oid, p.oid, 'EXECUTE'))),
          ('inference_functions', (SELECT coalesce(string_agg(DISTINCT p.proname, ', '), '')
                                   FROM pg_catalog.pg_proc p, me
                                   WHERE (p.proname LIKE 'pg\\_stat\\_%' OR p.proname IN (\(list(inferenceFunctions))))
                                     AND pg_catalog.has_function_privilege(me.oid, p.oid, 'EXECUTE'))),
          ('unprotected_relations', (SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ', ' ORDER BY n.nspname, c.relname), '')
                                     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, me
                                     WHERE c.relkind IN ('r', 'p', 'm', 'f') AND NOT c.relrowsecurity
                                       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                                       AND pg_catalog.has_schema_privilege(me.oid, n.oid, 'USAGE')
                                       AND pg_catalog.has_table_privilege(me.oid, c.oid, 'SELECT'))),
          ('default_privileges', (SELECT coalesce(string_agg(DISTINCT coalesce(n.nspname, 'every schema'), ', '), '')
                                  FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace,
                                       pg_catalog.aclexplode(d.defaclacl) a, me
                                  WHERE d.defaclobjtype = 'r' AND a.privilege_type = 'SELECT'
                                    AND (a.grantee = me.oid OR a.grantee = 0))),
          ('state_functions', (SELECT coalesce(string_agg(DISTINCT p.proname, ', '), '')
                               FROM pg_catalog.pg_proc p, me
                               WHERE p.proname IN (\(list(stateFunctions)))
                                 AND pg_catalog.has_function_privilege(me.oid, p.oid, 'EXECUTE'))),
          ('languages', (SELECT coalesce(string_agg(l.lanname, ', ' ORDER BY l.lanname), '')
                         FROM pg_catalog.pg_language l, me
                         WHERE l.lanispl AND pg_catalog.has_language_privilege(me.oid, l.oid, 'USAGE'))),
          ('retail_tables', (SELECT count(*)::text FROM retail_tables)),
          ('rls_disabled', (SELECT coalesce(string_agg('retail.' || relname, ', ' ORDER BY relname), '')
                            FROM retail_tables WHERE NOT relrowsecurity)),
          ('rls_not_forced', (SELECT coalesce(string_agg('retail.' || relname, ', ' ORDER BY relname), '')
                              FROM retail_tables WHERE relrowsecurity AND NOT relforcerowsecurity)),
          ('no_policies', (SELECT coalesce(string_agg('retail.' || t.relname, ', ' ORDER BY t.relname), '')
                           FROM retail_tables t WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = t.oid))),
          ('unfiltered_policies', (SELECT coalesce(string_agg('retail.' || relname || ' (' || polname || ')', ', '
                                                               ORDER BY relname, polname), '')
                                   FROM applicable_policies WHERE coalesce(qual, '') NOT LIKE '%current_store_id%')),
          ('definer_functions', (SELECT coalesce(string_agg(n.nspname || '.' || p.proname || '()', ', ' ORDER BY n.nspname, p.proname), '')
                                 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                                 JOIN pg_catalog.pg_roles o ON o.oid = p.proowner, me
                                 WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                                   AND (o.rolsuper OR o.rolbypassrls)
                                   AND pg_catalog.has_function_privilege(me.oid, p.oid, 'EXECUTE'))),
          ('owner_views', (SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ', ' ORDER BY n.nspname, c.relname), '')
                           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                           JOIN pg_catalog.pg_roles o ON o.oid = c.relowner, me
                           WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                             AND (o.rolsuper OR o.rolbypassrls)
                             AND (c.relkind = 'm' OR NOT coalesce('security_invoker=true' = ANY (c.reloptions)
                                                                  OR 'security_invoker=on' = ANY (c.reloptions), false))
                             AND pg_catalog.has_table_privilege(me.oid, c.oid, 'SELECT'))),
          ('default_identity', coalesce(current_setting('zava.rls_user_id', true), '')),
          ('write_privileges', (SELECT coalesce(string_agg('retail.' || t.relname, ', ' ORDER BY t.relname), '')
                                FROM retail_tables t, me
                                WHERE pg_catalog.has_table_privilege(me.oid, t.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))),
          ('missing_select', (SELECT coalesce(string_agg('retail.' || t.relname, ', ' ORDER BY t.relname), '')
                              FROM retail_tables t, me WHERE NOT pg_catalog.has_table_privilege(me.oid, t.oid, 'SELECT'))),
          ('activity_readable', (SELECT pg_catalog.has_table_privilege(me.oid, 'pg_catalog.pg_stat_activity', 'SELECT')::text FROM me))
        ) AS facts(k, v)
        """

    /// Versions, indexes and embeddings (as whoever runs it).
    static let health = """
        SELECT k, v FROM (VALUES
          ('server_version', current_setting('server_version')),
          ('server_version_num', current_setting('server_version_num')),
          ('vector', (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vector')),
          ('indexes', (SELECT coalesce(string_agg(indexname, ',' ORDER BY indexname), '') FROM pg_catalog.pg_indexes
                       WHERE schemaname = 'retail')),
          ('hnsw', (SELECT coalesce(string_agg(c.relname, ', '), '') FROM pg_catalog.pg_index i
                    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_am am ON am.oid = c.relam
                    WHERE am.amname = 'hnsw' AND i.indrelid = to_regclass('retail.product_description_embeddings'))),
          ('embedding_model', (SELECT model_name FROM retail.embedding_models WHERE table_name = 'product_description_embeddings')),
          ('embedding_dimension', (SELECT dimension::text FROM retail.embedding_models WHERE table_name = 'product_description_embeddings')),
          ('products', (SELECT count(*)::text FROM retail.products)),
          ('products_without_embedding', (SELECT count(*)::text FROM retail.products p WHERE NOT EXISTS
              (SELECT 1 FROM retail.product_description_embeddings e WHERE e.product_id = p.product_id)))
        ) AS facts(k, v)
        """

    /// Each embedded product's text and stored hash, to find vectors of changed descriptions.
    static let productTexts = """
        SELECT p.product_id::text, \(EmbeddingSource.textSQL), e.source_hash
        FROM retail.products p JOIN retail.product_description_embeddings e USING (product_id)
        """
}
