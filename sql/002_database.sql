-- Per-database hardening, applied by a superuser in the zava database.
CREATE EXTENSION IF NOT EXISTS vector;

-- Nobody but the owner creates objects or temporary tables here.
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO zava_analyst', current_database());
    EXECUTE format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO zava_owner', current_database());
    -- Analysts write `stores` as well as `retail.stores`. Safe: nobody but the owner can
    -- create objects in either schema, so nothing can shadow a table.
    EXECUTE format('ALTER ROLE zava_analyst IN DATABASE %I SET search_path = retail, public', current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- The identity lives in a transaction-local setting: nothing a query calls may change it,
-- and no query may run procedural code that could.
REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO zava_owner;
REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC;
GRANT USAGE ON LANGUAGE plpgsql TO zava_owner;

-- Session-level state that would outlive a request on a pooled connection.
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_advisory_lock(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_advisory_lock(integer, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_advisory_lock_shared(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_advisory_lock_shared(integer, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_try_advisory_lock(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_try_advisory_lock(integer, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_try_advisory_lock_shared(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_try_advisory_lock_shared(integer, integer) FROM PUBLIC;

-- Other sessions' query texts (which name identities and filters) are not the analyst's business.
REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC;

-- Inference: the statistics counters count rows before row-level security filters them
-- (`pg_stat_get_xact_tuples_returned` on an index gives another store's exact count within
-- the analyst's own transaction), and the activity and lock functions show other backends'
-- statements and what they touch. Every pg_stat_* function (and so every pg_stat_* and
-- pg_statio_* view built on them) and the lock-status functions are revoked from PUBLIC;
-- `zava doctor` fails a database where the analyst can execute any of them.
DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'pg_catalog'::regnamespace
               AND (p.proname LIKE 'pg\_stat\_%'
                    OR p.proname IN ('pg_lock_status', 'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids',
                                     'pg_isolation_test_session_is_blocked', 'pg_prepared_xact'))
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;

-- Every zava request runs as the same analyst role, and a role may signal its own backends:
-- one store manager's query must not cancel or terminate another's.
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_cancel_backend(integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_catalog.pg_terminate_backend(integer, bigint) FROM PUBLIC;
