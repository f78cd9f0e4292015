#!/usr/bin/env bash
# A ClickHouse that needs a password is reported with auth "required", low severity, no tables;
# the decoy that only says "Ok." is not reported as ClickHouse at all.
. "$(dirname "$0")/lib.sh"

run scan "$LAB_PROTECTED" -p 8123,9000 --format jsonl
check "exit 0: nothing at/above high (rc=$rc)" test "$rc" -eq 0
check "both interfaces reported" jq_py "len(services)==2 and {s['interface'] for s in services}=={'http','native'}"
check "auth required, low, no tables" jq_py "all(s['auth']=='required' and s['severity']=='low' and s['tables']==[] and s['exposure']['rows']==0 for s in services)"
check "auth evidence names the error code" jq_py "all('194' in s.get('auth_evidence','') or '516' in s.get('auth_evidence','') for s in services)"
check "HTTP 401 leaks the display name before login" jq_py "any(s['interface']=='http' and s.get('display_name')=='clickhouse-protected-01.lab.internal' for s in services)"

run scan "$LAB_DECOY" -p 8123 --format jsonl
check "decoy: exit 0 (rc=$rc)" test "$rc" -eq 0
check "decoy: not ClickHouse, reported as an open port not identified (http, its banner)" \
    jq_py "summary['open_ports']==1 and summary.get('unidentified')==1 and len(services)==1 and services[0]['engine']=='unknown' and services[0]['protocol']=='http' and services[0]['banner'].startswith('HTTP/1.')"

run scan "$LAB_DECOY" -p 8123 --discover-only --format jsonl
check "discover-only lists the decoy's open port" jq_py "recs[0]=={'type':'open','ip':'$LAB_DECOY','port':8123}"
finish
