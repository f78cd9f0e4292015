#!/usr/bin/env bash
# lab/lab_influxdb.sh — real InfluxDB 1.x servers (Debian influxdb, /usr/bin/influxd) on loopback
# for the InfluxDB engine tests, in $LS_LAB_DIR/influxdb, each with its own config file (usage
# reporting off, RPC on its own address, no UDP/Graphite/collectd/OpenTSDB listeners, no _internal
# monitor store so counts stay exact): an open one on 127.77.14.1:8086 (auth-enabled = false) with
# planted data (databases telemetry and app_events: metrics, fake AWS/Slack/GitHub/OpenAI keys in
# event messages and config points, a chat log, e-mail addresses, users and a subscription whose
# URL carries a password), a protected one on 127.77.14.2:8086 (auth-enabled = true, admin user),
# a decoy on 127.77.14.3:8086 that answers every request with 204 No Content and no InfluxDB
# headers, and one on 127.77.14.4:8086 with auth-enabled = true and no admin user yet. Writes
# $LS_LAB_DIR/lab_influxdb.env. Idempotent; `up` on running servers reloads the data.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
DIR=$STATE/influxdb
OPEN=127.77.14.1
PROTECTED=127.77.14.2
DECOY=127.77.14.3
NOADMIN=127.77.14.4
PORT=8086
ADMIN=lab-admin
PASSWORD=lab-influx-pw

# influxd's configuration for one server. Debian's build names the usage report setting
# reporting-enabled (upstream: reporting-disabled); both are set so nothing leaves the machine.
write_conf() { # name addr auth(true|false)
    local d=$DIR/$1
    mkdir -p "$d"
    cat >"$d.conf" <<EOF
reporting-disabled = true
reporting-enabled = false
bind-address = "$2:8088"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "$2:$PORT"
  auth-enabled = $3
  log-enabled = false
  pprof-enabled = false
[ifql]
  enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "warn"
  suppress-logo = true
EOF
}

