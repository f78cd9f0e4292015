#!/usr/bin/env bash
# `make bench`: benchmarks, each printed as a ratio against its goal or a peer measured in the
# same run. Needs the lab (started if not running, stopped again afterwards).
set -euo pipefail
# every scan here stays on loopback, also those whose command line names no --scope
export LEAKSCAN_SCOPE=127.0.0.0/8,::1/128
export LEAKSCAN_MODE=connect  # raw SYN probes only inside namespaces a test creates
build="$(cd "${1:-build}" && pwd)"
root="$(cd "$(dirname "$0")/.." && pwd)"
export LS_BUILD_DIR="$build" LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
started=0
bash "$root/lab/lab.sh" status >/dev/null 2>&1 || started=1
trap '[ "$started" = 1 ] && bash "$root/lab/lab.sh" down' EXIT
bash "$root/lab/lab.sh" up >/dev/null
. "$LS_LAB_DIR/lab.env"

ms() { date +%s%3N; }
best=999999
for _ in 1 2 3 4 5; do
    t0=$(ms)
    "$build/leakscan" scan --scope 127.0.0.0/8 --format jsonl "$LAB_EXPOSED" "$LAB_PROTECTED" "$LAB_DECOY" >/dev/null || true
    t=$(( $(ms) - t0 ))
    [ "$t" -lt "$best" ] && best=$t
done
echo "lab scan (3 hosts, default ports, default sampling): best of 5 = ${best} ms; goal 2000 ms; ratio goal/actual = $(awk "BEGIN{printf \"%.2f\", 2000/$best}")x"

# the same inventory by hand with the official client: SHOW TABLES + count() per table
t0=$(ms)
for q in "SELECT name FROM system.databases" "SELECT database, name FROM system.tables" \
         "SELECT count() FROM default.log_stream" "SELECT count() FROM default.users" \
         "SELECT count() FROM analytics.page_views" "SELECT * FROM default.log_stream LIMIT 1000 FORMAT Null"; do
    clickhouse-client --host "$LAB_EXPOSED" --query "$q" >/dev/null
done
peer=$(( $(ms) - t0 ))
echo "clickhouse-client doing a subset of that inventory on one host, one interface: ${peer} ms; leakscan/peer time ratio = $(awk "BEGIN{printf \"%.2f\", $best/$peer}")"

# detection speed: leakscan secrets vs the 1 GB/s goal, grep -E and secretlint
bash "$root/bench/detect.sh" "$build"

# --deep: the whole lab through the detectors vs clickhouse-client merely exporting log_stream
bash "$root/bench/deep.sh" "$build"

# the full assessment of open ClickHouse, Redis, PostgreSQL and MariaDB servers against
# nmap -sV with its nearest read-only NSE scripts (issue 13; starts and stops extra instances), then
# the same on the lab's etcd, Memcached, ZooKeeper, InfluxDB, Prometheus and RabbitMQ servers and
# leakscan's wall time per lab instance of those engines (issue 14: each under 1 s)
if [ -z "${LS_BENCH_NOLOCK:-}" ] && command -v flock >/dev/null; then
    flock "${LS_BENCH_LOCK:-/tmp/leakscan-bench.lock}" bash "$root/bench/assess.sh" "$build"
else
    bash "$root/bench/assess.sh" "$build"
fi

# discovery at scale, inside a network namespace of its own
# (one benchmark on the machine at a time: the lock other benchmark runs take too; set
# LS_BENCH_NOLOCK=1 when the caller already holds it)
if [ -z "${LS_BENCH_NOLOCK:-}" ] && command -v flock >/dev/null; then
    flock "${LS_BENCH_LOCK:-/tmp/leakscan-bench.lock}" bash "$root/bench/discovery.sh" "$build"
else
    bash "$root/bench/discovery.sh" "$build"
fi
