#!/usr/bin/env bash
# The data layer's point query, two builds alternating in one run: is a change's cost on the
# pipeline visible, and how large? Prints each run's p50/p99 and the medians.
#   bash bench/point_ab.sh BASE_ZAVA_BENCH [NEW_ZAVA_BENCH] [ROUNDS]
# Both binaries run with this checkout's sql/ (ZAVA_ROOT) against the embedded cluster under
# ZAVA_HOME (`zava db init` first).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: point_ab.sh BASE_ZAVA_BENCH [NEW_ZAVA_BENCH] [ROUNDS]}
new=${2:-./.build/release/zava-bench}
rounds=${3:-5}
export ZAVA_ROOT=$PWD ZAVA_HOME="${ZAVA_HOME:-$PWD/.zava}"
declare -a a50 b50
for round in $(seq "$rounds"); do
  for side in a b; do
    binary=$([ $side = a ] && echo "$base" || echo "$new")
    line=$("$binary" point)
    p50=$(sed -E 's/.*p50 ([0-9.]+) ms.*/\1/' <<<"$line")
    echo "round $round $side: $line"
    if [ $side = a ]; then a50+=("$p50"); else b50+=("$p50"); fi
  done
done
python3 - "${a50[*]}" "${b50[*]}" <<'PY'
import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
ma, mb = statistics.median(a), statistics.median(b)
print(f"median p50: base {ma:.3f} ms, new {mb:.3f} ms, change {100 * (mb - ma) / ma:+.1f}%")
PY
