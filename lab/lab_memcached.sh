#!/usr/bin/env bash
# lab/lab_memcached.sh — real Memcached servers (Debian memcached) on loopback for the Memcached
# engine tests, in $LS_LAB_DIR/memcached, all TCP only (-U 0) and in the foreground (never -d):
# an open one on 127.77.11.1:11211 with planted data (sessions, cached pages, fake API tokens in
# shapes the detector knows, a chat log, e-mail addresses, one 100 KiB item), a protected one on
# 127.77.11.2 with a text-protocol auth file (-Y), a decoy on 127.77.11.3 that answers
# "VERSION 1.6.18" to every line, and a SASL one on 127.77.11.4 (-S: binary protocol only, its own
# SASL password file through MEMCACHED_SASL_PWDB). Writes $LS_LAB_DIR/lab_memcached.env.
# Idempotent; `up` on running servers reloads the data.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
DIR=$STATE/memcached
OPEN=127.77.11.1
PROTECTED=127.77.11.2
DECOY=127.77.11.3
SASL=127.77.11.4
PORT=11211
USER_NAME=labuser
PASSWORD=lab-memcached-pw

start_memcached() { # name addr [extra options]
    local name=$1 addr=$2
    shift 2
    lab_listening "$addr" "$PORT" && return 0
    local as=()
    [[ $(id -u) == 0 ]] && as=(-u memcache) # memcached refuses to run as root without -u
    nohup env SASL_CONF_PATH="$DIR/sasl" MEMCACHED_SASL_PWDB="$DIR/sasl/pwdb" \
        memcached "${as[@]}" -U 0 -l "$addr" -p "$PORT" -m 64 -c 256 "$@" \
        </dev/null >"$DIR/$name.log" 2>&1 8>&- &
    echo $! >"$DIR/$name.pid"
    lab_wait_port "$addr" "$PORT"
}

# The decoy: answers every line with memcached's VERSION line, but has no stats.
DECOY_PY='
def serve(c):
    f = c.makefile("rb")
    try:
        while f.readline(65536):
            c.sendall(b"VERSION 1.6.18\r\n")
    except Exception:
        pass
    finally:
        c.close()
'

# The planted data, stored over the text protocol (set key 0 0 bytes). The first argument is the
# address, the second an optional "user password" login for an auth-file server. Prints the items
# stored.
PLANT_PY='
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
login = sys.argv[3] if len(sys.argv) > 3 else ""
only = sys.argv[4] if len(sys.argv) > 4 else ""
items = []
if only:
    items.append(("vault:token", only))
else:
    for i in range(1, 201):
        items.append(("session:%04d" % i, "{\"user_id\":%d,\"last_seen\":\"2024-05-%02dT10:00:00Z\",\"theme\":\"dark\"}" % (1000 + i, i % 28 + 1)))
    for i in range(1, 41):
        items.append(("page:/products/%d" % i, "<html><body><h1>Product %d</h1>" % i + "<p>In stock, ships in 2 days.</p>" * 16 + "</body></html>"))
    items += [
        ("config:payments", "{\"provider\":\"stripe\",\"api_key\":\"sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds\"}"),
        ("svc:openai", "model=gpt-4o\napi_key=sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f"),
        ("ci:github", "GITHUB_TOKEN=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"),
        ("deploy:aws", "aws_access_key_id=AKIAQ3EGZ7XKP4N5VWRY\nregion=eu-west-1"),
        ("chatops:slack", "SLACK_BOT_TOKEN=xoxb-2847561930-5820417736291-Rk7qWz3Hn9XvLp2Ty8Mb4Fd6"),
        ("chat:session:42", "[{\"role\":\"user\",\"content\":\"My card was charged twice, can you refund order 8812?\"},{\"role\":\"assistant\",\"content\":\"I am sorry about that. I have opened a refund for order 8812.\"}]"),
        ("users:emails", "alice.moreau@fastmail.com,bob.keller@gmx.net,carol.diaz@outlook.com"),
        ("notify:queue", "mail to dave.ng@protonmail.com: your invoice is ready\nmail to erin.li@yahoo.com: password changed"),
        ("report:daily", "quarterly totals, nothing secret here. " * 2700),
    ]
