#!/usr/bin/env bash
# The same history in PostgreSQL (`--db postgres://…`), against the real PostgreSQL of the lab
# (lab/lab_pg.sh, started here if it is not running): a fresh database per run, two scans, history,
# diff with exit codes, schema migrated, bad credentials a clear runtime error.
. "$(dirname "$0")/lib.sh"

bash "$LS_SOURCE_DIR/lab/lab_pg.sh" up >/dev/null 2>&1 || { cat "$LS_LAB_DIR/pg/server.log" >&2 || true; }
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_pg.env"
export PGPASSWORD=lab-pg-pw
dbname="lstest_$$_$RANDOM"
psql() { command psql -h "$LAB_PG_ADDR" -p "$LAB_PG_PORT" -U postgres -X -q "$@"; }
psql -d postgres -c "CREATE DATABASE $dbname"
trap 'psql -d postgres -c "DROP DATABASE IF EXISTS $dbname" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
url="postgres://postgres:lab-pg-pw@$LAB_PG_ADDR:$LAB_PG_PORT/$dbname"

run scan "$LAB_EXPOSED" -p 8123 --sample 10 --format jsonl --db "$url"
check "scan 1 stored in PostgreSQL (rc=$rc)" bash -c "[ $rc = 1 ] && [ ! -s '$TMP/err' ]"
run scan "$LAB_EXPOSED" -p 8123,9000 --format jsonl --db "$url"
check "scan 2 stored (rc=$rc)" test "$rc" -eq 1
check "schema version 3 in ls_meta" test "$(psql -d "$dbname" -tAc "SELECT value FROM ls_meta WHERE key='schema_version'")" = 3
check "two scans, three services rows" test "$(psql -d "$dbname" -tAc "SELECT count(*) FROM ls_scans")/$(psql -d "$dbname" -tAc "SELECT count(*) FROM ls_services")" = 2/3
check "secrets stored redacted with fingerprints" test "$(psql -d "$dbname" -tAc "SELECT count(*) FROM ls_secrets WHERE fingerprint LIKE 'sha256:%' AND redacted LIKE '%…%'")" -gt 0
token="$(ch_client "$LAB_EXPOSED" "SELECT extract(arrayStringConcat(\`string.values\`, ' '), 'ghp_[A-Za-z0-9]{36}') AS t FROM default.log_stream WHERE t != '' LIMIT 1")"
check "raw token absent from PostgreSQL" test "$(psql -d "$dbname" -tAc "SELECT count(*) FROM ls_secrets WHERE redacted = '$token' OR fingerprint = '$token' OR col = '$token'")/$(psql -d "$dbname" -tAc "SELECT count(*) FROM ls_services WHERE record LIKE '%$token%'")" = 0/0

run history --db "$url" --format jsonl
check "history lists both scans" jq_py 'len(recs)==2 and recs[1]["services"]==2 and recs[0]["services"]==1'
run diff --db "$url" --format jsonl
check "diff: new native interface, new secrets, exit 1 (rc=$rc)" bash -c "[ $rc = 1 ]"
check "diff content matches the SQLite backend's" jq_py 'any(r.get("change")=="new" and r["port"]==9000 for r in recs) and any(r.get("change")=="changed" and r["new_secrets"] for r in recs) and recs[-1]["type"]=="diff_summary"'
run diff 2 2 --db "$url" --format jsonl
check "no change: exit 0 (rc=$rc)" test "$rc" -eq 0

# the same two scans in SQLite give the same diff: one set of queries, two backends
run scan "$LAB_EXPOSED" -p 8123 --sample 10 --format jsonl --db "$TMP/s.db"
run scan "$LAB_EXPOSED" -p 8123,9000 --format jsonl --db "$TMP/s.db"
strip='import json,sys; print(json.dumps([{k:v for k,v in json.loads(l).items() if k not in ("old","new")} for l in open(sys.argv[1])], sort_keys=True))'
"$LEAKSCAN" diff --db "$TMP/s.db" --format jsonl >"$TMP/d_sqlite" || true
"$LEAKSCAN" diff --db "$url" --format jsonl >"$TMP/d_pg" || true
check "SQLite and PostgreSQL diffs are identical" test "$(python3 -c "$strip" "$TMP/d_sqlite")" = "$(python3 -c "$strip" "$TMP/d_pg")"

run history --db "postgres://postgres:wrong-password@$LAB_PG_ADDR:$LAB_PG_PORT/$dbname"
check "wrong password: exit 3, one clear line (rc=$rc)" bash -c "[ $rc = 3 ] && grep -q 'password authentication failed' '$TMP/err' && [ \$(wc -l <'$TMP/err') = 1 ]"
psql -d postgres -c "CREATE DATABASE ${dbname}_newer"
psql -d "${dbname}_newer" -c "CREATE TABLE ls_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO ls_meta VALUES ('application','leakscan'),('schema_version','99')"
run history --db "postgres://postgres:lab-pg-pw@$LAB_PG_ADDR:$LAB_PG_PORT/${dbname}_newer"
check "a newer schema is refused: exit 2 (rc=$rc)" bash -c "[ $rc = 2 ] && grep -q 'newer' '$TMP/err'"
psql -d postgres -c "DROP DATABASE ${dbname}_newer"
finish
