#!/usr/bin/env bash
# Scan history and diff against the lab, in SQLite: scans stored (0600, no raw secret), `history`
# lists them, `diff` finds the new interface and new secrets (exit 1) and is quiet on no change
# (exit 0); an old schema is migrated; corrupt/foreign files and unwritable paths fail clearly
# without half-written files.
. "$(dirname "$0")/lib.sh"

db="$TMP/h.db"
run scan "$LAB_EXPOSED" -p 8123 --sample 10 --format jsonl --db "$db"
check "scan 1 stored (rc=$rc)" test "$rc" -eq 1
check "history file is 0600" test "$(stat -c %a "$db")" = 600
run scan "$LAB_EXPOSED" -p 8123,9000 --format jsonl --db "$db" -o "$TMP/report.jsonl"
check "scan 2 stored (rc=$rc)" test "$rc" -eq 1
check "report file is 0600 and complete" bash -c "test \$(stat -c %a '$TMP/report.jsonl') = 600 && tail -n1 '$TMP/report.jsonl' | grep -q '\"type\":\"summary\"'"
check "no temporary report left behind" bash -c "! ls -A '$TMP' | grep -q '^\.report'"
token="$(ch_client "$LAB_EXPOSED" "SELECT extract(arrayStringConcat(\`string.values\`, ' '), 'ghp_[A-Za-z0-9]{36}') AS t FROM default.log_stream WHERE t != '' LIMIT 1")"
if grep -aqF "$token" "$db"; then fail "raw token absent from the history"; else pass "raw token absent from the history"; fi

run history --db "$db" --format jsonl
check "history lists two finished scans" jq_py 'len(recs)==2 and recs[0]["type"]=="scan" and recs[0]["id"]<recs[1]["id"] and recs[1]["services"]==2 and all(r["finished_at"] for r in recs) and recs[0]["targets"]=="'"$LAB_EXPOSED"'"'
run history --db "$db" --format text
check "history text has a header and both ids" bash -c "grep -q 'STARTED' '$TMP/out' && [ \$(grep -cE '^ +[0-9]+ ' '$TMP/out') = 2 ]"

run diff --db "$db" --format jsonl
check "diff of the last two: exit 1 on something new (rc=$rc)" test "$rc" -eq 1
check "the native interface is new" jq_py 'any(r["type"]=="diff" and r["change"]=="new" and r["port"]==9000 and r["interface"]=="native" for r in recs)'
check "HTTP gained secrets by fingerprint (10 rows -> 1000 rows sampled)" jq_py 'any(r["type"]=="diff" and r["change"]=="changed" and r["port"]==8123 and len(r["new_secrets"])>0 and all(x["fingerprint"].startswith("sha256:") for x in r["new_secrets"]) for r in recs)'
check "diff summary last, alert true" jq_py 'recs[-1]["type"]=="diff_summary" and recs[-1]["alert"] is True and recs[-1]["new_services"]==1'
run diff --db "$db" --format text
check "text diff: exit 1, NEW line, every line within 80 columns" bash -c "[ $rc = 1 ] && grep -q '^NEW  .*$LAB_EXPOSED:9000' '$TMP/out' && python3 -c 'import sys; sys.exit(max(len(l) for l in open(sys.argv[1]).read().splitlines()) > 80)' '$TMP/out'"
mapfile -t ids < <(python3 -c 'import json,sys; print(*[json.loads(l)["id"] for l in open(sys.argv[1])], sep="\n")' <("$LEAKSCAN" history --db "$db" --format jsonl))
# a reader that went away (| head): text output, buffered to the end, ends by SIGPIPE (it exited 0
# with the output lost while SIGPIPE was ignored); jsonl, checked per write, reports it (exit 3)
check "closed stdout: text history ends by SIGPIPE" test "$(closed_stdout "$LEAKSCAN" history --db "$db" --format text)" = -13
check "closed stdout: text diff ends by SIGPIPE" test "$(closed_stdout "$LEAKSCAN" diff --db "$db" --format text)" = -13
check "closed stdout: jsonl history reports the failed write (exit 3)" test "$(closed_stdout "$LEAKSCAN" history --db "$db" --format jsonl)" = 3
run diff "${ids[1]}" "${ids[0]}" --db "$db" --format jsonl
check "reverse diff: native resolved" jq_py 'any(r.get("change")=="resolved" and r["port"]==9000 for r in recs)'
run diff "${ids[1]}" "${ids[1]}" --db "$db" --format text
check "a scan against itself: no change, exit 0 (rc=$rc)" bash -c "[ $rc = 0 ] && grep -q 'no change' '$TMP/out'"
run diff 999 --db "$db"
check "unknown scan id: exit 2 (rc=$rc)" bash -c "[ $rc = 2 ] && grep -q 'no scan #999' '$TMP/err'"
run diff --db "$TMP/empty.db"
check "diff on an empty history: exit 2 (rc=$rc)" test "$rc" -eq 2

# bad history files
printf 'garbage that is certainly not an SQLite header, repeated .....................................\n%.0s' {1..20} >"$TMP/corrupt.db"
run history --db "$TMP/corrupt.db"
check "corrupt history: exit 2 with a clear message (rc=$rc)" bash -c "[ $rc = 2 ] && grep -q 'not a leakscan history' '$TMP/err'"
run scan "$LAB_EXPOSED" -p 8123 --db "$TMP/corrupt.db" --format jsonl
check "scan refuses a corrupt history before scanning (rc=$rc)" bash -c "[ $rc = 2 ] && [ ! -s '$TMP/out' ]"
sqlite3 "$TMP/foreign.db" "CREATE TABLE invoices (id INTEGER)"
run history --db "$TMP/foreign.db"
check "another application's database: exit 2 (rc=$rc)" bash -c "[ $rc = 2 ] && grep -q 'another application' '$TMP/err'"

# a schema-1 history (as the first release wrote it) is migrated in place, its scans kept
sqlite3 "$TMP/v1.db" <<'SQL'
CREATE TABLE ls_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE ls_scans (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, finished_at TEXT, targets TEXT NOT NULL, services BIGINT NOT NULL DEFAULT 0, exposed BIGINT NOT NULL DEFAULT 0);
CREATE TABLE ls_services (id INTEGER PRIMARY KEY AUTOINCREMENT, scan_id BIGINT NOT NULL REFERENCES ls_scans(id) ON DELETE CASCADE, host TEXT NOT NULL, ip TEXT NOT NULL, port INTEGER NOT NULL, engine TEXT NOT NULL, iface TEXT NOT NULL, version TEXT NOT NULL, auth TEXT NOT NULL, severity TEXT NOT NULL, nrows BIGINT NOT NULL, nbytes BIGINT NOT NULL, ntables BIGINT NOT NULL, record TEXT NOT NULL);
INSERT INTO ls_meta VALUES ('application', 'leakscan'), ('schema_version', '1');
INSERT INTO ls_scans (started_at, finished_at, targets, services, exposed) VALUES ('2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '127.77.3.14', 1, 1);
INSERT INTO ls_services (scan_id, host, ip, port, engine, iface, version, auth, severity, nrows, nbytes, ntables, record) VALUES (1, '127.77.3.14', '127.77.3.14', 8123, 'clickhouse', 'http', '18.16.0', 'none', 'critical', 5, 50, 1, '{}');
SQL
run scan "$LAB_EXPOSED" -p 8123 --sample 10 --db "$TMP/v1.db" --format jsonl
check "scan into a schema-1 history works (rc=$rc)" test "$rc" -eq 1
check "schema migrated to the current version" test "$(sqlite3 "$TMP/v1.db" "SELECT value FROM ls_meta WHERE key='schema_version'")" = 3
run diff --db "$TMP/v1.db" --format jsonl
check "diff across the migration: version changed, rows grew" jq_py 'any(r.get("change")=="changed" and r["changes"]["version"]=={"old":"18.16.0","new":"18.16.1"} and r["changes"]["rows"]["new"]>5 for r in recs)'

# report paths that cannot be written: exit 3, nothing half-written, an old report kept
run scan "$LAB_EXPOSED" -p 8123 --no-history --format jsonl -o "$TMP/no/such/dir/r.jsonl"
check "unwritable report path: exit 3 with the path named (rc=$rc)" bash -c "[ $rc = 3 ] && grep -q 'no/such/dir/r.jsonl' '$TMP/err'"
mkdir "$TMP/adir"
run scan "$LAB_EXPOSED" -p 8123 --no-history --format jsonl -o "$TMP/adir"
check "a directory as report path: refused, exit 2 (rc=$rc)" bash -c "[ $rc = 2 ] && grep -q 'is a directory' '$TMP/err'"
echo "previous report" >"$TMP/keep.jsonl"
run scan "$LAB_EXPOSED" -p 8123 --no-history --db "$db" --format jsonl -o "$TMP/keep.jsonl"
check "usage error leaves the old report untouched (rc=$rc)" bash -c "[ $rc = 2 ] && [ \"\$(cat '$TMP/keep.jsonl')\" = 'previous report' ]"
# a link is never written through (its target stays as it was; test_file_safety has the rest);
# '-o -' is stdout, and /dev/stdout, being a link, is refused
echo old >"$TMP/target.jsonl"
ln -s "$TMP/target.jsonl" "$TMP/link.jsonl"
run scan "$LAB_EXPOSED" -p 8123 --no-history --format jsonl -o "$TMP/link.jsonl"
check "-o through a symlink is refused, its target untouched (rc=$rc)" bash -c "[ $rc = 2 ] && [ -L '$TMP/link.jsonl' ] && [ \"\$(cat '$TMP/target.jsonl')\" = old ]"
run scan "$LAB_EXPOSED" -p 8123 --no-history --format jsonl -o -
check "-o - writes to stdout (rc=$rc)" bash -c "tail -n1 '$TMP/out' | grep -q summary"
run scan "$LAB_EXPOSED" -p 8123 --no-history --format jsonl -o /dev/stdout
check "-o /dev/stdout (a link) is refused, /dev/stdout untouched (rc=$rc)" bash -c "[ $rc = 2 ] && [ -L /dev/stdout ]"
run history --db "$TMP/no/such/dir/h.db"
check "unwritable history path: exit 3 (rc=$rc)" test "$rc" -eq 3

# four scans starting at once on a new history: created once, all four stored
for i in 1 2 3 4; do "$LEAKSCAN" scan "$LAB_EXPOSED" -p 8123 --sample 0 --db "$TMP/conc.db" --format jsonl >/dev/null 2>"$TMP/conc$i.err" & done
wait
check "concurrent first scans: no error" bash -c "! grep -h . '$TMP'/conc*.err"
check "concurrent first scans: four stored" test "$("$LEAKSCAN" history --db "$TMP/conc.db" --format jsonl | wc -l)" = 4

# the default location follows XDG_DATA_HOME
XDG_DATA_HOME="$TMP/xdg" "$LEAKSCAN" scan "$LAB_EXPOSED" -p 8123 --sample 0 --format jsonl >/dev/null 2>&1 || true
check "default history under \$XDG_DATA_HOME/leakscan" test -s "$TMP/xdg/leakscan/history.db"
finish
