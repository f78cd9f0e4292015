#!/usr/bin/env bash
# Engine conformance (issue 13): one table lists every engine with its lab servers, and the same
# cases run for each, with the same options (--timeout 1000 --service-timeout 5000, one port):
#   identified  the open server is that engine, with a version, auth none, its steps timed
#   protected   that engine, auth required, with the server's words as auth_evidence
#   decoy       a server that merely answers the port is not that engine
#   hostile     garbage, silent, endless, drip and truncated servers on the engine's port (lab_hostile,
#               127.77.3.20-24) are not that engine nor any other; the scan exits 0 within 12 s
# Every run: no sanitizer report, max RSS under 200 MB. An engine whose env file is missing is
# skipped with a note; the whole test is skipped (77) only without the main lab.env. Every engine
# the registry says leakscan assesses must have a row here.
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab.env (lab/lab.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"

# engine  port  env file  open  protected  decoys (comma-separated; - for none): variables of the env file;
# an optional last column is the open server's auth when it is not `none` (RabbitMQ always wants a
# login: its open broker is identified as `required`, with the version, unless --default-credentials)
ENGINES=(
    "clickhouse 8123 lab.env        LAB_EXPOSED     LAB_PROTECTED        LAB_DECOY"
    "clickhouse 9000 lab.env        LAB_EXPOSED     LAB_PROTECTED        -"
    "clickhouse 8123 lab_chdb.env   LAB_CHDB_OPEN   LAB_CHDB_PROTECTED   -"
    "redis      6379 lab_redis.env  LAB_REDIS_OPEN  LAB_REDIS_PROTECTED  LAB_REDIS_DECOY,LAB_REDIS_DECOY_PONG"
    "postgresql 5432 lab_pgopen.env LAB_PGOPEN_OPEN LAB_PGOPEN_PROTECTED LAB_PGOPEN_DECOY"
    "mysql      3306 lab_mysql.env  LAB_MYSQL_OPEN  LAB_MYSQL_PROTECTED  LAB_MYSQL_DECOY"
    "memcached  11211 lab_memcached.env LAB_MEMCACHED_OPEN LAB_MEMCACHED_PROTECTED LAB_MEMCACHED_DECOY"
    "etcd       2379 lab_etcd.env   LAB_ETCD_OPEN   LAB_ETCD_PROTECTED   LAB_ETCD_DECOY"
    "prometheus 9090 lab_prometheus.env LAB_PROMETHEUS_OPEN LAB_PROMETHEUS_PROTECTED LAB_PROMETHEUS_DECOY"
    "influxdb   8086 lab_influxdb.env LAB_INFLUXDB_OPEN LAB_INFLUXDB_PROTECTED LAB_INFLUXDB_DECOY"
    "zookeeper  2181 lab_zookeeper.env LAB_ZOOKEEPER_OPEN LAB_ZOOKEEPER_PROTECTED LAB_ZOOKEEPER_DECOY"
    "rabbitmq   15672 lab_rabbitmq.env LAB_RABBITMQ_OPEN LAB_RABBITMQ_PROTECTED LAB_RABBITMQ_DECOY required"
    "rabbitmq   5672 lab_rabbitmq.env LAB_RABBITMQ_OPEN LAB_RABBITMQ_PROTECTED LAB_RABBITMQ_DECOY required"
)
HOSTILE=(LAB_GARBAGE LAB_SILENT LAB_ENDLESS LAB_DRIP LAB_TRUNCATED)
BOUND_MS=12000
MAX_RSS_KB=$((200 * 1024))

# scan_case TAG ADDRESS PORT: one scan, safe to run in the background; leaves TAG.out, .err,
# .rc, .ms (wall time) and .rss (max RSS in KB, the last line /usr/bin/time writes) in $TMP
scan_case() {
    local t0 rc
    t0=$(date +%s%N)
    /usr/bin/time -f %M -o "$TMP/$1.rss" "$LEAKSCAN" scan --scope 127.0.0.0/8 -p "$3" --format jsonl \
        --timeout 1000 --service-timeout 5000 "$2" >"$TMP/$1.out" 2>"$TMP/$1.err" && rc=0 || rc=$?
    echo $((($(date +%s%N) - t0) / 1000000)) >"$TMP/$1.ms"
    echo "$rc" >"$TMP/$1.rc"
}

# rec TAG ENGINE EXPR: a Python assertion over TAG's records (services, summary, mine = the
# services whose engine is ENGINE)
rec() {
    python3 - "$TMP/$1.out" "$2" "$3" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
services = [r for r in recs if r["type"] == "service"]
summary = recs[-1] if recs and recs[-1]["type"] == "summary" else {}
mine = [s for s in services if s["engine"] == sys.argv[2]]
ok = eval(sys.argv[3])
if not ok:
    print("assertion failed: " + sys.argv[3], file=sys.stderr)
    print(json.dumps([{k: s.get(k) for k in ("engine", "version", "auth", "auth_evidence", "protocol", "banner")}
                      for s in services] + [summary])[:2000], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# every run: no crash or sanitizer report, bounded time and memory
check_run() { # check_run TAG LABEL
    local ms rss
    ms=$(cat "$TMP/$1.ms")
    rss=$(tail -n 1 "$TMP/$1.rss")
    check "$2: no sanitizer report or crash (rc=$(cat "$TMP/$1.rc"))" \
        bash -c "! grep -qE 'Sanitizer|runtime error:|terminated by signal' '$TMP/$1.err' '$TMP/$1.rss'"
    check "$2: ends within $((BOUND_MS / 1000)) s (${ms} ms)" test "$ms" -le "$BOUND_MS"
    check "$2: max RSS under $((MAX_RSS_KB / 1024)) MB (${rss} KB)" test "$rss" -lt "$MAX_RSS_KB"
}

# The table covers every engine leakscan assesses (one with interfaces in `leakscan engines`).
run engines --format jsonl
cp "$TMP/out" "$TMP/engines.jsonl"
assessed=$(python3 -c 'import json, sys
print(" ".join(sorted(r["engine"] for r in map(json.loads, open(sys.argv[1])) if r.get("interfaces"))))' "$TMP/engines.jsonl")
for e in $assessed; do
    check "registry: engine $e has a row in the conformance table" \
        bash -c "printf '%s\n' \"\$@\" | grep -q '^$e '" _ "${ENGINES[@]}"
done

for row in "${ENGINES[@]}"; do
    read -r name port envfile open_var prot_var decoy_vars open_auth <<<"$row"
    open_auth=${open_auth:-none}
    label="$name:$port"
    if [ ! -f "$LS_LAB_DIR/$envfile" ]; then
        if [ "${LS_SKIP_RC:-77}" = 77 ]; then
            echo "note: $label skipped, no $LS_LAB_DIR/$envfile"
            continue
        fi
        fail "$label: no $LS_LAB_DIR/$envfile (its lab did not start)"
        continue
    fi
    # shellcheck disable=SC1090
    . "$LS_LAB_DIR/$envfile"
    check "$label: the registry lists port $port for $name" \
        python3 -c 'import json, sys
sys.exit(0 if any(r["engine"] == sys.argv[2] and any(p["port"] == int(sys.argv[3]) for p in r["ports"])
                  for r in map(json.loads, open(sys.argv[1]))) else 1)' "$TMP/engines.jsonl" "$name" "$port"
    tag="$name-$port"

    scan_case "$tag-open" "${!open_var}" "$port"
    check_run "$tag-open" "$label identified (${!open_var})"
    check "$label identified: one $name service, version, auth $open_auth" \
        rec "$tag-open" "$name" "len(mine)==1 and bool(mine[0].get('version')) and mine[0]['auth']=='$open_auth'"
    check "$label identified: the core timed its steps (steps_ms: fingerprint, access, and the rest when open)" \
        rec "$tag-open" "$name" "set(mine[0]['steps_ms']) >= ({'fingerprint','access','inventory','posture','sampling'} if '$open_auth'=='none' else {'fingerprint','access'}) and all(isinstance(v, int) and 0 <= v < 12000 for v in mine[0]['steps_ms'].values())"

    scan_case "$tag-prot" "${!prot_var}" "$port"
    check_run "$tag-prot" "$label protected (${!prot_var})"
    check "$label protected: one $name service, auth required, with the server's words" \
        rec "$tag-prot" "$name" "len(mine)==1 and mine[0]['auth']=='required' and bool(mine[0].get('auth_evidence'))"

    if [ "$decoy_vars" = - ]; then
        echo "note: $label has no decoy in the lab"
    fi
    for v in ${decoy_vars//,/ }; do
        [ "$v" = - ] && continue
        scan_case "$tag-$v" "${!v}" "$port"
        check_run "$tag-$v" "$label decoy $v (${!v})"
        check "$label decoy $v: answers its port (open) and is not $name" \
            rec "$tag-$v" "$name" "summary.get('open_ports')==1 and not mine"
    done

    # the hostile servers, concurrently (each run is timed on its own)
    pids=()
    for v in "${HOSTILE[@]}"; do
        [ -n "${!v:-}" ] || continue
        scan_case "$tag-$v" "${!v}" "$port" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    for v in "${HOSTILE[@]}"; do
        if [ -z "${!v:-}" ]; then
            echo "note: $label $v skipped, not in lab.env (lab/lab.sh up with a newer lab)"
            continue
        fi
        check_run "$tag-$v" "$label ${v#LAB_} (${!v})"
        check "$label ${v#LAB_}: exit 0 (rc=$(cat "$TMP/$tag-$v.rc"))" test "$(cat "$TMP/$tag-$v.rc")" -eq 0
        check "$label ${v#LAB_}: the port is open, not $name, no engine claims it" \
            rec "$tag-$v" "$name" "summary.get('open_ports')==1 and not mine and all(s['engine']=='unknown' for s in services)"
    done
done
finish
