#!/usr/bin/env bash
# lab/lab_etcd.sh — real etcd servers (Debian etcd-server 3.4) on loopback for the etcd engine tests,
# in $LS_LAB_DIR/etcd: an open one on 127.77.10.1:2379 (peer URL :2380, v2 API enabled) with planted
# data (Kubernetes-style Secrets under /registry/secrets/ as JSON with base64 `data:` values and one
# with the protobuf 'k8s\0' prefix, fake credentials of formats the detector knows, a chat log,
# e-mail addresses, ordinary config and pod records; three keys in the v2 store), a protected one on
# 127.77.10.2:2379 (user root with a password, `auth enable`), and a decoy on 127.77.10.3:2379 that
# answers every HTTP request with a small JSON object. Writes $LS_LAB_DIR/lab_etcd.env. Idempotent;
# `up` on running servers reloads the data. etcd has no telemetry; nothing leaves the machine.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
DIR=$STATE/etcd
OPEN=127.77.10.1
PROTECTED=127.77.10.2
DECOY=127.77.10.3
PORT=2379
PEER_PORT=2380
PASSWORD=lab-etcd-pw
export ETCDCTL_API=3

start_etcd() { # name addr [extra options]
    local name=$1 addr=$2
    shift 2
    lab_listening "$addr" "$PORT" && return 0
    mkdir -p "$DIR/$name"
    nohup etcd --name "lab-$name" --data-dir "$DIR/$name/data" \
        --listen-client-urls "http://$addr:$PORT" --advertise-client-urls "http://$addr:$PORT" \
        --listen-peer-urls "http://$addr:$PEER_PORT" --initial-advertise-peer-urls "http://$addr:$PEER_PORT" \
        --initial-cluster "lab-$name=http://$addr:$PEER_PORT" --initial-cluster-state new \
        --listen-metrics-urls '' --logger zap --log-outputs "$DIR/$name.log" "$@" \
        </dev/null >/dev/null 2>&1 8>&- &
    echo $! >"$DIR/$name.pid"
    lab_wait_port "$addr" "$PORT"
}

ctl() { # addr etcdctl-args…
    local addr=$1
    shift
    etcdctl --endpoints "http://$addr:$PORT" --dial-timeout 5s "$@"
}
ctl2() { # addr etcdctl-args… (the v2 API)
    local addr=$1
    shift
    ETCDCTL_API=2 etcdctl --endpoints "http://$addr:$PORT" "$@"
}

# A decoy: any request gets 200 and a JSON object that is not etcd's /version.
DECOY_PY='
def serve(c):
    try:
        c.settimeout(5)
        c.recv(65536)
        body = b"{\"status\":\"ok\",\"version\":\"1.4.2\"}"
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    except Exception:
        pass
    finally:
        c.close()
'

b64() { printf '%s' "$1" | base64 -w0; }

