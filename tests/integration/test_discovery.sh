#!/usr/bin/env bash
# Discovery at scale on loopback (connect mode, discover-only): shards disjoint and complete,
# resume after SIGINT exact (and, stopped during the assessment phase of a two-phase scan, no open
# lost), --rate accurate within 10% at two rates, --scope refusal with no connection attempted,
# --exclude honoured, IPv6 ranges on ::1, a name with several addresses (loaded through the hidden
# --hosts-file option) scanned at each, the honeypot flag for a host open on the ports of many
# database engines at once (a full scan of it ends normally, its json report carries the flag),
# and a closed stdout ending a discover-only run by SIGPIPE.
. "$(dirname "$0")/lib.sh"
net=127.66.6
ports=16001,16002,16003
listen_specs="$net.1:16001 $net.7:16002 $net.200:16003 $net.255:16001 [::1]:16002"
python3 "$LS_SOURCE_DIR/tests/integration/listeners.py" --log "$TMP/accepts" $listen_specs >"$TMP/ready" 2>/dev/null &
lpid=$!
trap 'kill $lpid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/ready" ] && break; sleep 0.05; done
expected="$net.1:16001 $net.200:16003 $net.255:16001 $net.7:16002"

# open set of the jsonl in $1 as sorted "ip:port" words
opens() { python3 -c 'import json,sys; print(" ".join(sorted("%s:%d" % (r["ip"], r["port"]) for r in map(json.loads, open(sys.argv[1])) if r["type"]=="open")))' "$1"; }
probes() { python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["probes"])' "$1"; }

run scan --discover-only --format jsonl -p $ports --seed 7 "$net.0/24"
cp "$TMP/out" "$TMP/full"
check "full run: the exact open set" test "$(opens "$TMP/full")" = "$expected"
check "full run: 768 probes" test "$(probes "$TMP/full")" = 768

# shards: union = whole scan, no pair twice (counts add up, opens disjoint)
all="" total=0
for i in 1 2 3; do
    run scan --discover-only --format jsonl -p $ports --seed 7 --shard "$i/3" "$net.0/24"
    all="$all $(opens "$TMP/out")"
    total=$((total + $(probes "$TMP/out")))
done
union="$(echo $all | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
check "3 shards: opens union = full run, none twice ($union)" test "$union" = "$expected"
check "3 shards: probe counts add up to 768 ($total)" test "$total" = 768

# different seeds give different orders but the same result
run scan --discover-only --format jsonl -p $ports --seed 99 "$net.0/24"
check "another seed: same open set" test "$(opens "$TMP/out")" = "$expected"

# resume: interrupt a rate-limited scan, then continue it
set +e
"$LEAKSCAN" scan --discover-only --format jsonl -p $ports --seed 5 --rate 1000 --resume-out "$TMP/r.resume" \
    "$net.0/24" >"$TMP/part1" 2>"$TMP/err1" &
spid=$!
sleep 0.35
kill -INT $spid
wait $spid
rc1=$?
"$LEAKSCAN" scan --discover-only --format jsonl -p $ports --resume "$TMP/r.resume" "$net.0/24" >"$TMP/part2" 2>"$TMP/err2"
rc2=$?
set -e
p1=$(probes "$TMP/part1") p2=$(probes "$TMP/part2")
check "interrupted run exits 3 and names the resume file (rc=$rc1)" test "$rc1" = 3 -a -s "$TMP/r.resume"
check "interrupted run stopped early ($p1 probes)" test "$p1" -gt 0 -a "$p1" -lt 768
check "resumed run exits 0 (rc=$rc2, $(cat "$TMP/err2"))" test "$rc2" = 0
check "resume: probe counts add up exactly ($p1 + $p2 = 768)" test $((p1 + p2)) = 768
union="$( (opens "$TMP/part1"; opens "$TMP/part2") | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')"
check "resume: union of opens = uninterrupted run" test "$union" = "$expected"
run scan --discover-only --format jsonl -p 16001 --resume "$TMP/r.resume" "$net.0/24"
check "resume file refused for other arguments (exit 2)" test "$rc" = 2

# resume during the assessment phase of a two-phase connect scan (discovery on several loops, then
# the engines): 12 listeners that never answer keep each assessment busy for a while, and
# --concurrency 2 lets two run at a time; a SIGINT once discovery is over must leave the opens not
# yet assessed to the resumed run (it restarts at the earliest of them; some repeat)
if [ "$(nproc)" -ge 2 ]; then
    an=127.66.9
    # shellcheck disable=SC2046 # one argument per listener
    python3 - $(for i in $(seq 1 12); do echo "$an.$i:16001"; done) >"$TMP/ready3" 2>/dev/null <<'PY' &
