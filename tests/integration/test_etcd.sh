#!/usr/bin/env bash
# The etcd engine against real servers (lab/lab_etcd.sh): the open one is found with its version,
# no auth, the exact v3 key count (the Kubernetes Secrets counted as a unit of their own, the rest
# as "*") and the v2 store's keys, the planted secrets (redacted) — the ones inside Kubernetes
# Secrets found only after decoding base64 JSON and protobuf values — the Secrets named as such,
# the member list's peer URL; the protected one as `required` in etcd's own words, with nothing
# read; the JSON decoy is not etcd. Read-only: the open server's revision does not move.
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_etcd.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_etcd.env (lab/lab_etcd.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_etcd.env"
P=$LAB_ETCD_PORT
OTHER=$((LAB_ETCD_V3_KEYS - LAB_ETCD_V3_SECRETS))
revision() {
    curl -s -m 5 -X POST "http://$LAB_ETCD_OPEN:$P/v3/kv/range" -d '{"key":"AA==","count_only":true}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["header"]["revision"])'
}

before=$(revision)
run scan "$LAB_ETCD_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8
after=$(revision)
check "open: exit 1 (critical at/above --fail-on) (rc=$rc)" test "$rc" -eq 1
check "open: assessed in under a second" jq_py "summary['duration_ms'] < 1000"
check "open: engine etcd, version $LAB_ETCD_VERSION, auth none, critical" jq_py "len(services)==1 and services[0]['engine']=='etcd' and services[0]['version']=='$LAB_ETCD_VERSION' and services[0]['auth']=='none' and services[0]['severity']=='critical'"
check "open: v3 '*' has $OTHER keys, /registry/secrets/ $LAB_ETCD_V3_SECRETS, v2 $LAB_ETCD_V2_KEYS (exact)" jq_py "sorted((t['database'], t['name'], t['rows'], t.get('kind')) for t in services[0]['tables']) == sorted([('v3', '*', $OTHER, 'keyspace'), ('v3', '/registry/secrets/', $LAB_ETCD_V3_SECRETS, 'prefix'), ('v2', '*', $LAB_ETCD_V2_KEYS, 'keyspace')]) and not any(t.get('rows_estimated') for t in services[0]['tables'])"
check "open: every key sampled" jq_py "sum(t['scanned_rows'] for t in services[0]['tables']) == $LAB_ETCD_V3_KEYS + $LAB_ETCD_V2_KEYS"
check "open: GitHub token in v3 '*', Stripe key in v2, redacted" jq_py "{(x['database'], x['table'], x['rule'], x['redacted']) for x in secrets} >= {('v3','*','github-classic-pat','ghp_…1IL'), ('v2','*','stripe-secret-key','sk_l…7Ds')}"
check "open: Secrets decoded: AWS, OpenAI, database URL (base64 JSON) and Slack (protobuf) in column data" jq_py "{(x['table'], x['column'], x['rule']) for x in secrets} >= {('/registry/secrets/','data',r) for r in ('aws-access-key-id','openai-api-key','database-url-password','slack-token')}"
check "open: no raw secret in the report" bash -c "! grep -qE 'AKIAQ3EGUBPTNKFX|xoxb-2648012345|sk-proj-0ziAFn|ghp_Ky9Pf34|sk_live_51Hx9Qm|Xq7vR2mLp9sT' '$TMP/out'"
check "open: the Secrets are named (namespace/name) on their unit" jq_py "any(t['name']=='/registry/secrets/' and all(n in (t.get('note') or '') for n in ('default/db-credentials','kube-system/cloud-keys','payments/slack-bot')) for t in services[0]['tables'])"
check "open: chat and pii classes on v3 '*'" jq_py "any(t['database']=='v3' and t['name']=='*' and {'chat','pii','secrets'} <= set(t['classes']) for t in services[0]['tables'])"
check "open: risks NOAUTH, K8S-SECRETS (critical), DATA-EXPOSED, SECRETS-EXPOSED, V2-ENABLED" jq_py "{'ETCD-NOAUTH','ETCD-K8S-SECRETS','ETCD-DATA-EXPOSED','ETCD-SECRETS-EXPOSED','ETCD-V2-ENABLED'} <= {r['id'] for r in services[0]['risks']} and all(r['severity']=='critical' for r in services[0]['risks'] if r['id']=='ETCD-K8S-SECRETS')"
check "open: Kubernetes Secrets risk says they are readable and names one" jq_py "any(r['id']=='ETCD-K8S-SECRETS' and 'Kubernetes Secrets are readable' in r['title'] and 'kube-system/cloud-keys' in r['evidence'] for r in services[0]['risks'])"
check "open: the member list's peer URL is reported" jq_py "any(r['id']=='ETCD-MEMBERS-EXPOSED' and 'http://$LAB_ETCD_OPEN:$LAB_ETCD_PEER_PORT' in r['evidence'] for r in services[0]['risks'])"
check "open: remediation names auth enable and client-cert-auth" jq_py "any('auth enable' in l for l in services[0]['remediation']) and any('client-cert-auth' in l for l in services[0]['remediation'])"
check "open: blast radius: read, write and schema yes (auth off), run code and server files no; facts auth_enabled false, peer URL" jq_py "(lambda p: {k: v['can'] for k, v in p['capabilities'].items() if k != 'reach_hosts'} == {'read': True, 'write': True, 'schema': True, 'run_code': False, 'read_files': False} and p['auth_enabled'] is False and 'http://$LAB_ETCD_OPEN:$LAB_ETCD_PEER_PORT' in p['peer_urls'])(services[0]['privileges'])"
check "open: read-only (revision $before -> $after)" test "$before" = "$after"

run scan "$LAB_ETCD_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8
check "protected: etcd, auth required with etcd's words, low, nothing read" jq_py "len(services)==1 and services[0]['engine']=='etcd' and services[0]['auth']=='required' and services[0]['auth_evidence']=='etcdserver: user name is empty' and services[0]['severity']=='low' and not services[0]['tables']"
check "protected: its planted key is not read" bash -c "! grep -q 'sk_l' '$TMP/out'"
check "protected: the member list is still served without a token" jq_py "any(r['id']=='ETCD-MEMBERS-EXPOSED' and '$LAB_ETCD_PROTECTED:$LAB_ETCD_PEER_PORT' in r['evidence'] for r in services[0]['risks'])"

run scan "$LAB_ETCD_DECOY" -p "$P" --format jsonl --scope 127.0.0.0/8
check "decoy: open, not reported as etcd" jq_py "summary['open_ports']==1 and not any(s['engine']=='etcd' for s in services)"

run scan "$LAB_ETCD_OPEN" -p "$P" --format text --no-color --scope 127.0.0.0/8
check "text headline: etcd $LAB_ETCD_VERSION, no password" grep -qE "^$LAB_ETCD_OPEN:$P +etcd $LAB_ETCD_VERSION +NO PASSWORD" "$TMP/out"
check "text lists the Secrets unit and ETCD-K8S-SECRETS" bash -c "grep -q 'v3./registry/secrets/' '$TMP/out' && grep -q 'ETCD-K8S-SECRETS' '$TMP/out'"
finish