s = socket.create_connection((addr, port), timeout=5)
f = s.makefile("rb")
def store(key, value):
    data = value.encode()
    s.sendall(b"set %s 0 0 %d\r\n%s\r\n" % (key.encode(), len(data), data))
    line = f.readline()
    if line != b"STORED\r\n":
        sys.exit("set %s: %r" % (key, line))
if login:
    store("auth", login)
if not only:
    s.sendall(b"flush_all\r\n")
    if f.readline() != b"OK\r\n":
        sys.exit("flush_all refused")
for k, v in items:
    store(k, v)
print(len(items))
'

# One command's reply (up to END or one line for `version`) on stdout.
ASK_PY='
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(sys.argv[3].encode() + b"\r\n")
f = s.makefile("rb")
while True:
    line = f.readline()
    sys.stdout.write(line.decode(errors="replace"))
    if not line or line == b"END\r\n" or sys.argv[3] == "version":
        break
'

cmd_up() {
    command -v memcached >/dev/null || die "memcached not found (apt-get install memcached)"
    lab_lock "$DIR"
    mkdir -p "$DIR/sasl"
    printf '%s:%s\n' "$USER_NAME" "$PASSWORD" >"$DIR/auth"
    printf '%s:%s\n' "$USER_NAME" "$PASSWORD" >"$DIR/sasl/pwdb"
    printf 'mech_list: plain\n' >"$DIR/sasl/memcached.conf"
    chmod 755 "$DIR" "$DIR/sasl"
    chmod 644 "$DIR/auth" "$DIR/sasl/pwdb" "$DIR/sasl/memcached.conf" # read by the memcache user
    start_memcached open "$OPEN"
    start_memcached protected "$PROTECTED" -Y "$DIR/auth"
    start_memcached sasl "$SASL" -S
    lab_start_decoy decoy "$DECOY" "$PORT" "$DECOY_PY" version
    local n
    n=$(python3 -c "$PLANT_PY" "$OPEN" "$PORT") || die "loading the data failed"
    python3 -c "$PLANT_PY" "$PROTECTED" "$PORT" "$USER_NAME $PASSWORD" sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds >/dev/null ||
        die "loading the protected server failed"
    local items version
    items=$(python3 -c "$ASK_PY" "$OPEN" "$PORT" stats | sed -n 's/^STAT curr_items \([0-9]*\).*/\1/p')
    version=$(python3 -c "$ASK_PY" "$OPEN" "$PORT" version | sed -n 's/^VERSION \([^\r]*\).*/\1/p')
    [[ $items == "$n" ]] || die "planted $n items, the server holds ${items:-?}"
    {
        printf 'LAB_MEMCACHED_OPEN=%q\nLAB_MEMCACHED_PROTECTED=%q\nLAB_MEMCACHED_DECOY=%q\nLAB_MEMCACHED_SASL=%q\n' \
            "$OPEN" "$PROTECTED" "$DECOY" "$SASL"
        printf 'LAB_MEMCACHED_PORT=%q\nLAB_MEMCACHED_ITEMS=%q\nLAB_MEMCACHED_VERSION=%q\n' "$PORT" "$n" "$version"
    } | lab_write_env lab_memcached.env
    say "Memcached up: open $OPEN ($n items), protected (auth file) $PROTECTED, SASL $SASL, decoy $DECOY (:$PORT); environment: $STATE/lab_memcached.env"
}

cmd_down() {
    # only our own process: memcached or the python decoy started from this state dir
    lab_stop_all "$DIR" 'memcached|python3' open protected sasl decoy
    rm -f "$STATE/lab_memcached.env"
}

cmd_status() {
    lab_status_all memcached "$PORT" "$OPEN open" "$PROTECTED protected" "$SASL sasl" "$DECOY decoy"
}

lab_main "$@"
