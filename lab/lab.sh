#!/usr/bin/env bash
# lab/lab.sh — stands up (and tears down) leakscan's test lab on loopback addresses:
# an exposed ClickHouse full of synthetic leaked logs, a password-protected ClickHouse, a decoy
# that merely answers "Ok.", and hostile servers for robustness tests. See lab/README.md.
#
#   lab/lab.sh up       start whatever is not running, load missing data (idempotent, fast when up)
#   lab/lab.sh down     stop everything this state directory started
#   lab/lab.sh status   show what runs (exit 0 only if everything does)
#   lab/lab.sh clean    down, then delete the state directory (data is regenerated on next up)
#
# Environment: LS_LAB_DIR (state, default /tmp/leakscan-lab), LS_BUILD_DIR (CMake build dir that
# holds lab/lab_gen, lab/lab_decoy, lab/lab_hostile; default <repo>/build; built if missing),
# LS_LAB_WAIT (seconds to wait for each server, default 60).
set -euo pipefail

LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$LAB_SRC/.." && pwd -P)
STATE=${LS_LAB_DIR:-/tmp/leakscan-lab}
BUILD=${LS_BUILD_DIR:-$REPO/build}
WAIT_SECS=${LS_LAB_WAIT:-60}
case $STATE in /*) ;; *) STATE=$PWD/$STATE ;; esac
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
RUN=$STATE/run

EXPOSED=127.77.3.14
PROTECTED=127.77.3.15
DECOY=127.77.3.16
GARBAGE=127.77.3.20
SILENT=127.77.3.21
ENDLESS=127.77.3.22
DRIP=127.77.3.23
TRUNCATED=127.77.3.24
PROTECTED_PASSWORD=lab-secret-pw
EXPOSED_NAME=clickhouse-exposed-01.lab.internal
PROTECTED_NAME=clickhouse-protected-01.lab.internal
HTTP_PORT=8123 NATIVE_PORT=9000 HTTPS_PORT=8443 NATIVE_TLS_PORT=9440
# shellcheck source=lab/lab_blast.sh
. "$LAB_SRC/lab_blast.sh"

# the ClickHouse ports, and the other engines' ports (Redis, PostgreSQL, MySQL) for the conformance test
HOSTILE_OTHER_PORTS=(6379 5432 3306 2379 11211 2181 8086 9090 15672 5672)
# One script per engine lab beside this one (lab_<name>.sh up|down|status), started after ClickHouse:
# pg = the history tests' PostgreSQL; the others are engine labs (see lab/README.md). LS_LAB_ENGINES
# (space-separated names) starts only those.
read -r -a ENGINE_LABS <<<"${LS_LAB_ENGINES:-pg redis pgopen mysql etcd memcached zookeeper influxdb prometheus rabbitmq chdb}"
HOSTILE_LISTENERS=(
    "garbage@$GARBAGE:8123" "garbage@$GARBAGE:9000"
    "silent@$SILENT:8123" "silent@$SILENT:9000"
    "endless-http@$ENDLESS:8123" "endless@$ENDLESS:9000"
    "drip-http@$DRIP:8123" "drip@$DRIP:9000"
    "truncated@$TRUNCATED:8123" "truncated@$TRUNCATED:9000"
)
for _p in "${HOSTILE_OTHER_PORTS[@]}"; do
    HOSTILE_LISTENERS+=("garbage@$GARBAGE:$_p" "silent@$SILENT:$_p" "endless@$ENDLESS:$_p" "drip@$DRIP:$_p"
        "truncated@$TRUNCATED:$_p")
done
unset _p

say() { printf 'lab: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
now_ns() { date +%s%N; }
# curl only ever talks to the lab's loopback addresses, never through a proxy
lcurl() { curl --noproxy '*' "$@"; }

# ---- helper binaries -------------------------------------------------------------------------

BIN=""
find_bins() {
    local d
    for d in "$BUILD/lab" "$BUILD"; do
        if [[ -x $d/lab_gen && -x $d/lab_decoy && -x $d/lab_hostile ]]; then
            BIN=$d
            return 0
        fi
    done
    return 1
}

bins_stale() {
    # rebuilt (by CMake, which knows the real dependencies) when a lab source is newer than the
    # stamp left by our last build, or when we never built in this directory
    [[ ! -f $BIN/.lab-helpers-built ]] ||
        [[ -n $(find "$LAB_SRC" -maxdepth 1 \( -name '*.c' -o -name '*.h' -o -name CMakeLists.txt \) \
            -newer "$BIN/.lab-helpers-built" -print -quit) ]]
}

ensure_bins() {
    if find_bins && ! bins_stale; then
        return 0
    fi
    say "building lab helpers in $BUILD"
    if [[ ! -f $BUILD/CMakeCache.txt ]]; then
        cmake -S "$REPO" -B "$BUILD" >&2 || die "cmake configure failed"
    fi
    cmake --build "$BUILD" --target lab_gen lab_decoy lab_hostile -j "$(nproc 2>/dev/null || echo 2)" >&2 ||
        die "building lab_gen lab_decoy lab_hostile failed"
    find_bins || die "lab helpers not found under $BUILD after building"
    touch "$BIN/.lab-helpers-built"
}

# ---- processes by PID file --------------------------------------------------------------------

# pid_of NAME EXE: the PID recorded for NAME if that process is alive and still runs EXE
pid_of() {
    local f=$RUN/$1.pid pid cmd
    [[ -r $f ]] || return 1
    read -r pid <"$f" || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$2"* ]] || return 1
    printf '%s\n' "$pid"
}

# Lab servers already running from ANOTHER state directory (say CI's, while a developer's lab is
# up) hold the same fixed addresses. `up` uses them instead of failing on the ports; they are
# not recorded in our PID files, so our `down` leaves them to whoever started them.
declare -A ADOPTED=()

listener_pid() { # listener_pid IP PORT: PID of the process listening there (empty if none)
    ss -Hltnp 2>/dev/null | awk -v ep="$1:$2" '
        $4 == ep && !found && match($0, /pid=[0-9]+/) { found = substr($0, RSTART + 4, RLENGTH - 4) }
        END { if (found) print found }'
}

# adopt NAME EXE IP PORT: if a lab process running EXE listens on IP:PORT, remember it (and its
# command line in ADOPTED_CMD). Runs in the current shell, never in $(...).
ADOPTED_CMD=""
adopt() {
    local name=$1 exe=$2 pid cmd
    pid=$(listener_pid "$3" "$4")
    [[ -n $pid ]] || return 1
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$exe"* ]] || return 1
    ADOPTED[$name]=$pid
    ADOPTED_CMD=$cmd
    say "$name already runs from another lab directory (pid $pid); using it, ${0##*/} down here will not stop it"
}

