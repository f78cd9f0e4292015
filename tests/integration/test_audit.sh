#!/usr/bin/env bash
# leakscan audit over the real configuration files Debian's packages installed on this machine
# (clickhouse-server, redis-server, postgresql 15, mariadb-server), copied into a temporary
# directory at test time (never committed): as shipped they are not high (exit 0); after the edits
# that open each server up they are, with the findings at the exact file and line, in JSON Lines
# and in SARIF (validated against the SARIF 2.1.0 schema as test_sarif.sh does). Needs no lab.
set -euo pipefail
: "${LEAKSCAN:?LEAKSCAN must point to the leakscan binary}"
for d in /etc/clickhouse-server/users.xml /etc/redis/redis.conf /etc/postgresql/15/main/pg_hba.conf /etc/mysql/mariadb.cnf; do
    [ -r "$d" ] || { echo "skip: $d is not installed or readable"; exit "${LS_SKIP_RC:-77}"; }
done
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
failures=0
pass() { echo "ok - $*"; }
fail() { failures=$((failures + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
run() { set +e; "$LEAKSCAN" audit "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; set -e; }

C="$TMP/etc"
mkdir -p "$C/clickhouse-server" "$C/redis" "$C/postgresql" "$C/mysql"
cp /etc/clickhouse-server/config.xml /etc/clickhouse-server/users.xml "$C/clickhouse-server/"
cp /etc/redis/redis.conf "$C/redis/"
cp /etc/postgresql/15/main/postgresql.conf /etc/postgresql/15/main/pg_hba.conf "$C/postgresql/"
cp -r /etc/mysql/mariadb.cnf /etc/mysql/conf.d /etc/mysql/mariadb.conf.d "$C/mysql/"

# ---- as shipped: nothing high ----
run --format jsonl "$C"
check "shipped configs: exit 0 (rc=$rc)" test "$rc" -eq 0
check "shipped configs: no high or critical finding" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
bad = [r for r in recs if r["type"] == "config" and r["severity"] in ("high", "critical")]
print(bad, file=sys.stderr); sys.exit(1 if bad else 0)' "$TMP/out"
check "shipped ClickHouse: default without a password is medium and names the change" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
f = [x for x in r if x.get("rule") == "CH-USER-NO-PASSWORD" and "default" in x["evidence"]]
sys.exit(0 if f and f[0]["severity"] == "medium" and "listen_host" in f[0]["evidence"] else 1)' "$TMP/out"

# ---- the edits that open them up ----
mkdir -p "$C/clickhouse-server/config.d"
printf '<yandex>\n    <listen_host>::</listen_host>\n</yandex>\n' >"$C/clickhouse-server/config.d/listen.xml"
sed -i 's/^bind 127.0.0.1 -::1$/bind 0.0.0.0/; s/^protected-mode yes$/protected-mode no/' "$C/redis/redis.conf"
echo "listen_addresses = '*'" >>"$C/postgresql/postgresql.conf"
echo "host    all             all             0.0.0.0/0               trust" >>"$C/postgresql/pg_hba.conf"
sed -i 's/^bind-address\s*=.*/bind-address            = 0.0.0.0/' "$C/mysql/mariadb.conf.d/50-server.cnf"

lineof() { grep -n -m1 -E "$2" "$1" | cut -d: -f1; }
ch_pw_line=$(lineof "$C/clickhouse-server/users.xml" '<password></password>')
redis_pm_line=$(lineof "$C/redis/redis.conf" '^protected-mode no')
redis_bind_line=$(lineof "$C/redis/redis.conf" '^bind 0.0.0.0')
pg_listen_line=$(lineof "$C/postgresql/postgresql.conf" "^listen_addresses = '\\*'")
pg_trust_line=$(wc -l <"$C/postgresql/pg_hba.conf")
my_bind_line=$(lineof "$C/mysql/mariadb.conf.d/50-server.cnf" '^bind-address')

run --format jsonl "$C"
check "opened configs: exit 1 (rc=$rc)" test "$rc" -eq 1
expect() { # RULE SEVERITY FILE-SUFFIX LINE
    python3 - "$TMP/out" "$@" <<'PY' || { fail "$1 $2 at $3:$4"; return 0; }
import json, sys
out, rule, sev, suffix, line = sys.argv[1:]
recs = [json.loads(l) for l in open(out)]
hit = [r for r in recs if r["type"] == "config" and r["rule"] == rule and r["path"].endswith(suffix)
       and r["line"] == int(line) and r["column"] >= 1 and r["severity"] == sev]
if not hit:
    print([ (r["rule"], r["severity"], r["path"], r["line"]) for r in recs if r.get("rule") == rule], file=sys.stderr)
sys.exit(0 if hit else 1)
PY
    pass "$1 $2 at $3:$4"
}
expect CH-LISTEN-ALL high clickhouse-server/config.d/listen.xml 2
expect CH-USER-NO-PASSWORD critical clickhouse-server/users.xml "$ch_pw_line"
expect REDIS-NO-PASSWORD critical redis/redis.conf "$redis_pm_line"
expect REDIS-BIND-ALL high redis/redis.conf "$redis_bind_line"
expect PG-LISTEN-ALL medium postgresql/postgresql.conf "$pg_listen_line"
expect PG-HBA-TRUST critical postgresql/pg_hba.conf "$pg_trust_line"
expect MYSQL-BIND-ALL medium mysql/mariadb.conf.d/50-server.cnf "$my_bind_line"

# ---- SARIF: valid 2.1.0, the region on the exact line ----
run --format sarif -o "$TMP/a.sarif" "$C"
check "sarif: exit 1 (rc=$rc)" test "$rc" -eq 1
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
schema="${LS_SARIF_SCHEMA:-$LS_LAB_DIR/sarif-schema-2.1.0.json}"
[ -f "$schema" ] || schema="$LS_LAB_DIR/sarif-npm/package/lib/schemas/sarif-2.1.0-rtm.5.json"
check "sarif: valid SARIF 2.1.0" python3 - "$schema" "$TMP/a.sarif" <<'PY'
import json, os, sys
schema_path, doc = sys.argv[1], json.load(open(sys.argv[2]))
if os.path.exists(schema_path):
    import jsonschema
    schema = json.load(open(schema_path))
    assert set(schema.get("required", [])) == {"version", "runs"}
    errs = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(doc))
    for e in errs[:5]: print("schema:", e.message[:300], list(e.absolute_path), file=sys.stderr)
    print("validated against", schema_path)
    sys.exit(1 if errs else 0)
print("schema file not found (run test_sarif.sh once to fetch it): required properties only")
ok = doc.get("version") == "2.1.0" and all(isinstance(r["message"]["text"], str) for r in doc["runs"][0]["results"])
sys.exit(0 if ok else 1)
PY
check "sarif: CH-USER-NO-PASSWORD annotated at users.xml:$ch_pw_line with a column" python3 - "$TMP/a.sarif" "$ch_pw_line" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1])); line = int(sys.argv[2])
res = doc["runs"][0]["results"]
hit = [r for r in res if r["ruleId"] == "CH-USER-NO-PASSWORD" and r["level"] == "error"
       and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("clickhouse-server/users.xml")
       and r["locations"][0]["physicalLocation"]["region"]["startLine"] == line
       and r["locations"][0]["physicalLocation"]["region"].get("startColumn", 0) >= 1]
sys.exit(0 if hit else 1)
PY

# ---- hostile inputs among readable ones: notes, no crash ----
mkdir -p "$TMP/bad/config.d"
cp "$C/clickhouse-server/users.xml" "$TMP/bad/"
printf '<clickhouse><listen_host>::' >"$TMP/bad/config.xml.part"
printf '<!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<clickhouse><listen_host>&b;</listen_host></clickhouse>\n' >"$TMP/bad/config.xml"
ln -s ../config.d "$TMP/bad/config.d/loop" 2>/dev/null || true
head -c 300000 /dev/zero | tr '\0' 'x' >"$TMP/bad/config.d/long.xml"
printf '\x00\x01binary' >"$TMP/bad/redis.conf"
run --format jsonl "$TMP/bad"
check "hostile files: runs to the end (rc=$rc, 0 or 1)" test "$rc" -le 1
check "hostile files: a note per unusable file" grep -q 'long.xml' "$TMP/err"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all passed"
