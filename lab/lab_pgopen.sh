#!/usr/bin/env bash
# lab/lab_pgopen.sh — real PostgreSQL clusters (Debian postgresql) on loopback for the PostgreSQL
# engine tests, in $LS_LAB_DIR/pgopen: an open one on 127.77.7.1:5432 (`trust` for every loopback
# client) with planted tables in database postgres (users with e-mails and fake API keys in
# shapes the detector knows, chat_logs with role/content JSON, events with 200,000 rows, analyzed,
# so its count is the planner's estimate) and an extra database `analytics`; a protected one on
# 127.77.7.2:5432 (scram-sha-256); and a decoy on 127.77.7.3:5432 that answers anything with
# `HTTP/1.1 400 Bad Request`; a protected one on 127.77.7.4:5432 (scram-sha-256) whose postgres
# password is the Docker image docs' example "mysecretpassword" (--default-credentials), with one
# planted table `vault`. (lab_pg.sh owns 127.77.5.1 for the history tests.) Writes
# $LS_LAB_DIR/lab_pgopen.env. Idempotent: `up` on running clusters reloads the planted data.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
DIR=$STATE/pgopen
OPEN=127.77.7.1
PROTECTED=127.77.7.2
DECOY=127.77.7.3
DEFAULT_PW=127.77.7.4
PORT=5432
PASSWORD=lab-pgopen-pw
USERS_ROWS=6
CHAT_ROWS=4
EVENTS_ROWS=200000

DECOY_PY='
def serve(c):
    try:
        c.settimeout(5)
        c.recv(4096)
        c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    except Exception:
        pass
    finally:
        c.close()
'

plant() {
    export PGOPTIONS="-c client_min_messages=warning"
    local psql=("$BIN/psql" -h "$OPEN" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qX)
    "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'analytics'" | grep -q 1 ||
        "${psql[@]}" -d postgres -c "CREATE DATABASE analytics" >/dev/null
    "${psql[@]}" -d postgres >/dev/null <<SQL
DROP TABLE IF EXISTS public.users, public.chat_logs, public.events;
CREATE TABLE public.users (id serial PRIMARY KEY, email text, full_name text, api_key text, created_at timestamptz);
INSERT INTO public.users (email, full_name, api_key, created_at) VALUES
  ('alice.martin@fastmail.com', 'Alice Martin', 'GITHUB_TOKEN=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', '2024-03-01'),
  ('bob.nguyen@outlook.com', 'Bob Nguyen', 'aws_access_key_id=AKIAI3R2WYOJFLJOOA7L', '2024-03-02'),
  ('carol.diaz@protonmail.com', 'Carol Diaz', 'stripe.api_key = ''sk_live_WvY5gX4llUGp4sGFkmDElfTV''', '2024-03-03'),
  ('dan.okafor@gmail.com', 'Dan Okafor', NULL, '2024-03-04'),
  ('erin.kowalski@yahoo.com', 'Erin Kowalski', NULL, '2024-03-05'),
  ('frank.li@icloud.com', 'Frank Li', NULL, '2024-03-06');
CREATE TABLE public.chat_logs (id serial PRIMARY KEY, session_id text, message jsonb);
INSERT INTO public.chat_logs (session_id, message) VALUES
  ('s-1', '{"role": "user", "content": "Hi, my order 1182 never arrived, can you check?"}'),
  ('s-1', '{"role": "assistant", "content": "Sorry about that! I can see order 1182 shipped on Monday."}'),
  ('s-2', '{"role": "user", "content": "Please reset the password for alice.martin@fastmail.com"}'),
  ('s-2', '{"role": "assistant", "content": "I have sent a reset link to that address."}');
CREATE TABLE public.events (id bigint PRIMARY KEY, kind text, payload text);
INSERT INTO public.events SELECT g, CASE WHEN g % 3 = 0 THEN 'click' ELSE 'view' END,
  'page=/item/' || (g % 997) FROM generate_series(1, $EVENTS_ROWS) g;
ANALYZE public.users, public.chat_logs, public.events;
SQL
    local n
    n=$("${psql[@]}" -d postgres -tAc "SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM chat_logs) || ' ' || (SELECT count(*) FROM events)")
    [[ $n == "$USERS_ROWS $CHAT_ROWS $EVENTS_ROWS" ]] || die "planted $n rows, expected $USERS_ROWS $CHAT_ROWS $EVENTS_ROWS"
}

