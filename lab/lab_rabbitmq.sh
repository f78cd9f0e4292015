#!/usr/bin/env bash
# lab/lab_rabbitmq.sh — real RabbitMQ brokers (Debian rabbitmq-server 3.10, management plugin) on
# loopback for the RabbitMQ engine tests, in $LS_LAB_DIR/rabbitmq, each a foreground Erlang node
# with its own node name, data, log, config and plugin files:
#   127.77.16.1  OPEN: loopback_users = none, so the default guest/guest administrator logs in from
#                any address (the real-world misconfiguration); planted vhosts, users, queues with
#                messages (fake credentials, e-mail addresses, a chat log), a federation upstream and
#                a shovel whose URIs carry passwords (pointing at 127.77.16.9, where nothing listens)
#   127.77.16.2  PROTECTED: no guest account; one administrator with a strong password
#   127.77.16.3  DECOY: an HTTP server on 15672 that answers 200 to everything, and an echo server
#                on 5672 (it sends our AMQP protocol header back)
# AMQP on 5672, management HTTP on 15672, Erlang distribution on 25672/25673 bound to the broker's
# own address, epmd on 127.0.0.1:4369 (started here unless one already runs; stopped only if ours).
# Data is planted through the management HTTP API (one Python urllib process). Writes
# $LS_LAB_DIR/lab_rabbitmq.env.
# Idempotent; `up` on running brokers replants the messages.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
DIR=$STATE/rabbitmq
OPEN=127.77.16.1
PROTECTED=127.77.16.2
DECOY=127.77.16.3
NOWHERE=127.77.16.9 # federation/shovel peers: nothing listens there
AMQP_PORT=5672
HTTP_PORT=15672
DIST_BASE=25672 # open 25672, protected 25673: RabbitMQ refuses a distribution port another local node has
ADMIN_USER=lab-admin
ADMIN_PASSWORD=lab-rmq-Adm1n-pw-7QxZ
WAIT_SECS=${LS_LAB_WAIT:-90}
RMQ_BIN=/usr/lib/rabbitmq/bin/rabbitmq-server

lcurl() { curl --noproxy '*' -sS --max-time 10 "$@"; }
listening_port() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; } # anything on that port

# The broker's config (rabbitmq.conf, sysctl format; keys from rabbitmq.com/configure.html and
# rabbitmq.com/management.html). Stats every 500 ms so planted message counts show quickly.
write_config() { # name addr
    local d=$DIR/$1
    mkdir -p "$d/mnesia" "$d/log" "$d/home"
    {
        printf 'listeners.tcp.1 = %s:%s\n' "$2" "$AMQP_PORT"
        printf 'management.tcp.ip = %s\nmanagement.tcp.port = %s\n' "$2" "$HTTP_PORT"
        printf 'collect_statistics_interval = 500\nlog.console = false\nlog.file.level = warning\n'
        if [[ $1 == open ]]; then
            printf 'loopback_users = none\n' # guest/guest from any address
        else
            printf 'default_user = %s\ndefault_pass = %s\n' "$ADMIN_USER" "$ADMIN_PASSWORD"
        fi
    } >"$d/rabbitmq.conf"
    echo '[rabbitmq_management,rabbitmq_federation,rabbitmq_shovel].' >"$d/enabled_plugins"
    : >"$d/rabbitmq-env.conf"
    [[ $(id -u) == 0 ]] && chown -R rabbitmq: "$d"
    return 0
}

