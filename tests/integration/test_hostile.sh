#!/usr/bin/env bash
# Servers that send garbage, never answer, stream an endless body or drip bytes cannot hang,
# crash or bloat the scan: it ends within its stated timeouts and reports no ClickHouse (what it
# reports of them at all is an `unknown` service, never an engine).
. "$(dirname "$0")/lib.sh"

for host in "$LAB_GARBAGE" "$LAB_SILENT" "$LAB_ENDLESS" "$LAB_DRIP"; do
    start=$(date +%s)
    run scan "$host" -p 8123,9000 --format jsonl --timeout 1000 --service-timeout 4000
    took=$(( $(date +%s) - start ))
    check "$host: exit 0 (rc=$rc)" test "$rc" -eq 0
    check "$host: no ClickHouse service claimed" \
        jq_py "summary['open_ports']==2 and all(s['engine']=='unknown' and s['severity']=='info' for s in services)"
    # bound: 2 ports × (a few candidate steps) within the 4 s service deadline, run in parallel
    check "$host: finished within the service deadline (${took}s)" test "$took" -le 10
done
finish
