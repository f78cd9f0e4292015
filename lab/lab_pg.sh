#!/usr/bin/env bash
# lab/lab_pg.sh — a real PostgreSQL on loopback for the team-history tests (`--db postgres://…`):
# its own cluster (initdb as the postgres user) in $LS_LAB_DIR/pg, listening on 127.77.5.1:5432
# only, password auth. Writes $LS_LAB_DIR/lab_pg.env with LAB_PG_URL. Idempotent: `up` on a running
# cluster only rewrites the env file. Called by lab.sh up/down; usable on its own.
set -euo pipefail

STATE=${LS_LAB_DIR:-/tmp/leakscan-lab}
case $STATE in /*) ;; *) STATE=$PWD/$STATE ;; esac
PG_ADDR=${LAB_PG_ADDR:-127.77.5.1}
PG_PORT=${LAB_PG_PORT:-5432}
PG_PASSWORD=lab-pg-pw
PG_DB=leakscan
DATA=$STATE/pg/data
LOG=$STATE/pg/server.log

say() { printf 'lab_pg: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [[ -n $d && -x $d/initdb ]] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
    printf '%s' "$d"
}

# Runs a command as the cluster owner: postgres when we are root (initdb refuses root), else us.
as_owner() {
    if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [[ -f $DATA/postmaster.pid ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

cmd_up() {
    BIN=$(pg_bin)
    mkdir -p "$STATE/pg"
    [[ $(id -u) == 0 ]] && chown postgres: "$STATE/pg"
    exec 8>"$STATE/pg/.lock"
    flock -w 120 8 || die "another lab_pg.sh holds $STATE/pg/.lock"
    if [[ ! -f $DATA/PG_VERSION ]]; then
        local pw=$STATE/pg/pw
        printf '%s\n' "$PG_PASSWORD" >"$pw"
        [[ $(id -u) == 0 ]] && chown postgres: "$pw"
        as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=scram-sha-256 --pwfile="$pw" -E UTF8 \
            --no-locale >"$STATE/pg/initdb.log" 2>&1 || { tail -n 20 "$STATE/pg/initdb.log" >&2; die "initdb failed"; }
        rm -f "$pw"
    fi
    if ! running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
            -o "-c listen_addresses=$PG_ADDR -c port=$PG_PORT -c unix_socket_directories=$STATE/pg" start 8>&- \
            >/dev/null || { tail -n 20 "$LOG" >&2; die "PostgreSQL did not start on $PG_ADDR:$PG_PORT"; }
    fi
    export PGPASSWORD=$PG_PASSWORD
    if [[ $("$BIN/psql" -h "$PG_ADDR" -p "$PG_PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") != 1 ]]; then
        "$BIN/psql" -h "$PG_ADDR" -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE $PG_DB" >/dev/null
    fi
    printf 'LAB_PG_URL=%q\nLAB_PG_ADDR=%q\nLAB_PG_PORT=%q\n' \
        "postgres://postgres:$PG_PASSWORD@$PG_ADDR:$PG_PORT/$PG_DB" "$PG_ADDR" "$PG_PORT" >"$STATE/lab_pg.env.tmp"
    mv "$STATE/lab_pg.env.tmp" "$STATE/lab_pg.env"
    say "PostgreSQL up on $PG_ADDR:$PG_PORT (database $PG_DB); environment: $STATE/lab_pg.env"
}

cmd_down() {
    BIN=$(pg_bin)
    if [[ -f $DATA/PG_VERSION ]] && running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
    fi
    rm -f "$STATE/lab_pg.env"
}

cmd_status() {
    BIN=$(pg_bin)
    if running; then echo "postgres      running  $PG_ADDR :$PG_PORT (history tests)"; else
        echo "postgres      stopped  $PG_ADDR :$PG_PORT (history tests)"
        return 1
    fi
}

case ${1:-} in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*) echo "usage: lab/lab_pg.sh up|down|status" >&2; exit 2 ;;
esac
