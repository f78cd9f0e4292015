#!/usr/bin/env bash
# ClickHouse 26.x (the SQL engine of the npm package chdb behind the lab's HTTP front,
# lab/lab_chdb.sh) through the same assertions as Debian's 18.16 (ch_assertions.sh): the seed's
# situation reported as completely as on 18.16, the protected twin as `required`; then what only
# an RBAC-era server has: every passwordless account listed or counted, grants read from
# system.grants, external-engine definitions whose secrets the server shows as [HIDDEN] not
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

# log_stream, users, page_views + 4 external-engine tables and the dictionary's table
exposed_checks "$LAB_CHDB_OPEN" 8123 "$LAB_CHDB_VERSION" 3 8
protected_checks "$LAB_CHDB_PROTECTED" 8123 "$LAB_CHDB_PROTECTED_DISPLAY_NAME"

run scan --scope 127.0.0.0/8 "$LAB_CHDB_OPEN" -p 8123 --format jsonl
svc="[s for s in services if s['engine']=='clickhouse'][0]"
sysobj="{o['name']: o for o in ${svc}.get('system_objects', [])}"
risk="{r['id']: r for r in ${svc}['risks']}"
check "RBAC: system.users read, 15 accounts" jq_py "${sysobj}['system.users']['entries']==15"
check "RBAC: the passwordless-accounts risk" jq_py "'CH-PASSWORDLESS-USERS' in $risk"
check "RBAC: grants read from system.grants" jq_py "'grants listed in system.grants' in ${svc}['privileges']['basis']"
check "blast radius: can write and change schema" jq_py "${svc}['privileges']['can_write'] is True and ${svc}['privileges']['can_ddl'] is True"
check "blast radius: table functions that reach other hosts" jq_py "'CH-TABLE-FUNCTIONS' in $risk and 'mysql' in ${svc}['privileges']['table_functions']"
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

for fmt in json sarif html markdown text; do
    run scan --scope 127.0.0.0/8 "$LAB_CHDB_OPEN" -p 8123 --format "$fmt" --no-color
    check "$fmt: exit 1, names $LAB_CHDB_VERSION and log_stream" \
        bash -c "[ $rc -eq 1 ] && grep -q '$LAB_CHDB_VERSION' '$TMP/out' && grep -qE 'log.?_stream' '$TMP/out'"
done
finish