cmd_up() {
    BIN=$(lab_pg_bin)
    lab_lock "$DIR"
    [[ $(id -u) == 0 ]] && chown postgres: "$DIR"
    lab_pg_start "$DIR/open" "$OPEN" "$PORT" trust "$PASSWORD"
    lab_pg_start "$DIR/protected" "$PROTECTED" "$PORT" scram-sha-256 "$PASSWORD"
    lab_start_decoy decoy "$DECOY" "$PORT" "$DECOY_PY"
    lab_pg_start "$DIR/default-pw" "$DEFAULT_PW" "$PORT" scram-sha-256 mysecretpassword
    plant
    PGPASSWORD=mysecretpassword PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -h "$DEFAULT_PW" -p "$PORT" \
        -U postgres -d postgres -v ON_ERROR_STOP=1 -qX >/dev/null <<'SQL'
CREATE TABLE IF NOT EXISTS public.vault (id int PRIMARY KEY, api_key text);
INSERT INTO public.vault VALUES (1, 'sk-ff057e3e27ff7e2d4d54ea6b05b3eaa2') ON CONFLICT DO NOTHING;
SQL
    {
        printf 'LAB_PGOPEN_OPEN=%q\nLAB_PGOPEN_PROTECTED=%q\nLAB_PGOPEN_DECOY=%q\nLAB_PGOPEN_PORT=%q\n' \
            "$OPEN" "$PROTECTED" "$DECOY" "$PORT"
        printf 'LAB_PGOPEN_DEFAULT_PW=%q\nLAB_PGOPEN_PASSWORD=%q\n' "$DEFAULT_PW" "$PASSWORD"
        printf 'LAB_PGOPEN_USERS_ROWS=%q\nLAB_PGOPEN_CHAT_ROWS=%q\nLAB_PGOPEN_EVENTS_ROWS=%q\n' \
            "$USERS_ROWS" "$CHAT_ROWS" "$EVENTS_ROWS"
    } | lab_write_env lab_pgopen.env
    say "PostgreSQL open on $OPEN:$PORT, protected on $PROTECTED:$PORT, decoy on $DECOY:$PORT, default password on $DEFAULT_PW:$PORT; environment: $STATE/lab_pgopen.env"
}

cmd_down() {
    BIN=$(lab_pg_bin)
    local name
    for name in open protected default-pw; do
        if [[ -f $DIR/$name/data/PG_VERSION ]] && lab_pg_running "$DIR/$name/data"; then
            lab_as postgres "$BIN/pg_ctl" -D "$DIR/$name/data" -m fast -w stop >/dev/null || true
        fi
    done
    lab_stop_pidfile "$DIR/decoy.pid"
    rm -f "$STATE/lab_pgopen.env"
}

cmd_status() {
    BIN=$(lab_pg_bin)
    local rc=0 name addr
    for name in open:$OPEN protected:$PROTECTED default-pw:$DEFAULT_PW; do
        addr=${name#*:}
        name=${name%%:*}
        if lab_pg_running "$DIR/$name/data"; then echo "pg-$name  running  $addr :$PORT"; else
            echo "pg-$name  stopped  $addr :$PORT"
            rc=1
        fi
    done
    if lab_listening "$DECOY" "$PORT"; then echo "pg-decoy  running  $DECOY :$PORT"; else
        echo "pg-decoy  stopped  $DECOY :$PORT"
        rc=1
    fi
    return $rc
}

lab_main "$@"
