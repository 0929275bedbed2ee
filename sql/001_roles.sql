-- Roles (cluster-wide). Applied by a superuser; idempotent.
--   zava_owner   owns the retail schema and everything in it; loads data; bypasses RLS.
--   zava_analyst the only role the REPL and the MCP server use: read-only, owns nothing,
--                subject to RLS, no procedural languages, no set_config, no temp tables.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zava_owner') THEN
        CREATE ROLE zava_owner LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB BYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zava_analyst') THEN
        CREATE ROLE zava_analyst LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOINHERIT;
    END IF;
END
$$;
ALTER ROLE zava_owner NOSUPERUSER BYPASSRLS;
ALTER ROLE zava_analyst NOSUPERUSER NOBYPASSRLS NOINHERIT NOCREATEDB NOCREATEROLE NOREPLICATION;