import socket, sys, time
keep = []
for spec in sys.argv[1:]:
    h, p = spec.rsplit(":", 1)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((h, int(p)))
    s.listen(64)  # never accepts: the kernel completes the handshake, nothing is ever sent
    keep.append(s)
print("ready", flush=True)
time.sleep(600)
PY
    spid3=$!
    trap 'kill $lpid $spid3 2>/dev/null; rm -rf "$TMP"' EXIT
    for _ in $(seq 100); do [ -s "$TMP/ready3" ] && break; sleep 0.05; done
    opens_n() { python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["open_ports"])' "$1"; }
    set +e
    "$LEAKSCAN" scan --format jsonl -p 16001 --seed 3 --timeout 300 --concurrency 2 --resume-out "$TMP/a.resume" \
        "$an.0/24" >"$TMP/a1" 2>"$TMP/aerr1" &
    apid=$!
    sleep 1
    kill -INT $apid
    wait $apid
    arc1=$?
    "$LEAKSCAN" scan --format jsonl -p 16001 --timeout 300 --concurrency 2 --resume "$TMP/a.resume" "$an.0/24" \
        >"$TMP/a2" 2>"$TMP/aerr2"
    arc2=$?
    set -e
    o1=$(opens_n "$TMP/a1") o2=$(opens_n "$TMP/a2")
    check "assessment interrupted: exit 3 with $o1 of 12 opens assessed (rc=$arc1)" test "$arc1" = 3 -a "$o1" -lt 12
    check "assessment resumed: the rest assessed ($o1 + $o2 >= 12, rc=$arc2)" test "$arc2" = 0 -a $((o1 + o2)) -ge 12
    kill $spid3 2>/dev/null || true
fi

# rate within 10% at two rates (probes / wall time of the walk)
for rate in 400 2000; do
    n=$((rate * 3 / 2))
    run scan --discover-only --format jsonl -p "20001-$((20000 + n))" --rate $rate 127.0.0.1
    got=$(python3 -c 'import json,sys; s=[json.loads(l) for l in open(sys.argv[1])][-1]; print(round(s["probes"]*1000/max(1,s["duration_ms"])))' "$TMP/out")
    check "--rate $rate: measured $got/s within 10%" python3 -c "import sys; sys.exit(0 if abs($got-$rate) <= $rate*0.1 else 1)"
done

# scope: refused before any connection
: >"$TMP/accepts"
run scan --discover-only --format jsonl -p $ports --scope 127.254.0.0/16 "$net.0/24"
check "target outside --scope: exit 2 naming it" test "$rc" = 2 -a "$(grep -c "outside --scope" "$TMP/err")" = 1
run scan --discover-only --format jsonl -p $ports --scope "$net.0/25" "$net.0/24"
check "target partly outside --scope: exit 2" test "$rc" = 2
sleep 0.2
check "nothing connected to the listeners after scope refusals" test ! -s "$TMP/accepts"
run scan --discover-only --format jsonl -p $ports --scope "$net.0/24" "$net.0/25"
check "target inside --scope runs" test "$rc" = 0 -a "$(opens "$TMP/out")" = "$net.1:16001 $net.7:16002"

# exclusions (first let the listener log the previous scan's connections, which reached .1 and .7:
# a late line would look like a connection to an excluded address)
settle() { local a b; for _ in $(seq 30); do a=$(wc -c <"$TMP/accepts"); sleep 0.1; b=$(wc -c <"$TMP/accepts"); [ "$a" = "$b" ] && [ "$b" -gt 0 ] && break; done; }
settle
printf '# skip these\n%s.7\n%s.200-%s.255\n' $net $net $net >"$TMP/excl"
: >"$TMP/accepts"
run scan --discover-only --format jsonl -p $ports --exclude "$net.1" --exclude "@$TMP/excl" "$net.0/24"
check "--exclude: excluded listeners not reported" test "$(opens "$TMP/out")" = ""
check "--exclude: 198 addresses x 3 ports probed" test "$(probes "$TMP/out")" = $(( (256 - 1 - 1 - 56) * 3 ))
sleep 0.2
check "--exclude: no connection reached an excluded address" test ! -s "$TMP/accepts"
run scan --discover-only --format jsonl -p $ports 192.0.2.0/24
check "a documentation range is refused (exit 2)" test "$rc" = 2
# (built-in ranges inside a larger block are skipped address by address: unit-tested in
# test_scope.c, since any such block holds non-loopback addresses this test must not probe)

# IPv6 on ::1 (the only loopback IPv6 address, so the range has one member)
run scan --discover-only --format jsonl -p 16001-16003 "[::1-::1]"
check "IPv6 range [::1-::1] x 3 ports: ::1:16002 open, 3 probes" test "$(opens "$TMP/out")" = "::1:16002" -a "$(probes "$TMP/out")" = 3

