#!/usr/bin/env bash
# The dashboard benchmark series: 1×, 4×, 16× the base size, on SQLite and on a throw-away PostgreSQL
# (scripts/pg.sh, stopped and removed on any exit). Prints the results and writes them to
# bench/results-<date>.txt. Exits 3 when the app's figures differ from the hand SQL's anywhere (that run
# is not timed).
#
#   bash bench/run.sh                       # base 0.0625 (12,500 activities, 31,250 radio rows) → 16× = 1
#   BASE=0.03125 bash bench/run.sh          # a smaller base (16× = half the province)
#   DATABASES=sqlite bash bench/run.sh      # SQLite only
#   MULTS="1 4" REPEAT=3 bash bench/run.sh
#
# BASE is generate.py's --scale of 1× (1 = the issue's province size: 200,000 activities, 500,000 radio
# rows). The largest size is generated; the smaller ones are derived from it (generate.py --derive-from:
# every 4th / 16th activity and radio row, tables rewritten), so every size has the same areas, units
# and plan and the sizes are nested samples of one data set. KEEP=1 keeps the databases in the work folder.
# SNAPSHOT=1 measures the last commit (git archive HEAD, with the current bench/ files) from a copy in
# /tmp, so that edits made in the working tree during the run do not change what is measured.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${SNAPSHOT:-0}" = 1 ] && [ -z "${LANTOA_BENCH_COMMIT:-}" ]; then
    snap=$(mktemp -d /tmp/lantoa-bench-src.XXXXXX)
    git archive HEAD | tar -x -C "$snap"
    cp bench/*.py bench/*.sh "$snap/bench/"
    ln -s "$PWD/.venv" "$snap/.venv"
    rc=0
    label="$(git rev-parse --short HEAD) (snapshot$(git diff --quiet HEAD -- bench || echo ', plus the bench/ files of the working tree'))"
    OUT=${OUT:-$PWD/bench/results-$(date +%Y-%m-%d).txt} LANTOA_BENCH_COMMIT="$label" \
        bash "$snap/bench/run.sh" || rc=$?
    rm -rf "$snap"
    exit $rc
fi
PY=.venv/bin/python
BASE=${BASE:-0.0625}
MULTS=${MULTS:-"1 4 16"}
REPEAT=${REPEAT:-5}
DASH_REPEAT=${DASH_REPEAT:-3}
YEAR=${YEAR:-2025}
DATABASES=${DATABASES:-"sqlite postgresql"}
HAMLETS=${HAMLETS:-8}
OUT=${OUT:-bench/results-$(date +%Y-%m-%d).txt}

WORK=$(mktemp -d /tmp/lantoa-bench.XXXXXX)
chmod 755 "$WORK"
export LANTOA_BENCH_SCRATCH="$WORK" # media/static/secret-key folders of the PostgreSQL runs
pg_dir=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$pg_dir" ]; then
        bash scripts/pg.sh stop "$pg_dir" || echo "run.sh: could not stop PostgreSQL in $pg_dir" >&2
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "run.sh: databases kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT INT TERM HUP

say() { echo "$*" | tee -a "$OUT"; }

largest=0
for m in $MULTS; do [ "$m" -gt "$largest" ] && largest=$m; done
for m in $MULTS; do
    if [ $((largest % m)) -ne 0 ]; then
        echo "run.sh: every size must divide the largest ($largest); $m does not" >&2
        exit 2
    fi
done
scale_largest=$("$PY" -c "print($BASE * $largest)")

: >"$OUT"
say "Lan Tỏa dashboard benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
if [ -n "${LANTOA_BENCH_COMMIT:-}" ]; then
    say "commit $LANTOA_BENCH_COMMIT"
else
    say "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes in the working tree')"
fi
say "base (1×) = --scale $BASE; sizes: $MULTS (largest generated with --scale $scale_largest, the others derived);"
say "$HAMLETS hamlets per commune; year $YEAR timed per indicator (median of $REPEAT), dashboard_rows median of $DASH_REPEAT"
say "databases: $DATABASES"
say ""

url_for() { # database kind, size → what --database takes
    if [ "$1" = sqlite ]; then
        echo "$WORK/sqlite-$2x.sqlite3"
    else
        echo "postgres://postgres@127.0.0.1:$pg_port/bench_$2x"
    fi
}

if [[ " $DATABASES " == *" postgresql "* ]]; then
    pg_dir="$WORK/pg"
    pg_port=$(bash scripts/pg.sh start "$pg_dir")
fi

# 1. Generate the largest size of each database (in parallel: generation is not what is measured).
started=$(date +%s)
pids=()
for db in $DATABASES; do
    "$PY" bench/generate.py --database "$(url_for "$db" "$largest")" --scale "$scale_largest" \
        --hamlets "$HAMLETS" >"$WORK/generate-$db.log" 2>&1 &
    pids+=($!)
done
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        cat "$WORK"/generate-*.log >&2
        echo "run.sh: generating failed" >&2
        exit 1
    fi
done
for db in $DATABASES; do
    tail -n 3 "$WORK/generate-$db.log"
done
# 2. Derive the smaller sizes.
for db in $DATABASES; do
    for m in $MULTS; do
        [ "$m" -eq "$largest" ] && continue
        "$PY" bench/generate.py --database "$(url_for "$db" "$m")" --derive-from "$(url_for "$db" "$largest")" \
            --keep-every $((largest / m)) | tail -n 1
    done
done
say "data generated in $(($(date +%s) - started))s"
say ""

# 3. Measure, one database at a time, nothing else of ours running.
status=0
for db in $DATABASES; do
    for m in $MULTS; do
        rc=0
        "$PY" bench/dashboard.py --database "$(url_for "$db" "$m")" --label "$db ${m}×" --year "$YEAR" \
            --repeat "$REPEAT" --dash-repeat "$DASH_REPEAT" --json "$WORK/$db-$m.json" 2>&1 |
            grep -v -e 'UserWarning' -e 'return getattr(self._connections' | tee -a "$OUT" || rc=$?
        [ "$rc" -ne 0 ] && status=$rc
        say ""
    done
done

# A run whose figures differ from the SQL's stops untimed and writes no JSON: summarise the others.
shopt -s nullglob
jsons=("$WORK"/*.json)
shopt -u nullglob
if [ ${#jsons[@]} -gt 0 ]; then
    "$PY" bench/summary.py "${jsons[@]}" | tee -a "$OUT"
fi
[ "$status" -ne 0 ] && say "run.sh: FAILED — a run stopped (exit $status); if 3, the app's figures differ from the hand SQL's (above)"
say "results written to $OUT"
exit $status