# running_pid NAME EXE: our own process, or the adopted one, if alive
running_pid() {
    local pid
    if pid=$(pid_of "$1" "$2"); then
        printf '%s\n' "$pid"
    elif [[ -n ${ADOPTED[$1]:-} && -e /proc/${ADOPTED[$1]} ]]; then
        printf '%s\n' "${ADOPTED[$1]}"
    else
        return 1
    fi
}

# start_bg NAME LOGFILE CMD...: run CMD detached (own session), record its PID
start_bg() {
    local name=$1 log=$2
    shift 2
    # fd 9 is the state lock: the servers must not inherit it
    setsid "$@" >>"$log" 2>&1 </dev/null 9>&- &
    printf '%s\n' "$!" >"$RUN/$name.pid"
}

# stop_all NAME:EXE...: SIGTERM every live one at once, wait up to 30 s, then SIGKILL stragglers
stop_all() {
    local item name pids=() names=() pid i
    for item in "$@"; do
        name=${item%%:*}
        if pid=$(pid_of "$name" "${item#*:}"); then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
            names+=("$name")
        fi
    done
    for ((i = 0; i < 300; i++)); do
        local alive=0
        for pid in "${pids[@]}"; do [[ -e /proc/$pid ]] && alive=1; done
        ((alive)) || break
        sleep 0.1
    done
    for i in "${!pids[@]}"; do
        if [[ -e /proc/${pids[i]} ]]; then
            say "${names[i]} (pid ${pids[i]}) ignored SIGTERM for 30 s, killing it"
            kill -KILL "${pids[i]}" 2>/dev/null || true
        fi
        say "stopped ${names[i]} (pid ${pids[i]})"
    done
    for item in "$@"; do rm -f "$RUN/${item%%:*}.pid"; done
}

