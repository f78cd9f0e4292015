#!/usr/bin/env bash
# lab/lab_chdb.sh — a modern ClickHouse (26.x) for the lab: ClickHouse's SQL engine as the npm
# package chdb, behind a ClickHouse-style HTTP front in Node (lab/chdb/server.js), in
# $LS_LAB_DIR/chdb. An open server on 127.77.17.1:8123 with the seed's situation (a 1.1 million
# row log_stream with chats and keys, a dozen accounts without a password, a readonly account, an
# admin with access_management, external-engine tables with credentials in their DDL and an
# HTTP-sourced dictionary that are never read) and its protected twin on 127.77.17.2:8123
# (`default` needs a password). Writes $LS_LAB_DIR/lab_chdb.env. Idempotent. `npm install` runs when
# lab/chdb/node_modules is missing. HTTP only: chDB has no native-protocol server.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/chdb" && pwd -P)
REPO=$(cd "$SRC/../.." && pwd -P)
DIR=$STATE/chdb
OPEN=127.77.17.1
PROTECTED=127.77.17.2
PORT=8123
PASSWORD=lab-chdb-secret-pw

lab_gen() {
    local d
    for d in "${LS_BUILD_DIR:-$REPO/build}/lab" "${LS_BUILD_DIR:-$REPO/build}"; do
        [[ -x $d/lab_gen ]] && { printf '%s' "$d/lab_gen"; return 0; }
    done
    die "lab_gen not found under ${LS_BUILD_DIR:-$REPO/build} (build the lab_gen target, or run lab/lab.sh up)"
}

ensure_modules() {
    command -v node >/dev/null || die "node not found (apt-get install nodejs npm)"
    [[ -d $SRC/node_modules/chdb && -d $SRC/node_modules/@chdb ]] && return 0
    command -v npm >/dev/null || die "npm not found (apt-get install npm)"
    # Not `npm ci`: chdb lists its other platforms' libraries as optional dependencies that the
    # lock cannot pin, so `npm ci` refuses the lock as out of sync. `npm install` with the lock,
    # without the optional ones (the Linux x64 library is a direct dependency), saving nothing.
    say "installing chdb into $SRC/node_modules (npm install from the lock)"
    (cd "$SRC" && npm install --no-audit --no-fund --no-save --omit=optional >"$DIR/npm.log" 2>&1) || {
        tail -n 20 "$DIR/npm.log" >&2
        die "npm install failed (see $DIR/npm.log)"
    }
}

start_front() { # name addr mode
    local name=$1 addr=$2
    if [[ -f $DIR/$name.pid ]] && kill -0 "$(cat "$DIR/$name.pid")" 2>/dev/null && lab_listening "$addr" "$PORT"; then
        return 0
    fi
    lab_listening "$addr" "$PORT" && die "$addr:$PORT is taken by a process this lab did not start"
    mkdir -p "$DIR/$name"
    node "$SRC/plant.js" "$DIR/$name" "$3" "$(lab_gen)" "$PASSWORD" >"$DIR/$name.version" 2>"$DIR/$name.plant.log" || {
        tail -n 20 "$DIR/$name.plant.log" >&2
        die "planting $name failed (see $DIR/$name.plant.log)"
    }
    nohup node "$SRC/server.js" "$DIR/$name" "$addr" "$PORT" </dev/null >"$DIR/$name.log" 2>&1 8>&- &
    echo $! >"$DIR/$name.pid"
    lab_wait_port "$addr" "$PORT"
}

cmd_up() {
    lab_lock "$DIR"
    ensure_modules
    start_front open "$OPEN" open
    start_front protected "$PROTECTED" protected
    local rows
    rows=$(curl --noproxy '*' -sS --max-time 30 "http://$OPEN:$PORT/?query=SELECT+count()+FROM+default.log_stream")
    [[ $rows == "$("$(lab_gen)" --count default.log_stream)" ]] || die "the open server holds $rows log_stream rows"
    {
        printf 'LAB_CHDB_OPEN=%q\nLAB_CHDB_PROTECTED=%q\nLAB_CHDB_PORT=%q\nLAB_CHDB_PASSWORD=%q\n' \
            "$OPEN" "$PROTECTED" "$PORT" "$PASSWORD"
        printf 'LAB_CHDB_VERSION=%q\nLAB_CHDB_LOG_STREAM_ROWS=%q\n' "$(cat "$DIR/open.version")" "$rows"
        printf 'LAB_CHDB_DISPLAY_NAME=%q\nLAB_CHDB_PROTECTED_DISPLAY_NAME=%q\n' \
            clickhouse-modern-01.lab.internal clickhouse-modern-protected-01.lab.internal
    } | lab_write_env lab_chdb.env
    say "chDB (ClickHouse $(cat "$DIR/open.version")) up: open $OPEN, protected $PROTECTED (:$PORT); environment: $STATE/lab_chdb.env"
}

cmd_down() {
    local name
    for name in open protected; do
        lab_stop_pidfile "$DIR/$name.pid" 'node'
    done
    rm -f "$STATE/lab_chdb.env"
}

cmd_status() {
    local rc=0 a
    for a in "$OPEN open" "$PROTECTED protected"; do
        if lab_listening "${a%% *}" "$PORT"; then echo "chdb ${a#* }  running  ${a%% *} :$PORT"; else
            echo "chdb ${a#* }  stopped  ${a%% *} :$PORT"
            rc=1
        fi
    done
    return $rc
}

lab_main "$@"
