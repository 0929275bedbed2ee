#!/usr/bin/env bash
# `make test`: the fast tier first (no PostgreSQL, no Python, no tmux: ZavaCore's rules over a
# fake statement executor, the REPL's commands, the tools' arguments), then the integration
# tier against the real embedded PostgreSQL 18 + pgvector, the Python MCP clients and the
# release binary in a terminal, its timed suites last. Each tier's wall time is printed after it.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
ZAVA_HOME=${ZAVA_HOME:-$PWD/.zava}
log=$ZAVA_HOME/test.log
: > "$log"

tier() { # name, swift test arguments...
  local name=$1; shift
  local start=$SECONDS
  printf '\n== %s tier\n' "$name" | tee -a "$log"
  "$SWIFT" test --skip-build "$@" 2>&1 | tee -a "$log"
  local status=${PIPESTATUS[0]}
  printf '== %s tier: exit %d after %d s\n' "$name" "$status" $((SECONDS - start)) | tee -a "$log"
  return "$status"
}

# Suites whose assertions bound a time (a cancel within a second, a queue served before its
# timeout, a prompt back after Ctrl-C) run after the rest, on their own: beside thirty suites
# starting at once on two cores they measured the machine's load instead of zava.
timed='(InferenceTests|FaultTests|DataLayerTests|REPLTerminalTests|HTTPLimitsTests|InferenceOverMCPTests|PoolExhaustionTests|HostileClientTests)/'

"$SWIFT" build --build-tests 2>&1 | tail -n 3 || exit 1
tier fast --filter '^FastTests\.' || exit 1
export ZAVA_TEST_HOME=$ZAVA_HOME/test ZAVA_VENV=$ZAVA_HOME/venv
tier integration --skip '^FastTests\.' --skip "$timed" || exit 1
tier "integration (timed)" --filter "$timed"
