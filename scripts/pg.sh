#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests, listening on 127.0.0.1 only.
#
#   scripts/pg.sh start DIR [PORT]   initdb DIR/data and start it; prints the port on stdout
#                                    (a free one is picked when PORT is not given)
#   scripts/pg.sh stop DIR           stop it (a no-op when it is not running)
#
# Connect with DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres (trust auth, no password).
# Uses the newest /usr/lib/postgresql/*/bin. initdb refuses to run as root, so as root the
# cluster is owned by and run as the `postgres` user. Durability is switched off: it is
# thrown away after the run. The caller removes DIR.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR [PORT] | $0 stop DIR" >&2
    exit 2
}

log() { echo "pg.sh: $*" >&2; }
die() {
    log "$*"
    exit 1
}

pg_bindir() {
    local newest="" dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] || continue
        if [ -z "$newest" ] || [ "$(basename "$(dirname "$dir")")" -gt "$(basename "$(dirname "$newest")")" ]; then
            newest=$dir
        fi
    done
    [ -n "$newest" ] || die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (run scripts/system-deps.sh)"
    echo "$newest"
}

# Run a command as the cluster owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

free_port() {
    local py
    py=$(command -v python3 || command -v python) || die "python3 is needed to pick a free port (or pass PORT)"
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local dir=$1 port=${2:-} bindir attempt
    bindir=$(pg_bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -e "$dir/data/postmaster.pid" ]; then
        die "$dir/data is already running (or was not stopped cleanly); run: $0 stop $dir"
    fi
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user (install the Debian postgresql package)"
        chown postgres "$dir"
        chmod 700 "$dir"
        as_owner test -w "$dir" || die "user postgres cannot write to $dir (a parent directory is not searchable?)"
    fi
    # The socket goes into DIR; keep cwd somewhere the owner can read.
    cd "$dir"
    if [ ! -e "$dir/data/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
            --no-sync >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            die "initdb failed"
        }
    fi
    # A picked port can be taken between picking and binding: retry with another one.
    for attempt in 1 2 3; do
        local chosen=${port:-$(free_port)}
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -o \
            "-c listen_addresses=127.0.0.1 -p $chosen -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null; then
            echo "$chosen" >"$dir/port"
            log "PostgreSQL $(basename "$(dirname "$bindir")") running in $dir on 127.0.0.1:$chosen"
            echo "$chosen"
            return 0
        fi
        [ -z "$port" ] || break
        log "start on port $chosen failed (attempt $attempt)"
    done
    tail -n 20 "$dir/log" >&2 || true
    die "could not start PostgreSQL in $dir (log above: $dir/log)"
}

stop() {
    local dir=$1 bindir
    [ -e "$dir/data/postmaster.pid" ] || return 0
    bindir=$(pg_bindir)
    cd "$dir"
    # pg_ctl status: 0 running, 3 not running (a stale postmaster.pid), 4 no data directory.
    local rc=0
    as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 || rc=$?
    if [ "$rc" -eq 3 ] || [ "$rc" -eq 4 ]; then
        return 0
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null; then
        log "fast stop failed; stopping immediately"
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null
    fi
}

[ $# -ge 2 ] || usage
case $1 in
start)
    [ $# -le 3 ] || usage
    start "$2" "${3:-}"
    ;;
stop)
    [ $# -le 3 ] || usage # a PORT argument is accepted and ignored
    stop "$2"
    ;;
*) usage ;;
esac
