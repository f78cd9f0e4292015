#!/usr/bin/env bash
# The PostgreSQL engine against real clusters (lab/lab_pgopen.sh): the open one (trust) is found
# with its version, no password, exact counts for its small tables and the planner's estimate
# (rows_estimated) for the 200,000-row one, the planted secrets (redacted), the chat log, the
# superuser blast radius; the protected one as `required` in the server's own words; the decoy
# that answers HTTP is not PostgreSQL. --default-credentials: the cluster whose postgres password is
# the Docker image docs' example is `default-credentials` (SCRAM-SHA-256) naming postgres only (the
# password in no report format), assessed like an open one; the real-password cluster stays
# `required` after exactly 3 refused logins (its server log).
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_pgopen.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_pgopen.env (lab/lab_pgopen.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_pgopen.env"
P=$LAB_PGOPEN_PORT
VERSION=$(psql -h "$LAB_PGOPEN_OPEN" -p "$P" -U postgres -d postgres -tAXc 'SHOW server_version' 2>/dev/null)

run scan "$LAB_PGOPEN_OPEN" -p "$P" --format jsonl --scope 127.77.7.0/24
check "open: exit 1 (critical at/above --fail-on) (rc=$rc)" test "$rc" -eq 1
check "open: engine postgresql, version '$VERSION', auth none, critical" jq_py "len(services)==1 and services[0]['engine']=='postgresql' and '$VERSION' != '' and services[0]['version']=='$VERSION' and services[0]['auth']=='none' and services[0]['severity']=='critical'"
check "open: exact counts users=$LAB_PGOPEN_USERS_ROWS, chat_logs=$LAB_PGOPEN_CHAT_ROWS (not estimated)" jq_py "sorted((t['name'], t['rows'], t.get('rows_estimated', False)) for t in services[0]['tables'] if t['name'] in ('users','chat_logs')) == [('chat_logs', $LAB_PGOPEN_CHAT_ROWS, False), ('users', $LAB_PGOPEN_USERS_ROWS, False)]"
check "open: events is an estimate near $LAB_PGOPEN_EVENTS_ROWS (rows_estimated)" jq_py "any(t['name']=='events' and t['database']=='public' and t.get('rows_estimated') is True and abs(t['rows'] - $LAB_PGOPEN_EVENTS_ROWS) <= $LAB_PGOPEN_EVENTS_ROWS // 10 and t['bytes'] > 0 for t in services[0]['tables'])"
check "open: columns listed (users.api_key text)" jq_py "any(t['name']=='users' and {'name':'api_key','type':'text'} in t['columns'] for t in services[0]['tables'])"
check "open: the database analytics listed (kind database)" jq_py "any(t['database']=='analytics' and t.get('kind')=='database' for t in services[0]['tables'])"
check "open: GitHub, AWS and Stripe keys in public.users, redacted" jq_py "{(x['database'], x['table'], x['rule'], x['redacted']) for x in secrets} >= {('public','users','github-classic-pat','ghp_…1IL'), ('public','users','aws-access-key-id','AKI…A7L'), ('public','users','stripe-secret-key','sk_l…fTV')}"
check "open: no raw secret in the report" bash -c "! grep -qE 'ghp_Ky9Pf34|AKIAI3R2WYOJ|sk_live_WvY5' '$TMP/out'"
check "open: chat class on chat_logs, pii on users" jq_py "any(t['name']=='chat_logs' and 'chat' in t['classes'] for t in services[0]['tables']) and any(t['name']=='users' and 'pii' in t['classes'] for t in services[0]['tables'])"
check "open: risks NOAUTH, SUPERUSER, SECRETS-EXPOSED" jq_py "{'PG-NOAUTH','PG-SUPERUSER','PG-SECRETS-EXPOSED'} <= {r['id'] for r in services[0]['risks']} and all(r['severity']=='critical' for r in services[0]['risks'] if r['id'] in ('PG-NOAUTH','PG-SUPERUSER'))"
# 15.18 is at or above the fix of every CVE in pg_cves.c (the newest, CVE-2026-6479/6473, were fixed in 15.18)
check "open: version 15.18 (Debian) is below no CVE fix" jq_py "services[0]['version'].startswith('15.18') and not any(r['id'].startswith('PG-CVE-') for r in services[0]['risks'])"
check "open: privileges: user postgres, rolsuper, can write" jq_py "services[0]['privileges']['user']=='postgres' and services[0]['privileges']['superuser'] is True and services[0]['privileges']['capabilities']['run_code']['can'] is True and services[0]['privileges']['can_write'] is True"
check "open: remediation names pg_hba.conf and scram-sha-256" jq_py "any('pg_hba.conf' in l and 'scram-sha-256' in l for l in services[0]['remediation'])"

run scan "$LAB_PGOPEN_PROTECTED" -p "$P" --format jsonl --scope 127.77.7.0/24
check "protected: postgresql, auth required in the server's words (SCRAM-SHA-256), low, no tables" jq_py "len(services)==1 and services[0]['engine']=='postgresql' and services[0]['auth']=='required' and 'SCRAM-SHA-256' in services[0]['auth_evidence'] and services[0]['severity']=='low' and not services[0]['tables']"

run scan "$LAB_PGOPEN_DECOY" -p "$P" --format jsonl --scope 127.77.7.0/24
check "decoy: answers, but is not reported as postgresql" jq_py "len(services)==1 and services[0]['engine']!='postgresql'"

run scan "$LAB_PGOPEN_OPEN" -p "$P" --format text --no-color --scope 127.77.7.0/24
check "text headline: PostgreSQL $VERSION, no password" grep -qF "$LAB_PGOPEN_OPEN:$P  PostgreSQL $VERSION  NO PASSWORD" "$TMP/out"
check "text lists public.users" grep -q "public.users" "$TMP/out"
# --default-credentials
: "${LAB_PGOPEN_DEFAULT_PW:?the lab has no default-password server yet: run lab/lab_pgopen.sh up}"
run scan "$LAB_PGOPEN_DEFAULT_PW" -p "$P" --format jsonl --scope 127.0.0.0/8
check "default password, option off: required, nothing read" jq_py "len(services)==1 and services[0]['auth']=='required' and not services[0]['tables']"
for fmt in jsonl json text html; do
    run scan "$LAB_PGOPEN_DEFAULT_PW" -p "$P" --format "$fmt" --scope 127.0.0.0/8 --default-credentials
    check "default password ($fmt): the password is in no output" bash -c "! grep -q mysecretpassword '$TMP/out' '$TMP/err'"
    check "default password ($fmt): the user is named" grep -qE "accepted user ('|&#39;|&#x27;)postgres" "$TMP/out"
done
run scan "$LAB_PGOPEN_DEFAULT_PW" -p "$P" --format jsonl --scope 127.0.0.0/8 --default-credentials
check "default password: auth default-credentials naming postgres only, critical" jq_py "len(services)==1 and services[0]['auth']=='default-credentials' and services[0]['auth_evidence']==\"accepted user 'postgres' with a default password from the documented list\" and services[0]['severity']=='critical'"
check "default password: assessed like an open server (public.vault, its key, risks)" jq_py "any(t['name']=='vault' and t['rows']==1 for t in services[0]['tables']) and secrets and {'PG-DEFAULT-CREDENTIALS','PG-SUPERUSER'} <= {r['id'] for r in services[0]['risks']}"
refused() { grep -c 'password authentication failed' "$LS_LAB_DIR/pgopen/protected/server.log" || true; }
f0=$(refused)
run scan "$LAB_PGOPEN_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8 --default-credentials
sleep 0.2 # the server writes its log line after closing the connection
f1=$(refused)
check "real password: still required, nothing read" jq_py "services[0]['auth']=='required' and not services[0]['tables'] and 'documented list refused' in services[0]['auth_evidence']"
check "real password: exactly 3 refused logins ($f0 -> $f1)" test "$((f1 - f0))" -eq 3

finish
