#!/usr/bin/env bash
# SYN mode, only inside a network namespace this test creates (its loopback is its only
# interface): the exact open set, shards, resume after SIGINT, scope refusal with no SYN sent
# (counted by an nftables counter in the namespace), the honeypot flag, adaptive timeouts next to a
# silently dropped range (both modes), and a guard that none of it reaches the host namespace.
# Skipped (passes) without root or `ip netns`.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then echo "ok - skipped (needs root and ip netns)"; exit 0; fi
unset LEAKSCAN_MODE
ns="lstest-syn-$$"
lpid="" hpid=""

# The guard: every target of this test lies in 127.10.0.0/16, which nothing in the host namespace
# talks to (the lab is 127.77.0.0/16; bench/discovery.sh scans 127.10 in a namespace of its own).
# A counter on the host's postrouting hook, which every routed packet leaving the host namespace
# passes (sent from it or forwarded, on any interface, loopback included), counts the packets to
# that range: only leakscan probes out of this test's namespace can be there, so it must stay 0,
# whatever else the machine sends meanwhile (leakscan's probes are IP-level, routed by the kernel:
# src/core/syn.h). The table is named after this shell and deleted on exit, also on failure (a run
# killed by SIGKILL leaves a counting-only table behind: `nft delete table ip lsguard_<pid>`).
# Without nft: the host's non-loopback TX counters, as strict as before but disturbed by traffic.
guard="lsguard_$$"
guard_up() {
    nft -f - <<NFT
table ip $guard {
    counter probes {}
    chain post { type filter hook postrouting priority 0; policy accept; ip daddr 127.10.0.0/16 counter name probes; }
}
NFT
}
tx_counters() { for i in /sys/class/net/*; do [ "${i##*/}" = lo ] || echo "${i##*/} $(cat "$i/statistics/tx_packets")"; done; }
cleanup() {
    [ -z "$lpid$hpid" ] || kill $lpid $hpid 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    [ -z "${guard_nft:-}" ] || nft delete table ip "$guard" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
guard_nft=""
if command -v nft >/dev/null; then
    guard_up
    guard_nft=1
else
    echo "note: nft not found (scripts/deps.sh installs nftables): guarding with the host's TX counters"
    tx_counters >"$TMP/tx.before"
fi
ip netns add "$ns"
ip -n "$ns" link set lo up
inns() { ip netns exec "$ns" "$@"; }
ip netns exec "$ns" python3 "$LS_SOURCE_DIR/tests/integration/listeners.py" 127.10.3.4:8123 127.10.9.9:9000 127.10.15.255:9200 >"$TMP/ready" 2>/dev/null &
lpid=$!
for _ in $(seq 100); do [ -s "$TMP/ready" ] && break; sleep 0.05; done
want="127.10.15.255:9200 127.10.3.4:8123 127.10.9.9:9000"
opens() { python3 -c 'import json,sys; print(" ".join(sorted("%s:%d" % (r["ip"], r["port"]) for r in map(json.loads, open(sys.argv[1])) if r["type"]=="open")))' "$1"; }
probes() { python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["probes"])' "$1"; }
lsns() { set +e; inns "$LEAKSCAN" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; set -e; }

lsns scan --discover-only --format jsonl -p 8123,9000,9200 127.10.0.0/20
check "SYN /20 x 3: exact open set, 12288 probes" test "$(opens "$TMP/out")" = "$want" -a "$(probes "$TMP/out")" = 12288

all="" total=0
for i in 1 2; do
    lsns scan --discover-only --format jsonl -p 8123,9000,9200 --seed 3 --shard "$i/2" 127.10.0.0/20
    all="$all $(opens "$TMP/out")"; total=$((total + $(probes "$TMP/out")))
done
check "SYN shards: union exact, probes add up" test "$(echo $all | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" = "$want" -a "$total" = 12288

set +e
ip netns exec "$ns" "$LEAKSCAN" scan --discover-only --format jsonl -p 8123,9000,9200 --rate 20000 --resume-out "$TMP/r" \
    127.10.0.0/20 >"$TMP/p1" 2>/dev/null &   # ip netns exec execs: $! is leakscan itself
spid=$!
sleep 0.25
kill -INT $spid
wait $spid; rc1=$?
inns "$LEAKSCAN" scan --discover-only --format jsonl -p 8123,9000,9200 --resume "$TMP/r" 127.10.0.0/20 >"$TMP/p2" 2>/dev/null; rc2=$?
set -e
p1=$(probes "$TMP/p1") p2=$(probes "$TMP/p2")
check "SYN resume: interrupted (rc $rc1, $p1 probes), resumed (rc $rc2), counts add up to 12288" test "$rc1" = 3 -a "$rc2" = 0 -a $((p1 + p2)) = 12288 -a "$p1" -lt 12288
check "SYN resume: union of opens exact" test "$( (opens "$TMP/p1"; opens "$TMP/p2") | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')" = "$want"

# scope refusal: count SYNs leaving the scanner with an nftables counter
if command -v nft >/dev/null; then
    inns nft -f - <<'NFT'
table ip lscount {
    chain out { type filter hook output priority 0; policy accept; tcp flags syn counter; }
}
NFT
    lsns scan --discover-only --format jsonl -p 8123 --scope 127.99.0.0/16 127.10.0.0/20
    syns=$(inns nft list table ip lscount | grep -o 'packets [0-9]*' | awk '{print $2}')
    check "SYN mode, target outside --scope: exit 2, 0 SYNs sent (counted $syns)" test "$rc" = 2 -a "$syns" = 0
    inns nft delete table ip lscount
fi

# honeypot flag in SYN mode: one address open on 8 engines' default ports
hp_specs=""
for p in 8123 9200 5601 6379 27017 5432 3306 5984; do hp_specs="$hp_specs 127.10.20.9:$p"; done
ip netns exec "$ns" python3 "$LS_SOURCE_DIR/tests/integration/listeners.py" $hp_specs >"$TMP/ready2" 2>/dev/null &
hpid=$!
for _ in $(seq 100); do [ -s "$TMP/ready2" ] && break; sleep 0.05; done
lsns scan --discover-only --format jsonl 127.10.20.0/28
hps=$(python3 -c 'import json,sys; print(" ".join("%s/%d" % (r["ip"], len(r["engines"])) for r in map(json.loads, open(sys.argv[1])) if r["type"]=="honeypot"))' "$TMP/out")
check "SYN mode: the host open on 8 engines' ports is flagged as a likely honeypot ($hps)" test "$hps" = "127.10.20.9/8" -a "$(opens "$TMP/out" | wc -w)" = 8
kill $hpid 2>/dev/null

# adaptive timeouts: a silently dropped /24 next to 2048 answering addresses, --timeout 10000:
# both modes end up with the 250 ms floor of the policy instead of the 10 s ceiling (read from the
# stats line, not from a stopwatch)
if command -v nft >/dev/null; then
    inns nft -f - <<'NFT'
table ip lsdrop {
    chain in { type filter hook input priority 0; policy accept; ip daddr 127.10.40.0/24 drop; }
}
NFT
    LEAKSCAN_STATS=1 lsns scan --discover-only --format jsonl -p 8123 --timeout 10000 --retries 0 127.10.48.0/21 127.10.40.0/24
    check "SYN mode: tail timeout adapted to 250 ms ($(grep -o 'at most [0-9]* ms' "$TMP/err"))" grep -q 'at most 250 ms' "$TMP/err"
    check "SYN mode: 2304 probes, nothing open in the dropped range" test "$(probes "$TMP/out")" = 2304 -a "$(opens "$TMP/out")" = ""
    LEAKSCAN_STATS=1 lsns scan --connect --discover-only --format jsonl -p 8123 --timeout 10000 --retries 0 127.10.48.0/21 127.10.40.0/24
    check "connect mode: timeout adapted to 250 ms in every loop" test "$(grep -c 'timeout at the end 250 ms' "$TMP/err")" = "$(grep -c '^connect mode loop' "$TMP/err")" -a "$(grep -c '^connect mode loop' "$TMP/err")" -ge 1
    check "connect mode: 2304 probes, nothing open" test "$(probes "$TMP/out")" = 2304 -a "$(opens "$TMP/out")" = ""
    inns nft delete table ip lsdrop
fi

links="$(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
check "the namespace holds only lo" test "$links" = "lo "
if [ -n "$guard_nft" ]; then
    leaked=$(nft list counter ip "$guard" probes | grep -o 'packets [0-9]*' | awk '{print $2}')
    check "host namespace: $leaked packets to the probed 127.10.0.0/16 (none may leave the test's namespace)" \
        test "$leaked" = 0
else
    tx_counters >"$TMP/tx.after"
    delta=$(paste "$TMP/tx.before" "$TMP/tx.after" | awk '{d+=$4-$2} END{print d+0}')
    # a shared host sends a few packets of its own; one leaked workload would be >= 12288
    check "host interfaces' TX counters: +$delta packets (none of the 12288-probe workloads)" test "$delta" -lt 100
fi
finish
