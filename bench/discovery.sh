#!/usr/bin/env bash
# `make bench`, discovery part (called from bench/run.sh; needs root, nmap and nft).
# Everything runs inside a network namespace this script creates (only its own loopback is up:
# no foreign listeners, raw packets cannot leave), and the host's other interfaces' transmit
# counters are checked unchanged at the end. Workloads:
#   W1  127.10.0.0/16 x 3 ports, 3 listeners: leakscan SYN and connect mode vs nmap -sT -n -Pn -T4
#       in the same run; the exact open set is checked before any speed is printed; peak memory.
#   W2  one host, all 65,535 ports (2 listeners): leakscan SYN / connect vs nmap -sT.
#   W3  127.30.0.0/24 x 3 ports silently dropped by an nftables rule: time must stay within the
#       stated timeout/retry policy.
#   W4  127.0.0.0/8 x 1 port (16.7 M probes) in SYN mode: completes, rate printed (BENCH_SKIP_8=1
#       skips it).
set -euo pipefail
build="$(cd "${1:-build}" && pwd)"
root="$(cd "$(dirname "$0")/.." && pwd)"
ls="$build/leakscan"
if [ "$(id -u)" != 0 ]; then echo "discovery bench: needs root (network namespace, raw sockets); skipped"; exit 0; fi
for t in nmap nft /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "discovery bench: $t missing (scripts/deps.sh installs it); skipped"; exit 0; }
done
ns="lsbench-$$"
tmp="$(mktemp -d)"
lpids=()
cleanup() {
    for p in "${lpids[@]}"; do kill "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
tx_counters() { for i in /sys/class/net/*; do [ "${i##*/}" = lo ] || echo "${i##*/} $(cat "$i/statistics/tx_packets")"; done; }
tx_counters >"$tmp/tx.before"
ip netns add "$ns"
ip -n "$ns" link set lo up
inns() { ip netns exec "$ns" "$@"; }
unset LEAKSCAN_MODE   # inside the namespace SYN mode is the point

listen() { ip netns exec "$ns" python3 "$root/tests/integration/listeners.py" "$@" >"$tmp/ready.$#" 2>/dev/null & lpids+=($!); for _ in $(seq 100); do [ -s "$tmp/ready.$#" ] && break; sleep 0.05; done; }
ms() { date +%s%3N; }
# timed NAME CMD...: runs CMD in the namespace, stdout to $tmp/NAME.out; sets $t_ms and $rss_kb
timed() {
    local name="$1"; shift
    local t0; t0=$(ms)
    inns /usr/bin/time -f "%M" -o "$tmp/$name.rss" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    t_ms=$(( $(ms) - t0 )); rss_kb=$(tail -1 "$tmp/$name.rss")
}
ls_opens() { python3 -c 'import json,sys; print(" ".join(sorted("%s:%d" % (r["ip"], r["port"]) for r in map(json.loads, open(sys.argv[1])) if r["type"]=="open")))' "$1"; }
nmap_opens() { python3 -c '
import re,sys
o=[]
for l in open(sys.argv[1]):
    m=re.match(r"Host: (\S+) .*Ports: (.*)", l)
    if m:
        for p in m.group(2).split(","):
            f=p.strip().split("/")
            if len(f)>1 and f[1]=="open": o.append("%s:%s" % (m.group(1), f[0]))
print(" ".join(sorted(o)))' "$1"; }
fail=0
expect() { # expect WHAT GOT WANT
    if [ "$2" = "$3" ]; then echo "  $1: open set exact ($3)"; else echo "  $1: WRONG open set: got '$2', want '$3'"; fail=1; fi
}
rate() { awk "BEGIN{printf \"%.0f\", $1*1000/($2>0?$2:1)}"; }
ratio() { awk "BEGIN{printf \"%.2f\", $1/($2>0?$2:1)}"; }

echo "== discovery (inside network namespace $ns; $(nproc) cores) =="
# W1
listen 127.10.3.4:8123 127.10.200.9:9000 127.10.77.77:9200
want1="127.10.200.9:9000 127.10.3.4:8123 127.10.77.77:9200"
n1=196608
timed nmap1 nmap -sT -n -Pn -T4 -p 8123,9000,9200 -oG - 127.10.0.0/16; nmap1=$t_ms
timed syn1 "$ls" scan --discover-only --format jsonl -p 8123,9000,9200 127.10.0.0/16; syn1=$t_ms syn1_rss=$rss_kb
timed con1 "$ls" scan --connect --discover-only --format jsonl -p 8123,9000,9200 127.10.0.0/16; con1=$t_ms con1_rss=$rss_kb
echo "W1: 127.10.0.0/16 x 3 ports ($n1 probes), 3 listeners"
expect "nmap -sT -T4" "$(nmap_opens "$tmp/nmap1.out")" "$want1"
expect "leakscan SYN" "$(ls_opens "$tmp/syn1.out")" "$want1"
expect "leakscan connect" "$(ls_opens "$tmp/con1.out")" "$want1"
if [ $fail = 0 ]; then
    echo "  nmap -sT -n -Pn -T4: ${nmap1} ms = $(rate $n1 $nmap1) probes/s"
    echo "  leakscan SYN:        ${syn1} ms = $(rate $n1 $syn1) probes/s, peak RSS $((syn1_rss / 1024)) MiB; ${goal:-}speed-up vs nmap $(ratio $nmap1 $syn1)x (goal 5x)"
    echo "  leakscan connect:    ${con1} ms = $(rate $n1 $con1) probes/s, peak RSS $((con1_rss / 1024)) MiB; speed-up vs nmap $(ratio $nmap1 $con1)x (goal 1.8x)"
    echo "  peak memory goal 64 MiB: SYN $([ $syn1_rss -le 65536 ] && echo met || echo MISSED), connect $([ $con1_rss -le 65536 ] && echo met || echo MISSED)"
fi

# W2
listen 127.20.0.1:5432 127.20.0.1:27017
want2="127.20.0.1:27017 127.20.0.1:5432"
timed nmap2 nmap -sT -n -Pn -T4 -p- -oG - 127.20.0.1; nmap2=$t_ms
timed syn2 "$ls" scan --discover-only --format jsonl -p - 127.20.0.1; syn2=$t_ms
timed con2 "$ls" scan --connect --discover-only --format jsonl -p - 127.20.0.1; con2=$t_ms
echo "W2: one host, all 65,535 ports, 2 listeners"
expect "nmap -sT -T4" "$(nmap_opens "$tmp/nmap2.out")" "$want2"
expect "leakscan SYN" "$(ls_opens "$tmp/syn2.out")" "$want2"
expect "leakscan connect" "$(ls_opens "$tmp/con2.out")" "$want2"
[ $fail = 0 ] && echo "  nmap ${nmap2} ms; leakscan SYN ${syn2} ms ($(ratio $nmap2 $syn2)x); connect ${con2} ms ($(ratio $nmap2 $con2)x)"

# W3
inns nft -f - <<'NFT'
table ip lsbench {
    chain out { type filter hook output priority 0; policy accept; ip daddr 127.30.0.0/24 drop; }
}
NFT
to=1000 rt=1
timed syn3 "$ls" scan --discover-only --format jsonl -p 8123,9000,9200 --timeout $to --retries $rt 127.30.0.0/24; syn3=$t_ms
timed con3 "$ls" scan --connect --discover-only --format jsonl -p 8123,9000,9200 --timeout $to --retries $rt 127.30.0.0/24; con3=$t_ms
echo "W3: 127.30.0.0/24 x 3 ports (768 probes) silently dropped by nftables; policy --timeout $to --retries $rt"
echo "  SYN mode: $((rt + 1)) passes, then waits up to --timeout for answers: bound ~$((to + 1000)) ms; took ${syn3} ms $([ $syn3 -le $((to + 1000)) ] && echo '(within)' || echo '(OVER)')"
echo "  connect mode: each probe waits --timeout, retried $rt time(s), all in parallel: bound ~$(( to * (rt + 1) + 1000 )) ms; took ${con3} ms $([ $con3 -le $(( to * (rt + 1) + 1000 )) ] && echo '(within)' || echo '(OVER)')"
echo "  (a local nftables drop makes raw sends fail with EPERM, so SYN mode learns at once that nothing will answer)"
echo "  (nmap -T4 needed 77 s for this workload on this machine class, ANCHORS.md; not rerun here)"
[ "$(ls_opens "$tmp/syn3.out")$(ls_opens "$tmp/con3.out")" = "" ] || { echo "  WRONG: opens reported in a dropped range"; fail=1; }

inns nft delete table ip lsbench

# W4
if [ "${BENCH_SKIP_8:-0}" != 1 ]; then
    timed syn4 "$ls" scan --discover-only --format jsonl -p 8123 127.0.0.0/8; syn4=$t_ms
    n4=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["probes"])' "$tmp/syn4.out")
    echo "W4: 127.0.0.0/8 x 1 port, SYN mode: $n4 probes in ${syn4} ms = $(rate $n4 $syn4) probes/s, peak RSS $((rss_kb / 1024)) MiB, opens: $(ls_opens "$tmp/syn4.out" | wc -w) (the kernel refuses a send to the broadcast 127.255.255.255 with EACCES; refused sends are not counted as probes)"
fi

tx_counters >"$tmp/tx.after"
links="$(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
echo "namespace interfaces: $links"
[ "$links" = "lo " ] || { echo "  WRONG: the namespace has interfaces other than lo"; fail=1; }
if cmp -s "$tmp/tx.before" "$tmp/tx.after"; then
    echo "host interfaces' TX counters unchanged: $(tr '\n' ' ' <"$tmp/tx.after")"
else
    # This is a shared machine: other processes on the host send a few packets now and then. A leak
    # of the bench's probes would add at least as many packets as one workload sends (>= 768).
    delta=$(paste "$tmp/tx.before" "$tmp/tx.after" | awk '{d+=$4-$2} END{print d}')
    echo "host interfaces' TX counters moved by $delta packets during the bench (before: $(tr '\n' ' ' <"$tmp/tx.before"); after: $(tr '\n' ' ' <"$tmp/tx.after"))"
    if [ "$delta" -ge 768 ]; then echo "  HOST TX GREW BY AT LEAST ONE WORKLOAD'S PROBES: FAIL"; fail=1;
    else echo "  (fewer packets than any workload sends: ambient traffic of other processes on the host, not probes)"; fi
fi
exit $fail
