#!/bin/bash
# First start of the database container (the official postgres image and deploy/postgres both
# run /docker-entrypoint-initdb.d/*.sh): zava's two login roles, with passwords from container
# secrets, and the database handed to the owner. `zava db migrate` (the set-up job) then sets
# their attributes again, creates the extension, the schema and the RLS policies.
#   zava_owner    owns the retail schema; loads data (seed, embed); bypasses RLS
#   zava_analyst  the only role `zava --serve` uses: read-only, subject to RLS
set -euo pipefail
export ZAVA_OWNER_PASSWORD ZAVA_ANALYST_PASSWORD
ZAVA_OWNER_PASSWORD=$(cat "${ZAVA_OWNER_PASSWORD_FILE:-/run/secrets/zava_owner_password}")
ZAVA_ANALYST_PASSWORD=$(cat "${ZAVA_ANALYST_PASSWORD_FILE:-/run/secrets/zava_analyst_password}")
[ -n "$ZAVA_OWNER_PASSWORD" ] && [ -n "$ZAVA_ANALYST_PASSWORD" ] || { echo "10-zava-roles: empty role password" >&2; exit 1; }
# The passwords reach psql through its environment (\getenv), never its command line.
psql -v ON_ERROR_STOP=1 --no-psqlrc -q --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" --set db="$POSTGRES_DB" <<'SQL'
\getenv owner_password ZAVA_OWNER_PASSWORD
\getenv analyst_password ZAVA_ANALYST_PASSWORD
SET password_encryption = 'scram-sha-256';
CREATE ROLE zava_owner LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB BYPASSRLS PASSWORD :'owner_password';
CREATE ROLE zava_analyst LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOINHERIT PASSWORD :'analyst_password';
ALTER DATABASE :"db" OWNER TO zava_owner;
SQL
echo "10-zava-roles: created zava_owner and zava_analyst" >&2
