#!/usr/bin/env bash
# `make demo`: scans the lab's three hosts (the exposed ClickHouse, the protected one, the decoy)
# with default settings and shows the report, the way a user would run leakscan.
set -euo pipefail
export LEAKSCAN_MODE=connect  # raw SYN probes only inside namespaces a test creates
build="${1:-build}"
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
. "$LS_LAB_DIR/lab.env"
echo "\$ leakscan scan --scope 127.0.0.0/8 $LAB_EXPOSED $LAB_PROTECTED $LAB_DECOY"
set +e
"$build/leakscan" scan --scope 127.0.0.0/8 --format text "$LAB_EXPOSED" "$LAB_PROTECTED" "$LAB_DECOY"
rc=$?
set -e
echo
echo "exit code $rc (1 = findings at or above --fail-on high)"
