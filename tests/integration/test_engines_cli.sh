#!/usr/bin/env bash
# The engine registry seen from the command line: `leakscan engines` lists every engine with its
# ports and what is checked, and `--engines LIST` limits a scan to those engines (and, without -p,
# to their default ports); an unknown name is a usage error naming it.
. "$(dirname "$0")/lib.sh"

run engines
check "engines: exit 0" test "$rc" = 0
for e in clickhouse redis postgresql mysql elasticsearch mongodb memcached etcd rabbitmq; do
    check "engines: lists $e" grep -q "^$e (" "$TMP/out"
done
check "engines: ClickHouse assessed over http and native" grep -q '^  assessed over: http, native$' "$TMP/out"
check "engines: Redis ports with TLS marked" grep -q '^  ports: 6379, 6380 (TLS) (in -p db)$' "$TMP/out"
run engines --format jsonl
check "engines --format jsonl: one record per engine, ports as numbers" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
by = {r["engine"]: r for r in recs}
assert all(r["type"] == "engine" for r in recs) and len(by) == len(recs) >= 18
assert by["clickhouse"]["interfaces"] == ["http", "native"] and by["mongodb"]["interfaces"] == []
assert {"port": 9440, "tls": True} in by["clickhouse"]["ports"] and by["mongodb"]["checks"] is None
' "$TMP/out"

run scan --scope 127.0.0.0/8 --engines clickhouse --format jsonl "$LAB_EXPOSED"
check "--engines clickhouse: only ClickHouse's 8 default ports probed" jq_py "summary['probes']==8"
check "--engines clickhouse: both interfaces found" \
    jq_py "{s['interface'] for s in services if s['engine']=='clickhouse'}=={'http','native'}"
run scan --scope 127.0.0.0/8 --engines redis,nosuch "$LAB_EXPOSED"
check "--engines with an unknown name: exit 2" test "$rc" = 2
check "--engines with an unknown name: names it" grep -q "unknown engine 'nosuch'" "$TMP/err"
run scan --scope 127.0.0.0/8 --engines redis -p 8123 --format jsonl "$LAB_EXPOSED"
check "--engines redis on a ClickHouse port: not claimed as ClickHouse" \
    jq_py "len(services)==1 and services[0]['engine']=='unknown' and services[0]['protocol']=='http'"
finish
