#!/usr/bin/env bash
# Files leakscan writes and reads, against a hostile file system (issue 12, defects 4, 5, 9):
# `-o` never writes through a symlink (scan and secrets, one implementation), never into a FIFO or
# a device; inputs that are FIFOs or devices are refused at once instead of hanging; file names
# holding terminal escape sequences never reach stderr raw.
. "$(dirname "$0")/lib.sh"
cd "$TMP" # whatever `-o -` may create, it is created here

GH=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
printf 'token=%s\n' "$GH" >"$TMP/in.txt"
SCAN=(scan 127.0.0.1 -p 9 --scope 127.0.0.0/8 --no-history --format jsonl --timeout 200)

# ---- -o through a symlink: refused (exit 2), the link's target untouched ----------------------
printf 'precious\n' >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/report.jsonl"
run secrets --format jsonl -o "$TMP/report.jsonl" "$TMP/in.txt"
check "secrets -o SYMLINK: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "secrets -o SYMLINK: one line naming the link" \
  bash -c "[ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q 'report.jsonl.*symbolic link' '$TMP/err'"
check "secrets -o SYMLINK: target unchanged, link still a link" \
  bash -c "[ \"\$(cat '$TMP/victim')\" = precious ] && [ -L '$TMP/report.jsonl' ]"
run "${SCAN[@]}" -o "$TMP/report.jsonl"
check "scan -o SYMLINK: exit 2 with the reason (rc=$rc)" bash -c "[ $rc -eq 2 ] && grep -q 'symbolic link' '$TMP/err'"
check "scan -o SYMLINK: target unchanged" bash -c "[ \"\$(cat '$TMP/victim')\" = precious ] && [ -L '$TMP/report.jsonl' ]"
# a dangling link (the file it names does not exist yet) is no different
ln -s "$TMP/created-by-link" "$TMP/dangling.jsonl"
run secrets --format jsonl -o "$TMP/dangling.jsonl" "$TMP/in.txt"
check "secrets -o dangling symlink: exit 2, nothing created (rc=$rc)" \
  bash -c "[ $rc -eq 2 ] && [ ! -e '$TMP/created-by-link' ]"

# ---- -o a regular file: replaced when complete, mode 0600; '-' is stdout --------------------------
printf 'old\n' >"$TMP/plain.jsonl"
run secrets --format jsonl -o "$TMP/plain.jsonl" "$TMP/in.txt"
check "secrets -o FILE: written, 0600, nothing on stdout (rc=$rc)" bash -c \
  "[ $rc -eq 1 ] && tail -n1 '$TMP/plain.jsonl' | grep -q summary && [ \$(stat -c %a '$TMP/plain.jsonl') = 600 ] && [ ! -s '$TMP/out' ]"
check "secrets -o FILE: no temporary file left" bash -c "! ls -A '$TMP' | grep -q '^\.plain'"
run secrets --format jsonl -o - "$TMP/in.txt"
check "secrets -o -: the report on stdout, no file named '-' (rc=$rc)" \
  bash -c "[ $rc -eq 1 ] && tail -n1 '$TMP/out' | grep -q summary && [ ! -e ./- ] && [ ! -e '$TMP/-' ]"

# ---- -o a FIFO without a reader, a device: refused at once (never blocks) -------------------------
mkfifo "$TMP/out.fifo"
set +e
timeout 10 "$LEAKSCAN" secrets --format jsonl -o "$TMP/out.fifo" "$TMP/in.txt" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "secrets -o FIFO without a reader: exit 2 at once, not a hang (rc=$rc)" \
  bash -c "[ $rc -eq 2 ] && grep -q 'out.fifo.*FIFO' '$TMP/err'"
set +e
timeout 10 "$LEAKSCAN" "${SCAN[@]}" -o "$TMP/out.fifo" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "scan -o FIFO without a reader: exit 2 at once (rc=$rc)" bash -c "[ $rc -eq 2 ] && grep -q FIFO '$TMP/err'"
run secrets --format jsonl -o /dev/null "$TMP/in.txt"
check "secrets -o /dev/null (a device): exit 2, device untouched (rc=$rc)" \
  bash -c "[ $rc -eq 2 ] && grep -q 'character device' '$TMP/err' && [ -c /dev/null ]"
mkdir "$TMP/adir"
run secrets --format jsonl -o "$TMP/adir" "$TMP/in.txt"
check "secrets -o DIRECTORY: exit 2 (rc=$rc)" bash -c "[ $rc -eq 2 ] && grep -q 'is a directory' '$TMP/err'"

# ---- inputs that are FIFOs or devices: refused with a message, never a hang ------------------------
mkfifo "$TMP/in.fifo"
set +e
timeout 10 "$LEAKSCAN" secrets --format jsonl "$TMP/in.fifo" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "secrets FIFO without a writer: exit 3 (nothing readable) at once (rc=$rc)" \
  bash -c "[ $rc -eq 3 ] && grep -q 'in.fifo.*FIFO, not a regular file' '$TMP/err'"
set +e
timeout 10 "$LEAKSCAN" secrets --format jsonl "$TMP/in.fifo" "$TMP/in.txt" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "secrets FIFO among files: refused, the others scanned (rc=$rc)" \
  bash -c "[ $rc -eq 1 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q FIFO '$TMP/err'"
set +e
timeout 10 "$LEAKSCAN" secrets --redact "$TMP/in.fifo" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "secrets --redact FIFO: exit 3 at once (rc=$rc)" bash -c "[ $rc -eq 3 ] && grep -q FIFO '$TMP/err'"
set +e
timeout 10 "$LEAKSCAN" secrets --format jsonl /dev/zero >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "secrets /dev/zero (a device): refused at once (rc=$rc)" \
  bash -c "[ $rc -eq 3 ] && grep -q 'character device' '$TMP/err'"
printf 'token=%s\n' "$GH" | "$LEAKSCAN" secrets --format jsonl - >"$TMP/out" 2>"$TMP/err" || true
check "stdin ('-') is still read from a pipe" jq_py 'len(secrets) == 1'

# ---- file names with terminal escapes: never raw on stderr -----------------------------------------
esc_name=$'name-\e]0;pwned\a-\e[2J-\xc2\x9b31m-\xe2\x80\xae-end'
no_raw_controls() { python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
bad = [c for c in (b"\x1b", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae") if c in b]
sys.exit(1 if bad or not b else 0)' "$1"; }
run secrets --format jsonl "$TMP/$esc_name"
check "secrets MISSING-ESC-NAME: stderr has no raw ESC, BEL, C1 or bidi override (rc=$rc)" no_raw_controls "$TMP/err"
check "secrets MISSING-ESC-NAME: the escape shown as text" grep -qF 'name-\x1b]0;pwned\x07-\x1b[2J' "$TMP/err"
run secrets --redact "$TMP/$esc_name"
check "secrets --redact MISSING-ESC-NAME: stderr escaped" no_raw_controls "$TMP/err"
mkfifo "$TMP/$esc_name.fifo"
set +e
timeout 10 "$LEAKSCAN" secrets --format jsonl "$TMP/$esc_name.fifo" >"$TMP/out" 2>"$TMP/err"
set -e
check "secrets ESC-NAME FIFO: stderr escaped" no_raw_controls "$TMP/err"
run secrets --format jsonl -o "$TMP/$esc_name/r.jsonl" "$TMP/in.txt"
check "secrets -o ESC-NAME/... (no such directory): exit 3 (rc=$rc)" [ "$rc" -eq 3 ]
check "secrets -o ESC-NAME/...: stderr escaped" no_raw_controls "$TMP/err"
run "${SCAN[@]}" -o "$TMP/$esc_name/r.jsonl"
check "scan -o ESC-NAME/...: stderr escaped (rc=$rc)" no_raw_controls "$TMP/err"
run secrets --format "$esc_name" "$TMP/in.txt"
check "a bad option value with escapes: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "a bad option value with escapes: stderr escaped" no_raw_controls "$TMP/err"
finish
