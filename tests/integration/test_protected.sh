#!/usr/bin/env bash
# A ClickHouse 18.16 that needs a password is reported with auth "required", low severity, no
# tables (ch_assertions.sh, shared with test_ch_modern.sh for 26.x); the decoy that only says
# "Ok." is not reported as ClickHouse at all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ch_assertions.sh"

protected_checks "$LAB_PROTECTED" 8123,9000 clickhouse-protected-01.lab.internal
check "both interfaces reported" jq_py "{s['interface'] for s in services}=={'http','native'}"

run scan "$LAB_DECOY" -p 8123 --format jsonl
check "decoy: exit 0 (rc=$rc)" test "$rc" -eq 0
check "decoy: not ClickHouse, reported as an open port not identified (http, its banner)" \
    jq_py "summary['open_ports']==1 and summary.get('unidentified')==1 and len(services)==1 and services[0]['engine']=='unknown' and services[0]['protocol']=='http' and services[0]['banner'].startswith('HTTP/1.')"

run scan "$LAB_DECOY" -p 8123 --discover-only --format jsonl
check "discover-only lists the decoy's open port" jq_py "recs[0]=={'type':'open','ip':'$LAB_DECOY','port':8123}"
finish
