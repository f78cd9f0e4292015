#!/usr/bin/env bash
# The 2025 leak replayed: the open ClickHouse is found on both interfaces with the exact
# log_stream row count, its chat and secrets classes, critical severity and redacted secrets.
. "$(dirname "$0")/lib.sh"

expected_rows="$(ch_client "$LAB_EXPOSED" "SELECT count() FROM default.log_stream")"
run scan "$LAB_EXPOSED" -p 8123,9000 --format jsonl
check "exit 1: critical finding at/above --fail-on high (rc=$rc)" test "$rc" -eq 1
check "summary is the last record" jq_py 'recs[-1]["type"] == "summary" and summary["services"] == 2 and summary["exposed"] == 2'
for iface in http native; do
    check "$iface: ClickHouse 18.16.1, no password, critical" jq_py "any(s['interface']=='$iface' and s['engine']=='clickhouse' and s['version']=='18.16.1' and s['auth']=='none' and s['severity']=='critical' for s in services)"
    check "$iface: log_stream has exactly $expected_rows rows" jq_py "any(t['database']=='default' and t['name']=='log_stream' and t['rows']==$expected_rows for s in services if s['interface']=='$iface' for t in s['tables'])"
    check "$iface: log_stream classed chat and secrets" jq_py "any({'chat','secrets'} <= set(t['classes']) for s in services if s['interface']=='$iface' for t in s['tables'] if t['name']=='log_stream')"
    check "$iface: 1,000 rows sampled from log_stream" jq_py "any(t['scanned_rows']==1000 for s in services if s['interface']=='$iface' for t in s['tables'] if t['name']=='log_stream')"
    check "$iface: users table holds API keys" jq_py "any('secrets' in t['classes'] for s in services if s['interface']=='$iface' for t in s['tables'] if t['name']=='users')"
done
check "two databases, three tables" jq_py "all(s['exposure']['databases']==2 and s['exposure']['tables']==3 for s in services)"
check "remediation and risks present" jq_py "all(s['remediation'] and any(r['id']=='CH-NOAUTH' for r in s['risks']) for s in services)"
check "secret records: sha256 fingerprints, redacted, no raw value" jq_py "secrets and all(x['fingerprint'].startswith('sha256:') and len(x['fingerprint'])==71 and '…' in x['redacted'] and 'value' not in x for x in secrets)"

# a real planted GitHub token must not appear unless --show-secrets is given
token="$(ch_client "$LAB_EXPOSED" "SELECT extract(arrayStringConcat(\`string.values\`, ' '), 'ghp_[A-Za-z0-9]{36}') AS t FROM default.log_stream WHERE t != '' LIMIT 1")"
check "lab planted a GitHub token" test -n "$token"
cp "$TMP/out" "$TMP/redacted"
if grep -qF "$token" "$TMP/redacted"; then fail "raw token absent from the default report"; else pass "raw token absent from the default report"; fi
fp="sha256:$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
run scan "$LAB_EXPOSED" -p 8123 --format jsonl --sample 1100000 --service-timeout 120000
check "full sample finds that token by its fingerprint" grep -qF "$fp" "$TMP/out"
run scan "$LAB_EXPOSED" -p 8123 --format jsonl --show-secrets
check "--show-secrets prints values" jq_py "any('value' in x for x in secrets)"

# text output: the first line says the leak plainly
run scan "$LAB_EXPOSED" -p 8123 --format text --no-color
check "text headline" grep -qE "^$LAB_EXPOSED:8123 +ClickHouse 18\.16\.1 +NO PASSWORD +3 tables, [0-9,]+ rows" "$TMP/out"
finish