# a name with several addresses, each scanned
printf '%s.1 multi.leakscan.test\n%s.7 multi.leakscan.test\n::1 multi.leakscan.test\n' $net $net >"$TMP/hosts"
run scan --discover-only --format jsonl -p 16001,16002 --hosts-file "$TMP/hosts" multi.leakscan.test
check "name with 3 addresses: each scanned (6 probes, 3 open)" test "$(probes "$TMP/out")" = 6 -a "$(opens "$TMP/out")" = "$net.1:16001 $net.7:16002 ::1:16002"

# --max-per-host: one host, many ports, at most 3 in flight: same result
run scan --discover-only --format jsonl -p 15990-16010 --max-per-host 3 "$net.1" "$net.7"
check "--max-per-host 3: exact opens, 42 probes" test "$(opens "$TMP/out")" = "$net.1:16001 $net.7:16002" -a "$(probes "$TMP/out")" = 42

# targets from stdin
printf '%s.1\n%s.7:16002\n' $net $net | "$LEAKSCAN" scan --discover-only --format jsonl -p 16001 - >"$TMP/out"
check "targets from stdin" test "$(opens "$TMP/out")" = "$net.1:16001 $net.7:16002"
# honeypot heuristic: one address open on the default ports of 9 engines, one on 2
hp=127.66.8
hp_specs="$hp.20:5432 $hp.20:6379"
for p in 8123 9200 5601 6379 27017 5432 3306 5984 9042; do hp_specs="$hp_specs $hp.9:$p"; done
python3 "$LS_SOURCE_DIR/tests/integration/listeners.py" $hp_specs >"$TMP/ready2" 2>/dev/null &
hpid=$!
trap 'kill $lpid $hpid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/ready2" ] && break; sleep 0.05; done
suspects() { python3 -c 'import json,sys; print(" ".join(sorted("%s/%d/%d" % (r["ip"], len(r["engines"]), r["open_db_ports"]) for r in map(json.loads, open(sys.argv[1])) if r["type"]=="honeypot")))' "$1"; }
run scan --discover-only --format jsonl "$hp.0/24"
check "honeypot: the host open on 9 engines' ports is flagged (default 8), the one on 2 is not" test "$(suspects "$TMP/out")" = "$hp.9/9/9"
check "honeypot: its open ports are still reported (11 opens)" test "$(opens "$TMP/out" | wc -w)" = 11
run scan --discover-only --format jsonl --honeypot-engines 10 "$hp.0/24"
check "honeypot: --honeypot-engines 10 flags nothing" test "$(suspects "$TMP/out")" = "" -a "$(opens "$TMP/out" | wc -w)" = 11
run scan --discover-only --format jsonl --honeypot-engines 2 "$hp.0/24"
check "honeypot: --honeypot-engines 2 flags both" test "$(suspects "$TMP/out")" = "$hp.20/2/2 $hp.9/9/9"
run scan --discover-only --format jsonl --honeypot-engines 0 "$hp.0/24"
check "honeypot: --honeypot-engines 0 turns it off" test "$(suspects "$TMP/out")" = ""
run scan --discover-only --format text "$hp.9"
check "honeypot: text line names the host" grep -q "^likely honeypot/tarpit $hp.9: open on the default ports of 9 database engines" "$TMP/out"
run scan --discover-only --honeypot-engines 1 "$hp.9"
check "honeypot: --honeypot-engines 1 is bad usage (exit 2)" test "$rc" = 2
# a full scan of it, whose every connection is accepted and closed at once as by a tarpit, ends
# normally (regression: a write to such a socket raised SIGPIPE, which ended the scan with 141),
# and the json document carries the flag in its summary
run scan --format json "$hp.9"
check "honeypot: full scan of an accept-and-close host exits 0 (rc=$rc)" test "$rc" -eq 0
check "honeypot: the json document's summary lists it" python3 -c 'import json, sys
h = json.load(open(sys.argv[1]))["summary"]["honeypots"]
sys.exit(not (len(h) == 1 and h[0]["ip"] == sys.argv[2] and len(h[0]["engines"]) == 9))' "$TMP/out" "$hp.9"
# a reader that went away (| head, or a socket's peer): discover-only ends by SIGPIPE, as a
# pipeline's writer does, instead of scanning on
check "closed stdout: discover-only ends by SIGPIPE" test "$(closed_stdout "$LEAKSCAN" scan --discover-only --format jsonl "$hp.9")" = -13
check "closed stdout (socket): discover-only ends by SIGPIPE" test "$(closed_stdout --socket "$LEAKSCAN" scan --discover-only --format jsonl "$hp.9")" = -13
finish
