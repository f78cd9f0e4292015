# Shared helpers for the integration tests (sourced). They run against the real lab servers that
# `make check` starts (lab/lab.sh); $LEAKSCAN is the binary under test.
set -euo pipefail
export LEAKSCAN_MODE=connect  # raw SYN probes only inside namespaces a test creates
: "${LEAKSCAN:?LEAKSCAN must point to the leakscan binary}"
: "${LS_SOURCE_DIR:?}"
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab.env" ]; then
    echo "lab is not running (no $LS_LAB_DIR/lab.env); start it with 'make lab-up'" >&2
    exit 1
fi
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab.env"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# Every scan a test runs stays on loopback: the default scope (README "Default scope") is
# 127.0.0.0/8 and ::1 whatever the user's own is; tests of the scope itself set theirs explicitly.
export LEAKSCAN_SCOPE=127.0.0.0/8,::1/128
export XDG_CONFIG_HOME="$TMP/config"
failures=0
passes=0

pass() { passes=$((passes + 1)); echo "ok - $*"; }
fail() { failures=$((failures + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# Runs leakscan; stores stdout, stderr and exit code in $TMP/out, $TMP/err, $rc.
run() {
    set +e
    "$LEAKSCAN" "$@" >"$TMP/out" 2>"$TMP/err"
    # shellcheck disable=SC2034 # read by the tests that source this file
    rc=$?
    set -e
}

# Evaluates a Python assertion over the JSON Lines in $TMP/out (records in `recs`).
jq_py() {
    python3 - "$TMP/out" "$@" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
services = [r for r in recs if r["type"] == "service"]
secrets = [r for r in recs if r["type"] == "secret"]
summary = recs[-1] if recs else {}
ok = eval(sys.argv[2])
if not ok:
    print("assertion failed: " + sys.argv[2], file=sys.stderr)
    print(json.dumps(recs)[:3000], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# Runs the command with a stdout whose reader is already gone: a pipe whose read end is closed (as
# after `| head`), or with --socket a socket whose peer is closed; prints its exit status as
# Python gives it (-13: ended by SIGPIPE).
closed_stdout() {
    python3 -c 'import os, socket, subprocess, sys
args = sys.argv[1:]
if args[0] == "--socket":
    a, b = socket.socketpair(); b.close(); w = a.detach(); args = args[1:]
else:
    r, w = os.pipe(); os.close(r)
print(subprocess.run(args, stdout=w, stderr=subprocess.DEVNULL).returncode)' "$@"
}
ch_client() { clickhouse-client --host "$1" --query "$2"; }

finish() {
    echo "$passes passed, $failures failed"
    [ "$failures" -eq 0 ]
}
