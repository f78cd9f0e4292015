#!/usr/bin/env bash
# Fingerprinting on ports no engine claims (issue 13): a first look at what the service says by
# itself, or to one HTTP line, picks the engines to try, so a real engine behind an odd port is
# still found, and a silent port or a foreign service costs one short look instead of a timeout per
# engine. Real lab servers are reached through loopback relays on odd ports (relay.py).
. "$(dirname "$0")/lib.sh"
A=127.77.9.50
maps=("$A:18123=$LAB_EXPOSED:8123" "$A:19000=$LAB_EXPOSED:9000" "$A:17001=silent")
declare -A want=([18123]=clickhouse [19000]=clickhouse)
for env in lab_redis lab_pgopen lab_mysql; do
    [ -f "$LS_LAB_DIR/$env.env" ] || continue
    # shellcheck disable=SC1090
    . "$LS_LAB_DIR/$env.env"
done
if [ -n "${LAB_REDIS_OPEN:-}" ]; then maps+=("$A:16379=$LAB_REDIS_OPEN:6379"); want[16379]=redis; fi
if [ -n "${LAB_PGOPEN_OPEN:-}" ]; then maps+=("$A:15432=$LAB_PGOPEN_OPEN:5432"); want[15432]=postgresql; fi
if [ -n "${LAB_MYSQL_OPEN:-}" ]; then maps+=("$A:13306=$LAB_MYSQL_OPEN:3306"); want[13306]=mysql; fi
python3 "$LS_SOURCE_DIR/tests/integration/relay.py" "${maps[@]}" >"$TMP/relay.log" 2>&1 &
relay=$!
trap 'kill $relay 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q ready "$TMP/relay.log" && break; sleep 0.1; done
ports=$(printf '%s\n' "${maps[@]}" | sed 's/^[^:]*:\([0-9]*\)=.*/\1/' | paste -sd,)

start=$(date +%s)
run scan --scope 127.0.0.0/8 -p "$ports" --format jsonl --timeout 3000 "$A"
took=$(( $(date +%s) - start ))
check "exit 1: exposed services found (rc=$rc)" test "$rc" = 1
for p in "${!want[@]}"; do
    check "port $p: identified as ${want[$p]}, no password" \
        jq_py "any(s['port']==$p and s['engine']=='${want[$p]}' and s['auth']=='none' for s in services)"
done
check "the silent port: one unknown record, said nothing" \
    jq_py "[ (s['engine'], s['banner']) for s in services if s['port']==17001 ]==[('unknown', None)]"
check "every open port reported once per interface" jq_py "summary['open_ports']==${#maps[@]}"
# a timeout per engine would be 5 engines x 2 (plain, TLS) x 3 s on the silent port alone
check "the whole scan took ${took}s, well under one timeout per engine" test "$took" -le 20
finish