start_influxd() { # name addr auth
    local name=$1 addr=$2 i
    if ! lab_listening "$addr" "$PORT"; then
        if ss -Hltn "sport = :$PORT" 2>/dev/null | awk '{print $4}' | grep -qE '^(0\.0\.0\.0|\*|\[::\]):'; then
            die "a server listens on every address at :$PORT (the packaged influxdb service?); stop it first"
        fi
        write_conf "$name" "$addr" "$3"
        nohup influxd run -config "$DIR/$name.conf" </dev/null >"$DIR/$name.log" 2>&1 8>&- &
        echo $! >"$DIR/$name.pid"
        lab_wait_port "$addr" "$PORT"
    fi
    for ((i = 0; i < 100; i++)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$addr:$PORT/ping") == 204 ]] && return 0
        sleep 0.1
    done
    die "influxd on $addr:$PORT does not answer /ping (see $DIR/$name.log)"
}

# q ADDR QUERY [curl options]: one statement over POST /query; fails on an "error" in the answer.
q() {
    local addr=$1 stmt=$2 out
    shift 2
    out=$(curl -sS -XPOST "http://$addr:$PORT/query" "$@" --data-urlencode "q=$stmt") || die "query failed: $stmt"
    [[ $out != *'"error"'* ]] || die "$stmt: $out"
}

# write ADDR DB [curl options] < line protocol (timestamps in seconds)
write() {
    local addr=$1 db=$2 code
    shift 2
    code=$(curl -sS -o "$DIR/write.out" -w '%{http_code}' -XPOST "http://$addr:$PORT/write?db=$db&precision=s" \
        "$@" --data-binary @-) || die "write to $db failed"
    [[ $code == 204 ]] || die "write to $db: HTTP $code $(cat "$DIR/write.out")"
}

T0=1714550400 # 2024-05-01T08:00:00Z

plant_telemetry() { # line protocol of database telemetry: cpu 120 points, http_requests 80
    local h i
    for ((h = 1; h <= 4; h++)); do
        for ((i = 0; i < 30; i++)); do
            printf 'cpu,host=web-%d,region=eu-west-1 usage_user=%d.%d,usage_system=%d.5 %d\n' \
                "$h" "$((10 + (i * 7 + h) % 60))" "$((i % 10))" "$((2 + i % 9))" "$((T0 + i * 60))"
        done
    done
    local paths=(/api/orders /api/cart /login /healthz)
    for ((i = 0; i < 80; i++)); do
        printf 'http_requests,path=%s status=%di,duration_ms=%d.25,client="%s" %d\n' \
            "${paths[$((i % 4))]}" "$(((i % 13 == 0) ? 500 : 200))" "$((5 + i % 40))" \
            "10.0.$((i % 5)).$((20 + i % 30))" "$((T0 + i * 15))"
    done
}

# line protocol of database app_events: events 50, chat_turns 24, deploys 10 (notes on 6 only:
# fields counted apart), config 5
plant_app_events() {
    local i
    local msgs=(
        'deploy failed: aws_access_key_id=AKIAQX4BN7RT2LMV5KWZ aws_secret_access_key=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'
        'slack notifier configured with token xoxb-2847562910-7712093845521-Zq8RkT3mW9pLx2VbN6cYd4Hf'
        'password reset mail sent to alice.moreau@fastmail.com'
        'invoice 8812 mailed to bob.keller@gmx.net'
        'CI checkout with GITHUB_TOKEN=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'
    )
    for ((i = 0; i < 50; i++)); do
        if ((i < 5)); then
            printf 'events,service=api level="warn",message="%s" %d\n' "${msgs[$i]}" "$((T0 + i * 30))"
        else
            printf 'events,service=worker level="info",message="job %d done in %d ms" %d\n' \
                "$i" "$((i * 17))" "$((T0 + i * 30))"
        fi
    done
    local turns=(
        '[{\"role\":\"user\",\"content\":\"My card was charged twice, can you refund order 8812?\"},{\"role\":\"assistant\",\"content\":\"I am sorry about that. I have opened a refund for order 8812.\"}]'
        '[{\"role\":\"user\",\"content\":\"My e-mail changed to carol.diaz@outlook.com, please update it.\"},{\"role\":\"assistant\",\"content\":\"Done, I updated the address on your account.\"}]'
    )
    for ((i = 0; i < 24; i++)); do
        printf 'chat_turns,session=s-%d turns=2i,transcript="%s" %d\n' "$((i / 2))" "${turns[$((i % 2))]}" "$((T0 + i * 5))"
    done
    for ((i = 0; i < 10; i++)); do
        if ((i % 5 < 3)); then
            printf 'deploys,env=prod version="1.%d.0",notes="rollout %d ok" %d\n' "$i" "$i" "$((T0 + i * 3600))"
        else
            printf 'deploys,env=prod version="1.%d.0" %d\n' "$i" "$((T0 + i * 3600))"
        fi
    done
    local conf=(
        'openai_api_key|sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f'
        'feature_flags|checkout_v2=on,search_v3=off'
        'smtp_host|smtp.internal.example:587'
        'retention_days|30'
        'owner|dave.ng@protonmail.com'
    )
    for ((i = 0; i < 5; i++)); do
        printf 'config,key=%s value="%s" %d\n' "${conf[$i]%%|*}" "${conf[$i]#*|}" "$((T0 + i))"
    done
}
COUNTS="telemetry.cpu=120 telemetry.http_requests=80 app_events.events=50 app_events.chat_turns=24 app_events.deploys=10 app_events.config=5"
SUB_URL="http://kapacitor:Kp4ss-w0rd-2024@127.77.14.9:9092"

plant_open() {
    local db
    for db in telemetry app_events; do
        q "$OPEN" "DROP DATABASE \"$db\""
        q "$OPEN" "CREATE DATABASE \"$db\""
    done
    q "$OPEN" 'CREATE RETENTION POLICY "one_year" ON "telemetry" DURATION 52w REPLICATION 1'
    plant_telemetry | write "$OPEN" telemetry
    plant_app_events | write "$OPEN" app_events
    curl -s -XPOST "http://$OPEN:$PORT/query" --data-urlencode 'q=DROP USER "grafana"; DROP USER "ops"' >/dev/null
    q "$OPEN" "CREATE USER \"grafana\" WITH PASSWORD 'gr4fana-lab'"
    q "$OPEN" "CREATE USER \"ops\" WITH PASSWORD 'ops-lab-pw' WITH ALL PRIVILEGES"
    # a subscription to a loopback address of this lab where nothing listens (writes made after it
    # are sent there and refused; none are made)
    q "$OPEN" "CREATE SUBSCRIPTION \"kapacitor\" ON \"telemetry\".\"autogen\" DESTINATIONS ALL '$SUB_URL'"
}

# Every count of $COUNTS, checked with SELECT COUNT(*) (the most points any field has), one
# request per database.
check_counts() {
    local db stmts item m bad
    for db in telemetry app_events; do
        stmts=""
        for item in $COUNTS; do
            [[ ${item%%.*} == "$db" ]] || continue
            m=${item#*.} m=${m%%=*}
            stmts+="${stmts:+; }SELECT COUNT(*) FROM \"$m\""
        done
        bad=$(curl -sS -G "http://$OPEN:$PORT/query" --data-urlencode "db=$db" --data-urlencode "q=$stmts" |
            python3 -c 'import json, sys
want = [w.split("=") for w in sys.argv[2].split() if w.startswith(sys.argv[1] + ".")]
res = json.load(sys.stdin)["results"]
for (name, n), r in zip(want, res):
    got = max(r["series"][0]["values"][0][1:]) if r.get("series") else 0
    if str(got) != n:
        print("%s holds %s points, expected %s" % (name, got, n))' "$db" "$COUNTS") || die "counting $db failed"
        [[ -z $bad ]] || die "$bad"
    done
}

cmd_up() {
    command -v influxd >/dev/null || die "influxd not found (apt-get install influxdb)"
    command -v curl >/dev/null || die "curl not found"
    lab_lock "$DIR"
    start_influxd open "$OPEN" false
    start_influxd protected "$PROTECTED" true
    start_influxd noadmin "$NOADMIN" true
    lab_start_decoy decoy "$DECOY" "$PORT" "$DECOY_PY"
    # the first admin may be created without credentials; afterwards this fails and is not needed
    curl -s -XPOST "http://$PROTECTED:$PORT/query" \
        --data-urlencode "q=CREATE USER \"$ADMIN\" WITH PASSWORD '$PASSWORD' WITH ALL PRIVILEGES" >/dev/null
    q "$PROTECTED" 'CREATE DATABASE "vault"' -u "$ADMIN:$PASSWORD"
    printf 'tokens,app=billing value="sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds" %d\n' "$T0" | write "$PROTECTED" vault -u "$ADMIN:$PASSWORD"
    plant_open
    check_counts
    {
        printf 'LAB_INFLUXDB_OPEN=%q\nLAB_INFLUXDB_PROTECTED=%q\nLAB_INFLUXDB_DECOY=%q\nLAB_INFLUXDB_NOADMIN=%q\n' \
            "$OPEN" "$PROTECTED" "$DECOY" "$NOADMIN"
        printf 'LAB_INFLUXDB_PORT=%q\nLAB_INFLUXDB_COUNTS=%q\nLAB_INFLUXDB_VERSION=%q\n' "$PORT" "$COUNTS" \
            "$(curl -sI "http://$OPEN:$PORT/ping" | tr -d '\r' | sed -n 's/^X-Influxdb-Version: *//Ip')"
    } | lab_write_env lab_influxdb.env
    say "InfluxDB up: open $OPEN, protected $PROTECTED, no admin user $NOADMIN, decoy $DECOY (:$PORT); environment: $STATE/lab_influxdb.env"
}

# The decoy: reads a request head and answers 204 No Content, without any InfluxDB header.
DECOY_PY='
def serve(c):
    try:
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        c.sendall(b"HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    except Exception:
        pass
    finally:
        c.close()
'

cmd_down() {
    # only our own process: influxd or the python decoy started from this state dir
    lab_stop_all "$DIR" 'influxd|python3' open protected noadmin decoy
    rm -f "$STATE/lab_influxdb.env"
}

cmd_status() {
    lab_status_all influxdb "$PORT" "$OPEN open" "$PROTECTED protected" "$DECOY decoy(204)" "$NOADMIN no-admin-user"
}

lab_main "$@"
