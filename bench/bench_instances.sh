#!/usr/bin/env bash
# bench/bench_instances.sh — extra open database servers for the assessment benchmark
# (bench/assess.sh), on loopback addresses of their own, for the duration of one bench run:
#   127.77.20.1-3:6379  Redis (Debian redis-server), no password; db0 holds 300 session keys,
#                       a cart list and one planted fake API key
#   127.77.21.1-3:5432  PostgreSQL clusters (Debian postgresql), `trust` for loopback clients;
#                       database postgres: users (5 rows, e-mails and a fake token), events
#                       (20,000 rows)
#   127.77.22.1-3:3306  MariaDB (Debian mariadb-server), root@'127.%' with an empty password;
#                       shop.users (5 rows, e-mails, a fake key), shop.orders (2,000 rows)
# Everything lives in DIR (a temp dir the caller owns, below directories the postgres and mysql
# accounts can traverse); `down DIR` stops exactly what `up DIR`
# started (by the pid files in DIR) and deletes DIR. `up` writes DIR/instances.env with
# BENCH_REDIS, BENCH_PG and BENCH_MYSQL (space-separated addresses). The lab's own servers
# (lab/lab_redis.sh, lab_pgopen.sh, lab_mysql.sh) keep their fixed 127.77.6-8.x addresses; this
# script starts further instances the same way without touching them.
# Usage: bench/bench_instances.sh up|down DIR
set -euo pipefail

REDIS=(127.77.20.1 127.77.20.2 127.77.20.3)
PG=(127.77.21.1 127.77.21.2 127.77.21.3)
MYSQL=(127.77.22.1 127.77.22.2 127.77.22.3)

say() { printf 'bench_instances: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
listening() { ss -Hltn "src $1:$2" 2>/dev/null | grep -q .; }
wait_port() { # addr port what
    local i
    for ((i = 0; i < 600; i++)); do
        listening "$1" "$2" && return 0
        sleep 0.1
    done
    die "$3 does not listen on $1:$2 (logs in $DIR)"
}
# runs as the server's own account when we are root (initdb and mariadbd refuse root)
as_user() { # user cmd...
    local u=$1
    shift
    if [[ $(id -u) == 0 ]]; then runuser -u "$u" -- "$@"; else "$@"; fi
}
own() { [[ $(id -u) != 0 ]] || chown "$1:" "${@:2}"; }

# ---- Redis ---------------------------------------------------------------------------------
redis_data() {
    local i
    for ((i = 1; i <= 300; i++)); do
        printf 'SET session:%04d "{\\"user_id\\":%d,\\"plan\\":\\"pro\\"}"\n' "$i" "$((5000 + i))"
    done
    echo 'RPUSH cart:7 sku-14 sku-77'
    echo 'SET config:ci "GITHUB_TOKEN=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"'
}
redis_up() {
    local a
    for a in "${REDIS[@]}"; do
        listening "$a" 6379 && die "$a:6379 is taken"
        mkdir -p "$DIR/redis-$a"
        redis-server --bind "$a" --port 6379 --protected-mode no --save '' --appendonly no \
            --daemonize no --dir "$DIR/redis-$a" --logfile "$DIR/redis-$a.log" </dev/null >/dev/null 2>&1 &
        echo $! >"$DIR/redis-$a.pid"
    done
    for a in "${REDIS[@]}"; do
        wait_port "$a" 6379 redis-server
        redis_data | redis-cli -h "$a" -p 6379 >/dev/null
    done
}

# ---- PostgreSQL ----------------------------------------------------------------------------
pg_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1; }
pg_up_one() { # addr
    local a=$1 d=$DIR/pg-$1 bin
    bin=$(pg_bin)
    mkdir -p "$d"
    own postgres "$d"
    as_user postgres "$bin/initdb" -D "$d/data" -U postgres --auth=trust -E UTF8 --no-locale >"$d/initdb.log" 2>&1 ||
        die "initdb for $a failed (see $d/initdb.log)"
    printf 'local all all trust\nhost all all 127.0.0.0/8 trust\n' | as_user postgres tee "$d/data/pg_hba.conf" >/dev/null
    as_user postgres "$bin/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 \
        -o "-c listen_addresses=$a -c port=5432 -c unix_socket_directories=$d -c fsync=off" start >/dev/null ||
        die "PostgreSQL on $a did not start (see $d/server.log)"
    "$bin/psql" -h "$a" -U postgres -d postgres -v ON_ERROR_STOP=1 -qX >/dev/null <<'SQL'
CREATE TABLE users (id serial PRIMARY KEY, email text, api_key text);
INSERT INTO users (email, api_key) VALUES
  ('ana.silva@fastmail.com', 'aws_access_key_id=AKIAI3R2WYOJFLJOOA7L'), ('ben.ross@outlook.com', NULL),
  ('chen.wei@protonmail.com', NULL), ('dora.kim@gmail.com', NULL), ('eli.cohen@yahoo.com', NULL);
CREATE TABLE events (id bigint PRIMARY KEY, kind text, payload text);
INSERT INTO events SELECT g, 'view', 'page=/item/' || (g % 997) FROM generate_series(1, 20000) g;
ANALYZE users, events;
SQL
}

