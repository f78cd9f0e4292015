#!/usr/bin/env bash
# `scan --deep` of the lab against clickhouse-client merely exporting default.log_stream (goal:
# deep <= 1.3x export). Both run alternately, ROUNDS times (default 3), and the best of each is
# compared; each round holds /tmp/leakscan-bench.lock so no other benchmark on the machine runs
# at the same time. Also prints leakscan's own CPU time (user+sys) of its best round.
# Usage: bench/deep.sh BUILD_DIR   (needs the lab's lab.env; LEAKSCAN=path overrides the binary)
set -euo pipefail
export LEAKSCAN_MODE="${LEAKSCAN_MODE:-connect}" # as bench/run.sh: connect probes, no raw SYN
build="$(cd "${1:-build}" && pwd)"
. "${LS_LAB_DIR:-/tmp/leakscan-lab}/lab.env"
bin="${LEAKSCAN:-$build/leakscan}"
rounds="${ROUNDS:-3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/round.sh" <<'ROUND'
ms() { date +%s%3N; }
t0=$(ms)
clickhouse-client --host "$1" --query "SELECT * FROM default.log_stream FORMAT TabSeparated" >/dev/null
t1=$(ms)
/usr/bin/time -f "%U %S" -o "$3" "$2" scan --deep --format jsonl -p 8123 "$1" >/dev/null || true
t2=$(ms)
echo "$((t1 - t0)) $((t2 - t1)) $(tail -n 1 "$3")"
ROUND

best_export=999999 best_deep=999999 best_cpu=""
for _ in $(seq "$rounds"); do
    read -r e d u s < <(flock /tmp/leakscan-bench.lock bash "$tmp/round.sh" "$LAB_EXPOSED" "$bin" "$tmp/time")
    [ "$e" -lt "$best_export" ] && best_export=$e
    if [ "$d" -lt "$best_deep" ]; then best_deep=$d; best_cpu="user ${u} s, sys ${s} s"; fi
done
echo "deep scan of the lab (all tables, every row): best of $rounds ${best_deep} ms (leakscan CPU $best_cpu);" \
     "clickhouse-client exporting log_stream: best of $rounds ${best_export} ms;" \
     "ratio $(awk "BEGIN{printf \"%.2f\", $best_deep/$best_export}") (goal <= 1.3)"
