#!/usr/bin/env bash
# The RabbitMQ engine against real brokers (lab/lab_rabbitmq.sh). Without --default-credentials the
# open broker's management API is RabbitMQ, its version, `required` in the plugin's own 401 words
# (the API has no anonymous mode), and its AMQP port is RabbitMQ with the version from
# Connection.Start. With --default-credentials guest/guest gets in: default-credentials naming guest,
# exact vhost, queue and message counts as planted, the federation and shovel URI passwords found
# (redacted), the administrator risks; no message is fetched (the broker's get counters stay at
# zero and the secrets inside messages appear nowhere). The protected twin stays `required` after
# one refused login; the decoys (HTTP 200 to everything, an AMQP echo) are not RabbitMQ.
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_rabbitmq.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_rabbitmq.env (lab/lab_rabbitmq.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_rabbitmq.env"
P=$LAB_RABBITMQ_PORT
A=$LAB_RABBITMQ_AMQP_PORT
V=$LAB_RABBITMQ_VERSION
mgmt() { curl --noproxy '*' -sS --max-time 5 -u guest:guest "http://$LAB_RABBITMQ_OPEN:$P/api/$1"; }
# messages fetched from queues so far (0 unless someone read them): message_stats.deliver_get
gets() { mgmt overview | python3 -c 'import json, sys; print(json.load(sys.stdin).get("message_stats", {}).get("deliver_get", 0))'; }

run scan "$LAB_RABBITMQ_OPEN" -p "$P,$A" --format jsonl --scope 127.0.0.0/8
check "open, no option: exit 0 (rc=$rc)" test "$rc" -eq 0
check "open, no option: management API is rabbitmq $V, auth required in the plugin's 401 words, low, nothing listed" \
    jq_py "[(s['interface'], s['version'], s['auth'], s['severity'], len(s['tables'])) for s in services if s['port']==$P and s['engine']=='rabbitmq'] == [('http', '$V', 'required', 'low', 0)] and [s for s in services if s['port']==$P][0]['auth_evidence'].startswith('GET /api/overview: HTTP 401 Unauthorized, WWW-Authenticate: Basic realm=\"RabbitMQ Management\"')"
check "open, no option: AMQP is rabbitmq $V from Connection.Start, auth required (SASL mechanisms)" \
    jq_py "[(s['engine'], s['interface'], s['version'], s['auth']) for s in services if s['port']==$A] == [('rabbitmq', 'amqp', '$V', 'required')] and 'PLAIN' in [s for s in services if s['port']==$A][0]['auth_evidence']"
check "open, no option: says the management API needs a password" jq_py "any(r['id']=='RABBITMQ-REACHABLE' and 'needs a password' in r['title'] for s in services for r in s['risks'])"

before=$(gets)
run scan "$LAB_RABBITMQ_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8 --default-credentials
after=$(gets)
check "guest: exit 1 (critical) (rc=$rc)" test "$rc" -eq 1
check "guest: default-credentials naming guest only, version $V, critical" jq_py "len(services)==1 and services[0]['auth']=='default-credentials' and services[0]['auth_evidence']==\"accepted user 'guest' with a default password from the documented list\" and services[0]['version']=='$V' and services[0]['severity']=='critical'"
check "guest: $LAB_RABBITMQ_VHOSTS vhosts" jq_py "services[0]['exposure']['databases']==$LAB_RABBITMQ_VHOSTS"
check "guest: $LAB_RABBITMQ_QUEUES queues holding exactly $LAB_RABBITMQ_MESSAGES messages" jq_py "len([t for t in services[0]['tables'] if t.get('kind')=='queue'])==$LAB_RABBITMQ_QUEUES and sum(t['rows'] for t in services[0]['tables'] if t.get('kind')=='queue')==$LAB_RABBITMQ_MESSAGES"
check "guest: per-queue counts (orders 20 in /, payments 3 in prod, dead.letters 0)" jq_py "{(t['database'], t['name'], t['rows']) for t in services[0]['tables'] if t.get('kind')=='queue'} >= {('/', 'orders', 20), ('prod', 'payments', 3), ('/', 'dead.letters', 0)}"
check "guest: $LAB_RABBITMQ_PARAMETERS runtime parameters, all sampled" jq_py "[(t['rows'], t['scanned_rows']) for t in services[0]['tables'] if t.get('kind')=='parameters'] == [($LAB_RABBITMQ_PARAMETERS, $LAB_RABBITMQ_PARAMETERS)]"
check "guest: federation and shovel URI passwords found, redacted" jq_py "{(x['table'], x['rule'], x['redacted']) for x in secrets} >= {('parameters', 'database-url-password', 'Fx7…wM'), ('parameters', 'database-url-password', 'Sh0…Xw')}"
check "guest: no raw URI password, no password hash in the report" bash -c "! grep -qE '$LAB_RABBITMQ_FED_PASSWORD|$LAB_RABBITMQ_SHOVEL_PASSWORD|password_hash' '$TMP/out'"
check "guest: risks DEFAULT-CREDENTIALS, MESSAGES-EXPOSED, URI-CREDENTIALS, SECRETS-EXPOSED, ADMIN" jq_py "{'RABBITMQ-DEFAULT-CREDENTIALS','RABBITMQ-MESSAGES-EXPOSED','RABBITMQ-URI-CREDENTIALS','RABBITMQ-SECRETS-EXPOSED','RABBITMQ-ADMIN'} <= {r['id'] for r in services[0]['risks']}"
check "guest: the URI risk names the peer, not its password" jq_py "any(r['id']=='RABBITMQ-URI-CREDENTIALS' and '127.77.16.9:5672' in r['evidence'] for r in services[0]['risks'])"
check "guest: administrator tag and users listed (names only)" jq_py "any(r['id']=='RABBITMQ-ADMIN' and 'administrators: guest, ops_admin' in r['evidence'] for r in services[0]['risks'])"
check "guest: blast radius: write, schema, reach_hosts yes" jq_py "all(services[0]['privileges']['capabilities'][c]['can'] is True for c in ('write','schema','reach_hosts'))"
check "guest: no message was fetched (deliver_get $before -> $after)" test "$before" = "$after"
check "guest: no secret from inside a message in the report" bash -c "! grep -qE 'AKIAQ3EGRZ7X|xoxb-2210648123|sk_l…7Ds' '$TMP/out'"
check "guest: assessed within a second (summary duration)" jq_py "summary['duration_ms'] < 1000"
check "guest: queues unchanged on the broker" bash -c "[ \"\$(curl --noproxy '*' -sS -u guest:guest 'http://$LAB_RABBITMQ_OPEN:$P/api/queues?columns=messages' | python3 -c 'import json, sys; print(sum(q[\"messages\"] for q in json.load(sys.stdin)))')\" = $LAB_RABBITMQ_MESSAGES ]"
run scan "$LAB_RABBITMQ_OPEN" -p "$P" --format text --scope 127.0.0.0/8 --default-credentials --no-color
check "guest (text): RabbitMQ, DEFAULT CREDENTIALS, a queue, the URI risk" bash -c "grep -q RabbitMQ '$TMP/out' && grep -qi 'default credentials' '$TMP/out' && grep -q payments '$TMP/out' && grep -q RABBITMQ-URI-CREDENTIALS '$TMP/out' && ! grep -qE '$LAB_RABBITMQ_FED_PASSWORD' '$TMP/out'"

run scan "$LAB_RABBITMQ_PROTECTED" -p "$P,$A" --format jsonl --scope 127.0.0.0/8 --default-credentials
check "protected: both interfaces rabbitmq, required, nothing listed" jq_py "sorted((s['interface'], s['auth'], len(s['tables'])) for s in services) == [('amqp', 'required', 0), ('http', 'required', 0)]"
check "protected: guest/guest refused once, in the evidence" jq_py "any(s['interface']=='http' and 'realm=\"RabbitMQ Management\"' in s['auth_evidence'] and '1 default login from the documented list refused' in s['auth_evidence'] for s in services)"

run scan "$LAB_RABBITMQ_DECOY" -p "$P,$A" --format jsonl --scope 127.0.0.0/8 --default-credentials
check "decoy: both ports open, neither is rabbitmq" jq_py "summary['open_ports']==2 and not any(s['engine']=='rabbitmq' for s in services)"
finish
