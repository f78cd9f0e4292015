#!/usr/bin/env bash
# `make check`: starts the lab (real ClickHouse servers, decoy and hostile servers on loopback),
# runs every ctest case against it, and stops what it started — also when a test fails.
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$build" && pwd)"
export LS_BUILD_DIR="$build"
export LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"

started=0
if ! bash "$root/lab/lab.sh" status >/dev/null 2>&1; then
    started=1
fi
cleanup() { if [ "$started" = 1 ]; then bash "$root/lab/lab.sh" down || true; fi; }
trap cleanup EXIT
bash "$root/lab/lab.sh" up
cd "$build"
ctest --output-on-failure -j2 --timeout 600
