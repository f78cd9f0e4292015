#!/usr/bin/env bash
# ClickHouse 26.x (the SQL engine of the npm package chdb behind the lab's HTTP front,
# lab/lab_chdb.sh) through the same assertions as Debian's 18.16 (ch_assertions.sh): the seed's
# situation reported as completely as on 18.16, the protected twin as `required`; then what only
# an RBAC-era server has: every passwordless account listed or counted, grants read from
# system.grants (or SHOW GRANTS when an account without access_management is refused it), the
# six capabilities with their evidence, external-engine definitions whose secrets the server shows as [HIDDEN] not
# reported as credentials, the HTTP-sourced dictionary never loaded, no CVE of older releases,
# and every report format.
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_chdb.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_chdb.env (lab/lab_chdb.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ch_assertions.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_chdb.env"

# jq_exec PYTHON: like jq_py (lib.sh), for statements: fails on a failed assert, with its message
jq_exec() {
    python3 - "$TMP/out" "$1" <<'PY'
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
services = [r for r in recs if r["type"] == "service"]
try:
    exec(sys.argv[2])
except AssertionError as e:
    print(f"assertion failed: {e}", file=sys.stderr)
    sys.exit(1)
PY
}

# log_stream, users, page_views + 4 external-engine tables and the dictionary's table
exposed_checks "$LAB_CHDB_OPEN" 8123 "$LAB_CHDB_VERSION" 3 8
protected_checks "$LAB_CHDB_PROTECTED" 8123 "$LAB_CHDB_PROTECTED_DISPLAY_NAME"

run scan --scope 127.0.0.0/8 "$LAB_CHDB_OPEN" -p 8123 --format jsonl
svc="[s for s in services if s['engine']=='clickhouse'][0]"
sysobj="{o['name']: o for o in ${svc}.get('system_objects', [])}"
risk="{r['id']: r for r in ${svc}['risks']}"
check "RBAC: system.users read, 15 accounts" jq_py "${sysobj}['system.users']['entries']==15"
check "RBAC: the passwordless-accounts risk" jq_py "'CH-PASSWORDLESS-USERS' in $risk"
# every passwordless account the server lists is named in the note, separated from the next, or
# counted in its "and N more" tail (issue 18: they were glued together and cut after ~380 bytes)
passwordless="$(ch_http "$LAB_CHDB_OPEN" "SELECT name FROM system.users WHERE toString(auth_type) LIKE '%no_password%' ORDER BY name" | paste -sd, -)"
check "lab: a dozen passwordless accounts ($passwordless)" test "$(tr -cd , <<<"$passwordless" | wc -c)" -ge 11
check "RBAC: every passwordless account named with a separator or counted" jq_exec "
note = ${sysobj}['system.users']['note']
names = '$passwordless'.split(',')
body, more = (note.rsplit(', and ', 1) + ['0 more'])[:2]
assert body.startswith('passwordless: '), note
entries = re.findall(r'[A-Za-z0-9_]+ \\(no password, from [^()]*\\)', body)
assert body == 'passwordless: ' + ', '.join(entries), (body, entries)
listed = [e.split(' ')[0] for e in entries]
assert set(listed) <= set(names) and len(set(listed)) == len(listed), (listed, names)
assert len(listed) + int(more.split(' ')[0]) == len(names), (listed, more, names)"
check "RBAC: grants read from system.grants" jq_py "'grants listed in system.grants' in ${svc}['privileges']['basis']"
priv="${svc}['privileges']"
check "blast radius: can write and change schema (can_write/can_ddl kept)" jq_py "${priv}['can_write'] is True and ${priv}['can_ddl'] is True"
check "blast radius: all six capabilities yes, each with evidence" jq_exec "
caps = ${priv}['capabilities']
assert set(caps) == {'read', 'write', 'schema', 'run_code', 'read_files', 'reach_hosts'}, caps
assert all(c['can'] is True and c['evidence'] for c in caps.values()), caps"
check "blast radius: reach_hosts because url()/remote() would run (SSRF)" jq_py "'url()' in ${priv}['capabilities']['reach_hosts']['evidence'] and {'url','remote','remoteSecure','s3','postgresql','sqlite'} <= set(${priv}['table_functions'])"
check "blast radius: ClickHouse facts readonly=0, allow_ddl=1, settings" jq_py "${priv}['readonly']==0 and ${priv}['allow_ddl']==1 and any(x.startswith('max_execution_time=') for x in ${priv}['settings'])"
check "blast radius: table functions that reach other hosts" jq_py "'CH-TABLE-FUNCTIONS' in $risk and 'mysql' in ${priv}['table_functions']"
check "definitions: [HIDDEN] is not a credential, the S3 key id is" \
    jq_py "not any('HIDDEN' in x.get('redacted','') for x in secrets) and any(x['table']=='archive_logs' for x in secrets) and not any(x['table'] in ('orders_mirror','partner_feed','warehouse_events') for x in secrets)"
check "definitions: the server hides the MySQL password and says so" \
    jq_py "any(t['name']=='orders_mirror' and 'shown as [HIDDEN]' in (t.get('note') or '') for t in ${svc}['tables'])"
check "the dictionary is listed, never loaded or sampled" \
    jq_py "'system.dictionaries' in $sysobj and all(t['scanned_rows']==0 for t in ${svc}['tables'] if t['database']=='integrations')"
check "version from SELECT version(), no CVE of older releases" \
    jq_py "${svc}['version_source']=='SELECT version()' and not any(r['id'].startswith('CVE') or 'CVE-' in r.get('title','') for r in ${svc}['risks'])"
check "modern HTTP headers: not a honeypot" jq_py "${svc}['honeypot']['suspected'] is False"
check "the lab server never ran a query that connects out" \
    bash -c "! grep -E ' 200 0 [^ ]+ .*\\b(url|s3|remote|mysql|postgresql|dictGet[A-Za-z]*)\\(' '$LS_LAB_DIR/chdb/open.log'"

# an account without access_management (the protected twin's `default`, logged in by a relay):
# 26.x refuses it system.grants with 497; its grants come from SHOW GRANTS, not "pre-RBAC"
check "lab: system.grants refused to the twin's account (497)" \
    bash -c "curl --noproxy '*' -sS -u 'default:$LAB_CHDB_PASSWORD' --data-binary 'SELECT 1 FROM system.grants' 'http://$LAB_CHDB_PROTECTED:8123/' | grep -q 'Code: 497'"
RELAY=127.77.17.9
python3 "$LS_SOURCE_DIR/tests/integration/ch_auth_relay.py" "$RELAY" 8123 "$LAB_CHDB_PROTECTED" 8123 default "$LAB_CHDB_PASSWORD" >"$TMP/relay.out" 2>&1 &
relay=$!
trap 'kill "$relay" 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q ready "$TMP/relay.out" 2>/dev/null && break; sleep 0.1; done
run scan --scope 127.0.0.0/8 "$RELAY" -p 8123 --format jsonl
check "SHOW GRANTS: grants listed by SHOW GRANTS, table functions from them" jq_py "'grants listed by SHOW GRANTS' in ${priv}['basis'] and 'pre-RBAC' not in ${priv}['basis'] and {'url','file'} <= set(${priv}['table_functions'])"
check "SHOW GRANTS: capabilities from them, the grants not unknown" jq_py "${priv}['capabilities']['reach_hosts']['can'] is True and ${priv}['can_write'] is True and not any(u['what']=='grants' for u in ${svc}.get('unknowns', []))"
kill "$relay" 2>/dev/null || true

for fmt in json sarif html markdown text; do
    run scan --scope 127.0.0.0/8 "$LAB_CHDB_OPEN" -p 8123 --format "$fmt" --no-color
    check "$fmt: exit 1, names $LAB_CHDB_VERSION and log_stream" \
        bash -c "[ $rc -eq 1 ] && grep -q '$LAB_CHDB_VERSION' '$TMP/out' && grep -qE 'log.?_stream' '$TMP/out'"
done
finish
