#!/usr/bin/env bash
# The Memcached engine against real servers (lab/lab_memcached.sh): the open one is found with its
# version, no login, one unit per slab class whose item counts add up to what the lab planted, the
# planted tokens found by rule (redacted), the chat log and e-mail addresses, the 100 KiB item
# listed by name only, the blast radius (write, UDP off) in the access facts; the auth-file server
# as `required` in memcached's own words (CLIENT_ERROR unauthenticated), the SASL server as
# `required` over the binary protocol; the decoy that answers VERSION to every line is not
# memcached. A sample smaller than a slab class is cut there; nothing is written to the server.
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_memcached.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_memcached.env (lab/lab_memcached.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_memcached.env"
P=$LAB_MEMCACHED_PORT

# cmd_set and curr_items of the open server: a scan must change neither
server_counts() {
    python3 - "$LAB_MEMCACHED_OPEN" "$P" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(b"stats\r\n")
f = s.makefile("rb")
stats = {}
for line in iter(f.readline, b"END\r\n"):
    _, k, v = line.decode().split(" ", 2)
    stats[k] = v.strip()
print(stats["cmd_set"], stats["curr_items"], stats["cmd_flush"])
PY
}
before=$(server_counts)

run scan "$LAB_MEMCACHED_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8
check "open: exit 1 (critical at/above --fail-on) (rc=$rc)" test "$rc" -eq 1
check "open: engine memcached, version $LAB_MEMCACHED_VERSION, auth none, critical" jq_py "len(services)==1 and services[0]['engine']=='memcached' and services[0]['version']=='$LAB_MEMCACHED_VERSION' and services[0]['auth']=='none' and services[0]['severity']=='critical'"
check "open: slab units add up to the $LAB_MEMCACHED_ITEMS planted items" jq_py "len(services[0]['tables'])>=2 and all(t.get('kind')=='slab' and t['database']=='cache' and t['name'].startswith('slab ') for t in services[0]['tables']) and sum(t['rows'] for t in services[0]['tables'])==$LAB_MEMCACHED_ITEMS"
check "open: every item sampled (the lab has fewer than 300 per class)" jq_py "sum(t['scanned_rows'] for t in services[0]['tables'])==$LAB_MEMCACHED_ITEMS"
check "open: Stripe, OpenAI, GitHub, AWS and Slack tokens found, redacted" jq_py "{(x['rule'], x['redacted']) for x in secrets} >= {('stripe-secret-key','sk_l…7Ds'), ('openai-api-key','sk-p…F7f'), ('github-classic-pat','ghp_…1IL'), ('aws-access-key-id','AKI…WRY'), ('slack-token','xoxb…Fd6')}"
check "open: secrets sit in slab units of database cache" jq_py "all(x['database']=='cache' and x['table'].startswith('slab ') for x in secrets)"
check "open: no raw secret in the report" bash -c "! grep -qE 'sk_live_51Hx9Qm|sk-proj-0ziAFn|ghp_Ky9Pf34|AKIAQ3EGZ7XKP4N5VWRY|xoxb-2847561930' '$TMP/out'"
check "open: chat and pii classes" jq_py "any('chat' in t['classes'] for t in services[0]['tables']) and any('pii' in t['classes'] for t in services[0]['tables'])"
check "open: risks NOAUTH, DATA-EXPOSED, SECRETS-EXPOSED, WRITE; no UDP risk (-U 0)" jq_py "{'MEMCACHED-NOAUTH','MEMCACHED-DATA-EXPOSED','MEMCACHED-SECRETS-EXPOSED','MEMCACHED-CHAT-EXPOSED','MEMCACHED-PII-EXPOSED','MEMCACHED-WRITE'} <= {r['id'] for r in services[0]['risks']} and 'MEMCACHED-UDP-AMPLIFICATION' not in {r['id'] for r in services[0]['risks']}"
check "open: blast radius: write yes (no login), reach_hosts no with udp_port 0, flush_enabled" jq_py "services[0]['privileges']['capabilities']['write']['can'] is True and services[0]['privileges']['capabilities']['reach_hosts']['can'] is False and services[0]['privileges']['udp_port']==0 and services[0]['privileges']['flush_enabled'] is True and services[0]['privileges']['curr_items']==$LAB_MEMCACHED_ITEMS"
check "open: remediation names -l and -S/-Y" jq_py "any('(-l)' in l for l in services[0]['remediation']) and any('-Y' in l for l in services[0]['remediation'])"
after=$(server_counts)
check "open: the scan stored, flushed and removed nothing (cmd_set curr_items cmd_flush: $before -> $after)" test "$before" = "$after"

run scan "$LAB_MEMCACHED_OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8 --sample 50
check "sample 50: the 205-item class is cut at 50, the others whole" jq_py "max(t['scanned_rows'] for t in services[0]['tables'])==50 and all(t['scanned_rows']==min(t['rows'],50) for t in services[0]['tables'])"
check "sample 50: no table error" jq_py "not any(t.get('error') for t in services[0]['tables'])"

run scan "$LAB_MEMCACHED_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8
check "auth file: memcached, required with CLIENT_ERROR unauthenticated, low, nothing read" jq_py "len(services)==1 and services[0]['engine']=='memcached' and services[0]['auth']=='required' and services[0]['auth_evidence']=='CLIENT_ERROR unauthenticated' and services[0]['severity']=='low' and not services[0]['tables']"
check "auth file: its planted key is not read" bash -c "! grep -q 'sk_l' '$TMP/out'"

run scan "$LAB_MEMCACHED_SASL" -p "$P" --format jsonl --scope 127.0.0.0/8
check "SASL: memcached $LAB_MEMCACHED_VERSION (binary VERSION), required with the server's Auth failure words" jq_py "len(services)==1 and services[0]['engine']=='memcached' and services[0]['version']=='$LAB_MEMCACHED_VERSION' and services[0]['auth']=='required' and 'Auth failure.' in services[0]['auth_evidence'] and not services[0]['tables']"

run scan "$LAB_MEMCACHED_DECOY" -p "$P" --format jsonl --scope 127.0.0.0/8
check "decoy (VERSION to every line): not reported as memcached" jq_py "not any(s['engine']=='memcached' for s in services) and summary['open_ports']==1"

run scan "$LAB_MEMCACHED_OPEN" -p "$P" --format text --no-color --scope 127.0.0.0/8
check "text headline: Memcached $LAB_MEMCACHED_VERSION, no password" grep -qE "^$LAB_MEMCACHED_OPEN:$P +Memcached $LAB_MEMCACHED_VERSION +NO PASSWORD" "$TMP/out"
check "text lists the slab units" grep -q "cache.slab " "$TMP/out"
finish
