#!/usr/bin/env bash
# What the analyst's session costs: a no-op `make run` to the prompt, and `\copy` / `\o` of
# 100,000 and 1,000,000 rows beside psql's `\copy` (wall, CPU, peak memory). Run by
# bench/run.sh; alone: `bash bench/repl.sh` after `make release`.
set -euo pipefail
source "$(dirname "$0")/common.sh"
trap 'rm -rf "$OUT"; tmux kill-session -t zava-bench-run 2>/dev/null || true' EXIT
$ZAVA db start >/dev/null 2>&1 || true
ANALYST=$($ZAVA db url)

echo "== make run on a built tree, to the prompt =="
make -s release >/dev/null
runs=()
for run in 1 2 3; do
  start=$(date +%s.%N)
  tmux new-session -d -s zava-bench-run -x 120 -y 30 "make -s run ARGS='--as seattle'"
  until tmux capture-pane -p -t zava-bench-run 2>/dev/null | grep -q "zava seattle=>"; do sleep 0.02; done
  end=$(date +%s.%N)
  tmux kill-session -t zava-bench-run
  runs+=("$(python3 -c "print(f'{$end-$start:.2f}')")")
done
echo "no-op make run to the 'zava seattle=>' prompt: ${runs[*]} s, median $(median "${runs[@]}") s (goal < 10 s)"

echo "== \\copy and \\o to a file =="
# Each tool runs a script holding the command once and six times: the difference over five is
# the command's own cost, as typed in a session already open (process start-up is measured
# above and in bench/run.sh); the whole one-command run is shown too.
measure() { # tool script -> "wall cpu peak-KB"
  if [ "$1" = zava ]; then /usr/bin/time -f "%e %U %S %M" $ZAVA --as headoffice -f "$2" > /dev/null
  else /usr/bin/time -f "%e %U %S %M" "$PGBIN/psql" -X -q "$ANALYST" -f "$2" > /dev/null; fi 2>&1 | tail -1 | awk '{print $1, $2 + $3, $4}'
}
for rows in 100000 1000000; do
  Q="select g as id, 'product ' || g as name, g * 1.25 as price, date '2026-01-01' + g % 365 as day from generate_series(1, $rows) g"
  for tool in zava psql; do
    t=${tool:0:1}
    printf '\\copy (%s) to %s csv header\n' "$Q" "$OUT/$t.csv" > "$OUT/${t}copy1.sql"
    printf '\\o %s\n%s;\n' "$OUT/$t.txt" "$Q" > "$OUT/${t}o1.sql"
    for kind in copy o; do
      for i in 1 2 3 4 5 6; do cat "$OUT/${t}${kind}1.sql"; done > "$OUT/${t}${kind}6.sql"
    done
  done
  for kind in copy o; do
    declare -A one six peak
    for tool in zava psql; do
      t=${tool:0:1}; w1=(); w6=()
      for run in 1 2 3; do
        read -r w c m < <(measure $tool "$OUT/${t}${kind}1.sql"); w1+=("$w"); peak[$tool]=$m
        read -r w c m < <(measure $tool "$OUT/${t}${kind}6.sql"); w6+=("$w")
      done
      one[$tool]=$(median "${w1[@]}"); six[$tool]=$(median "${w6[@]}")
    done
    zeach=$(python3 -c "print(f'{(${six[zava]}-${one[zava]})/5:.3f}')"); peach=$(python3 -c "print(f'{(${six[psql]}-${one[psql]})/5:.3f}')")
    label=$([ $kind = copy ] && echo "\\copy ... csv header" || echo "\\o file + aligned table")
    echo "$label, $rows rows: each command zava ${zeach} s, psql ${peach} s, ratio $(python3 -c "print(f'{$zeach/max($peach, 0.001):.2f}')")$([ $kind = copy ] && echo " (goal <= 1.5)")   whole run zava ${one[zava]} s, psql ${one[psql]} s   peak RSS zava ${peak[zava]} KB, psql ${peak[psql]} KB"
  done
  cmp -s "$OUT/z.csv" "$OUT/p.csv" && echo "  \\copy output identical to psql's ($rows rows)" || echo "  \\copy output DIFFERS from psql's ($rows rows)"
done
