#!/usr/bin/env bash
# lab/lab_pg.sh — a real PostgreSQL on loopback for the team-history tests (`--db postgres://…`):
# its own cluster (initdb as the postgres user) in $LS_LAB_DIR/pg, listening on 127.77.5.1:5432
# only, password auth. Writes $LS_LAB_DIR/lab_pg.env with LAB_PG_URL. Idempotent: `up` on a running
# cluster only rewrites the env file. Called by lab.sh up/down; usable on its own.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
PG_ADDR=${LAB_PG_ADDR:-127.77.5.1}
PG_PORT=${LAB_PG_PORT:-5432}
PG_PASSWORD=lab-pg-pw
PG_DB=leakscan
DATA=$STATE/pg/data

cmd_up() {
    BIN=$(lab_pg_bin)
    lab_lock "$STATE/pg"
    lab_pg_start "$STATE/pg" "$PG_ADDR" "$PG_PORT" scram-sha-256 "$PG_PASSWORD"
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
    BIN=$(lab_pg_bin)
    if [[ -f $DATA/PG_VERSION ]] && lab_pg_running "$DATA"; then
        lab_as postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
    fi
    rm -f "$STATE/lab_pg.env"
}

cmd_status() {
    BIN=$(lab_pg_bin)
    if lab_pg_running "$DATA"; then echo "postgres      running  $PG_ADDR :$PG_PORT (history tests)"; else
        echo "postgres      stopped  $PG_ADDR :$PG_PORT (history tests)"
        return 1
    fi
}

lab_main "$@"