listening() { # listening IP PORT
    ss -Hltn 2>/dev/null | awk '{print $4}' | grep -xF "$1:$2" >/dev/null
}

port_free_or_die() { # before starting NAME on IP PORT...
    local name=$1 ip=$2 port
    shift 2
    for port in "$@"; do
        if listening "$ip" "$port"; then
            die "$ip:$port is already in use by another process (not started from $STATE); cannot start $name.
$(ss -Hltnp 2>/dev/null | grep -F " $ip:$port " || true)"
        fi
    done
}

# ---- ClickHouse -------------------------------------------------------------------------------

declare -A CH_DIR=()
# the server's own directory (config, data, logs, TLS, load stamps): ours, or an adopted server's
ch_dir() { printf '%s' "${CH_DIR[$1]:-$STATE/ch-$1}"; }

ch_tls_cert() {
    local tls=$1/tls
    mkdir -p "$tls"
    if [[ ! -s $tls/server.crt || ! -s $tls/server.key ]]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$EXPOSED_NAME" \
            -addext "subjectAltName=DNS:$EXPOSED_NAME,IP:$EXPOSED" \
            -keyout "$tls/server.key" -out "$tls/server.crt" 2>"$tls/openssl.log" ||
            die "openssl could not create the lab certificate: $(tail -3 "$tls/openssl.log")"
        chmod 600 "$tls/server.key"
    fi
}

# write_ch_config NAME ADDRESS DISPLAY_NAME TLS(0|1) PASSWORD_XML
write_ch_config() {
    local dir=$1 addr=$2 display=$3 tls=$4 auth=$5 tls_xml=""
    mkdir -p "$dir"/{data,tmp,user_files,format_schemas,log}
    if [[ $tls == 1 ]]; then
        tls_xml="    <https_port>$HTTPS_PORT</https_port>
    <tcp_port_secure>$NATIVE_TLS_PORT</tcp_port_secure>
    <openSSL>
        <server>
            <certificateFile>$dir/tls/server.crt</certificateFile>
            <privateKeyFile>$dir/tls/server.key</privateKeyFile>
            <verificationMode>none</verificationMode>
            <loadDefaultCAFile>false</loadDefaultCAFile>
            <cacheSessions>true</cacheSessions>
            <disableProtocols>sslv2,sslv3</disableProtocols>
            <preferServerCiphers>true</preferServerCiphers>
        </server>
    </openSSL>"
    fi
    cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by lab/lab.sh for leakscan's test lab; regenerated on every start. -->
<yandex>
    <logger>
        <level>information</level>
        <log>$dir/log/server.log</log>
        <errorlog>$dir/log/server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <display_name>$display</display_name>
    <listen_host>$addr</listen_host>
    <http_port>$HTTP_PORT</http_port>
    <tcp_port>$NATIVE_PORT</tcp_port>
$tls_xml
    <timezone>UTC</timezone>
    <max_connections>1024</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mlock_executable>false</mlock_executable>
</yandex>
EOF
    cat >"$dir/users.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by lab/lab.sh for leakscan's test lab; regenerated on every start. -->
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <use_uncompressed_cache>0</use_uncompressed_cache>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            $auth
            <networks>
                <ip>::/0</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
}

