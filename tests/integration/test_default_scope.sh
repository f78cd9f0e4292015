#!/usr/bin/env bash
# The default scope (README "Default scope"): LEAKSCAN_SCOPE and $XDG_CONFIG_HOME/leakscan/scope
# set a scope every scan must stay inside; the variable beats the file, --scope beats both and
# `--scope any` turns it off. A target outside is refused (exit 2, naming the target and where the
# scope came from) before any connection; a malformed scope file is an error, never skipped. Also:
# a @FIFO target list is refused at once instead of blocking.
. "$(dirname "$0")/lib.sh"
inside=127.1.77.1 outside=127.2.77.1 port=16177
python3 "$LS_SOURCE_DIR/tests/integration/listeners.py" --log "$TMP/accepts" "$inside:$port" "$outside:$port" \
    >"$TMP/ready" 2>/dev/null &
lpid=$!
trap 'kill $lpid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/ready" ] && break; sleep 0.05; done

# this test's own configuration only, never the user's
unset LEAKSCAN_SCOPE
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/config"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/leakscan"
scope_file="$XDG_CONFIG_HOME/leakscan/scope"

# accepted connections from the listener log to address $1 (after the listener caught up)
accepts_to() { sleep 0.2; grep -c "^$1 " "$TMP/accepts" || true; }
opens() { python3 -c 'import json,sys; print(" ".join("%s:%d" % (r["ip"], r["port"]) for r in map(json.loads, open(sys.argv[1])) if r["type"]=="open"))' "$TMP/out"; }
scan() { run scan --discover-only --format jsonl -p "$port" "$@"; }

# the environment: 127.0.0.0/8 lets a 127.x target through
LEAKSCAN_SCOPE=127.0.0.0/8 scan "$inside"
check "LEAKSCAN_SCOPE=127.0.0.0/8, target $inside: scanned (rc=$rc)" test "$rc" = 0 -a "$(opens)" = "$inside:$port"
LEAKSCAN_SCOPE=127.1.0.0/16 scan "$outside"
check "LEAKSCAN_SCOPE=127.1.0.0/16, target $outside: exit 2 (rc=$rc)" test "$rc" = 2
check "  naming the target and LEAKSCAN_SCOPE" \
    grep -qF "target '$outside' is outside the default scope of LEAKSCAN_SCOPE" "$TMP/err"

# the file: 127.1.0.0/16 refuses a 127.2.x target before any connection
printf '# lab only\n127.1.0.0/16\n' >"$scope_file"
: >"$TMP/accepts"
scan "$outside"
check "scope file 127.1.0.0/16, target $outside: exit 2 (rc=$rc)" test "$rc" = 2
check "  one line naming the target and the file" test "$(wc -l <"$TMP/err")" = 1 -a \
    "$(grep -cF "target '$outside' is outside the default scope of $scope_file" "$TMP/err")" = 1
check "  nothing on stdout" test ! -s "$TMP/out"
check "  no connection reached $outside" test "$(accepts_to "$outside")" = 0
scan "$inside"
check "scope file 127.1.0.0/16, target $inside: scanned (rc=$rc)" test "$rc" = 0 -a "$(opens)" = "$inside:$port"

# precedence: the variable beats the file, the command line beats both, --scope any turns it off
LEAKSCAN_SCOPE=127.2.0.0/16 scan "$outside"
check "LEAKSCAN_SCOPE beats the file (rc=$rc)" test "$rc" = 0 -a "$(opens)" = "$outside:$port"
LEAKSCAN_SCOPE=127.3.0.0/16 scan --scope 127.2.0.0/16 "$outside"
check "--scope beats LEAKSCAN_SCOPE and the file (rc=$rc)" test "$rc" = 0 -a "$(opens)" = "$outside:$port"
scan --scope 127.3.0.0/16 "$outside"
check "--scope replaces the file's scope: outside it, exit 2 naming --scope (rc=$rc)" \
    test "$rc" = 2 -a "$(grep -c "outside --scope" "$TMP/err")" = 1
scan --scope any "$outside"
check "--scope any: no scope (rc=$rc)" test "$rc" = 0 -a "$(opens)" = "$outside:$port"
LEAKSCAN_SCOPE=any scan "$outside"
check "LEAKSCAN_SCOPE=any: the file is off too (rc=$rc)" test "$rc" = 0 -a "$(opens)" = "$outside:$port"
scan --scope any --scope 127.0.0.0/8 "$outside"
check "--scope any with another --scope: exit 2" test "$rc" = 2 -a "$(grep -c "scope any" "$TMP/err")" = 1

# malformed: an error (exit 2, naming file and line), never a scan without the scope
printf '127.1.0.0/16\n127.2.0.0/33\n' >"$scope_file"
: >"$TMP/accepts"
scan "$outside"
check "malformed scope file: exit 2 naming file:line (rc=$rc)" \
    test "$rc" = 2 -a "$(grep -cF "$scope_file:2: bad target '127.2.0.0/33'" "$TMP/err")" = 1
printf '# nothing yet\n' >"$scope_file"
scan "$outside"
check "scope file without entries: exit 2 (rc=$rc)" test "$rc" = 2 -a "$(grep -c "no targets" "$TMP/err")" = 1
LEAKSCAN_SCOPE="127.0.0.0/8,db.example" scan "$outside"
check "malformed LEAKSCAN_SCOPE: exit 2 naming it (rc=$rc)" \
    test "$rc" = 2 -a "$(grep -c "LEAKSCAN_SCOPE: bad value 'db.example'" "$TMP/err")" = 1
check "  no connection after the refusals" test "$(accepts_to "$outside")" = 0
rm -f "$scope_file"
mkfifo "$scope_file"
set +e
timeout 20 "$LEAKSCAN" scan --discover-only -p "$port" "$inside" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "scope file that is a FIFO: refused at once, exit 2 (rc=$rc)" \
    test "$rc" = 2 -a "$(grep -c "a FIFO, not a regular file" "$TMP/err")" = 1
rm -f "$scope_file"

# @FIFO target list with no writer: refused at once (it used to block forever)
mkfifo "$TMP/targets.fifo"
set +e
timeout 20 "$LEAKSCAN" scan --discover-only -p "$port" --scope 127.0.0.0/8 "@$TMP/targets.fifo" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "@FIFO target list: exit 2, not a hang (rc=$rc)" \
    test "$rc" = 2 -a "$(grep -c "targets.fifo': a FIFO, not a regular file" "$TMP/err")" = 1
# stdin ('-') is still read
echo "$inside" >"$TMP/stdin_targets"
run scan --discover-only --format jsonl -p "$port" --scope 127.0.0.0/8 - <"$TMP/stdin_targets"
check "targets on stdin still work (rc=$rc)" test "$rc" = 0 -a "$(opens)" = "$inside:$port"
finish
