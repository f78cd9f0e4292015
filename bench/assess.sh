#!/usr/bin/env bash
# `make bench`, assessment part: leakscan's full assessment (fingerprint, access, inventory,
# sampling, detectors, blast-radius probes, history) against `nmap -sV` with the NSE scripts that
# do the nearest read-only work, on the same targets in the same run, as a ratio (issue 13's goal:
# leakscan >= 5x faster while doing more).
# Targets: the lab's open ClickHouse servers (127.77.3.14 with its 1.1M-row table, and the
# blast-radius 127.77.4.10-13), plus 3 open Redis, 3 PostgreSQL and 3 MariaDB instances that
# bench/bench_instances.sh starts for this run only (127.77.20-22.x; stopped again on exit; the
# lab's own Redis/PostgreSQL/MariaDB are left out: tests restart them). Every target is scanned on
# every port of PORTS. A1: all of them; A2: the same without ClickHouse.
# Issue 14's engines: the lab's open etcd, Memcached, ZooKeeper, InfluxDB, Prometheus and RabbitMQ
# servers (lab/lab_<engine>.sh, started by lab.sh; reused, not duplicated: their addresses are fixed
# and RabbitMQ/ZooKeeper are JVM/Erlang nodes too heavy to start again per run), leakscan with
# --default-credentials (RabbitMQ's open broker is open through guest/guest), nmap with the NSE
# scripts that exist for them (memcached-info, amqp-info; -sV alone for the rest). A3: all six;
# A4: the two that nmap's first probes recognise (Memcached, RabbitMQ). nmap runs (nearly) every
# probe on the other four (about 2 minutes), so A3 runs BENCH_SLOW_ROUNDS rounds (default 1).
# Then leakscan alone on every lab instance of those engines (open, protected, decoy and the extra
# twins), BENCH_ROUNDS times each: median and worst wall time per instance, the slowest step from
# its steps_ms, and a flag on any run over 1 s (issue 14: no engine's assessment of a lab instance
# takes more than a second on loopback; reported, not failed on).
# BENCH_ROUNDS rounds (default 3), each running both scanners once, alternating which goes first;
# each run's open set is checked against what listens (a wrong one is reported and its time not
# used). Printed: median and best wall time, peak RSS (/usr/bin/time), the ratio of the medians
# nmap/leakscan and the median of the per-round ratios, and what each one found.
# nmap NSE has nothing read-only for PostgreSQL (only pgsql-brute, which guesses passwords: not
# used) nor anything for ClickHouse; no brute-force script is used for any engine.
# Usage: bench/assess.sh BUILD_DIR   (needs the lab's lab.env; LEAKSCAN=path overrides the binary)
set -euo pipefail
export LEAKSCAN_MODE="${LEAKSCAN_MODE:-connect}" # as bench/run.sh: connect probes, no raw SYN
build="$(cd "${1:-build}" && pwd)"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${LEAKSCAN:-$build/leakscan}"
rounds="${BENCH_ROUNDS:-3}"
for t in nmap /usr/bin/time python3 ss; do
    command -v "$t" >/dev/null || { echo "assessment bench: $t missing (scripts/deps.sh installs it); skipped"; exit 0; }
done
lab="${LS_LAB_DIR:-/tmp/leakscan-lab}"
[ -f "$lab/lab.env" ] || { echo "assessment bench: no $lab/lab.env (the lab is not up); skipped"; exit 0; }
# shellcheck source=/dev/null
. "$lab/lab.env"

PORTS=8123,9000,6379,5432,3306
SCRIPTS=redis-info,mysql-info,mysql-empty-password,mysql-databases,mysql-users,mysql-variables
LS_OPTS=()
tmp="$(mktemp -d /tmp/lsbench-assess.XXXXXX)"
chmod 755 "$tmp" # the postgres and mysql accounts run the extra servers below it
# shellcheck disable=SC2317 # called by the trap
cleanup() { bash "$root/bench/bench_instances.sh" down "$tmp/inst" || true; rm -rf "$tmp"; }
trap cleanup EXIT
bash "$root/bench/bench_instances.sh" up "$tmp/inst"
# shellcheck source=/dev/null
. "$tmp/inst/instances.env"

