#!/usr/bin/env bash
# `make image-test` (after `make image`): runs the image the way a deployment does and checks it.
#
#   - PostgreSQL 18 + pgvector in a second container (localhost/zava-postgres:18), its roles
#     created from secret files on first start (deploy/postgres/initdb);
#   - the set-up job in the zava image (zava-setup-db: migrate as the superuser, seed and embed
#     as the owner), twice: the second run changes nothing;
#   - `zava doctor` in the image refuses the database when connected as the superuser (and
#     `zava --serve` does not start), and passes as the analyst;
#   - the server container, read-only root filesystem, no capabilities: it runs as uid 10001,
#     zava is PID 1, the HEALTHCHECK passes (cold start = `podman start` to the first 200 from
#     /healthz, and to the first passing `podman healthcheck run`), the Python MCP client's
#     checks pass (scripts/image_check.py: the four sample tools for two store identities and
#     head office, per-store counts from the database), SIGTERM stops it with exit code 0
#     within 10 s;
#   - a second server in verified-token mode (development secret): a token from the image's
#     `zava token mint` answers as its store, no token is 401 with the OAuth challenge;
#   - compose.yaml validates (podman-compose config); scripts/compose-test.sh runs it.
# Containers, the network and volumes are removed at the end, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/podman-env.sh
podman_setup

ZAVA_IMAGE=${ZAVA_IMAGE:-localhost/zava:latest}
ZAVA_SLIM_IMAGE=${ZAVA_SLIM_IMAGE:-localhost/zava:slim}
POSTGRES_IMAGE=${ZAVA_POSTGRES_IMAGE:-localhost/zava-postgres:18}
SCALE=${ZAVA_IMAGE_TEST_SCALE:-0.1}
PORT=${ZAVA_IMAGE_TEST_PORT:-18080}
PYTHON=$ZAVA_HOME/venv/bin/python
NET=zava-it
DB=zava-it-db
SERVER=zava-it-server
SECRETS=$IMAGE_DIR/test-secrets
test_start=$SECONDS

for image in "$ZAVA_IMAGE" "$ZAVA_SLIM_IMAGE" "$POSTGRES_IMAGE"; do
  podman image exists "$image" || die "no image $image: run make image first"
done
"$PYTHON" -c "import mcp, httpx2" 2>/dev/null || die "the Python MCP client is missing: run scripts/bootstrap.sh --test"

