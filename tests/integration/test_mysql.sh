#!/usr/bin/env bash
# The MySQL engine against real MariaDB servers (lab/lab_mysql.sh): the open one is found as engine
# mysql with its MariaDB version, no password (root with an empty one), exact row counts, the
# planted API keys (redacted) and chat log, the FILE/SUPER/passwordless-account risks; the protected
# one as `required` in the server's own words; an ERR 1130 greeting still identifies MySQL; the
# SSH-banner decoy is not MySQL. --default-credentials: the server whose root password is the Docker
# image docs' example is `default-credentials` naming root only (the password in no report format),
# assessed like an open one; the real-password server stays `required` after exactly 3 more refused
# logins (its Access_denied_errors).
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_mysql.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_mysql.env (lab/lab_mysql.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_mysql.env"
P=$LAB_MYSQL_PORT

run scan "$LAB_MYSQL_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8
check "open: exit 1 (critical at/above --fail-on) (rc=$rc)" test "$rc" -eq 1
check "open: engine mysql, a MariaDB version, auth none, critical" jq_py "len(services)==1 and services[0]['engine']=='mysql' and '-MariaDB' in services[0]['version'] and services[0]['version'][0].isdigit() and not services[0]['version'].startswith('5.5.5-') and services[0]['auth']=='none' and services[0]['severity']=='critical'"
check "open: the login was root with an empty password" jq_py "services[0]['auth_evidence'].startswith(\"logged in as 'root' with an empty password\")"
check "open: exact counts shop.orders 120 (MyISAM), shop.users 5 and support.chat_logs 3 (InnoDB, counted)" jq_py "sorted((t['database'], t['name'], t['rows'], t['engine']) for t in services[0]['tables']) == [('shop','orders',120,'MyISAM'), ('shop','users',5,'InnoDB'), ('support','chat_logs',3,'InnoDB')] and not any(t.get('rows_estimated') for t in services[0]['tables'])"
check "open: 2 databases, system schemas left out" jq_py "services[0]['exposure']['databases']==2"
check "open: every row sampled" jq_py "sum(t['scanned_rows'] for t in services[0]['tables']) == 128"
check "open: DeepSeek and Groq keys in shop.users, redacted" jq_py "{(x['table'], x['rule'], x['redacted']) for x in secrets} == {('users','deepseek-api-key','sk-f…aa2'), ('users','deepseek-api-key','sk-c…02e'), ('users','groq-api-key','gsk_…evN')}"
check "open: no raw secret in the report" bash -c "! grep -qE 'sk-ff057e3e27|gsk_kbtlrBbz|sk-c0d370928' '$TMP/out'"
check "open: chat class on support.chat_logs" jq_py "any(t['name']=='chat_logs' and 'chat' in t['classes'] for t in services[0]['tables'])"
check "open: risks NOAUTH, SECRETS-EXPOSED, FILE-PRIV (critical: secure_file_priv unset), SUPER, PASSWORDLESS-USERS" jq_py "{(r['id'], r['severity']) for r in services[0]['risks']} >= {('MYSQL-NOAUTH','critical'), ('MYSQL-SECRETS-EXPOSED','critical'), ('MYSQL-FILE-PRIV','critical'), ('MYSQL-SUPER','high'), ('MYSQL-PASSWORDLESS-USERS','high')}"
check "open: passwordless accounts named" jq_py "any(r['id']=='MYSQL-PASSWORDLESS-USERS' and \"'app'@'%'\" in r['evidence'] for r in services[0]['risks'])"
# MariaDB 10.11.19 is above every fix in mysql_cves.c (CVE-2026-49261 was fixed in 10.11.18)
check "open: MariaDB 10.11.19 (Debian) is below no CVE fix" jq_py "'10.11.19-MariaDB' in services[0]['version'] and not any(r['id'].startswith('MYSQL-CVE-') for r in services[0]['risks'])"
check "open: privileges from grants, never exercised" jq_py "services[0]['privileges']['can_write'] is True and services[0]['privileges']['global_privileges']=='ALL PRIVILEGES, GRANT OPTION' and services[0]['privileges']['capabilities']['read_files']['can'] is not None"
check "open: remediation sets a password" jq_py "any('IDENTIFIED BY' in l for l in services[0]['remediation'])"

run scan "$LAB_MYSQL_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8 --max-bytes 1200
check "byte cap: shop.orders cut, then a new login samples the next tables in full" jq_py "{t['name']: t['scanned_rows'] for t in services[0]['tables']} == {'orders': min(services[0]['tables'][0]['scanned_rows'], 119), 'users': 5, 'chat_logs': 3} and services[0]['tables'][0]['scanned_rows'] > 0"

run scan "$LAB_MYSQL_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8
check "protected: mysql, auth required in the server's words, low, nothing read" jq_py "len(services)==1 and services[0]['engine']=='mysql' and services[0]['auth']=='required' and services[0]['auth_evidence']==\"Access denied for user 'root'@'127.0.0.1' (using password: NO)\" and services[0]['severity']=='low' and not services[0]['tables'] and '-MariaDB' in services[0]['version']"

run scan "$LAB_MYSQL_HOSTERR" -p "$P" --format jsonl --scope 127.0.0.0/8
check "ERR 1130 greeting: mysql, required, the server's words" jq_py "len(services)==1 and services[0]['engine']=='mysql' and services[0]['auth']=='required' and 'is not allowed to connect' in services[0]['auth_evidence']"

run scan "$LAB_MYSQL_DECOY" -p "$P" --format jsonl --scope 127.0.0.0/8
check "decoy (SSH banner): not reported as mysql" jq_py "not any(s['engine']=='mysql' for s in services)"

run scan "$LAB_MYSQL_OPEN" -p "$P" --format text --no-color --scope 127.0.0.0/8
check "text headline: MySQL MariaDB version, no password" grep -qE "^$LAB_MYSQL_OPEN:$P +MySQL [0-9.]+-MariaDB[^ ]* +NO PASSWORD" "$TMP/out"
check "text lists shop.users" grep -q "shop.users" "$TMP/out"
check "text shows no raw key" bash -c "! grep -qE 'sk-ff057e3e27|gsk_kbtlrBbz' '$TMP/out'"
# --default-credentials
: "${LAB_MYSQL_DEFAULT_PW:?the lab has no default-password server yet: run lab/lab_mysql.sh up}"
run scan "$LAB_MYSQL_DEFAULT_PW" -p "$P" --format jsonl --scope 127.0.0.0/8
check "default password, option off: required, nothing read" jq_py "len(services)==1 and services[0]['auth']=='required' and not services[0]['tables']"
for fmt in jsonl json text html; do
    run scan "$LAB_MYSQL_DEFAULT_PW" -p "$P" --format "$fmt" --scope 127.0.0.0/8 --default-credentials
    check "default password ($fmt): the password is in no output" bash -c "! grep -q my-secret-pw '$TMP/out' '$TMP/err'"
    check "default password ($fmt): the user is named" grep -qE "accepted user ('|&#39;|&#x27;)root" "$TMP/out"
done
run scan "$LAB_MYSQL_DEFAULT_PW" -p "$P" --format jsonl --scope 127.0.0.0/8 --default-credentials
check "default password: auth default-credentials naming root only, critical" jq_py "len(services)==1 and services[0]['auth']=='default-credentials' and services[0]['auth_evidence']==\"accepted user 'root' with a default password from the documented list\" and services[0]['severity']=='critical'"
check "default password: assessed like an open server (crm.customers, its key, risk)" jq_py "any(t['database']=='crm' and t['name']=='customers' and t['rows']==1 for t in services[0]['tables']) and any(x['database']=='crm' for x in secrets) and 'MYSQL-DEFAULT-CREDENTIALS' in {r['id'] for r in services[0]['risks']}"
denied() {
    mariadb --no-defaults -h "$LAB_MYSQL_PROTECTED" -P "$P" -u root -p"$LAB_MYSQL_PASSWORD" -N \
        -e "SHOW GLOBAL STATUS LIKE 'Access_denied_errors'" | awk '{print $2}'
}
d0=$(denied)
run scan "$LAB_MYSQL_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8
d1=$(denied)
run scan "$LAB_MYSQL_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8 --default-credentials
d2=$(denied)
check "real password: still required, nothing read" jq_py "services[0]['auth']=='required' and not services[0]['tables'] and 'documented list refused' in services[0]['auth_evidence']"
check "real password: exactly 3 more refused logins with the option ($((d1 - d0)) -> $((d2 - d1)))" test "$(((d2 - d1) - (d1 - d0)))" -eq 3

finish
