#!/usr/bin/env bash
# `leakscan secrets` end to end: exit codes, records, an unreadable file among readable ones,
# binary files skipped, SARIF validity, and bad input (empty input, NUL bytes, invalid UTF-8, a
# single 100 MB line) in linear time and flat memory; `--redact` byte-identical on clean input.
. "$(dirname "$0")/lib.sh"

GH=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
mkdir -p "$TMP/tree/sub"
printf 'boot ok\ntoken=%s\nagain %s\n' "$GH" "$GH" >"$TMP/tree/app.log"
printf 'DATABASE_URL=postgres://svc:Gq59Pb2P1JJeE5bz@db:5432/app\n' >"$TMP/tree/sub/.env"
printf '\x7fELF\x00\x00 %s\n' "$GH" >"$TMP/tree/prog.bin"
printf 'nothing here\n' >"$TMP/tree/clean.txt"

run secrets --format jsonl "$TMP/tree"
check "exit 1 when secrets are found" [ "$rc" -eq 1 ]
check "one record per distinct secret per file, binary skipped" jq_py \
  'len(secrets) == 2 and secrets[0]["rule"] == "github-classic-pat" and secrets[0]["count"] == 2 and secrets[0]["line"] == 2 and secrets[0]["column"] == 7 and secrets[1]["rule"] == "database-url-password" and summary["binary_skipped"] == 1 and summary["files"] == 3'
check "redacted by default" bash -c "! grep -q '$GH' '$TMP/out' && ! grep -q Gq59Pb2P1JJeE5bz '$TMP/out'"
run secrets --format text "$TMP/tree" "$TMP/nonexistent"
check "text: file:line:column records and a summary with skipped and unreadable counts" bash -c \
  "grep -q 'app.log:2:7: github-classic-pat (secret) ghp_…1IL ×2 sha256:' '$TMP/out' && tail -1 '$TMP/out' | grep -q '2 secrets in 3 files.*binary files skipped: 1; unreadable: 1'"
run secrets --format jsonl --show-secrets "$TMP/tree/app.log"
check "--show-secrets adds value" jq_py "secrets[0]['value'] == '$GH'"

run secrets --format jsonl "$TMP/tree/clean.txt"
check "exit 0 when nothing is found" [ "$rc" -eq 0 ]

if [ "$(id -u)" != 0 ]; then
    printf 'x %s\n' "$GH" >"$TMP/locked.txt"; chmod 000 "$TMP/locked.txt"
    run secrets --format jsonl "$TMP/locked.txt" "$TMP/tree/app.log"
    check "unreadable file: one message, the rest scanned" bash -c "[ $rc -eq 1 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q 'locked.txt' '$TMP/err'"
fi
run secrets --format jsonl "$TMP/nonexistent" "$TMP/tree/app.log"
check "missing file: one message, exit reflects findings" bash -c "[ $rc -eq 1 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q nonexistent '$TMP/err'"
run secrets "$TMP/nonexistent"
check "no readable input at all: exit 3" [ "$rc" -eq 3 ]
run secrets --format yaml "$TMP/tree"
check "bad --format: exit 2" bash -c "[ $rc -eq 2 ] && grep -q yaml '$TMP/err'"
run secrets --threads 0 "$TMP/tree"
check "bad --threads: exit 2" [ "$rc" -eq 2 ]

run secrets --format sarif "$TMP/tree"
check "SARIF 2.1.0 with rules, locations and fingerprints" python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)) and "github-classic-pat" in ids
res = run["results"]
assert len(res) == 2
for r in res:
    assert ids[r["ruleIndex"]] == r["ruleId"]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] >= 1
    assert r["fingerprints"]["secretSha256/v1"].startswith("sha256:") and r["partialFingerprints"]
    assert "Gq59Pb2P1JJeE5bz" not in json.dumps(r)
PY

# stdin and empty input
set +e
printf 'k=%s\n' "$GH" | "$LEAKSCAN" secrets --format jsonl >"$TMP/out" 2>"$TMP/err"; rc=$?
set -e
check "stdin ('-' by default)" bash -c "[ $rc -eq 1 ] && grep -q '\"path\":\"-\"' '$TMP/out'"
: >"$TMP/empty.txt" # (a device such as /dev/null is refused: only regular files and stdin are read)
run secrets --format jsonl "$TMP/empty.txt"
check "empty input: exit 0" [ "$rc" -eq 0 ]

# --redact: markers, and byte-identical pass-through of clean and binary input
set +e
printf 'a %s b\n' "$GH" | "$LEAKSCAN" secrets --redact >"$TMP/red" 2>"$TMP/err"; rc=$?
set -e
check "--redact replaces the secret with a marker naming the rule" \
  bash -c "[ $rc -eq 0 ] && [ \"\$(cat '$TMP/red')\" = 'a [REDACTED:github-classic-pat] b' ]"
python3 -c '
import random, sys
r = random.Random(7)
b = bytes(r.choice(b"abcdefghij klmnop\n\t\x00\xff\xc3{}\":=,") for _ in range(5_000_000))
sys.stdout.buffer.write(b)' >"$TMP/clean.bin"
"$LEAKSCAN" secrets --redact <"$TMP/clean.bin" >"$TMP/clean.out"
check "--redact: input without secrets passes byte-identical (binary-safe)" cmp -s "$TMP/clean.bin" "$TMP/clean.out"

# a single 100 MB line with a secret at its end: bounded memory, linear time
python3 -c '
import sys
sys.stdout.write("x" * 50_000_000 + " p=\xc3\x28 ")
sys.stdout.write("y" * 50_000_000 + " token='"$GH"'\n")' >"$TMP/long.txt"
# the bound is relative to a tiny input's RSS (sanitizer builds have a much larger baseline)
printf 'x\n' >"$TMP/tiny.txt"
/usr/bin/time -v "$LEAKSCAN" secrets --format jsonl "$TMP/tiny.txt" >/dev/null 2>"$TMP/time" || true
base=$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/time")
limit=$((base + 49152))
/usr/bin/time -v "$LEAKSCAN" secrets --format jsonl "$TMP/long.txt" >"$TMP/out" 2>"$TMP/time" || true
rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/time")
echo "100 MB single line: max RSS ${rss} KB (tiny input: ${base} KB)"
check "100 MB line: secret found at its end" jq_py 'len(secrets) == 1 and secrets[0]["line"] == 1'
check "100 MB line: memory bounded (< 48 MB above a tiny input)" [ "$rss" -lt "$limit" ]
/usr/bin/time -v "$LEAKSCAN" secrets --redact <"$TMP/long.txt" >"$TMP/long.out" 2>"$TMP/time"
rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/time")
check "100 MB line through --redact: bounded memory ($rss KB), secret replaced" \
  bash -c "[ $rss -lt $limit ] && tail -c 40 '$TMP/long.out' | grep -q 'REDACTED:github-classic-pat'"
# a reader that went away (| head): the failed write is reported, exit 3, no hang; output still
# buffered at the end (rules) ends the command by SIGPIPE rather than exit 0 with the output lost
check "closed stdout: secrets reports the failed write (exit 3)" test "$(closed_stdout "$LEAKSCAN" secrets --format jsonl "$TMP/tree")" = 3
check "closed stdout: rules ends by SIGPIPE" test "$(closed_stdout "$LEAKSCAN" rules)" = -13
finish