# ---- MariaDB -------------------------------------------------------------------------------
mysql_up_one() { # addr
    local a=$1 d=$DIR/mysql-$1 user=()
    mkdir -p "$d"
    own mysql "$d"
    # a tmpdir of its own: two bootstraps sharing /tmp collide on their temporary tables
    as_user mysql env TMPDIR="$d" mariadb-install-db --no-defaults --datadir="$d/data" --auth-root-authentication-method=socket \
        --skip-test-db >"$d/install.log" 2>&1 || die "mariadb-install-db for $a failed (see $d/install.log)"
    [[ $(id -u) == 0 ]] && user=(--user=mysql)
    mariadbd --no-defaults "${user[@]}" --datadir="$d/data" --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" \
        --tmpdir="$d" --bind-address="$a" --port=3306 --skip-name-resolve --log-error="$d/error.log" \
        --innodb-buffer-pool-size=16M --performance-schema=OFF </dev/null >/dev/null 2>&1 &
    wait_port "$a" 3306 mariadbd
    mariadb --no-defaults -S "$d/mysqld.sock" -u root >/dev/null <<'SQL'
CREATE USER 'root'@'127.%' IDENTIFIED VIA mysql_native_password USING '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.%' WITH GRANT OPTION;
CREATE DATABASE shop;
CREATE TABLE shop.users (id INT PRIMARY KEY, email VARCHAR(200), api_key VARCHAR(200)) ENGINE=InnoDB;
INSERT INTO shop.users VALUES (1, 'ana.silva@example-shop.com', 'sk-ff057e3e27ff7e2d4d54ea6b05b3eaa2'),
 (2, 'ben.ross@example-shop.com', NULL), (3, 'chen.wei@example-shop.com', NULL),
 (4, 'dora.kim@example-shop.com', NULL), (5, 'eli.cohen@example-shop.com', NULL);
CREATE TABLE shop.orders (id INT PRIMARY KEY, user_id INT, total_cents INT) ENGINE=InnoDB;
INSERT INTO shop.orders SELECT seq, 1 + seq % 5, seq * 137 FROM shop.seq_1_to_2000;
ANALYZE TABLE shop.users, shop.orders;
SQL
}

cmd_up() {
    for t in redis-server redis-cli mariadbd mariadb-install-db mariadb; do
        command -v "$t" >/dev/null || die "$t missing (scripts/deps.sh installs it)"
    done
    [[ -x $(pg_bin)/initdb ]] || die "PostgreSQL server binaries missing (scripts/deps.sh installs postgresql)"
    local a pids=() p
    for a in "${PG[@]}" "${MYSQL[@]}"; do listening "$a" 5432 || listening "$a" 3306 && die "$a is taken"; done
    mkdir -p "$DIR"
    chmod 755 "$DIR" # the postgres and mysql accounts must reach their own subdirectories
    redis_up
    # initdb and mariadb-install-db take seconds each: all at once
    for a in "${PG[@]}"; do pg_up_one "$a" & pids+=($!); done
    for a in "${MYSQL[@]}"; do mysql_up_one "$a" & pids+=($!); done
    local failed=0 # all of them finished before `down` may run, so none starts after it
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
    [[ $failed == 0 ]] || die "an instance failed to start"
    printf 'BENCH_REDIS="%s"\nBENCH_PG="%s"\nBENCH_MYSQL="%s"\n' "${REDIS[*]}" "${PG[*]}" "${MYSQL[*]}" >"$DIR/instances.env"
}

stop_pid() { # pidfile
    local pid
    [[ -f $1 ]] || return 0
    pid=$(cat "$1" 2>/dev/null || true)
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
}

cmd_down() {
    [[ -d $DIR ]] || return 0
    local a
    for a in "${REDIS[@]}"; do stop_pid "$DIR/redis-$a.pid"; done
    for a in "${PG[@]}"; do
        if [[ -f $DIR/pg-$a/data/postmaster.pid ]]; then
            as_user postgres "$(pg_bin)/pg_ctl" -D "$DIR/pg-$a/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
    done
    for a in "${MYSQL[@]}"; do stop_pid "$DIR/mysql-$a/mysqld.pid"; done
    rm -rf "$DIR"
}

[[ $# == 2 ]] || { echo "usage: bench/bench_instances.sh up|down DIR" >&2; exit 2; }
DIR=$2
case $DIR in /*) ;; *) DIR=$PWD/$DIR ;; esac
case $1 in
up) cmd_up ;;
down) cmd_down ;;
*) echo "usage: bench/bench_instances.sh up|down DIR" >&2; exit 2 ;;
esac
