#!/usr/bin/env bash
# compose.yaml, brought up with podman-compose and checked like the image (scripts/image_check.py).
# Run by `make image-test` after scripts/image-test.sh.
#
# podman 4.3 (Debian 12) runs health checks only from systemd timers, and this machine runs no
# systemd; podman-compose 1.6.0 therefore skips `condition: service_healthy` (it needs podman
# 4.6) and no container here ever turns healthy by itself. So this script does what the
# conditions would: it starts `db`, runs its health check until it passes, starts `setup` and
# waits for it to exit 0, then starts `zava` and runs its health check. Everything else (images,
# secrets, environment, volumes, ports, the one network and its service names) is compose's.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/podman-env.sh
podman_setup

PYTHON=$ZAVA_HOME/venv/bin/python
PROJECT=zava-ct
PORT=${ZAVA_COMPOSE_TEST_PORT:-18081}
export ZAVA_SECRETS_DIR=$IMAGE_DIR/compose-test-secrets ZAVA_PUBLISHED_PORT=$PORT
export ZAVA_SEED_SCALE=${ZAVA_IMAGE_TEST_SCALE:-0.1} ZAVA_ALLOWED_HOSTS="localhost:*,127.0.0.1:*,zava.test:*"
compose() { bash scripts/compose.sh -p "$PROJECT" "$@"; }
start=$SECONDS

passed=0 failed=0
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }

cleanup() { compose down -v -t 5 > "$IMAGE_DIR/compose-down.log" 2>&1 || true; }
trap cleanup EXIT
cleanup
rm -rf "$ZAVA_SECRETS_DIR"
bash scripts/compose.sh secrets 2>/dev/null

healthy() { # container, tries (every 0.5 s)
  local _
  for _ in $(seq 1 "$2"); do
    podman healthcheck run "$1" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

say "compose: db"
compose up -d db > "$IMAGE_DIR/compose-up.log" 2>&1 || { tail -20 "$IMAGE_DIR/compose-up.log"; exit 1; }
if healthy "${PROJECT}_db_1" 120; then ok "compose: db healthy"; else bad "compose: db never healthy"; podman logs "${PROJECT}_db_1" 2>&1 | tail; exit 1; fi

# The set-up job and the server find the database by its service name through podman's DNS.
# When that does not answer (scripts/podman-env.sh), the name is pinned in their /etc/hosts,
# so what is tested stays compose.yaml and the image.
network=$(podman inspect --format '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}' "${PROJECT}_db_1")
pin=()
if ! name_resolves "$network" "${ZAVA_IMAGE:-localhost/zava:latest}" db 30; then
  db_ip=$(container_ip "${PROJECT}_db_1" "$network")
  printf 'note podman DNS does not resolve the service name db on %s; pinned to %s\n' "$network" "$db_ip"
  dns_diagnostics "$network"
  pin=(--podman-run-args="--add-host=db:$db_ip")
fi

say "compose: setup (migrate, seed at scale $ZAVA_SEED_SCALE, embed)"
compose "${pin[@]}" up -d --no-deps setup >> "$IMAGE_DIR/compose-up.log" 2>&1 || { tail -20 "$IMAGE_DIR/compose-up.log"; exit 1; }
status=$(timeout 600 podman wait "${PROJECT}_setup_1" || echo timeout)
if [ "$status" = 0 ]; then ok "compose: setup completed (exit 0)"; else
  bad "compose: setup exited $status"; podman logs "${PROJECT}_setup_1" 2>&1 | tail -20; exit 1
fi

say "compose: zava"
compose "${pin[@]}" up -d --no-deps zava >> "$IMAGE_DIR/compose-up.log" 2>&1 || { tail -20 "$IMAGE_DIR/compose-up.log"; exit 1; }
if healthy "${PROJECT}_zava_1" 60; then ok "compose: zava healthy"; else bad "compose: zava never healthy"; podman logs "${PROJECT}_zava_1" 2>&1 | tail; exit 1; fi

expected=$(podman exec "${PROJECT}_db_1" psql -v ON_ERROR_STOP=1 --no-psqlrc -At -U postgres -d zava -c "select json_build_object(
    'stores', json_object_agg(rls_user_id, json_build_object('store_id', store_id, 'name', store_name, 'orders', orders)),
    'total_orders', sum(orders), 'allowed_host', 'zava.test:$PORT')
  from (select s.rls_user_id, s.store_id, s.store_name, count(o.order_id) as orders
        from retail.stores s left join retail.orders o using (store_id) group by 1, 2, 3) t")
if "$PYTHON" scripts/image_check.py "http://127.0.0.1:$PORT/mcp" "$expected"; then
  ok "compose: the Python MCP client's checks"
else
  bad "compose: the Python MCP client's checks"
fi

stop_start=$(date +%s.%N)
compose stop -t 10 zava >> "$IMAGE_DIR/compose-up.log" 2>&1 || true
returned=$(date +%s.%N)
code=$(podman inspect --format '{{.State.ExitCode}}' "${PROJECT}_zava_1")
finished=$(date -d "$(podman inspect --format '{{.State.FinishedAt}}' "${PROJECT}_zava_1" | sed 's/ +0000 UTC//')" +%s.%N)
exited=$(awk -v a="$stop_start" -v b="$finished" 'BEGIN { printf "%.2f", b - a }')
took=$(awk -v a="$stop_start" -v b="$returned" 'BEGIN { printf "%.1f", b - a }')
if [ "$code" = 0 ] && awk -v s="$exited" 'BEGIN { exit !(s < 10) }'; then
  ok "compose: zava exited with code 0, $exited s after compose stop began (which returned after $took s)"
else
  bad "compose: zava exit code $code, $exited s after compose stop began"
fi

echo "compose-test took $((SECONDS - start)) s"
echo "compose: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
