#!/usr/bin/env bash
# Bad targets, ports and options: exit 2 with one line naming the bad value; nothing is scanned.
. "$(dirname "$0")/lib.sh"

expect_usage() {
    local needle="$1"; shift
    run "$@"
    local lines; lines="$(wc -l <"$TMP/err")"
    if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$needle" "$TMP/err" && [ ! -s "$TMP/out" ]; then
        pass "exit 2 naming '$needle' for: $*"
    else
        fail "expected exit 2 naming '$needle' for: $* (rc=$rc, stderr: $(cat "$TMP/err"))"
    fi
}
expect_usage "300.1.1.1" scan 300.1.1.1
expect_usage "127.0.0.0/33" scan 127.0.0.0/33
expect_usage "70000" scan -p 70000 127.0.0.1
expect_usage "9010-9000" scan -p 9010-9000 127.0.0.1
expect_usage "abc" scan --sample abc 127.0.0.1
expect_usage "--bogus" scan --bogus 127.0.0.1
expect_usage "yaml" scan --format yaml 127.0.0.1
expect_usage "severe" scan --fail-on severe 127.0.0.1
expect_usage "/nonexistent/targets.txt" scan @/nonexistent/targets.txt
printf '127.0.0.1\nnot a target\n' >"$TMP/t.txt"
expect_usage "t.txt:2" scan "@$TMP/t.txt"
expect_usage "no targets" scan
expect_usage "no-such-host.invalid" scan no-such-host.invalid
expect_usage "frobnicate" frobnicate
finish
