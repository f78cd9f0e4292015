#!/usr/bin/env bash
# The InfluxDB engine against real influxd 1.x servers (lab/lab_influxdb.sh): the open one is found
# with its version, no authentication, exactly the points the lab planted per measurement (the one
# whose fields were written apart flagged as an estimate), its planted secrets (redacted), the
# chat log and e-mail addresses, its users and the subscription whose URL carries a password; the
# protected one as `required` in InfluxDB's own words with nothing read; the one without an admin
# user as `required` and high; the decoy that answers 204 without InfluxDB's headers is not
# InfluxDB. Text output shows the same. Nothing is written: the point counts are the same after.
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_influxdb.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_influxdb.env (lab/lab_influxdb.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_influxdb.env"
P=$LAB_INFLUXDB_PORT
# the planted counts as a Python dict {(database, measurement): points}
COUNTS=$(python3 -c 'import sys
print({tuple(k.split(".", 1)): int(v) for k, v in (i.split("=") for i in sys.argv[1].split())})' "$LAB_INFLUXDB_COUNTS")

run scan "$LAB_INFLUXDB_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8
check "open: exit 1 (critical at/above --fail-on) (rc=$rc)" test "$rc" -eq 1
check "open: engine influxdb over http, version $LAB_INFLUXDB_VERSION, auth none, critical" jq_py "len(services)==1 and services[0]['engine']=='influxdb' and services[0]['interface']=='http' and services[0]['version']=='$LAB_INFLUXDB_VERSION' and services[0]['auth']=='none' and services[0]['severity']=='critical'"
check "open: 2 databases" jq_py "services[0]['exposure']['databases']==2"
check "open: one measurement unit per planted measurement with exactly its points" jq_py "{(t['database'], t['name']): t['rows'] for t in services[0]['tables']} == $COUNTS and all(t.get('kind')=='measurement' for t in services[0]['tables'])"
check "open: deploys (fields written apart) flagged as an estimate, the others exact" jq_py "all(bool(t.get('rows_estimated')) == (t['name']=='deploys') for t in services[0]['tables'])"
check "open: every planted point sampled" jq_py "all(t['scanned_rows']==t['rows'] for t in services[0]['tables'])"
check "open: columns are time, tags and typed fields" jq_py "[(c['name'], c['type']) for t in services[0]['tables'] if t['name']=='http_requests' for c in t['columns']] == [('time','timestamp'),('path','tag'),('client','string'),('duration_ms','float'),('status','integer')]"
check "open: AWS key id and secret, Slack and GitHub tokens in app_events.events, OpenAI key in config" jq_py "{(x['table'], x['rule']) for x in secrets} >= {('events','aws-access-key-id'), ('events','aws-secret-access-key'), ('events','slack-token'), ('events','github-classic-pat'), ('config','openai-api-key')}"
check "open: secrets redacted" jq_py "{(x['rule'], x['redacted']) for x in secrets} >= {('github-classic-pat','ghp_…1IL'), ('openai-api-key','sk-p…F7f'), ('slack-token','xoxb…4Hf')}"
check "open: no raw secret in the report" bash -c "! grep -qE 'AKIAQX4BN7RT|xoxb-2847562910|ghp_Ky9Pf34|sk-proj-0ziAFn|Kp4ss-w0rd' '$TMP/out'"
check "open: chat class on chat_turns, pii on events" jq_py "any(t['name']=='chat_turns' and 'chat' in t['classes'] for t in services[0]['tables']) and any(t['name']=='events' and 'pii' in t['classes'] for t in services[0]['tables'])"
check "open: risks NOAUTH, DATA-EXPOSED, SECRETS/CHAT/PII-EXPOSED, ADMIN-OPEN" jq_py "{'INFLUX-NOAUTH','INFLUX-DATA-EXPOSED','INFLUX-SECRETS-EXPOSED','INFLUX-CHAT-EXPOSED','INFLUX-PII-EXPOSED','INFLUX-ADMIN-OPEN'} <= {r['id'] for r in services[0]['risks']}"
check "open: users read (2 users, admin ops) while auth is off" jq_py "any(r['id']=='INFLUX-USERS-UNENFORCED' and '2 users' in r['evidence'] and '(ops)' in r['evidence'] for r in services[0]['risks'])"
check "open: the subscription's destination named without its password" jq_py "any(r['id']=='INFLUX-SUBSCRIPTION-CREDENTIALS' and 'http://127.77.14.9:9092' in r['evidence'] and 'kapacitor:' not in r['evidence'] for r in services[0]['risks'])"
check "open: the subscription URL's password is a secret record of meta.subscriptions (redacted)" jq_py "any(x['database']=='meta' and x['table']=='subscriptions' and x['rule']=='url-credentials' and x['redacted']=='Kp4…24' for x in secrets)"
check "open: blast radius: read, write, schema and reach hosts yes; run code and server files no" jq_py "{k: v['can'] for k, v in services[0]['privileges']['capabilities'].items()} == {'read': True, 'write': True, 'schema': True, 'run_code': False, 'read_files': False, 'reach_hosts': True}"
check "open: facts auth_enabled false, build OSS, users with the admin flag, retention policies" jq_py "(lambda p: p['auth_enabled'] is False and p['build']=='OSS' and sorted(p['users'])==['grafana','ops (admin)'] and p['admin_users']==1 and 'telemetry.one_year=8736h0m0s' in p['retention_policies'])(services[0]['privileges'])"
check "open: no CVE claimed for a server without authentication" jq_py "not any(r['id'].startswith('CVE-') for r in services[0]['risks'])"
check "open: remediation names auth-enabled" jq_py "any('auth-enabled = true' in l for l in services[0]['remediation'])"
check "open: no unknowns, no error" jq_py "not services[0].get('unknowns') and not services[0].get('error')"

# read-only: the counts the lab checks are unchanged, and nothing new was created
after=$(curl -s -G "http://$LAB_INFLUXDB_OPEN:$P/query" --data-urlencode "q=SHOW DATABASES; SHOW USERS")
check "open: databases and users unchanged by the scan" python3 -c 'import json, sys
r = json.loads(sys.argv[1])["results"]
dbs = sorted(v[0] for v in r[0]["series"][0]["values"])
users = sorted(v[0] for v in r[1]["series"][0]["values"])
sys.exit(0 if dbs == ["app_events", "telemetry"] and users == ["grafana", "ops"] else 1)' "$after"

run scan "$LAB_INFLUXDB_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8
check "protected: exit 0 (rc=$rc)" test "$rc" -eq 0
check "protected: influxdb, auth required with InfluxDB's words, low, nothing read" jq_py "len(services)==1 and services[0]['engine']=='influxdb' and services[0]['auth']=='required' and services[0]['auth_evidence']=='unable to parse authentication credentials' and services[0]['severity']=='low' and not services[0]['tables'] and services[0]['version']=='$LAB_INFLUXDB_VERSION'"
check "protected: INFLUX-REACHABLE and the possible CVE-2019-20933 by version" jq_py "{'INFLUX-REACHABLE','CVE-2019-20933'} <= {r['id'] for r in services[0]['risks']} and '(possibly)' in [r for r in services[0]['risks'] if r['id']=='CVE-2019-20933'][0]['title']"
check "protected: its planted key is not read" bash -c "! grep -q 'sk_l' '$TMP/out'"

run scan "$LAB_INFLUXDB_NOADMIN" -p "$P" --format jsonl --scope 127.0.0.0/8
check "no admin user: required with 'create admin user first', high, INFLUX-NO-ADMIN-USER" jq_py "len(services)==1 and services[0]['engine']=='influxdb' and services[0]['auth']=='required' and 'create admin user first' in services[0]['auth_evidence'] and services[0]['severity']=='high' and 'INFLUX-NO-ADMIN-USER' in {r['id'] for r in services[0]['risks']}"

run scan "$LAB_INFLUXDB_DECOY" -p "$P" --format jsonl --scope 127.0.0.0/8
check "decoy (204 without InfluxDB headers): not reported as influxdb" jq_py "len(services)==1 and services[0]['engine']!='influxdb'"
check "decoy: reported as an unidentified http service" jq_py "services[0]['engine']=='unknown' and services[0].get('protocol')=='http'"

# --engines influxdb on a port no engine claims is not needed: the first look finds it on 8086's
# answer to GET / as well (an InfluxDB header in the header section)
run scan "$LAB_INFLUXDB_OPEN" -p "$P" --format text --no-color --scope 127.0.0.0/8
check "text headline: InfluxDB $LAB_INFLUXDB_VERSION, no password" grep -qE "^$LAB_INFLUXDB_OPEN:$P +InfluxDB $LAB_INFLUXDB_VERSION +NO PASSWORD" "$TMP/out"
check "text lists app_events and the measurement events" grep -qE "app_events.*events|events.*app_events" "$TMP/out"
check "text names the risks" grep -q "INFLUX-NOAUTH" "$TMP/out"
run scan "$LAB_INFLUXDB_PROTECTED" -p "$P" --format text --no-color --scope 127.0.0.0/8
check "text: protected shows its words" grep -q "unable to parse authentication credentials" "$TMP/out"

# speed: one full assessment of the open server under a second on loopback
t0=$(date +%s%N)
run scan "$LAB_INFLUXDB_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8
ms=$((($(date +%s%N) - t0) / 1000000))
check "open: whole assessment in under 1 s (${ms} ms)" test "$ms" -lt 1000
finish
