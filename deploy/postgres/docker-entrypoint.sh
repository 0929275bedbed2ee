#!/bin/bash
# A small entrypoint with the interface of the official postgres image's (the part compose.yaml
# uses): on the first start, initdb with the superuser's password from POSTGRES_PASSWORD or
# POSTGRES_PASSWORD_FILE, create POSTGRES_DB, run /docker-entrypoint-initdb.d/*.sh and *.sql
# against a server that listens on its unix socket only; then run the server on every address
# with scram-sha-256 authentication for TCP.
set -Eeuo pipefail

fail() { echo "docker-entrypoint: $*" >&2; exit 1; }

if [ "${1:-postgres}" != postgres ]; then exec "$@"; fi
shift || true

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:?}"
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  [ -r "$POSTGRES_PASSWORD_FILE" ] || fail "cannot read POSTGRES_PASSWORD_FILE ($POSTGRES_PASSWORD_FILE)"
  POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
fi
export POSTGRES_USER POSTGRES_DB
socket_dir=${PGHOST:-/var/run/postgresql}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || fail "the database is not initialised and no superuser password is given (POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE)"
  mkdir -p "$PGDATA" && chmod 0700 "$PGDATA"
  echo "docker-entrypoint: initialising $PGDATA" >&2
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") --auth-local=trust \
         --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync -D "$PGDATA" >/dev/null
  printf '\nhost all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories='$socket_dir'" -w -s start
  psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --host "$socket_dir")
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" -q <<<'CREATE DATABASE :"db";'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "docker-entrypoint: running $f" >&2
            if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) echo "docker-entrypoint: running $f" >&2
             "${psql[@]}" --dbname "$POSTGRES_DB" -q -f "$f" ;;
      *) [ -e "$f" ] && echo "docker-entrypoint: ignoring $f" >&2 ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w -s stop
  echo "docker-entrypoint: initialised" >&2
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories="$socket_dir" "$@"
