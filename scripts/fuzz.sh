#!/usr/bin/env bash
# `make fuzz`: runs every libFuzzer harness briefly on a scratch copy of its regression corpus.
# New crashers are left as crash-* files in the fuzz build dir; add them to tests/fuzz/corpus/.
set -euo pipefail
build="$(cd "${1:-build-fuzz}" && pwd)"
seconds="${2:-30}"
root="$(cd "$(dirname "$0")/.." && pwd)"
status=0
for bin in "$build"/tests/fuzz_*; do
    [ -x "$bin" ] || continue
    name="$(basename "$bin")"
    corpus="$root/tests/fuzz/corpus/${name#fuzz_}"
    work="$(mktemp -d)"
    cp -r "$corpus"/. "$work"/ 2>/dev/null || true
    echo "== $name ($seconds s)"
    if ! (cd "$build" && "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 "$work" 2>&1 | tail -n 3); then
        status=1
    fi
    rm -rf "$work"
done
exit $status
