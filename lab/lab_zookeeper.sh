#!/usr/bin/env bash
# lab/lab_zookeeper.sh — real ZooKeeper servers (Debian zookeeper 3.8, Java) on loopback for the
# ZooKeeper engine tests, in $LS_LAB_DIR/zookeeper: an OPEN one on 127.77.12.1:2181 (every znode
# world:anyone cdrwa, four-letter words srvr/mntr/envi/ruok allowed) with planted service
# configuration (connection strings with passwords, fake API keys in formats the detector knows,
# e-mail addresses, a support chat log, ordinary Kafka-like metadata); a PROTECTED one on
# 127.77.12.2:2181 with the same kind of tree under digest ACLs (/ included, so an anonymous client
# can read nothing) and only `ruok` whitelisted (mntr and envi refused; ZooKeeper 3.5+ always
# allows srvr, which zkServer.sh status needs); a DECOY on 127.77.12.3:2181 that answers "imok" to anything. Each server is a
# standalone QuorumPeerMain started in the foreground with its own zoo.cfg (clientPortAddress = its
# address, admin server off, data in $LS_LAB_DIR/zookeeper/<name>); both JVMs start in parallel.
# The data is planted by lab/zk_plant.py (a tiny jute client). Writes $LS_LAB_DIR/lab_zookeeper.env.
# Idempotent; `up` on running servers replants the data.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=$STATE/zookeeper
OPEN=127.77.12.1
PROTECTED=127.77.12.2
DECOY=127.77.12.3
PORT=2181
JAR=/usr/share/java/zookeeper.jar
ADMIN_PW=lab-zk-admin-pw # lab/zk_plant.py's digest user "admin"

# A decoy that answers every connection with ZooKeeper's ruok reply and closes: it merely answers.
DECOY_PY='
def serve(c):
    try:
        c.recv(4096)
        c.sendall(b"imok")
    except Exception:
        pass
    finally:
        c.close()
'

start_zk() { # name addr whitelist
    local name=$1 addr=$2 words=$3
    lab_listening "$addr" "$PORT" && return 0
    mkdir -p "$DIR/$name/data"
    cat >"$DIR/$name/zoo.cfg" <<EOF
tickTime=2000
dataDir=$DIR/$name/data
clientPort=$PORT
clientPortAddress=$addr
maxClientCnxns=200
admin.enableServer=false
4lw.commands.whitelist=$words
autopurge.purgeInterval=0
forceSync=no
EOF
    # no slf4j binding on the classpath: the server logs nothing; no JMX port, no admin server
    nohup java -Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true \
        -Dzookeeper.log.dir="$DIR/$name" -cp "$JAR" org.apache.zookeeper.server.quorum.QuorumPeerMain \
        "$DIR/$name/zoo.cfg" </dev/null >"$DIR/$name.log" 2>&1 8>&- &
    echo $! >"$DIR/$name.pid"
}

cmd_up() {
    if ! command -v java >/dev/null || [[ ! -f $JAR ]]; then
        die "ZooKeeper not found (apt-get install zookeeper)"
    fi
    command -v python3 >/dev/null || die "python3 not found"
    lab_lock "$DIR"
    start_zk open "$OPEN" 'srvr,mntr,envi,ruok'
    start_zk protected "$PROTECTED" 'ruok'
    lab_start_decoy decoy "$DECOY" "$PORT" "$DECOY_PY"
    lab_wait_port "$OPEN" "$PORT"
    lab_wait_port "$PROTECTED" "$PORT"
    local n_open n_prot tops version
    n_open=$(python3 "$HERE/zk_plant.py" "$OPEN" "$PORT" open) || die "planting $OPEN failed"
    n_prot=$(python3 "$HERE/zk_plant.py" "$PROTECTED" "$PORT" protected) || die "planting $PROTECTED failed"
    tops=$(python3 "$HERE/zk_plant.py" "$OPEN" "$PORT" tops)
    version=$(python3 -c 'import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(b"srvr")
d = b""
while True:
    x = s.recv(4096)
    if not x:
        break
    d += x
line = d.decode().splitlines()[0]
v = line.split(": ", 1)[1]
print("".join(c for c in v.split("-")[0].split(",")[0] if c.isdigit() or c == "."))' "$OPEN" "$PORT")
    {
        printf 'LAB_ZOOKEEPER_OPEN=%q\nLAB_ZOOKEEPER_PROTECTED=%q\nLAB_ZOOKEEPER_DECOY=%q\n' \
            "$OPEN" "$PROTECTED" "$DECOY"
        printf 'LAB_ZOOKEEPER_PORT=%q\nLAB_ZOOKEEPER_VERSION=%q\nLAB_ZOOKEEPER_ZNODES=%q\n' \
            "$PORT" "$version" "$n_open"
        printf 'LAB_ZOOKEEPER_TOPS=%q\nLAB_ZOOKEEPER_PROTECTED_ZNODES=%q\nLAB_ZOOKEEPER_ADMIN_PW=%q\n' \
            "$tops" "$n_prot" "$ADMIN_PW"
    } | lab_write_env lab_zookeeper.env
    say "ZooKeeper up: open $OPEN ($n_open znodes: $tops), protected $PROTECTED, decoy $DECOY (:$PORT); environment: $STATE/lab_zookeeper.env"
}

cmd_down() {
    # only our own process: the JVM or the python decoy started from this state dir
    lab_stop_all "$DIR" 'QuorumPeerMain|python3' open protected decoy
    rm -f "$STATE/lab_zookeeper.env"
}

cmd_status() {
    lab_status_all zookeeper "$PORT" "$OPEN open" "$PROTECTED protected" "$DECOY decoy"
}

lab_main "$@"
