#!/usr/bin/env bash
# The load run: USERS Locust users of mixed roles (bench/load.py) for DURATION against `manage.py serve`
# (gunicorn, 2 workers × 4 threads, plus the task worker and the scheduler) on a throw-away PostgreSQL
# (scripts/pg.sh) with the default and demo data. Everything listens on 127.0.0.1 only. Not part of
# `make test`. Prints the per-page table (bench/load_summary.py) and writes it to OUT.
#
#   bash bench/load.sh                            # 50 users, 5 minutes, the full demo registry
#   USERS=10 DURATION=30s DEMO_PEOPLE=2000 bash bench/load.sh     # a quick look
#
# It measures the last commit: a copy of HEAD (git archive) with the bench/ files of the working tree, so
# that edits made in the tree during the run do not change what is measured. KEEP=1 keeps the work folder.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-5}
DURATION=${DURATION:-5m}
DEMO_PEOPLE=${DEMO_PEOPLE:-}
OUT=${OUT:-$REPO/bench/results-load-$(date +%Y-%m-%d).txt}
label="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- bench || echo ' (plus the bench/ files of the working tree)')"

WORK=$(mktemp -d /tmp/lantoa-load.XXXXXX)
chmod 755 "$WORK"
git archive HEAD | tar -x -C "$WORK" --one-top-level=src
cp bench/*.py bench/*.sh "$WORK/src/bench/"
ln -s "$REPO/.venv" "$WORK/src/.venv"
cd "$WORK/src"
PY=.venv/bin/python

pg_dir="$WORK/pg"
serve_pid=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid" && wait "$serve_pid" || true
    fi
    bash scripts/pg.sh stop "$pg_dir" || echo "load.sh: could not stop PostgreSQL in $pg_dir" >&2
    if [ "${KEEP:-0}" = 1 ]; then echo "load.sh: work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
    exit $rc
}
trap cleanup EXIT INT TERM HUP

pg_port=$(bash scripts/pg.sh start "$pg_dir")
"$PY" - "$pg_port" <<'PYEOF'
import sys, psycopg
with psycopg.connect(f"postgresql://postgres@127.0.0.1:{sys.argv[1]}/postgres", autocommit=True) as c:
    c.execute("CREATE DATABASE lantoa_load")
PYEOF
export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/lantoa_load"
export LANTOA_VAR_DIR="$WORK/var" MEDIA_ROOT="$WORK/var/media" DEBUG=0 LOG_LEVEL=WARNING
export SECRET_KEY="load-run-only-secret-key-not-used-for-anything-0123456789"
export ALLOWED_HOSTS="127.0.0.1" CSRF_TRUSTED_ORIGINS="http://127.0.0.1"
web_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT=$web_port
# Keep idle connections longer than a user's pause between pages (gunicorn's default is 2 s): a request
# sent on a connection the server is closing at that moment fails on the client (status 0). Behind a
# reverse proxy the proxy's keep-alive plays this part.
export GUNICORN_CMD_ARGS="--keep-alive 30"

started=$SECONDS
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py load_defaults >"$WORK/load_defaults.log"
"$PY" manage.py load_demo ${DEMO_PEOPLE:+--people "$DEMO_PEOPLE"} >"$WORK/load_demo.log"
"$PY" bench/load_setup.py --database "$DATABASE_URL" --out "$WORK/accounts.json"
prepared=$((SECONDS - started))

"$PY" manage.py serve --host 127.0.0.1 --port "$web_port" >"$WORK/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break
    sleep 1
done
curl -fsS "http://127.0.0.1:$web_port/healthz" >/dev/null

.venv/bin/locust -f bench/load.py --headless --only-summary -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
    --host "http://127.0.0.1:$web_port" --load-accounts "$WORK/accounts.json" --csv "$WORK/load" \
    --stop-timeout 30 >"$WORK/locust.log" 2>&1 || true

people=$("$PY" manage.py shell -c 'from lantoa.audience.models import Person; print(Person.objects.count())' 2>/dev/null | tail -n 1)
{
    echo "Lan Tỏa load run — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $label"
    echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB;" \
        "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "server: manage.py serve (gunicorn 2 workers × 4 threads, db_worker, scheduler) on PostgreSQL" \
        "$("$PY" -c 'import psycopg, os; print(psycopg.connect(os.environ["DATABASE_URL"]).info.server_version)')," \
        "loopback; Locust on the same machine"
    echo "data: default data + load_demo (${people} people); prepared in ${prepared} s"
    echo "users: $USERS (${SPAWN_RATE}/s), $DURATION, 2–6 s between pages"
    echo
    "$PY" bench/load_summary.py "$WORK/load_stats.csv" "$WORK/load_failures.csv"
} | tee "$OUT"
grep -E "Traceback|ERROR|CRITICAL|\[CRITICAL\]|WORKER TIMEOUT" "$WORK/serve.log" | head -20 | tee -a "$OUT" || true
grep -v '" 200 \|" 302 ' "$WORK/serve.log" | grep -E '" [0-9]{3} ' | head -20 | tee -a "$OUT" || true
echo "results written to $OUT"