# start_ch NAME ADDRESS DISPLAY_NAME TLS PASSWORD(empty = none)
start_ch() {
    local name=$1 addr=$2 display=$3 tls=$4 pw=$5 dir auth runas=()
    dir=$(ch_dir "$name")
    if pid_of "ch-$name" clickhouse-server >/dev/null; then
        return 0
    fi
    if adopt "ch-$name" clickhouse-server "$addr" "$HTTP_PORT" &&
        [[ $ADOPTED_CMD =~ --config-file=([^ ]*)/ch-$name/config\.xml ]]; then
        CH_DIR[$name]=${BASH_REMATCH[1]}/ch-$name
        return 0
    fi
    local ports=("$HTTP_PORT" "$NATIVE_PORT")
    [[ $tls == 1 ]] && ports+=("$HTTPS_PORT" "$NATIVE_TLS_PORT")
    port_free_or_die "ClickHouse ($name)" "$addr" "${ports[@]}"
    if [[ -n $pw ]]; then
        auth="<password_sha256_hex>$(printf '%s' "$pw" | sha256sum | cut -d' ' -f1)</password_sha256_hex>"
    else
        auth="<password></password>"
    fi
    mkdir -p "$dir"
    [[ $tls == 1 ]] && ch_tls_cert "$dir"
    write_ch_config "$dir" "$addr" "$display" "$tls" "$auth"
    if [[ -n ${CH_CONFIG_HOOK[$name]:-} ]]; then "${CH_CONFIG_HOOK[$name]}" "$dir"; fi
    # 18.16 runs as root too, but there is no reason to: use the package's account when we can
    if [[ $(id -u) == 0 ]] && id clickhouse >/dev/null 2>&1 && command -v setpriv >/dev/null; then
        chown -R clickhouse:clickhouse "$dir"
        local drop=(setpriv --reuid=clickhouse --regid=clickhouse --init-groups --)
        if "${drop[@]}" test -w "$dir/data" -a -x "$dir"; then
            runas=("${drop[@]}")
        fi
    fi
    start_bg "ch-$name" "$dir/log/stdout.log" "${runas[@]}" clickhouse-server --config-file="$dir/config.xml"
    say "started ClickHouse $name on $addr (pid $(cat "$RUN/ch-$name.pid"))"
}

wait_ch() { # wait_ch NAME ADDRESS
    local name=$1 addr=$2 dir deadline
    dir=$(ch_dir "$name")
    deadline=$((SECONDS + WAIT_SECS))
    while ((SECONDS < deadline)); do
        if [[ $(lcurl -s --max-time 2 "http://$addr:$HTTP_PORT/ping" 2>/dev/null) == "Ok." ]]; then
            return 0
        fi
        running_pid "ch-$name" clickhouse-server >/dev/null || break
        sleep 0.2
    done
    say "ClickHouse $name did not answer http://$addr:$HTTP_PORT/ping within ${WAIT_SECS}s; log tail:"
    tail -n 30 "$dir/log/server.err.log" "$dir/log/stdout.log" >&2 2>/dev/null || true
    exit 1
}

chq() { # chq ADDRESS [PASSWORD] -- ARGS...: clickhouse-client against a lab server
    local addr=$1 pw=$2
    shift 3
    if [[ -n $pw ]]; then
        clickhouse-client --host "$addr" --port "$NATIVE_PORT" --password "$pw" "$@"
    else
        clickhouse-client --host "$addr" --port "$NATIVE_PORT" "$@"
    fi
}

