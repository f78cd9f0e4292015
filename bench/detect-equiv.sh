#!/usr/bin/env bash
# Output equivalence of two leakscan binaries (e.g. before/after a detection change):
#   bench/detect-equiv.sh OLD_BINARY NEW_BINARY [FILE]
# Scans FILE (default: a fresh lab_gen log_stream corpus, ~540 MB, generated with the NEW build's
# lab_gen) with `secrets -j1 --format jsonl` using both binaries and compares the sets of
# (path, rule, fingerprint, line, column, count) records. Prints the record counts and the
# differences; exit 0 when identical, 1 when they differ.
set -euo pipefail
old="$1" new="$2" file="${3:-}"
work="$(mktemp -d "${TMPDIR:-/tmp}/leakscan-equiv.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [ -z "$file" ]; then
    "$(dirname "$new")/lab/lab_gen" log_stream >"$work/corpus.log"
    file="$work/corpus.log"
fi
key='select(.type == "secret") | [.path, .rule, .fingerprint, .line, .column, .count] | @tsv'
"$old" secrets -j1 --format jsonl "$file" >"$work/old.jsonl" || [ $? -eq 1 ]
"$new" secrets -j1 --format jsonl "$file" >"$work/new.jsonl" || [ $? -eq 1 ]
jq -r "$key" "$work/old.jsonl" | LC_ALL=C sort >"$work/old.tsv"
jq -r "$key" "$work/new.jsonl" | LC_ALL=C sort >"$work/new.tsv"
echo "records: old $(wc -l <"$work/old.tsv"), new $(wc -l <"$work/new.tsv") ($(stat -c %s "$file") input bytes)"
if cmp -s "$work/old.tsv" "$work/new.tsv"; then
    echo "equivalent: same (rule, fingerprint, line, column, count) set"
    exit 0
fi
echo "DIFFERENT (< old only, > new only; first 20):"
diff "$work/old.tsv" "$work/new.tsv" | grep '^[<>]' | head -20
exit 1