# A Kubernetes Secret as the apiserver stores it with JSON storage: `data` values base64-encoded.
k8s_secret_json() { # namespace name key=value…
    local ns=$1 name=$2 kv first=1
    shift 2
    printf '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s"},"type":"Opaque","data":{' \
        "$name" "$ns"
    for kv in "$@"; do
        ((first)) || printf ','
        first=0
        printf '"%s":"%s"' "${kv%%=*}" "$(b64 "${kv#*=}")"
    done
    printf '}}'
}

# The v3 keys as "key<TAB>value" lines (values without tabs or newlines).
plant_v3() {
    local i
    for ((i = 1; i <= 40; i++)); do
        printf '/registry/pods/default/web-%02d\t{"kind":"Pod","metadata":{"name":"web-%02d","namespace":"default"},"spec":{"nodeName":"node-%d"}}\n' \
            "$i" "$i" "$((i % 3 + 1))"
    done
    for ((i = 1; i <= 30; i++)); do
        printf '/config/features/flag-%02d\t{"enabled":%s,"rollout":%d}\n' "$i" "$([[ $((i % 2)) == 0 ]] && echo true || echo false)" "$((i * 3))"
    done
    printf '/registry/secrets/default/db-credentials\t%s\n' "$(k8s_secret_json default db-credentials \
        username=orders DATABASE_URL=postgres://orders:Xq7vR2mLp9sT@db-primary.prod.internal:5432/orders)"
    printf '/registry/secrets/kube-system/cloud-keys\t%s\n' "$(k8s_secret_json kube-system cloud-keys \
        AWS_ACCESS_KEY_ID=AKIAQ3EGUBPTNKFX7W2M OPENAI_API_KEY=sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f)"
    printf '/ci/github\tGITHUB_TOKEN=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\n'
    printf '/chat/session/42\t[{"role":"user","content":"My card was charged twice, can you refund order 8812?"},{"role":"assistant","content":"I am sorry about that. I have opened a refund for order 8812."}]\n'
    printf '/users/emails\talice.moreau@fastmail.com, bob.keller@gmx.net, carol.diaz@outlook.com\n'
    printf '/services/payments/endpoint\thttp://payments.svc.cluster.local:8080\n'
}
# A Secret in the apiserver's protobuf storage: the 'k8s\0' magic, then a runtime.Unknown message
# (1: TypeMeta {apiVersion, kind}, 2: raw = the Secret message {1: metadata {1: name, 3: namespace},
# 2: data entry {1: key, 2: raw bytes}, 3: type}, 4: contentType), where the data values are raw
# bytes, not base64 (field numbers from k8s.io/api/core/v1/generated.proto and
# k8s.io/apimachinery/pkg/runtime/generated.proto). Printed as a Go-quoted string for `etcdctl txn`.
protobuf_secret() {
    python3 -c '
def f(n, b):
    out, v = bytes([(n << 3) | 2]), len(b)
    while v > 0x7f:
        out += bytes([(v & 0x7f) | 0x80])
        v >>= 7
    return out + bytes([v]) + b
token = b"xoxb-2648012345-4018123456789-Ab3dEf6hIj9kLm2nOp5qRs8t"
secret = f(1, f(1, b"slack-bot") + f(3, b"payments")) + f(2, f(1, b"SLACK_BOT_TOKEN") + f(2, token)) + f(3, b"Opaque")
raw = b"k8s\0" + f(1, f(1, b"v1") + f(2, b"Secret")) + f(2, secret) + f(4, b"application/vnd.kubernetes.protobuf")
print("\"" + "".join(chr(c) if 32 <= c < 127 and c not in b"\"\\" else "\\x%02x" % c for c in raw) + "\"")'
}
V3_KEYS=77      # what plant_v3 and the protobuf Secret leave
V3_SECRETS=3    # of them under /registry/secrets/
V2_KEYS=3       # leaf keys in the v2 store

load_open() {
    ctl "$OPEN" del "" --from-key >/dev/null
    # one transaction (one fsync, not 78): no compares, then one `put "key" "value"` per line with
    # Go-quoted strings (etcdctl txn unquotes them), then no failure requests
    {
        echo
        plant_v3 | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^\([^\t]*\)\t\(.*\)$/put "\1" "\2"/'
        printf 'put /registry/secrets/payments/slack-bot %s\n\n\n' "$(protobuf_secret)"
    } | ctl "$OPEN" txn >"$DIR/plant.log" 2>&1 || die "loading the data failed (see $DIR/plant.log)"
    ctl2 "$OPEN" rm --recursive /legacy >/dev/null 2>&1 || true
    ctl2 "$OPEN" set /legacy/billing/stripe_key sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds >/dev/null
    ctl2 "$OPEN" set /legacy/billing/owner frank.otto@posteo.de >/dev/null
    ctl2 "$OPEN" set /legacy/region eu-west-1 >/dev/null
}

# The protected server: root with a password, one key, then `auth enable` (once: the data persists).
protect() {
    if ctl "$PROTECTED" get /vault/token >/dev/null 2>&1; then
        ctl "$PROTECTED" user add "root:$PASSWORD" >/dev/null 2>&1 || true
        ctl "$PROTECTED" user grant-role root root >/dev/null 2>&1 || true
        ctl "$PROTECTED" put /vault/token sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds >/dev/null
        ctl "$PROTECTED" auth enable >/dev/null 2>&1
    fi
    ctl "$PROTECTED" get /vault/token >/dev/null 2>&1 && die "auth did not get enabled on $PROTECTED"
    return 0
}

cmd_up() {
    command -v etcd >/dev/null || die "etcd not found (apt-get install etcd-server etcd-client)"
    command -v etcdctl >/dev/null || die "etcdctl not found (apt-get install etcd-client)"
    lab_lock "$DIR"
    start_etcd open "$OPEN" --enable-v2
    start_etcd protected "$PROTECTED"
    lab_start_decoy decoy "$DECOY" "$PORT" "$DECOY_PY"
    load_open
    protect
    local n
    n=$(ctl "$OPEN" get "" --from-key --limit 1 -w json | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
    [[ $n == "$V3_KEYS" ]] || die "planted $n v3 keys, expected $V3_KEYS"
    {
        printf 'LAB_ETCD_OPEN=%q\nLAB_ETCD_PROTECTED=%q\nLAB_ETCD_DECOY=%q\nLAB_ETCD_PORT=%q\n' \
            "$OPEN" "$PROTECTED" "$DECOY" "$PORT"
        printf 'LAB_ETCD_PEER_PORT=%q\nLAB_ETCD_PASSWORD=%q\nLAB_ETCD_V3_KEYS=%q\nLAB_ETCD_V3_SECRETS=%q\n' \
            "$PEER_PORT" "$PASSWORD" "$V3_KEYS" "$V3_SECRETS"
        printf 'LAB_ETCD_V2_KEYS=%q\nLAB_ETCD_VERSION=%q\n' "$V2_KEYS" \
            "$(etcd --version | sed -n 's/^etcd Version: //p')"
    } | lab_write_env lab_etcd.env
    say "etcd up: open $OPEN, protected $PROTECTED, decoy $DECOY (:$PORT); environment: $STATE/lab_etcd.env"
}

cmd_down() {
    # only our own process: the etcd or the python decoy started from this state dir
    lab_stop_all "$DIR" 'etcd|python3' open protected decoy
    rm -f "$STATE/lab_etcd.env"
}

cmd_status() {
    lab_status_all etcd "$PORT" "$OPEN open" "$PROTECTED protected" "$DECOY decoy"
}

lab_main "$@"
