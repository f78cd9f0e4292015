#!/usr/bin/env bash
# A native ClickHouse session that the server keeps busy with a flood of Progress packets ends at
# --service-timeout: the run stops within the timeout plus a margin, reports the service with the
# timeout error, and (in the ASan build) frees every connection it opened, TLS or not. The
# server (native_flood.py) is started here on 127.77.9.60; it floods only once a query runs, so
# its log proves the session was mid-query when the timeout fired.
. "$(dirname "$0")/lib.sh"

ADDR=127.77.9.60
LOG="$TMP/flood.log"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=flood \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1
: >"$LOG"
python3 "$LS_SOURCE_DIR/tests/integration/native_flood.py" --log "$LOG" "$ADDR:9000" >"$TMP/ready" &
plain_pid=$!
python3 "$LS_SOURCE_DIR/tests/integration/native_flood.py" --log "$LOG" --tls "$TMP/cert.pem" "$TMP/key.pem" \
    "$ADDR:9440" >"$TMP/ready_tls" &
tls_pid=$!
trap 'kill $plain_pid $tls_pid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do
    [ -s "$TMP/ready" ] && [ -s "$TMP/ready_tls" ] && break
    sleep 0.1
done

for port in 9000 9440; do
    : >"$LOG"
    start=$(date +%s%N)
    run scan --scope 127.0.0.0/8 "$ADDR" -p "$port" --format jsonl --timeout 3000 --service-timeout 1500
    took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    # exit 1: an exposed ClickHouse (no password) is a high finding (ASan exits 1 too: see below)
    check "$port: exit 1 (rc=$rc)" test "$rc" -eq 1
    check "$port: no sanitizer (leak) report" bash -c "! grep -E 'Sanitizer|runtime error' '$TMP/err'"
    check "$port: the server was flooding a query" grep -qx flood "$LOG"
    check "$port: the service is reported, stopped by the service timeout" jq_py \
        "len(services)==1 and services[0]['port']==$port and services[0]['tls']==($port==9440) and \
services[0]['error']=='assessment stopped after 1500 ms (service timeout)'"
    # bound: the 1.5 s service timeout plus start-up, report and (sanitizer) shutdown
    check "$port: finished within the service timeout plus a margin (${took_ms} ms)" test "$took_ms" -le 6000
done
if [ "$failures" -ne 0 ]; then
    head -c 3000 "$TMP/err" >&2
fi
finish