start_broker() { # name addr dist-port
    local name=$1 addr=$2 dist=$3 d=$DIR/$1
    lab_listening "$addr" "$HTTP_PORT" && return 0
    write_config "$name" "$addr"
    local ip_tuple=${addr//./,}
    # shellcheck disable=SC2016 # expanded by the inner shell; setpriv execs, so the pid is the wrapper's
    nohup env HOME="$d/home" ERL_EPMD_ADDRESS=127.0.0.1 \
        RABBITMQ_NODENAME="ls-rmq-$name@localhost" RABBITMQ_MNESIA_BASE="$d/mnesia" \
        RABBITMQ_LOG_BASE="$d/log" RABBITMQ_CONFIG_FILE="$d/rabbitmq.conf" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$d/advanced.config" RABBITMQ_CONF_ENV_FILE="$d/rabbitmq-env.conf" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins" RABBITMQ_PID_FILE="$d/beam.pid" \
        RABBITMQ_DIST_PORT="$dist" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {$ip_tuple}" \
        bash -c 'if [[ $(id -u) == 0 ]]; then exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$0"; else exec "$0"; fi' "$RMQ_BIN" \
        </dev/null >"$d/stdout.log" 2>&1 8>&- &
    echo $! >"$DIR/$name.pid"
}

wait_broker() { # name addr: the management API answers (401 without credentials)
    local i
    for ((i = 0; i < WAIT_SECS * 5; i++)); do
        [[ $(lcurl -o /dev/null -w '%{http_code}' "http://$2:$HTTP_PORT/api/overview" 2>/dev/null) == 401 ]] && return 0
        kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null || break
        sleep 0.2
    done
    tail -n 20 "$DIR/$1/stdout.log" >&2 || true
    die "RabbitMQ $1 did not answer on $2:$HTTP_PORT (see $DIR/$1/log)"
}

# What plant leaves (checked after planting, written to the env file).
VHOSTS=3         # /, prod, billing
USERS=4          # guest, app_orders, monitoring, ops_admin
QUEUES=6         # orders notifications dead.letters (/), payments chat.support (prod), invoices (billing)
MESSAGES=42      # 20 + 5 + 0 + 3 + 4 + 10
PARAMETERS=2     # a federation upstream and a shovel, both with passwords in their URIs
FED_PASSWORD=Fx7qL2vRk9TzP4wM
SHOVEL_PASSWORD=Sh0vel-9pQzR4tXw

# Plants everything through the open broker's management API as guest, in one Python process
# (urllib, no proxy), then waits until /api/queues shows the planted message total (statistics
# lag up to an interval). Queues are purged first, so `up` on a running broker replants exactly.
PLANT_PY='
import base64, json, sys, time, urllib.error, urllib.parse, urllib.request
base, nowhere, fed_pw, shovel_pw, want = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
auth = "Basic " + base64.b64encode(b"guest:guest").decode()
def api(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/api/" + path, data=data, method=method,
                                 headers={"Authorization": auth, "Content-Type": "application/json"})
    try:
        with opener.open(req, timeout=10) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit("planting: %s /api/%s failed: %s" % (method, path, e))
def publish(vhost, queue, payload):
    api("POST", "exchanges/%s/amq.default/publish" % urllib.parse.quote(vhost, safe=""),
        {"properties": {"content_type": "application/json"}, "routing_key": queue,
         "payload": json.dumps(payload), "payload_encoding": "string"})
api("PUT", "vhosts/prod", {"description": "production orders and payments"})
api("PUT", "vhosts/billing", {"description": "billing and invoices"})
api("PUT", "users/app_orders", {"password": "Orders-Svc-2024-kq81", "tags": ""})
api("PUT", "users/monitoring", {"password": "Mon-Read-Only-5521", "tags": "monitoring"})
api("PUT", "users/ops_admin", {"password": "Ops-Adm-9931-zzk", "tags": "administrator"})
for v in ("prod", "billing"):
    api("PUT", "permissions/%s/guest" % v, {"configure": ".*", "write": ".*", "read": ".*"})
api("PUT", "permissions/prod/app_orders", {"configure": "", "write": "^orders|^payments", "read": "^orders"})
api("PUT", "permissions/%2F/monitoring", {"configure": "", "write": "", "read": ".*"})
api("PUT", "global-parameters/cluster_name", {"name": "cluster_name", "value": "orders-eu-lab"})
api("PUT", "policies/%2F/notif-cap", {"pattern": "^notifications$", "definition": {"max-length": 100000},
                                      "apply-to": "queues"})
api("PUT", "parameters/federation-upstream/prod/dc2-upstream",
    {"value": {"uri": "amqp://fed_link:%s@%s:5672/prod" % (fed_pw, nowhere), "expires": 3600000}})
api("PUT", "parameters/shovel/billing/billing-archive", {"value": {
    "src-protocol": "amqp091", "src-uri": "amqp://shovel_user:%s@%s:5672/billing" % (shovel_pw, nowhere),
    "src-queue": "invoices.archive", "dest-protocol": "amqp091",
    "dest-uri": "amqp://shovel_user:%s@%s:5672/archive" % (shovel_pw, nowhere), "dest-queue": "invoices",
    "reconnect-delay": 30}})
for q in ("%2F/orders", "%2F/notifications", "%2F/dead.letters", "prod/payments", "prod/chat.support",
          "billing/invoices"):
    api("PUT", "queues/" + q, {"durable": True})
    api("DELETE", "queues/%s/contents" % q)
for i in range(1, 21):
    publish("/", "orders", {"order_id": 88000 + i, "sku": "sku-%d" % (i * 7), "qty": i % 4 + 1, "status": "new"})
for to in ("alice.moreau@fastmail.com", "bob.keller@gmx.net", "carol.diaz@outlook.com", "dave.ng@protonmail.com",
           "erin.li@yahoo.com"):
    publish("/", "notifications", {"to": to, "template": "invoice_ready"})
publish("prod", "payments", {"provider": "stripe", "api_key": "sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds"})
publish("prod", "payments", {"aws_access_key_id": "AKIAQ3EGRZ7XNBMP4KVD",
                             "aws_secret_access_key": "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"})
publish("prod", "payments", {"openai": "sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f",
                             "github": "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"})
publish("prod", "chat.support", {"role": "user", "content": "My card was charged twice, can you refund order 8812?"})
publish("prod", "chat.support", {"role": "assistant",
                                 "content": "I am sorry about that. I have opened a refund for order 8812."})
publish("prod", "chat.support", {"role": "user", "content": "Thanks. Also my new e-mail is frank.otto@posteo.de"})
publish("prod", "chat.support", {"role": "assistant",
                                 "content": "Updated. Slack alerts go to xoxb-2210648123-5521367890123-Hq8sLw3ZtR6vNp2KxYcB4mJd"})
for i in range(1, 11):
    publish("billing", "invoices", {"invoice": "INV-2024-%d" % (500 + i), "amount_eur": i * 37 + 0.5})
n = None
for _ in range(300):
    qs = api("GET", "queues?columns=messages")
    n = sum(q.get("messages") or 0 for q in qs if isinstance(q, dict)) if isinstance(qs, list) else None
    if n == want:
        print(api("GET", "overview?columns=rabbitmq_version")["rabbitmq_version"])
        sys.exit(0)
    time.sleep(0.2)
sys.exit("the open broker shows %s messages, expected %d" % (n, want))
'

# The decoys: `http` answers every request with 200 and a small JSON body; `echo` sends back
# whatever arrives (our AMQP protocol header too).
DECOY_PY='
def serve(c):
    try:
        if mode == "echo":
            while True:
                b = c.recv(4096)
                if not b:
                    return
                c.sendall(b)
        c.recv(65536)
        body = b"{\"status\":\"ok\"}"
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    except Exception:
        pass
    finally:
        c.close()
'

cmd_up() {
    [[ -x $RMQ_BIN ]] || die "rabbitmq-server not found (apt-get install rabbitmq-server)"
    lab_lock "$DIR"
    if ! listening_port 4369; then
        nohup epmd -address 127.0.0.1 -port 4369 </dev/null >"$DIR/epmd.log" 2>&1 8>&- &
        echo $! >"$DIR/epmd.pid"
        lab_wait_port 127.0.0.1 4369
    fi
    start_broker open "$OPEN" "$DIST_BASE"
    start_broker protected "$PROTECTED" "$((DIST_BASE + 1))"
    lab_start_decoy decoy-http "$DECOY" "$HTTP_PORT" "$DECOY_PY" http
    lab_start_decoy decoy-amqp "$DECOY" "$AMQP_PORT" "$DECOY_PY" echo
    wait_broker open "$OPEN"
    wait_broker protected "$PROTECTED"
    # a broker that has just booted may refuse the first calls or show its statistics late (the
    # plant purges first, so a second try plants exactly the same)
    local version="" try
    for try in 1 2 3; do
        version=$(python3 -c "$PLANT_PY" "http://$OPEN:$HTTP_PORT" "$NOWHERE" "$FED_PASSWORD" "$SHOVEL_PASSWORD" \
            "$MESSAGES") && break
        version=""
        say "planting the open broker failed (try $try of 3)"
        sleep 3
    done
    [[ -n $version ]] || die "planting the open broker failed"
    {
        printf 'LAB_RABBITMQ_OPEN=%q\nLAB_RABBITMQ_PROTECTED=%q\nLAB_RABBITMQ_DECOY=%q\n' "$OPEN" "$PROTECTED" "$DECOY"
        printf 'LAB_RABBITMQ_PORT=%q\nLAB_RABBITMQ_AMQP_PORT=%q\nLAB_RABBITMQ_VERSION=%q\n' "$HTTP_PORT" "$AMQP_PORT" "$version"
        printf 'LAB_RABBITMQ_ADMIN_USER=%q\nLAB_RABBITMQ_ADMIN_PASSWORD=%q\n' "$ADMIN_USER" "$ADMIN_PASSWORD"
        printf 'LAB_RABBITMQ_VHOSTS=%q\nLAB_RABBITMQ_USERS=%q\nLAB_RABBITMQ_QUEUES=%q\nLAB_RABBITMQ_MESSAGES=%q\n' \
            "$VHOSTS" "$USERS" "$QUEUES" "$MESSAGES"
        printf 'LAB_RABBITMQ_PARAMETERS=%q\nLAB_RABBITMQ_FED_PASSWORD=%q\nLAB_RABBITMQ_SHOVEL_PASSWORD=%q\n' \
            "$PARAMETERS" "$FED_PASSWORD" "$SHOVEL_PASSWORD"
    } | lab_write_env lab_rabbitmq.env
    say "RabbitMQ $version up: open $OPEN, protected $PROTECTED, decoy $DECOY (:$HTTP_PORT, :$AMQP_PORT); environment: $STATE/lab_rabbitmq.env"
}

cmd_down() {
    local name
    # the Erlang VM (its own pid file) first, then the wrapper script; a VM still booting may not
    # stop on SIGTERM in time, so it gets SIGKILL after lab_stop_pidfile's 10 s
    for name in open protected; do
        local beam
        beam=$(cat "$DIR/$name/beam.pid" 2>/dev/null || true)
        lab_stop_pidfile "$DIR/$name/beam.pid" 'beam'
        if [[ -n $beam ]] && kill -0 "$beam" 2>/dev/null && grep -q beam "/proc/$beam/cmdline" 2>/dev/null; then
            kill -KILL "$beam" 2>/dev/null || true
        fi
        lab_stop_pidfile "$DIR/$name.pid" 'rabbitmq-server|setpriv|bash'
    done
    for name in decoy-http decoy-amqp; do
        lab_stop_pidfile "$DIR/$name.pid" 'python3'
    done
    lab_stop_pidfile "$DIR/epmd.pid" 'epmd' # only the epmd this script started
    rm -f "$STATE/lab_rabbitmq.env"
}

cmd_status() {
    lab_status_all rabbitmq "$HTTP_PORT" "$OPEN open" "$PROTECTED protected" "$DECOY decoy"
}

lab_main "$@"