passed=0 failed=0
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
expect() { # description, command...: passes when the command succeeds
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

cleanup() {
  podman rm -f -t 0 "$SERVER" "$DB" zava-it-superuser zava-it-tokens >/dev/null 2>&1 || true
  podman network rm -f "$NET" >/dev/null 2>&1 || true
  podman volume rm -f zava-it-pgdata >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

# Random passwords, as a deployment's secret store would hold them (0644: the containers'
# users differ from the owner of these files, as with mounted secrets).
mkdir -p "$SECRETS"
for name in postgres_password zava_owner_password zava_analyst_password; do
  head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$SECRETS/$name"
done
chmod 0755 "$SECRETS" && chmod 0644 "$SECRETS"/*

podman network create "$NET" >/dev/null
db_url() { echo "postgresql://$1@$DB:5432/zava"; }
zava_run=(podman run --rm --network "$NET" --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges
          -v "$SECRETS:/run/secrets:ro")

# --- PostgreSQL ---------------------------------------------------------------------------
say "starting PostgreSQL 18 + pgvector ($POSTGRES_IMAGE)"
podman run -d --name "$DB" --network "$NET" -v zava-it-pgdata:/var/lib/postgresql \
  -v "$SECRETS:/run/secrets:ro" -v "$PWD/deploy/postgres/initdb:/docker-entrypoint-initdb.d:ro" \
  -e POSTGRES_DB=zava -e POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password \
  --health-cmd 'pg_isready -h 127.0.0.1 -U postgres -d zava' --health-interval 2s \
  "$POSTGRES_IMAGE" >/dev/null 2>&1 || die "PostgreSQL did not start: $(podman logs "$DB" 2>&1 | tail -5)"
healthy=false
for _ in $(seq 1 120); do
  if podman healthcheck run "$DB" >/dev/null 2>&1; then healthy=true; break; fi
  sleep 0.5
done
$healthy || { podman logs "$DB" 2>&1 | tail -20; die "PostgreSQL did not become healthy within 60 s"; }
# Every container below reaches the database by its name, pinned to its address in their
# /etc/hosts, so the checks that follow test the image, not podman's DNS (scripts/podman-env.sh).
db_ip=$(container_ip "$DB" "$NET")
[ -n "$db_ip" ] || die "no address for $DB on $NET"
zava_run+=(--add-host "$DB:$db_ip")
name_resolves "$NET" "$ZAVA_IMAGE" "$DB" 5 \
  || { printf 'note podman DNS does not resolve %s; pinned to %s\n' "$DB" "$db_ip"; dns_diagnostics "$NET"; }
psql() { podman exec "$DB" psql -v ON_ERROR_STOP=1 --no-psqlrc -At -U postgres -d zava "$@"; }
expect "PostgreSQL: the roles from the secrets exist, neither is a superuser" \
  test "$(psql -c "select string_agg(rolname || ':' || rolsuper, ',' order by rolname) from pg_roles where rolname like 'zava%'")" \
       = "zava_analyst:false,zava_owner:false"

# --- the set-up job ----------------------------------------------------------------------------
setup_env=(-e ZAVA_DATABASE_URL="$(db_url zava_analyst)" -e ZAVA_ADMIN_DATABASE_URL="$(db_url zava_owner)"
           -e ZAVA_SUPERUSER_DATABASE_URL="$(db_url postgres)" -e ZAVA_SEED_SCALE="$SCALE"
           -e ZAVA_PASSWORD_FILES="postgres=/run/secrets/postgres_password zava_owner=/run/secrets/zava_owner_password zava_analyst=/run/secrets/zava_analyst_password")
say "set-up job: migrate, seed (scale $SCALE), embed"
start=$SECONDS
if "${zava_run[@]}" "${setup_env[@]}" "$ZAVA_IMAGE" /usr/local/bin/zava-setup-db > "$IMAGE_DIR/setup-1.log" 2>&1; then
  ok "set-up job: migrate, seed and embed ($((SECONDS - start)) s)"
else
  bad "set-up job failed:"; tail -20 "$IMAGE_DIR/setup-1.log"; exit 1
fi
embedded=$(psql -c "select count(*) from retail.product_description_embeddings")
products=$(psql -c "select count(*) from retail.products")
expect "set-up job: every product embedded ($embedded of $products)" test "$embedded" = "$products" -a "$products" -gt 400
start=$SECONDS
"${zava_run[@]}" "${setup_env[@]}" "$ZAVA_IMAGE" /usr/local/bin/zava-setup-db > "$IMAGE_DIR/setup-2.log" 2>&1 || true
second_run_changed_nothing() {
  grep -q "not seeded (--if-empty)" "$IMAGE_DIR/setup-2.log" && grep -q "Embedded 0 products" "$IMAGE_DIR/setup-2.log" \
    && grep -q "zava-setup-db: done" "$IMAGE_DIR/setup-2.log" && return 0
  tail -5 "$IMAGE_DIR/setup-2.log"; return 1
}
expect "set-up job again: nothing re-seeded, nothing re-embedded ($((SECONDS - start)) s)" second_run_changed_nothing

# --- the doctor -------------------------------------------------------------------------------
superuser_env=(-e ZAVA_DATABASE_URL="$(db_url postgres)" -e ZAVA_PASSWORD_FILES="postgres=/run/secrets/postgres_password")
status=0
"${zava_run[@]}" "${superuser_env[@]}" "$ZAVA_IMAGE" doctor > "$IMAGE_DIR/doctor-superuser.log" 2>&1 || status=$?
expect "doctor refuses the database as the superuser (exit $status)" \
  test "$status" -ne 0 -a -n "$(grep -l 'SUPERUSER' "$IMAGE_DIR/doctor-superuser.log")" \
       -a -n "$(grep -l 'ROW-LEVEL SECURITY CAN BE BYPASSED' "$IMAGE_DIR/doctor-superuser.log")"
status=0
timeout 60 "${zava_run[@]}" --name zava-it-superuser "${superuser_env[@]}" "$ZAVA_IMAGE" > "$IMAGE_DIR/serve-superuser.log" 2>&1 || status=$?
expect "zava --serve does not start as the superuser (exit $status)" \
  test "$status" -ne 0 -a "$status" -ne 124 -a -n "$(grep -il 'row-level security' "$IMAGE_DIR/serve-superuser.log")"
status=0
"${zava_run[@]}" -e ZAVA_DATABASE_URL="$(db_url zava_analyst)" -e ZAVA_PASSWORD_FILES="zava_analyst=/run/secrets/zava_analyst_password" \
  "$ZAVA_IMAGE" doctor > "$IMAGE_DIR/doctor-analyst.log" 2>&1 || status=$?
expect "doctor passes as the analyst (exit $status)" \
  test "$status" -eq 0 -a -n "$(grep -l 'Row-level security holds' "$IMAGE_DIR/doctor-analyst.log")"

# --- the server ---------------------------------------------------------------------------------
podman create --name "$SERVER" --network "$NET" --add-host "$DB:$db_ip" -p "127.0.0.1:$PORT:8000" \
  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges -v "$SECRETS:/run/secrets:ro" \
  -e ZAVA_DATABASE_URL="$(db_url zava_analyst)" -e ZAVA_PASSWORD_FILES="zava_analyst=/run/secrets/zava_analyst_password" \
  -e ZAVA_ALLOWED_HOSTS="localhost:*,127.0.0.1:*,zava.test:*" "$ZAVA_IMAGE" >/dev/null
say "starting the server container (cold start: podman start to healthy)"
started=$(date +%s.%N)
podman start "$SERVER" >/dev/null 2>&1
http_ok=""
for _ in $(seq 1 400); do
  if "$PYTHON" - "$PORT" <<'EOF' 2>/dev/null; then http_ok=$(date +%s.%N); break; fi
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
  sleep 0.02
done
health_ok=""
for _ in $(seq 1 100); do
  if podman healthcheck run "$SERVER" >/dev/null 2>&1; then health_ok=$(date +%s.%N); break; fi
  sleep 0.05
done
if [ -n "$http_ok" ]; then
  ok "/healthz answers 200 $(seconds_between "$started" "$http_ok") s after podman start"
else
  bad "/healthz never answered 200:"; podman logs "$SERVER" 2>&1 | tail -20
fi
if [ -n "$health_ok" ]; then
  ok "HEALTHCHECK passes (podman healthcheck run) $(seconds_between "$started" "$health_ok") s after podman start"
else
  bad "the HEALTHCHECK never passed"
fi
expect "podman reports the container healthy" test "$(podman inspect --format '{{.State.Health.Status}}' "$SERVER")" = healthy
expect "runs as uid 10001 (not root), as the image says" \
  test "$(podman exec "$SERVER" id -u):$(podman inspect --format '{{.Config.User}}' "$ZAVA_IMAGE")" = "10001:10001:10001"
expect "zava is PID 1 (SIGTERM reaches it, not a shell)" \
  test "$(podman exec "$SERVER" cat /proc/1/cmdline | tr '\0' ' ')" = "/usr/local/bin/zava --serve --no-repl --stateless "
# zava's own home (uid 10001's) would be writable on a writable root: the error must say read-only.
expect "the root filesystem is read-only" test -n "$(podman exec "$SERVER" sh -c 'touch /var/lib/zava/x 2>&1 || true' | grep -i 'read-only')"

expected=$(psql -c "select json_build_object(
    'stores', json_object_agg(rls_user_id, json_build_object('store_id', store_id, 'name', store_name, 'orders', orders)),
    'total_orders', sum(orders), 'allowed_host', 'zava.test:$PORT')
  from (select s.rls_user_id, s.store_id, s.store_name, count(o.order_id) as orders
        from retail.stores s left join retail.orders o using (store_id) group by 1, 2, 3) t")
say "the Python MCP client against http://127.0.0.1:$PORT/mcp"
check_status=0
"$PYTHON" scripts/image_check.py "http://127.0.0.1:$PORT/mcp" "$expected" || check_status=$?
expect "the Python MCP client's checks (scripts/image_check.py)" test "$check_status" -eq 0

# SIGTERM while a 3-second call is in flight: the call gets its answer, then zava exits 0.
say "SIGTERM with a call in flight"
"$PYTHON" scripts/image_check.py --in-flight "http://127.0.0.1:$PORT/mcp" 3 > "$IMAGE_DIR/in-flight.log" 2>&1 &
client=$!
for _ in $(seq 1 100); do grep -q "in-flight: calling" "$IMAGE_DIR/in-flight.log" && break; sleep 0.05; done
sleep 0.5
stop_start=$(date +%s.%N)
podman kill --signal TERM "$SERVER" >/dev/null
exit_code=$(timeout 15 podman wait "$SERVER" 2>/dev/null || echo "none")
stopped=$(seconds_between "$stop_start" "$(date +%s.%N)")
client_status=0
wait "$client" || client_status=$?
expect "SIGTERM: exit code 0 after $stopped s (bound 10 s)" \
  test "$exit_code" = 0 -a "$(awk -v s="$stopped" 'BEGIN { print (s < 10) }')" = 1
expect "SIGTERM: the call in flight got its answer ($(tail -1 "$IMAGE_DIR/in-flight.log" | cut -c1-80))" \
  test "$client_status" -eq 0 -a -n "$(grep -l '"slept"' "$IMAGE_DIR/in-flight.log")"
podman logs "$SERVER" > "$IMAGE_DIR/server.log" 2>&1 || true

# --- verified tokens (development secret) -------------------------------------------------------
# Token mode through the image: a token minted by the image's own `zava token mint`, the server
# answering it as its store, refusing a call without one with the OAuth challenge, and ignoring a
# header that names another identity.
say "verified tokens: the development secret, a token from zava token mint"
TOKEN_SERVER=zava-it-tokens
TOKEN_PORT=$((PORT + 2))
token_env=(-e ZAVA_DATABASE_URL="$(db_url zava_analyst)" -e ZAVA_PASSWORD_FILES="zava_analyst=/run/secrets/zava_analyst_password"
           -e AUTH_DEV_HMAC_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')" -e AZURE_AUDIENCE=zava-image-test)
token=$("${zava_run[@]}" "${token_env[@]}" "$ZAVA_IMAGE" token mint --as seattle --ttl 10m 2> "$IMAGE_DIR/token-mint.log" | tail -1)
expect "zava token mint in the image prints a token, labelled not for production" \
  test "$(printf '%s' "$token" | tr -cd '.' | wc -c)" -eq 2 -a -n "$(grep -il 'not for production' "$IMAGE_DIR/token-mint.log")"
podman run -d --name "$TOKEN_SERVER" --network "$NET" --add-host "$DB:$db_ip" -p "127.0.0.1:$TOKEN_PORT:8000" --read-only --tmpfs /tmp --cap-drop ALL \
  --security-opt no-new-privileges -v "$SECRETS:/run/secrets:ro" "${token_env[@]}" \
  -e ZAVA_ALLOWED_HOSTS="localhost:*,127.0.0.1:*" "$ZAVA_IMAGE" >/dev/null 2>&1
token_checks=0
"$PYTHON" scripts/image_check.py --tokens "http://127.0.0.1:$TOKEN_PORT/mcp" "$token" "$expected" || token_checks=$?
expect "verified tokens through the image (development secret)" test "$token_checks" -eq 0
podman logs "$TOKEN_SERVER" > "$IMAGE_DIR/token-server.log" 2>&1 || true
podman rm -f -t 0 "$TOKEN_SERVER" >/dev/null 2>&1 || true

# --- sizes -------------------------------------------------------------------------------------
size() { podman image inspect --format '{{.Size}}' "$1"; }
full=$(size "$ZAVA_IMAGE") slim=$(size "$ZAVA_SLIM_IMAGE")
echo "image sizes: $ZAVA_IMAGE $((full / 1000000)) MB, $ZAVA_SLIM_IMAGE (no model) $((slim / 1000000)) MB"
expect "the image without the model is at most 250 MB ($((slim / 1000000)) MB)" test "$slim" -le 250000000

# --- compose.yaml --------------------------------------------------------------------------------
if bash scripts/compose.sh config > "$IMAGE_DIR/compose-config.yaml" 2> "$IMAGE_DIR/compose-config.log"; then
  ok "compose.yaml validates (podman-compose config)"
else
  bad "compose.yaml does not validate:"; tail -5 "$IMAGE_DIR/compose-config.log"
fi

echo "image-test took $((SECONDS - test_start)) s"
echo "image: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
