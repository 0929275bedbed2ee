#!/usr/bin/env bash
# podman-compose for compose.yaml, with this machine's podman settings (scripts/podman-env.sh).
#
#   bash scripts/compose.sh secrets    # three random passwords in $ZAVA_SECRETS_DIR (.zava/secrets), once
#   bash scripts/compose.sh config     # validate and print the resolved file
#   bash scripts/compose.sh up -d      # any podman-compose command
#
# podman-compose 1.6.0 is installed from PyPI into .zava/image/compose-venv (Debian's 1.0.3
# predates depends_on conditions). With podman older than 4.6, as Debian 12's 4.3, it waits for
# `service_completed_successfully` but skips `service_healthy` with a warning, and nothing runs
# health checks without systemd: scripts/compose-test.sh brings the services up in order itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/podman-env.sh
COMPOSE_VERSION=1.6.0
export ZAVA_SECRETS_DIR=${ZAVA_SECRETS_DIR:-$PWD/.zava/secrets}

if [ "${1:-}" = secrets ]; then
  mkdir -p "$ZAVA_SECRETS_DIR"
  for name in postgres_password zava_owner_password zava_analyst_password; do
    [ -s "$ZAVA_SECRETS_DIR/$name" ] && continue
    head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$ZAVA_SECRETS_DIR/$name"
    say "wrote $ZAVA_SECRETS_DIR/$name"
  done
  # Readable by the containers' users (postgres, uid 10001): mounted secrets are files they read.
  chmod 0755 "$ZAVA_SECRETS_DIR" && chmod 0644 "$ZAVA_SECRETS_DIR"/*
  exit 0
fi

podman_setup
venv=$IMAGE_DIR/compose-venv
if ! "$venv/bin/podman-compose" --version 2>/dev/null | grep -q "podman-compose version $COMPOSE_VERSION"; then
  say "installing podman-compose $COMPOSE_VERSION (PyPI) into $venv"
  python3 -m venv "$venv" && "$venv/bin/pip" install -q "podman-compose==$COMPOSE_VERSION" >&2 \
    || die "could not install podman-compose $COMPOSE_VERSION"
fi
exec "$venv/bin/podman-compose" -f compose.yaml "$@"
