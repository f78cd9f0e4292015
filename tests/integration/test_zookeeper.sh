#!/usr/bin/env bash
# The ZooKeeper engine against real servers (lab/lab_zookeeper.sh): the open one is found with its
# version, no authentication, one unit per top-level subtree with exactly the znodes the lab planted,
# every planted znode's data sampled and the planted secrets found (redacted), the chat log and
# e-mail addresses classed, world:anyone write access reported; the server's tree is unchanged by
# the scan (znode count and data size). The protected one (digest ACLs, / included) is `required`
# with ZooKeeper's NOAUTH as evidence and nothing read; the decoy that answers "imok" is not
# ZooKeeper. The text report shows the headline and the subtrees.
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_zookeeper.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_zookeeper.env (lab/lab_zookeeper.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_zookeeper.env"
P=$LAB_ZOOKEEPER_PORT

# mntr's znode count and data size: what a scan must leave as it found them
tree_state() {
    python3 -c 'import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(b"mntr")
d = b""
while True:
    x = s.recv(65536)
    if not x:
        break
    d += x
f = dict(l.split("\t", 1) for l in d.decode().splitlines() if "\t" in l)
print(f["zk_znode_count"], f["zk_approximate_data_size"])' "$1" "$P"
}
# "app=5 brokers=46 …" as the expected (database, rows) pairs
expected_units=$(python3 -c 'import sys
print(sorted(("/" + k, int(v)) for k, v in (x.split("=") for x in sys.argv[1].split())))' "$LAB_ZOOKEEPER_TOPS")

before=$(tree_state "$LAB_ZOOKEEPER_OPEN")
run scan "$LAB_ZOOKEEPER_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8
after=$(tree_state "$LAB_ZOOKEEPER_OPEN")
check "open: exit 1 (critical at/above --fail-on) (rc=$rc)" test "$rc" -eq 1
check "open: assessed in under a second (the scan's own duration_ms)" jq_py "summary['duration_ms'] < 1000"
check "open: engine zookeeper, version $LAB_ZOOKEEPER_VERSION, auth none, critical" jq_py "len(services)==1 and services[0]['engine']=='zookeeper' and services[0]['version']=='$LAB_ZOOKEEPER_VERSION' and services[0]['auth']=='none' and services[0]['severity']=='critical'"
check "open: one unit per top-level subtree with exactly the planted znodes $LAB_ZOOKEEPER_TOPS" jq_py "sorted((t['database'], t['rows']) for t in services[0]['tables']) == $expected_units and all(t.get('kind')=='znodes' and not t.get('rows_estimated') for t in services[0]['tables'])"
check "open: all $LAB_ZOOKEEPER_ZNODES planted znodes sampled" jq_py "sum(t['scanned_rows'] for t in services[0]['tables']) == $LAB_ZOOKEEPER_ZNODES"
check "open: connection strings and API keys found, redacted" jq_py "{(x['database'], x['rule']) for x in secrets} >= {('/services','database-url-password'), ('/services','jdbc-url-password'), ('/services','aws-access-key-id'), ('/services','slack-token'), ('/services','stripe-secret-key'), ('/services','openai-api-key'), ('/ci','github-classic-pat')}"
check "open: no raw secret in the report" bash -c "! grep -qE 'Ord3rs-Prod|B1ll-Secr3t|AKIAQ3EGRZP5|xoxb-2417359051|sk_live_51Hx9Qm|sk-proj-0ziAFn|ghp_Ky9Pf34' '$TMP/out'"
check "open: chat and pii classes on /app" jq_py "any(t['database']=='/app' and {'chat','pii'} <= set(t['classes']) for t in services[0]['tables'])"
check "open: risks NOAUTH, OPEN-ACL, SECRETS-EXPOSED, 4LW-EXPOSED" jq_py "{'ZK-NOAUTH','ZK-OPEN-ACL','ZK-SECRETS-EXPOSED','ZK-4LW-EXPOSED'} <= {r['id'] for r in services[0]['risks']}"
check "open: world:anyone cdrwa on / is the evidence of anyone's write access" jq_py "any(r['id']=='ZK-OPEN-ACL' and 'world:anyone:cdrwa' in r['evidence'] for r in services[0]['risks'])"
check "open: blast radius: read, write and schema change yes (world:anyone cdrwa on /), from getACL" jq_py "(lambda p: p['capabilities']['read']['can'] is True and p['capabilities']['write']['can'] is True and p['capabilities']['schema']['can'] is True and 'world:anyone:cdrwa' in p['capabilities']['schema']['evidence'] and p['root_acl']=='world:anyone:cdrwa')(services[0]['privileges'])"
check "open: facts: znode count from mntr, four-letter words answered, world-writable znodes" jq_py "(lambda p: p['znode_count'] >= $LAB_ZOOKEEPER_ZNODES and {'srvr','mntr','envi'} <= set(p['four_letter_words']) and p['world_writable_znodes'] == $LAB_ZOOKEEPER_ZNODES + 1 and p['unreadable_znodes'] == 0)(services[0]['privileges'])"
check "open: remediation names ACLs and the 4lw whitelist" jq_py "any('world:anyone' in l for l in services[0]['remediation']) and any('4lw.commands.whitelist' in l for l in services[0]['remediation'])"
check "open: the scan changed nothing in the tree (znodes, data size: $before -> $after)" test "$before" = "$after"

run scan "$LAB_ZOOKEEPER_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8
check "protected: zookeeper, auth required with ZooKeeper's NOAUTH, low, nothing read" jq_py "len(services)==1 and services[0]['engine']=='zookeeper' and services[0]['auth']=='required' and 'NOAUTH (-102)' in services[0]['auth_evidence'] and services[0]['severity']=='low' and not services[0]['tables'] and not secrets"
check "protected: none of its planted values in the report" bash -c "! grep -qE 'sk_l|Ord3rs|ghp_' '$TMP/out'"

run scan "$LAB_ZOOKEEPER_DECOY" -p "$P" --format jsonl --scope 127.0.0.0/8
check "decoy: answers its port and is not reported as zookeeper" jq_py "summary.get('open_ports')==1 and not any(s['engine']=='zookeeper' for s in services)"

run scan "$LAB_ZOOKEEPER_OPEN" -p "$P" --format text --no-color --scope 127.0.0.0/8
check "text headline: ZooKeeper $LAB_ZOOKEEPER_VERSION, no password" grep -qE "^$LAB_ZOOKEEPER_OPEN:$P +ZooKeeper $LAB_ZOOKEEPER_VERSION +NO PASSWORD" "$TMP/out"
check "text lists the /services subtree" grep -q "/services" "$TMP/out"
finish
