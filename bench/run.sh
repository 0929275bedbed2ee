#!/usr/bin/env bash
# zava's benchmarks, each figure beside its physical reference. Needs `make release` first
# (`make bench` does both). Uses the embedded cluster under ZAVA_HOME (default .zava); the
# seed benchmark reloads it at scale 1.
set -euo pipefail
source "$(dirname "$0")/common.sh"
trap 'rm -rf "$OUT"' EXIT

[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
$ZAVA db start >/dev/null 2>&1 || $ZAVA db init >/dev/null
ADMIN=$($ZAVA db url --admin)
ANALYST=$($ZAVA db url)

echo "== seed (scale 1) =="
t_zava=$(wall $ZAVA db seed --scale 1)
tables="stores categories product_types products customers inventory orders order_items"
for t in $tables; do "$PGBIN/psql" -q "$ADMIN" -c "\\copy retail.$t to '$OUT/$t.tsv'"; done
{
  echo "SET synchronous_commit = off;"
  echo "TRUNCATE retail.order_items, retail.orders, retail.inventory, retail.customers, retail.product_description_embeddings, retail.product_image_embeddings, retail.products, retail.product_types, retail.categories, retail.stores RESTART IDENTITY;"
  for t in $tables; do echo "\\copy retail.$t from '$OUT/$t.tsv'"; done
} > "$OUT/load.sql"
echo "ANALYZE retail.stores, retail.categories, retail.product_types, retail.products, retail.customers, retail.inventory, retail.orders, retail.order_items;" > "$OUT/analyze.sql"
t_psql=$(wall bash -c "'$PGBIN/psql' -q -1 '$ADMIN' -f '$OUT/load.sql' && '$PGBIN/psql' -q '$ADMIN' -f '$OUT/analyze.sql'")
echo "zava db seed --scale 1 (generate + COPY + ANALYZE): ${t_zava} s   reference psql \\copy of the same rows + ANALYZE: ${t_psql} s   ratio $(python3 -c "print(f'{$t_zava/$t_psql:.2f}')") (goal <= 1.2)"
$ZAVA embed >/dev/null 2>&1

echo "== data layer latency vs pgbench =="
./.build/release/zava-bench point
./.build/release/zava-bench checks
cat > "$OUT/point.sql" <<'SQL'
\set id random(1, 190000)
BEGIN READ ONLY;
SET LOCAL zava.rls_user_id = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
SELECT order_id, customer_id, order_date FROM retail.orders WHERE order_id = :id;
ROLLBACK;
SQL
cat > "$OUT/bare.sql" <<'SQL'
\set id random(1, 190000)
SELECT order_id, customer_id, order_date FROM retail.orders WHERE order_id = :id;
SQL
for script in point bare; do
  (cd "$OUT" && "$PGBIN/pgbench" -n -M extended -c 1 -t 5000 -l --log-prefix="$script" -f "$script.sql" "$ANALYST" >/dev/null 2>&1)
  p50=$(cat "$OUT"/$script.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int(NR/2)]/1000}')
  echo "pgbench ($script: $( [ $script = point ] && echo "same transaction, one statement per round trip" || echo "the bare SELECT" )): p50 ${p50} ms"
done
echo "== start-up =="
./.build/release/zava-bench startup
starts=(); for run in 1 2 3 4 5; do starts+=("$(wall $ZAVA --as seattle -c "select 1")"); done
echo "zava --as seattle -c 'select 1' (process start, start-up check, one query, exit): median of 5 $(median "${starts[@]}") s"
echo "== data layer CPU per call vs bare libpq (same pipeline, in one process) =="
./.build/release/zava-bench layer

echo "== rendering 100,000 rows to a file =="
# Five alternating runs each; the median wall time and the median CPU time (user + system) of the
# client process. On a shared 2-core machine the CPU time is the steadier figure.
Q="select g as id, 'product ' || g as name, g * 1.25 as price, now()::date as day from generate_series(1, 100000) g"
for fmt in csv table; do
  flag=$([ $fmt = csv ] && echo "--csv" || echo "")
  zw=(); zc=(); pw=(); pc=(); rss=0
  for run in 1 2 3 4 5; do
    read -r w c m < <( { /usr/bin/time -f "%e %U %S %M" $ZAVA --as headoffice --max-rows 200000 --format $fmt -c "$Q" > "$OUT/z.$fmt"; } 2>&1 | tail -1 | awk '{print $1, $2 + $3, $4}')
    zw+=("$w"); zc+=("$c"); rss=$m
    read -r w c < <( { /usr/bin/time -f "%e %U %S" "$PGBIN/psql" -X -q $flag "$ANALYST" -c "$Q" > "$OUT/p.$fmt"; } 2>&1 | tail -1 | awk '{print $1, $2 + $3}')
    pw+=("$w"); pc+=("$c")
  done
  zwm=$(median "${zw[@]}"); pwm=$(median "${pw[@]}"); zcm=$(median "${zc[@]}"); pcm=$(median "${pc[@]}")
  echo "$fmt: zava wall ${zwm} s, cpu ${zcm} s (max RSS ${rss} KB)   psql wall ${pwm} s, cpu ${pcm} s   wall ratio $(python3 -c "print(f'{$zwm/$pwm:.2f}')") (goal <= 1.5)"
done
cmp -s "$OUT/z.csv" "$OUT/p.csv" && echo "CSV output identical to psql's" || echo "CSV output DIFFERS from psql's"
bash bench/repl.sh

echo "== embeddings and search =="
./.build/release/minilm-bench --only query 2>/dev/null | tail -3 || true
./.build/release/zava-bench search