# load_table NAME ADDRESS PASSWORD TABLE: (re)create and fill TABLE unless it already holds this
# data; the stamp (generator data version) lives with the server's data
load_table() {
    local addr=$2 pw=$3 table=$4 expected have version stamp t0 t1 db stampdir
    stampdir=$(ch_dir "$1")/loaded
    mkdir -p "$stampdir"
    expected=$("$BIN/lab_gen" --count "$table")
    version=$("$BIN/lab_gen" --version)
    stamp=$(cat "$stampdir/$table" 2>/dev/null || true)
    have=$(chq "$addr" "$pw" -- --query "SELECT count() FROM $table" 2>/dev/null || echo none)
    if [[ $have == "$expected" && $stamp == "$version" ]]; then
        return 0
    fi
    db=${table%%.*}
    chq "$addr" "$pw" -- --query "CREATE DATABASE IF NOT EXISTS $db"
    chq "$addr" "$pw" -- --query "DROP TABLE IF EXISTS $table"
    chq "$addr" "$pw" -- --query "$("$BIN/lab_gen" --schema "$table")"
    rm -f "$stampdir/$table"
    t0=$(now_ns)
    "$BIN/lab_gen" "$table" | chq "$addr" "$pw" -- --query "INSERT INTO $table FORMAT TabSeparated" ||
        die "loading $table into $addr failed"
    t1=$(now_ns)
    have=$(chq "$addr" "$pw" -- --query "SELECT count() FROM $table")
    [[ $have == "$expected" ]] || die "$table on $addr holds $have rows after loading, expected $expected"
    printf '%s\n' "$version" >"$stampdir/$table"
    say "loaded $table on $addr: $have rows in $(awk -v d=$((t1 - t0)) 'BEGIN{printf "%.2f", d/1e9}') s"
}

write_ground_truth() {
    local version
    version=$("$BIN/lab_gen" --version)
    if [[ $(cat "$STATE/planted.version" 2>/dev/null || true) != "$version" || ! -s $STATE/planted-stats.tsv ||
        ! -s $STATE/planted-values.tsv ]]; then
        "$BIN/lab_gen" --stats >"$STATE/planted-stats.tsv.tmp"
        "$BIN/lab_gen" --planted >"$STATE/planted-values.tsv.tmp"
        mv "$STATE/planted-stats.tsv.tmp" "$STATE/planted-stats.tsv"
        mv "$STATE/planted-values.tsv.tmp" "$STATE/planted-values.tsv"
        printf '%s\n' "$version" >"$STATE/planted.version"
    fi
}

write_env() {
    # clickhouse-client settings that accept the lab's self-signed certificate (native TLS, 9440)
    cat >"$STATE/clickhouse-client-tls.xml" <<'EOF'
<config>
    <openSSL>
        <client>
            <loadDefaultCAFile>false</loadDefaultCAFile>
            <verificationMode>none</verificationMode>
            <invalidCertificateHandler><name>AcceptCertificateHandler</name></invalidCertificateHandler>
        </client>
    </openSSL>
</config>
EOF
    {
        printf '# leakscan lab, written by lab/lab.sh up; source it from tests.\n'
        printf '%s=%q\n' LAB_DIR "$STATE" LAB_BIN_DIR "$BIN" \
            LAB_EXPOSED "$EXPOSED" LAB_PROTECTED "$PROTECTED" LAB_DECOY "$DECOY" \
            LAB_GARBAGE "$GARBAGE" LAB_SILENT "$SILENT" LAB_ENDLESS "$ENDLESS" LAB_DRIP "$DRIP" LAB_TRUNCATED "$TRUNCATED" \
            LAB_PROTECTED_PASSWORD "$PROTECTED_PASSWORD" \
            LAB_HTTP_PORT "$HTTP_PORT" LAB_NATIVE_PORT "$NATIVE_PORT" \
            LAB_HTTPS_PORT "$HTTPS_PORT" LAB_NATIVE_TLS_PORT "$NATIVE_TLS_PORT" \
            LAB_TLS_CERT "$(ch_dir exposed)/tls/server.crt" LAB_CLIENT_TLS_CONFIG "$STATE/clickhouse-client-tls.xml" \
            LAB_EXPOSED_DISPLAY_NAME "$EXPOSED_NAME" LAB_PROTECTED_DISPLAY_NAME "$PROTECTED_NAME" \
            LAB_LOG_STREAM_ROWS "$("$BIN/lab_gen" --count log_stream)" \
            LAB_PLANTED_STATS "$STATE/planted-stats.tsv" LAB_PLANTED_VALUES "$STATE/planted-values.tsv"
        blast_env
    } >"$STATE/lab.env.tmp"
    mv "$STATE/lab.env.tmp" "$STATE/lab.env"
}

