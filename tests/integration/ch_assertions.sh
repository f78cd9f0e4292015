# Shared assertions of the ClickHouse integration tests (sourced after lib.sh, never run alone):
# the same checks for every ClickHouse the lab has, whatever its version — Debian's 18.16
# (test_exposed.sh, test_protected.sh) and ClickHouse 26.7's SQL engine behind the chdb lab's
# HTTP front (test_ch_modern.sh).

# ch_http ADDRESS SQL: one query over HTTP as `default` without a password (works on both)
ch_http() { curl --noproxy '*' -sS --max-time 60 --data-binary "$2" "http://$1:8123/"; }

# exposed_checks ADDRESS PORTS VERSION DATABASES TABLES: the 2025 leak replayed on an open server:
# found on every interface in PORTS with the exact log_stream count, chat and secrets classes,
# critical severity, redacted secrets, the planted token only with --show-secrets, a text headline.
exposed_checks() {
    local addr=$1 ports=$2 version=$3 ndb=$4 ntables=$5 iface ifaces expected_rows token fp commas n
    commas=${ports//[^,]/}
    n=$((${#commas} + 1))
    ifaces=$(python3 -c 'import sys; print(" ".join({"8123": "http", "9000": "native"}[p] for p in sys.argv[1].split(",")))' "$ports")
    expected_rows="$(ch_http "$addr" "SELECT count() FROM default.log_stream")"
    run scan --scope 127.0.0.0/8 "$addr" -p "$ports" --format jsonl
    check "exit 1: critical finding at/above --fail-on high (rc=$rc)" test "$rc" -eq 1
    check "summary is the last record" jq_py "recs[-1]['type'] == 'summary' and summary['services'] == $n and summary['exposed'] == $n"
    for iface in $ifaces; do
        check "$iface: ClickHouse $version, no password, critical" jq_py "any(s['interface']=='$iface' and s['engine']=='clickhouse' and s['version']=='$version' and s['auth']=='none' and s['severity']=='critical' for s in services)"
        check "$iface: log_stream has exactly $expected_rows rows" jq_py "any(t['database']=='default' and t['name']=='log_stream' and t['rows']==$expected_rows for s in services if s['interface']=='$iface' for t in s['tables'])"
        check "$iface: log_stream classed chat and secrets" jq_py "any({'chat','secrets'} <= set(t['classes']) for s in services if s['interface']=='$iface' for t in s['tables'] if t['name']=='log_stream')"
        check "$iface: 1,000 rows sampled from log_stream" jq_py "any(t['scanned_rows']==1000 for s in services if s['interface']=='$iface' for t in s['tables'] if t['name']=='log_stream')"
        check "$iface: users table holds API keys" jq_py "any('secrets' in t['classes'] for s in services if s['interface']=='$iface' for t in s['tables'] if t['name']=='users')"
    done
    check "$ndb databases, $ntables tables" jq_py "all(s['exposure']['databases']==$ndb and s['exposure']['tables']==$ntables for s in services)"
    check "remediation and risks present" jq_py "all(s['remediation'] and any(r['id']=='CH-NOAUTH' for r in s['risks']) for s in services)"
    check "secret records: sha256 fingerprints, redacted, no raw value" jq_py "secrets and all(x['fingerprint'].startswith('sha256:') and len(x['fingerprint'])==71 and '…' in x['redacted'] and 'value' not in x for x in secrets)"

    # a real planted GitHub token must not appear unless --show-secrets is given
    token="$(ch_http "$addr" "SELECT extract(arrayStringConcat(\`string.values\`, ' '), 'ghp_[A-Za-z0-9]{36}') AS t FROM default.log_stream WHERE t != '' LIMIT 1")"
    check "lab planted a GitHub token" test -n "$token"
    if grep -qF "$token" "$TMP/out"; then fail "raw token absent from the default report"; else pass "raw token absent from the default report"; fi
    fp="sha256:$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
    run scan --scope 127.0.0.0/8 "$addr" -p 8123 --format jsonl --sample 1100000 --service-timeout 120000
    check "full sample finds that token by its fingerprint" grep -qF "$fp" "$TMP/out"
    run scan --scope 127.0.0.0/8 "$addr" -p 8123 --format jsonl --show-secrets
    check "--show-secrets prints values" jq_py "any('value' in x for x in secrets)"

    # text output: the first line says the leak plainly
    run scan --scope 127.0.0.0/8 "$addr" -p 8123 --format text --no-color
    check "text headline" grep -qE "^$addr:8123 +ClickHouse ${version//./\\.} +NO PASSWORD +$ntables tables, [0-9,]+\+? rows" "$TMP/out"
}

# protected_checks ADDRESS PORTS DISPLAY_NAME: a server that wants a password is reported with
# auth "required", low severity, no tables, the server's error code as evidence, and the display
# name its HTTP 401/403 leaks before any login.
protected_checks() {
    local addr=$1 ports=$2 display=$3 commas n
    commas=${ports//[^,]/}
    n=$((${#commas} + 1))
    run scan --scope 127.0.0.0/8 "$addr" -p "$ports" --format jsonl
    check "exit 0: nothing at/above high (rc=$rc)" test "$rc" -eq 0
    check "every interface reported ($ports)" jq_py "len(services)==$n and all(s['engine']=='clickhouse' for s in services)"
    check "auth required, low, no tables" jq_py "all(s['auth']=='required' and s['severity']=='low' and s['tables']==[] and s['exposure']['rows']==0 for s in services)"
    check "auth evidence names the error code" jq_py "all('194' in s.get('auth_evidence','') or '516' in s.get('auth_evidence','') for s in services)"
    check "HTTP 401 leaks the display name before login" jq_py "any(s['interface']=='http' and s.get('display_name')=='$display' for s in services)"
}
