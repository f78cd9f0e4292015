#!/usr/bin/env bash
# --default-credentials on ClickHouse over HTTP, against a stand-in (ch_login_fake.py: the lab's
# ClickHouse servers are shared and none has a default password): without the option a server that
# refuses `default` without a password is `required`; with it, the login from the documented list
# that works is `default-credentials` naming the user only, in every format; a server that refuses
# every login stays `required` after at most 3 (here: the list's 2) attempts.
. "$(dirname "$0")/lib.sh"
ADDR=127.77.13.7
REFUSING=127.77.13.8
PORT=8123
python3 "$LS_SOURCE_DIR/tests/integration/ch_login_fake.py" --log "$TMP/logins" "$ADDR" "$PORT" admin admin >"$TMP/fake.out" 2>/dev/null &
fake1=$!
python3 "$LS_SOURCE_DIR/tests/integration/ch_login_fake.py" --log "$TMP/refused" "$REFUSING" "$PORT" - - >"$TMP/fake2.out" 2>/dev/null &
fake2=$!
trap 'kill "$fake1" "$fake2" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do
    grep -q ready "$TMP/fake.out" 2>/dev/null && grep -q ready "$TMP/fake2.out" 2>/dev/null && break
    sleep 0.1
done

run scan "$ADDR" -p "$PORT" --format jsonl --scope 127.0.0.0/8 --no-history
check "option off: clickhouse, required, no login tried" jq_py "len(services)==1 and services[0]['engine']=='clickhouse' and services[0]['auth']=='required'"
check "option off: no login sent" test ! -s "$TMP/logins"
for fmt in jsonl json text html; do
    run scan "$ADDR" -p "$PORT" --format "$fmt" --scope 127.0.0.0/8 --no-history --default-credentials
    check "option on ($fmt): the user is named" grep -qE "accepted user ('|&#39;|&#x27;)admin" "$TMP/out"
    check "option on ($fmt): no X-ClickHouse-Key in the output" bash -c "! grep -qi 'clickhouse-key' '$TMP/out' '$TMP/err'"
done
: >"$TMP/logins"
run scan "$ADDR" -p "$PORT" --format jsonl --scope 127.0.0.0/8 --no-history --default-credentials
check "option on: default-credentials, evidence names the user only, risk" jq_py "services[0]['auth']=='default-credentials' and services[0]['auth_evidence']==\"accepted user 'admin' with a default password from the documented list\" and 'CH-DEFAULT-CREDENTIALS' in {r['id'] for r in services[0]['risks']}"
check "option on: default then admin, then only admin (the login that worked, for the inventory)" \
    bash -c "[ \"\$(head -n 2 '$TMP/logins' | paste -sd,)\" = default,admin ] && ! tail -n +3 '$TMP/logins' | grep -vqx admin"

run scan "$REFUSING" -p "$PORT" --format jsonl --scope 127.0.0.0/8 --no-history --default-credentials
check "refusing server: still required, refusals noted" jq_py "services[0]['auth']=='required' and '2 default logins from the documented list refused' in services[0]['auth_evidence']"
check "refusing server: at most 3 logins ($(wc -l <"$TMP/refused"))" test "$(wc -l <"$TMP/refused")" -le 3
finish
