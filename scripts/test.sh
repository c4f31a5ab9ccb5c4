#!/usr/bin/env bash
# What `make test` runs (the venv is ready by then). Extra arguments go to pytest.
#   1. system packages (scripts/system-deps.sh)
#   2. code checks: ruff, migrations up to date, compiled messages, translations complete
#   3. pytest on SQLite
#   4. pytest on PostgreSQL: DATABASE_URL when it is set, else a throw-away cluster
#      (scripts/pg.sh) that is stopped and removed on any exit. SKIP_POSTGRES=1 skips this.
# SKIP_CHECKS=1 skips step 2 (for a quick local run; `make test` and CI run everything).
# Tests run in PYTEST_WORKERS processes (pytest-xdist; default 2, 0 = in this process), each with its
# own database; a test module stays on one worker (--dist loadscope) so module fixtures are built once.
# Each leg prints how long it took.
# pytest finding no tests at all (exit 5) is a failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=.venv/bin/python
PYTEST=.venv/bin/pytest
RUFF=.venv/bin/ruff

# The database the caller gave us, if any; captured before anything overrides it.
GIVEN_DATABASE_URL=${DATABASE_URL:-}
unset DATABASE_URL

passed=()   # databases the suite passed on
failed=""   # what failed, for the summary line
pg_dir=""   # the throw-away cluster, when one is running
timings=()  # "what: seconds" of each timed step, printed in the summary
started_all=$SECONDS

step() { printf '\n==> %s\n' "$*"; }
fail() {
    failed=$1
    shift
    printf '\ntest.sh: FAILED: %s\n' "$*" >&2
    exit 1
}

summary() {
    local ok="none" label line
    for line in "${timings[@]}"; do echo "test.sh: time: $line"; done
    echo "test.sh: time: scripts/test.sh in all: $((SECONDS - started_all)) s"
    if [ ${#passed[@]} -gt 0 ]; then
        ok=""
        for label in "${passed[@]}"; do ok+="${ok:+, }$label"; done
    fi
    if [ -n "$failed" ]; then
        echo "test.sh: FAILED at $failed; tests passed on: $ok"
    else
        echo "test.sh: OK; tests passed on: $ok"
    fi
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$pg_dir" ]; then
        bash scripts/pg.sh stop "$pg_dir" || echo "test.sh: could not stop the PostgreSQL cluster in $pg_dir" >&2
        rm -rf "$pg_dir"
        pg_dir=""
    fi
    if [ $rc -ne 0 ] && [ -z "$failed" ]; then
        failed="an unexpected error (exit $rc)"
    fi
    echo
    summary
    exit $rc
}
trap cleanup EXIT
trap 'failed="interrupted"; exit 130' INT
trap 'failed="terminated"; exit 143' TERM HUP

[ -x "$PYTEST" ] || fail "setup" "$PYTEST not found: run \`make test\` (it builds .venv) or \`make .venv/.installed-dev\`"

# Hypothesis keeps its example database in var/ (ignored by git), not in the repo root.
export HYPOTHESIS_STORAGE_DIRECTORY=${HYPOTHESIS_STORAGE_DIRECTORY:-var/hypothesis}

step "System packages"
bash scripts/system-deps.sh || fail "system packages" "system packages are missing (see above)"

# Checks run against SQLite whatever DATABASE_URL says.
export DATABASE_URL=""
if [ "${SKIP_CHECKS:-}" = "1" ]; then
    step "Code checks: skipped (SKIP_CHECKS=1)"
else
    step "Code checks"
    checks_start=$SECONDS
    $RUFF check . || fail "ruff" "ruff check found problems (try: $RUFF check --fix .)"
    $RUFF format --check . || fail "ruff format" "files are not formatted (run: $RUFF format .)"
    $PY manage.py makemigrations --check --dry-run \
        || fail "migrations" "models changed without a migration (run: $PY manage.py makemigrations)"
    $PY manage.py compilemessages --ignore=.venv --verbosity 0 \
        || fail "compilemessages" "compilemessages failed (see above)"
    $PY scripts/check_messages.py || fail "translations" "translations are not up to date (see above)"
    timings+=("code checks: $((SECONDS - checks_start)) s")
fi

WORKERS=${PYTEST_WORKERS:-2}
XDIST_ARGS=()
if [ "$WORKERS" != "0" ]; then
    XDIST_ARGS=(-n "$WORKERS" --dist loadscope)
fi

# run_pytest LABEL: pytest with the arguments given to this script.
run_pytest() {
    local label=$1 rc=0 start=$SECONDS
    step "pytest on $label (${WORKERS} workers)"
    $PYTEST -p no:cacheprovider "${XDIST_ARGS[@]}" "${PYTEST_ARGS[@]}" || rc=$?
    timings+=("pytest on $label: $((SECONDS - start)) s")
    printf 'test.sh: pytest on %s took %d s\n' "$label" $((SECONDS - start))
    case $rc in
    0) passed+=("$label") ;;
    5) fail "pytest on $label" "no tests ran on $label (pytest collected nothing)" ;;
    *) fail "pytest on $label" "pytest failed on $label (exit $rc)" ;;
    esac
}
PYTEST_ARGS=("$@")

DATABASE_URL="" run_pytest "SQLite"

if [ "${SKIP_POSTGRES:-}" = "1" ]; then
    echo "test.sh: SKIP_POSTGRES=1: not running on PostgreSQL"
elif [ -n "$GIVEN_DATABASE_URL" ]; then
    export DATABASE_URL=$GIVEN_DATABASE_URL
    run_pytest "PostgreSQL (DATABASE_URL)"
else
    step "Starting a throw-away PostgreSQL cluster"
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/lantoa-pg.XXXXXX")
    port=$(bash scripts/pg.sh start "$pg_dir") || fail "PostgreSQL start" "could not start PostgreSQL (see above)"
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
    run_pytest "PostgreSQL"
fi
