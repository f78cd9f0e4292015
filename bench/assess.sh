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

# workload NAME HOST...: both scanners on the HOSTs that listen on one of PORTS, $rounds rounds
workload() {
    local name="$1" h p up r s t t0 rc rss got order
    shift
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
    local ls_cmd=("$bin" scan --scope 127.0.0.0/8 -p "$PORTS" --format jsonl "${targets[@]}")
    # -sT: complete TCP connects like leakscan here (no raw packets outside a namespace); the rest
    # of nmap's options are its defaults (-sV version intensity 7, -T3)
    local nm_cmd=(nmap -sT -sV -Pn -n -p "$PORTS" --script "$SCRIPTS" -oX - "${targets[@]}")
    echo "$name: ${#targets[@]} hosts x ports $PORTS, ${#want[@]} open; load before: $(load)"
    [ ${#idle[@]} = 0 ] || echo "  (not listening, left out: ${idle[*]})"
    echo "  leakscan: ${ls_cmd[*]}"
    echo "  nmap:     ${nm_cmd[*]}"
    : >"$tmp/times"
    rm -f "$tmp/leakscan.last" "$tmp/nmap.last"
    for r in $(seq "$rounds"); do
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
workload "A1 four engines (ClickHouse, Redis, PostgreSQL, MariaDB)" \
    "$LAB_EXPOSED" "$LAB_BLAST_RO" "$LAB_BLAST_MIXED" "$LAB_BLAST_EXT" "$LAB_BLAST_RANSOM" \
    $BENCH_REDIS $BENCH_PG $BENCH_MYSQL
# nmap -sV has no fingerprint for ClickHouse's HTTP interface and tries every probe on it, which
# dominates A1; the same comparison without ClickHouse shows the ratio where nmap knows them all
# shellcheck disable=SC2086
workload "A2 without ClickHouse (Redis, PostgreSQL, MariaDB)" \
    $BENCH_REDIS $BENCH_PG $BENCH_MYSQL
exit $fail
