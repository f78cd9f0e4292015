#!/usr/bin/env bash
# The Redis engine against real servers (lab/lab_redis.sh): the open one is found with its version,
# no password, exact key counts per database, the planted secrets (redacted), the chat log and the
# crontab payload `backup1`; the protected one as `required` in Redis's own words; the decoys that
# answer +OK (or +PONG) to everything are not Redis. --default-credentials: the server whose password
# is redis.conf's example "foobared" is `default-credentials` with the user name only (the password in
# no report format) and assessed like an open one; the real-password server stays `required` after
# exactly 3 refused AUTHs (its WRONGPASS error count).
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_redis.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_redis.env (lab/lab_redis.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_redis.env"
P=$LAB_REDIS_PORT

run scan "$LAB_REDIS_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8
check "open: exit 1 (critical at/above --fail-on) (rc=$rc)" test "$rc" -eq 1
check "open: engine redis, version $LAB_REDIS_VERSION, auth none, critical" jq_py "len(services)==1 and services[0]['engine']=='redis' and services[0]['version']=='$LAB_REDIS_VERSION' and services[0]['auth']=='none' and services[0]['severity']=='critical'"
check "open: db0 has exactly $LAB_REDIS_DB0_KEYS keys, db2 $LAB_REDIS_DB2_KEYS (keyspace)" jq_py "sorted((t['database'], t['rows'], t.get('kind')) for t in services[0]['tables']) == [('db0', $LAB_REDIS_DB0_KEYS, 'keyspace'), ('db2', $LAB_REDIS_DB2_KEYS, 'keyspace')]"
check "open: every key of both databases sampled" jq_py "sum(t['scanned_rows'] for t in services[0]['tables']) == $LAB_REDIS_DB0_KEYS + $LAB_REDIS_DB2_KEYS"
check "open: Stripe and OpenAI keys in db0, GitHub token in db2, redacted" jq_py "{(x['database'], x['rule'], x['redacted']) for x in secrets} >= {('db0','stripe-secret-key','sk_l…7Ds'), ('db0','openai-api-key','sk-p…F7f'), ('db2','github-classic-pat','ghp_…1IL')}"
check "open: no raw secret in the report" bash -c "! grep -qE 'sk_live_51Hx9Qm|sk-proj-0ziAFn|ghp_Ky9Pf34' '$TMP/out'"
check "open: chat and pii classes on db0" jq_py "any(t['database']=='db0' and {'chat','pii','secrets'} <= set(t['classes']) for t in services[0]['tables'])"
check "open: compromised by the backup1 crontab payload" jq_py "services[0]['compromised'] and 'backup1' in services[0]['compromise_evidence']"
check "open: risks NOAUTH, CONFIG-WRITE, SECRETS-EXPOSED, COMPROMISED" jq_py "{'REDIS-NOAUTH','REDIS-CONFIG-WRITE','REDIS-SECRETS-EXPOSED','REDIS-COMPROMISED'} <= {r['id'] for r in services[0]['risks']}"
# Debian's 7.0.15 carries the 2025 Lua fixes (changelog 7.0.15-1~deb12u6) but INFO cannot show it: "possibly";
# CVE-2022-24834 was fixed upstream in 7.0.12, so it must not be listed.
check "open: CVEs of 7.0.15 (Lua RCE possibly, cjson fixed upstream)" jq_py "any(r['id']=='REDIS-CVE-2025-49844' and '(possibly)' in r['title'] and 'GHSA-4789-qfc9-5f9q' in r['evidence'] for r in services[0]['risks']) and 'REDIS-CVE-2022-24834' not in {r['id'] for r in services[0]['risks']}"
check "open: remediation names requirepass and rename-command" jq_py "any('requirepass' in l for l in services[0]['remediation']) and any('rename-command CONFIG' in l for l in services[0]['remediation'])"

run scan "$LAB_REDIS_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8
check "protected: redis, auth required with the NOAUTH words, low" jq_py "len(services)==1 and services[0]['engine']=='redis' and services[0]['auth']=='required' and services[0]['auth_evidence'].startswith('NOAUTH Authentication required') and services[0]['severity']=='low' and not services[0]['tables']"
check "protected: its planted key is not read" bash -c "! grep -q 'sk_l' '$TMP/out'"

for decoy in "$LAB_REDIS_DECOY" "$LAB_REDIS_DECOY_PONG"; do
    run scan "$decoy" -p "$P" --format jsonl --scope 127.0.0.0/8
    check "decoy $decoy: not reported as redis" jq_py "not any(s['engine']=='redis' for s in services)"
done

# --default-credentials
: "${LAB_REDIS_DEFAULT_PW:?the lab has no default-password server yet: run lab/lab_redis.sh up}"
run scan "$LAB_REDIS_DEFAULT_PW" -p "$P" --format jsonl --scope 127.0.0.0/8
check "default password, option off: required, nothing read" jq_py "len(services)==1 and services[0]['auth']=='required' and not services[0]['tables']"
for fmt in jsonl json text html; do
    run scan "$LAB_REDIS_DEFAULT_PW" -p "$P" --format "$fmt" --scope 127.0.0.0/8 --default-credentials
    check "default password ($fmt): the password is in no output" bash -c "! grep -q foobared '$TMP/out' '$TMP/err'"
    check "default password ($fmt): the user is named" grep -qE "accepted user ('|&#39;|&#x27;)default" "$TMP/out"
done
run scan "$LAB_REDIS_DEFAULT_PW" -p "$P" --format jsonl --scope 127.0.0.0/8 --default-credentials
check "default password: auth default-credentials, version, critical" jq_py "len(services)==1 and services[0]['auth']=='default-credentials' and services[0]['version']=='$LAB_REDIS_VERSION' and services[0]['severity']=='critical'"
check "default password: evidence names the user only" jq_py "services[0]['auth_evidence']==\"accepted user 'default' with a default password from the documented list\""
check "default password: assessed like an open server (keys sampled, secret found, risk)" jq_py "services[0]['tables'] and any(x['rule']=='stripe-secret-key' for x in secrets) and 'REDIS-DEFAULT-CREDENTIALS' in {r['id'] for r in services[0]['risks']}"
wrongpass() {
    REDISCLI_AUTH=$LAB_REDIS_PASSWORD redis-cli -h "$LAB_REDIS_PROTECTED" -p "$P" INFO errorstats |
        sed -n 's/^errorstat_WRONGPASS:count=\([0-9]*\).*/\1/p'
}
before=$(wrongpass)
run scan "$LAB_REDIS_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8 --default-credentials
after=$(wrongpass)
check "real password: still required, nothing read" jq_py "services[0]['auth']=='required' and not services[0]['tables'] and 'documented list refused' in services[0]['auth_evidence']"
check "real password: exactly 3 AUTH attempts refused (${before:-0} -> ${after:-0})" test "$((${after:-0} - ${before:-0}))" -eq 3

run scan "$LAB_REDIS_OPEN" -p "$P" --format text --no-color --scope 127.0.0.0/8
check "text headline: Redis $LAB_REDIS_VERSION, no password" grep -qE "^$LAB_REDIS_OPEN:$P +Redis $LAB_REDIS_VERSION +NO PASSWORD" "$TMP/out"
check "text lists db0" grep -q "db0" "$TMP/out"
finish
