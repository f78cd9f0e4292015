# shellcheck shell=bash
# lab/lab_lib.sh — what the engine lab scripts (lab_mysql.sh, lab_redis.sh, lab_pgopen.sh,
# lab_pg.sh) share; sourced by each, never run. On sourcing it sets STATE (the absolute lab state
# directory, $LS_LAB_DIR or /tmp/leakscan-lab) and LAB_NAME (the script's name, for messages).
# Functions that keep files per server (lab_start_decoy) use the caller's $DIR.

STATE=${LS_LAB_DIR:-/tmp/leakscan-lab}
case $STATE in /*) ;; *) STATE=$PWD/$STATE ;; esac
LAB_NAME=$(basename "$0" .sh)

say() { printf '%s: %s\n' "$LAB_NAME" "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

lab_listening() { ss -Hltn "src $1:$2" 2>/dev/null | grep -q .; } # addr port

lab_wait_port() { # addr port: up to 30 s
    local i
    for ((i = 0; i < 300; i++)); do
        lab_listening "$1" "$2" && return 0
        sleep 0.1
    done
    die "nothing listens on $1:$2 (see the logs in ${DIR:-$STATE})"
}

# Runs a command as `user` when we are root (the servers refuse to run as root), else as us.
lab_as() { # user command…
    local user=$1
    shift
    if [[ $(id -u) == 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

# Holds dir/.lock on fd 8 until the script exits: one `up` at a time per state directory.
lab_lock() { # dir
    mkdir -p "$1"
    exec 8>"$1/.lock"
    flock -w 120 8 || die "another $LAB_NAME.sh holds $1/.lock"
}

# Writes stdin to $STATE/name atomically (readers never see half an env file).
lab_write_env() { # name
    cat >"$STATE/$1.tmp"
    mv "$STATE/$1.tmp" "$STATE/$1"
}

# Stops the process in a pid file (only when its command line matches `pattern`, if given),
# waits up to 10 s for it to exit, and removes the file.
lab_stop_pidfile() { # file [pattern]
    local f=$1 pid
    [[ -f $f ]] || return 0
    pid=$(cat "$f" 2>/dev/null || true)
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null &&
        { [[ -z ${2:-} ]] || grep -qE "$2" "/proc/$pid/cmdline" 2>/dev/null; }; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$f"
}

# Stops every $dir/<name>.pid of a lab (lab_stop_pidfile with the same pattern for each).
lab_stop_all() { # dir pattern name...
    local dir=$1 pattern=$2 name
    shift 2
    for name in "$@"; do
        lab_stop_pidfile "$dir/$name.pid" "$pattern"
    done
}

# `status`: one line per server ("<name> <label>  running|stopped  <addr> :<port>"); returns 1 if
# any is stopped. An entry is "addr label" (on `port`) or "addr:port label".
lab_status_all() { # name port entry...
    local what=$1 port=$2 rc=0 a addr p
    shift 2
    for a in "$@"; do
        addr=${a%% *}
        p=$port
        [[ $addr == *:* ]] && p=${addr##*:} && addr=${addr%:*}
        if lab_listening "$addr" "$p"; then echo "$what ${a#* }  running  $addr :$p"; else
            echo "$what ${a#* }  stopped  $addr :$p"
            rc=1
        fi
    done
    return $rc
}

# A decoy: a small threaded TCP server in Python whose `serve(c)` (the script's text, given as
# python) answers one connection; addr, port and mode are its arguments. Log and pid in $DIR.
LAB_PY_HEAD='
import socket, struct, sys, threading
addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
'
LAB_PY_LOOP='
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(64)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
'
lab_start_decoy() { # name addr port serve-python [mode]
    lab_listening "$2" "$3" && return 0
    nohup python3 -c "$LAB_PY_HEAD$4$LAB_PY_LOOP" "$2" "$3" "${5:-}" </dev/null >"$DIR/$1.log" 2>&1 8>&- &
    echo $! >"$DIR/$1.pid"
    lab_wait_port "$2" "$3"
}

# ---- PostgreSQL (lab_pg.sh, lab_pgopen.sh) ----------------------------------------------------

lab_pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [[ -n $d && -x $d/initdb ]] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
    printf '%s' "$d"
}

lab_pg_running() { # datadir ($BIN from lab_pg_bin)
    [[ -f $1/postmaster.pid ]] && lab_as postgres "$BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# A cluster in base/data (initdb log, server log and socket in base) with the superuser postgres
# and `password`, `auth` for every local and loopback client, listening on addr:port.
lab_pg_start() { # base addr port auth password
    local base=$1 addr=$2 port=$3 auth=$4 data=$1/data
    mkdir -p "$base"
    [[ $(id -u) == 0 ]] && chown postgres: "$base"
    if [[ ! -f $data/PG_VERSION ]]; then
        printf '%s\n' "$5" >"$base/pw"
        [[ $(id -u) == 0 ]] && chown postgres: "$base/pw"
        lab_as postgres "$BIN/initdb" -D "$data" -U postgres --auth="$auth" --pwfile="$base/pw" -E UTF8 \
            --no-locale >"$base/initdb.log" 2>&1 || {
            tail -n 20 "$base/initdb.log" >&2
            die "initdb $base failed"
        }
        rm -f "$base/pw"
        # every loopback client (the source address of a loopback connection is 127.0.0.1)
        printf 'local all all %s\nhost all all 127.0.0.0/8 %s\n' "$auth" "$auth" |
            lab_as postgres tee "$data/pg_hba.conf" >/dev/null
    fi
    if ! lab_pg_running "$data"; then
        lab_as postgres "$BIN/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
            -o "-c listen_addresses=$addr -c port=$port -c unix_socket_directories=$base" start 8>&- \
            >/dev/null || {
            tail -n 20 "$base/server.log" >&2
            die "PostgreSQL did not start on $addr:$port (see $base/server.log)"
        }
    fi
}

# The command line: up|down|status run the script's cmd_up, cmd_down, cmd_status.
lab_main() {
    case ${1:-} in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *)
        echo "usage: lab/$LAB_NAME.sh up|down|status" >&2
        exit 2
        ;;
    esac
}