listening() { ss -Hltn "src $1:$2" 2>/dev/null | grep -q .; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
ms() { date +%s%3N; }
export XDG_DATA_HOME="$tmp/xdg" # leakscan stores its history as by default, but not in the user's

opens() { # label file: the open ip:port set each one reported
    python3 - "$@" <<'PY'
import json, sys, xml.etree.ElementTree as ET
label, f = sys.argv[1], sys.argv[2]
o = []
if label == "nmap":
    for h in ET.parse(f).getroot().iter("host"):
        ip = h.find("address").get("addr")
        for p in h.iter("port"):
            if p.find("state").get("state") == "open":
                o.append("%s:%s" % (ip, p.get("portid")))
else:
    for l in open(f):
        r = json.loads(l)
        if r["type"] == "service":
            o.append("%s:%d" % (r["ip"], r["port"]))
print(" ".join(sorted(o)) + " ")
PY
}

# workload NAME ROUNDS HOST...: both scanners on the HOSTs that listen on one of PORTS, ROUNDS
# rounds; nmap runs SCRIPTS, leakscan gets LS_OPTS
workload() {
    local name="$1" nrounds="$2" h p up r s t t0 rc rss got order
    shift 2
    local targets=() want=() cmd=() idle=()
    for h in "$@"; do
        up=0
        for p in ${PORTS//,/ }; do
            if listening "$h" "$p"; then want+=("$h:$p"); up=1; fi
        done
        if [ "$up" = 1 ]; then targets+=("$h"); else idle+=("$h"); fi
    done
    local want_set
    want_set="$(printf '%s\n' "${want[@]}" | sort | tr '\n' ' ')"
    [ ${#targets[@]} -gt 0 ] || { echo "$name: none of $* listens on $PORTS; skipped"; return 0; }
    local ls_cmd=("$bin" scan --scope 127.0.0.0/8 "${LS_OPTS[@]}" -p "$PORTS" --format jsonl "${targets[@]}")
    # -sT: complete TCP connects like leakscan here (no raw packets outside a namespace); the rest
    # of nmap's options are its defaults (-sV version intensity 7, -T3)
    local nm_cmd=(nmap -sT -sV -Pn -n -p "$PORTS" --script "$SCRIPTS" -oX - "${targets[@]}")
    echo "$name: ${#targets[@]} hosts x ports $PORTS, ${#want[@]} open, $nrounds round(s); load before: $(load)"
    [ ${#idle[@]} = 0 ] || echo "  (not listening, left out: ${idle[*]})"
    echo "  leakscan: ${ls_cmd[*]}"
    echo "  nmap:     ${nm_cmd[*]}"
    : >"$tmp/times"
    rm -f "$tmp/leakscan.last" "$tmp/nmap.last"
    for r in $(seq "$nrounds"); do
        order="leakscan nmap"
        [ $((r % 2)) = 0 ] && order="nmap leakscan"
        for s in $order; do
            if [ "$s" = leakscan ]; then cmd=("${ls_cmd[@]}"); else cmd=("${nm_cmd[@]}"); fi
            t0=$(ms)
            rc=0
            /usr/bin/time -f "%M" -o "$tmp/$s.$r.rss" "${cmd[@]}" >"$tmp/$s.$r.out" 2>"$tmp/$s.$r.err" || rc=$?
            t=$(($(ms) - t0))
            rss=$(tail -n 1 "$tmp/$s.$r.rss")
            # leakscan exits 1 when it finds something at or above --fail-on: expected here
            if [ "$rc" -gt 1 ] || { [ "$s" = nmap ] && [ "$rc" != 0 ]; }; then
                printf '  round %d  %-8s %7d ms  FAILED (exit %d): %s\n' "$r" "$s" "$t" "$rc" "$(tail -n 1 "$tmp/$s.$r.err")"
                fail=1
                continue
            fi
            got="$(opens "$s" "$tmp/$s.$r.out")"
            if [ "$got" = "$want_set" ]; then
                echo "$s|$r|$t|$rss" >>"$tmp/times"
                printf '  round %d  %-8s %7d ms  peak RSS %4d MiB  open set exact\n' "$r" "$s" "$t" $((rss / 1024))
                cp "$tmp/$s.$r.out" "$tmp/$s.last"
            else
                printf '  round %d  %-8s %7d ms  WRONG open set: got "%s", want "%s" (time not used)\n' "$r" "$s" "$t" "$got" "$want_set"
                fail=1
            fi
        done
    done
    summary
    echo "  load after: $(load)"
}

summary() {
python3 - "$tmp/times" "$tmp/leakscan.last" "$tmp/nmap.last" <<'PY'
import collections, json, os, sys, statistics as st, xml.etree.ElementTree as ET
times, lsf, nmf = sys.argv[1:4]
by, rnd = {}, {}
for l in open(times):
    s, r, t, rss = l.strip().split("|")
    by.setdefault(s, []).append((int(t), int(rss)))
    rnd.setdefault(s, {})[r] = int(t)
for s in ("leakscan", "nmap"):
    if s in by:
        ts = sorted(t for t, _ in by[s])
        print("  %-8s median %7d ms, best %7d ms, runs %d, peak RSS %d MiB" % (
            s, st.median(ts), ts[0], len(ts), max(r for _, r in by[s]) // 1024))
if "leakscan" in by and "nmap" in by:
    med = st.median(t for t, _ in by["nmap"]) / max(st.median(t for t, _ in by["leakscan"]), 1)
    common = sorted(set(rnd["nmap"]) & set(rnd["leakscan"]))
    per = st.median(rnd["nmap"][r] / max(rnd["leakscan"][r], 1) for r in common) if common else 0
    print("  ratio nmap/leakscan: %.1fx (medians), %.1fx (median of %d per-round ratios); goal >= 5x: %s" % (
        med, per, len(common), "met" if min(med, per or med) >= 5 else "MISSED"))
if os.path.exists(lsf):
    eng, auth, recs = collections.Counter(), collections.Counter(), collections.Counter()
    tables = rows = sampled = secrets = risks = 0
    classes = collections.Counter()
    for l in open(lsf):
        r = json.loads(l)
        recs[r["type"]] += 1
        if r["type"] == "service":
            eng[r["engine"]] += 1
            auth[r["auth"]] += 1
            tables += r["exposure"]["tables"]
            rows += r["exposure"]["rows"] or 0
            sampled += sum(t.get("scanned_rows") or 0 for t in r.get("tables", []))
            risks += len(r.get("risks", []))
            for t in r.get("tables", []):
                for c in t.get("classes") or []:
                    classes[c if isinstance(c, str) else c.get("class", c.get("name", "?"))] += 1
        elif r["type"] == "secret":
            secrets += r.get("count", 1)
    print("  leakscan found: %d services (%s), auth %s; %d tables, %d rows counted, %d rows sampled; "
          "%d secret records (%d values); tables holding %s; %d risks" % (
              recs["service"], ", ".join("%s %d" % kv for kv in sorted(eng.items())),
              ", ".join("%s %d" % kv for kv in sorted(auth.items())), tables, rows, sampled,
              recs["secret"], secrets, ", ".join("%s %d" % kv for kv in sorted(classes.items())) or "no classified data", risks))
if os.path.exists(nmf):
    svc, scripts = collections.Counter(), collections.Counter()
    versions = opened = 0
    for p in ET.parse(nmf).getroot().iter("port"):
        if p.find("state").get("state") != "open":
            continue
        opened += 1
        s = p.find("service")
        name = s.get("name") if s is not None else "?"
        prod = s.get("product") if s is not None else None
        svc[name + (" (%s)" % prod if prod else "")] += 1
        if s is not None and s.get("version"):
            versions += 1
        for sc in p.iter("script"):
            scripts[sc.get("id")] += 1
    print("  nmap found: %d open ports: %s; %d with a version; script output: %s" % (
        opened, ", ".join("%s %d" % kv for kv in sorted(svc.items())), versions,
        ", ".join("%s %d" % kv for kv in sorted(scripts.items())) or "none"))
PY
}

fail=0
echo "== assessment ($(nproc) cores; $rounds rounds; load average $(load)) =="
# shellcheck disable=SC2086 # BENCH_* are space-separated address lists
workload "A1 four engines (ClickHouse, Redis, PostgreSQL, MariaDB)" "$rounds" \
    "$LAB_EXPOSED" "$LAB_BLAST_RO" "$LAB_BLAST_MIXED" "$LAB_BLAST_EXT" "$LAB_BLAST_RANSOM" \
    $BENCH_REDIS $BENCH_PG $BENCH_MYSQL
# nmap -sV has no fingerprint for ClickHouse's HTTP interface and tries every probe on it, which
# dominates A1; the same comparison without ClickHouse shows the ratio where nmap knows them all
# shellcheck disable=SC2086
workload "A2 without ClickHouse (Redis, PostgreSQL, MariaDB)" "$rounds" \
    $BENCH_REDIS $BENCH_PG $BENCH_MYSQL

# ---- issue 14's engines, on the lab's own servers ----------------------------------------------
for e in etcd memcached zookeeper influxdb prometheus rabbitmq; do
    # shellcheck source=/dev/null
    if [ -f "$lab/lab_$e.env" ]; then . "$lab/lab_$e.env"; else echo "(no $lab/lab_$e.env: $e left out)"; fi
done
PORTS=2379,11211,2181,8086,9090,15672,5672
SCRIPTS=memcached-info,amqp-info
LS_OPTS=(--default-credentials)
# shellcheck disable=SC2046 # unset engines drop out as empty words
workload "A3 six engines of issue 14 (etcd, Memcached, ZooKeeper, InfluxDB, Prometheus, RabbitMQ), open lab servers" \
    "${BENCH_SLOW_ROUNDS:-1}" $(printf '%s ' "${LAB_ETCD_OPEN:-}" "${LAB_MEMCACHED_OPEN:-}" \
        "${LAB_ZOOKEEPER_OPEN:-}" "${LAB_INFLUXDB_OPEN:-}" "${LAB_PROMETHEUS_OPEN:-}" "${LAB_RABBITMQ_OPEN:-}")
# nmap's -sV recognises neither etcd's HTTP gateway nor ZooKeeper 3.8 (its `stats` probe is not a
# whitelisted four-letter word) nor InfluxDB 1.6's replies and tries every probe on them, and it
# names Prometheus only by a late probe's Go 404 (86 s for that port alone); A4 keeps the two it
# recognises early
PORTS=11211,15672,5672
# shellcheck disable=SC2046
workload "A4 the two nmap -sV recognises early (Memcached, RabbitMQ), open lab servers" "$rounds" \
    $(printf '%s ' "${LAB_MEMCACHED_OPEN:-}" "${LAB_RABBITMQ_OPEN:-}")

# what one leakscan run reported: port engine auth, units and rows, the slowest step of steps_ms
reported() {
    python3 - "$1" <<'PY'
import json, sys
out = []
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] != "service":
        continue
    st = r.get("steps_ms") or {}
    x = r.get("exposure") or {}
    s = "%d %s %s" % (r["port"], r["engine"], r["auth"])
    if x.get("tables"):
        s += ", %d units %d rows" % (x["tables"], x.get("rows") or 0)
    if st:
        s += ", slowest step %s %d ms" % max(st.items(), key=lambda kv: kv[1])
    out.append(s)
print("; ".join(out) or "no service")
PY
}

# instance ENGINE PORTS LABEL=ADDR...: leakscan alone (--default-credentials) on each lab instance
# of one engine, $rounds runs each: median/worst wall ms per instance, what the worst run reported,
# and a flag on any run over 1000 ms (a report, not a failure)
over=() ninst=0
instance() {
    local eng="$1" ports="$2" kv label a r t0 t rc worst med flag="" up p
    local ts=()
    shift 2
    echo "  $eng (ports $ports):"
    for kv in "$@"; do
        label="${kv%%=*}" a="${kv#*=}"
        [ -n "$a" ] || continue
        up=0
        for p in ${ports//,/ }; do if listening "$a" "$p"; then up=1; fi; done
        if [ "$up" = 0 ]; then printf '    %-9s %-13s not listening, left out\n' "$label" "$a"; continue; fi
        ts=() worst=-1
        for r in $(seq "$rounds"); do
            t0=$(ms)
            rc=0
            "$bin" scan --scope 127.0.0.0/8 --default-credentials -p "$ports" --format jsonl "$a" \
                >"$tmp/inst.$r.out" 2>"$tmp/inst.$r.err" || rc=$?
            t=$(($(ms) - t0))
            if [ "$rc" -gt 1 ]; then
                printf '    %-9s %-13s FAILED (exit %d): %s\n' "$label" "$a" "$rc" "$(tail -n 1 "$tmp/inst.$r.err")"
                fail=1
                continue 2
            fi
            ts+=("$t")
            if [ "$t" -gt "$worst" ]; then worst=$t; cp "$tmp/inst.$r.out" "$tmp/inst.worst"; fi
        done
        med=$(printf '%s\n' "${ts[@]}" | sort -n | sed -n "$(((${#ts[@]} + 1) / 2))p")
        ninst=$((ninst + 1))
        if [ "$worst" -gt 1000 ]; then flag=" OVER 1 s"; over+=("$eng $label"); else flag=""; fi
        printf '    %-9s %-13s median %4d ms, worst %4d ms%s  [%s]\n' "$label" "$a" "$med" "$worst" "$flag" \
            "$(reported "$tmp/inst.worst")"
    done
}
echo "per lab instance, leakscan alone with --default-credentials ($rounds runs each; load before: $(load))"
instance etcd 2379 "open=${LAB_ETCD_OPEN:-}" "protected=${LAB_ETCD_PROTECTED:-}" "decoy=${LAB_ETCD_DECOY:-}"
instance memcached 11211 "open=${LAB_MEMCACHED_OPEN:-}" "protected=${LAB_MEMCACHED_PROTECTED:-}" \
    "sasl=${LAB_MEMCACHED_SASL:-}" "decoy=${LAB_MEMCACHED_DECOY:-}"
instance zookeeper 2181 "open=${LAB_ZOOKEEPER_OPEN:-}" "protected=${LAB_ZOOKEEPER_PROTECTED:-}" \
    "decoy=${LAB_ZOOKEEPER_DECOY:-}"
instance influxdb 8086 "open=${LAB_INFLUXDB_OPEN:-}" "protected=${LAB_INFLUXDB_PROTECTED:-}" \
    "noadmin=${LAB_INFLUXDB_NOADMIN:-}" "decoy=${LAB_INFLUXDB_DECOY:-}"
instance prometheus 9090 "open=${LAB_PROMETHEUS_OPEN:-}" "protected=${LAB_PROMETHEUS_PROTECTED:-}" \
    "decoy=${LAB_PROMETHEUS_DECOY:-}"
instance rabbitmq 15672,5672 "open=${LAB_RABBITMQ_OPEN:-}" "protected=${LAB_RABBITMQ_PROTECTED:-}" \
    "decoy=${LAB_RABBITMQ_DECOY:-}"
if [ ${#over[@]} = 0 ]; then
    echo "  issue 14's goal, every lab instance's assessment under 1 s: met ($ninst instances)"
else
    echo "  issue 14's goal, every lab instance's assessment under 1 s: MISSED on ${#over[@]} of $ninst: $(printf '%s, ' "${over[@]}" | sed 's/, $//')"
fi
echo "  load after: $(load)"
exit $fail
