#!/usr/bin/env bash
# Target forms end to end (discover-only, so only connects): CIDR, @file, IPv6 literal, and a host
# name whose every address (A and AAAA) is scanned.
. "$(dirname "$0")/lib.sh"
: "${LS_BUILD_DIR:?}"
decoy="$LS_BUILD_DIR/lab/lab_decoy"
port=18123
"$decoy" 127.0.0.1 "$port" & d4=$!
"$decoy" ::1 "$port" & d6=$!
trap 'kill $d4 $d6 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then break; fi
    sleep 0.1
done

run scan --discover-only --format jsonl -p 8123 "$LAB_EXPOSED/30"
check "CIDR /30: 4 addresses probed, the two lab servers open" jq_py "summary['probes']==4 and sorted(r['ip'] for r in recs if r['type']=='open')==['$LAB_EXPOSED','$LAB_PROTECTED']"

printf '# lab hosts\n%s:9000\n\n  %s   # protected\n' "$LAB_EXPOSED" "$LAB_PROTECTED" >"$TMP/hosts.txt"
run scan --discover-only --format jsonl -p 8123 "@$TMP/hosts.txt"
check "@file with comments and host:port" jq_py "sorted((r['ip'], r['port']) for r in recs if r['type']=='open')==[('$LAB_EXPOSED', 9000), ('$LAB_PROTECTED', 8123)]"

run scan --discover-only --format jsonl "[::1]:$port"
check "IPv6 literal [::1]:port" jq_py "[(r['ip'], r['port']) for r in recs if r['type']=='open']==[('::1', $port)]"

expected="$(getent ahosts localhost | awk '$1=="127.0.0.1"||$1=="::1"{print $1}' | sort -u | tr '\n' ' ')"
run scan --discover-only --format jsonl "localhost:$port"
got="$(python3 -c 'import json,sys; print(" ".join(sorted({json.loads(l)["ip"] for l in open(sys.argv[1]) if "\"open\"" in l})) + " ")' "$TMP/out")"
check "localhost: every address scanned (expected '$expected', got '$got')" test "$got" = "$expected"
finish