# ---- decoy and hostile servers ----------------------------------------------------------------

# the decoy and hostile servers need no privileges: as root, run them as nobody
unprivileged() {
    local drop
    if [[ $(id -u) == 0 ]] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
        drop=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
        if "${drop[@]}" test -x "$BIN/lab_hostile" -a -x "$BIN/lab_decoy"; then
            printf '%s\n' "${drop[@]}"
        fi
    fi
}

start_decoy() {
    local drop
    mapfile -t drop < <(unprivileged)
    pid_of decoy lab_decoy >/dev/null && return 0
    adopt decoy lab_decoy "$DECOY" "$HTTP_PORT" && return 0
    port_free_or_die decoy "$DECOY" "$HTTP_PORT"
    start_bg decoy "$STATE/log/decoy.log" "${drop[@]}" "$BIN/lab_decoy" "$DECOY" "$HTTP_PORT"
    say "started decoy on $DECOY:$HTTP_PORT (pid $(cat "$RUN/decoy.pid"))"
}

start_hostile() {
    local args=() l spec drop
    mapfile -t drop < <(unprivileged)
    pid_of hostile lab_hostile >/dev/null && return 0
    spec=${HOSTILE_LISTENERS[0]#*@}
    adopt hostile lab_hostile "${spec%:*}" "${spec##*:}" && return 0
    for l in "${HOSTILE_LISTENERS[@]}"; do
        spec=${l#*@}
        port_free_or_die hostile "${spec%:*}" "${spec##*:}"
        args+=(-l "$l")
    done
    start_bg hostile "$STATE/log/hostile.log" "${drop[@]}" "$BIN/lab_hostile" "${args[@]}"
    say "started hostile servers on $GARBAGE $SILENT $ENDLESS $DRIP $TRUNCATED (pid $(cat "$RUN/hostile.pid"))"
}

wait_listening() { # wait_listening NAME EXE IP:PORT...
    local name=$1 exe=$2 deadline ep ok
    shift 2
    deadline=$((SECONDS + WAIT_SECS))
    while ((SECONDS < deadline)); do
        ok=1
        for ep in "$@"; do
            listening "${ep%:*}" "${ep##*:}" || ok=0
        done
        ((ok)) && return 0
        running_pid "$name" "$exe" >/dev/null || break
        sleep 0.1
    done
    say "$name is not listening on $* ; log tail:"
    tail -n 20 "$STATE/log/$name.log" >&2 2>/dev/null || true
    exit 1
}

# ---- commands ---------------------------------------------------------------------------------

lock_state() {
    mkdir -p "$STATE" "$RUN" "$STATE/log"
    exec 9>"$STATE/.lock"
    flock -w 900 9 || die "another lab.sh holds $STATE/.lock"
}

cmd_up() {
    local t0 l eps=()
    t0=$(now_ns)
    ensure_bins
    lock_state
    start_ch exposed "$EXPOSED" "$EXPOSED_NAME" 1 ""
    start_ch protected "$PROTECTED" "$PROTECTED_NAME" 0 "$PROTECTED_PASSWORD"
    start_decoy
    start_hostile
    wait_ch exposed "$EXPOSED"
    wait_ch protected "$PROTECTED"
    wait_listening decoy lab_decoy "$DECOY:$HTTP_PORT"
    for l in "${HOSTILE_LISTENERS[@]}"; do eps+=("${l#*@}"); done
    wait_listening hostile lab_hostile "${eps[@]}"
    if ! listening "$EXPOSED" "$HTTPS_PORT" || ! listening "$EXPOSED" "$NATIVE_TLS_PORT"; then
        say "warning: exposed ClickHouse has no TLS listener (see $(ch_dir exposed)/log/server.err.log)"
    fi

    load_table exposed "$EXPOSED" "" default.log_stream
    load_table exposed "$EXPOSED" "" default.users
    load_table exposed "$EXPOSED" "" analytics.page_views
    load_table protected "$PROTECTED" "$PROTECTED_PASSWORD" default.secrets_vault
    blast_up
    write_ground_truth
    write_env
    local hook
    for hook in "${ENGINE_LABS[@]}"; do
        [[ -f $LAB_SRC/lab_$hook.sh ]] || continue
        bash "$LAB_SRC/lab_$hook.sh" up 9>&- || say "warning: lab_$hook.sh did not start (see $STATE/$hook)"
    done
    say "lab is up in $(awk -v d=$(($(now_ns) - t0)) 'BEGIN{printf "%.1f", d/1e9}') s; environment: $STATE/lab.env"
}

cmd_down() {
    mkdir -p "$STATE"
    [[ -d $RUN ]] || return 0
    lock_state
    # shellcheck disable=SC2046 # one word per stop spec
    stop_all $(blast_stop_specs) hostile:lab_hostile decoy:lab_decoy ch-protected:clickhouse-server ch-exposed:clickhouse-server
    local hook
    for hook in "${ENGINE_LABS[@]}"; do
        [[ -f $LAB_SRC/lab_$hook.sh ]] && { bash "$LAB_SRC/lab_$hook.sh" down || true; }
    done
    local left
    left=$(ss -Hltn 2>/dev/null | awk '{print $4}' |
        grep -E "^127\.77\.3\.(14|15|16|20|21|22|23|24):" || true)
    [[ -z $left ]] || say "note: still listening (not started from $STATE): ${left//$'\n'/ }"
}

cmd_status() {
    local rc=0 name exe pid what
    for name in ch-exposed ch-protected decoy hostile; do
        case $name in
        ch-exposed) exe=clickhouse-server what="$EXPOSED :$HTTP_PORT :$NATIVE_PORT :$HTTPS_PORT :$NATIVE_TLS_PORT (no password)" ;;
        ch-protected) exe=clickhouse-server what="$PROTECTED :$HTTP_PORT :$NATIVE_PORT (password)" ;;
        decoy) exe=lab_decoy what="$DECOY :$HTTP_PORT (answers Ok.)" ;;
        hostile) exe=lab_hostile what="$GARBAGE garbage, $SILENT silent, $ENDLESS endless, $DRIP drip, $TRUNCATED truncated (:8123 :9000 :${HOSTILE_OTHER_PORTS[*]})" ;;
        esac
        if pid=$(pid_of "$name" "$exe"); then
            printf '%-13s running  pid %-8s %s\n' "$name" "$pid" "$what"
        else
            printf '%-13s stopped  %-12s %s\n' "$name" "" "$what"
            rc=1
        fi
    done
    if pid_of ch-exposed clickhouse-server >/dev/null; then
        printf 'exposed data: %s\n' "$(chq "$EXPOSED" "" -- --query \
            "SELECT arrayStringConcat(groupArray(concat(database, '.', name, '=', toString(rows))), ' ') FROM
             (SELECT database, table AS name, sum(rows) AS rows FROM system.parts WHERE active AND database != 'system'
              GROUP BY database, table ORDER BY database, name)" 2>/dev/null || echo '?')"
    fi
    [[ -f $STATE/lab.env ]] && printf 'environment:  %s\n' "$STATE/lab.env"
    return $rc
}

cmd_clean() {
    cmd_down
    rm -rf "$STATE"
    say "removed $STATE"
}

case ${1:-} in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
clean) cmd_clean ;;
*)
    echo "usage: lab/lab.sh up|down|status|clean" >&2
    exit 2
    ;;
esac
