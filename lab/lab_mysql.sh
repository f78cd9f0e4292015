#!/usr/bin/env bash
# lab/lab_mysql.sh — real MariaDB servers (Debian mariadb-server) on loopback for the MySQL engine
# tests, in $LS_LAB_DIR/mysql, each with its own datadir, socket and pid file:
#   127.77.8.1:3306  open: root@'127.%' with an EMPTY password (mysql_native_password) and ALL
#                    PRIVILEGES, secure_file_priv unset, a passwordless account app@'%'; planted data: shop.users (InnoDB,
#                    e-mails and fake API keys in shapes the detector knows), shop.orders (MyISAM,
#                    120 rows), support.chat_logs (InnoDB, JSON chat messages)
#   127.77.8.2:3306  protected: root@'127.%' has a password
#   127.77.8.3:3306  decoy: a listener that sends an SSH banner
#   127.77.8.4:3306  a fake that greets with MariaDB's ERR 1130 "Host … is not allowed to connect"
#   127.77.8.5:3306  protected by a default password: root@'127.%' with the Docker image docs' example
#                    root password "my-secret-pw" (--default-credentials); planted: crm.customers
# Writes $LS_LAB_DIR/lab_mysql.env. Idempotent: `up` on running servers reloads the data.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
DIR=$STATE/mysql
OPEN=127.77.8.1
PROTECTED=127.77.8.2
DECOY=127.77.8.3
HOSTERR=127.77.8.4
DEFAULT_PW=127.77.8.5
PORT=3306
PASSWORD=lab-mysql-pw

start_mariadb() { # name addr [server options]
    local name=$1 addr=$2 data=$DIR/$1/data
    shift 2
    local extra=("$@")
    lab_listening "$addr" "$PORT" && return 0
    mkdir -p "$DIR/$name"
    [[ $(id -u) == 0 ]] && chown mysql: "$DIR/$name"
    if [[ ! -d $data/mysql ]]; then
        lab_as mysql mariadb-install-db --no-defaults --datadir="$data" --auth-root-authentication-method=socket \
            --skip-test-db >"$DIR/$name/install.log" 2>&1 || { tail -n 20 "$DIR/$name/install.log" >&2; die "mariadb-install-db failed"; }
    fi
    local user=()
    [[ $(id -u) == 0 ]] && user=(--user=mysql)
    nohup mariadbd --no-defaults "${user[@]}" --datadir="$data" --socket="$DIR/$name/mysqld.sock" \
        --pid-file="$DIR/$name/mysqld.pid" --bind-address="$addr" --port="$PORT" --skip-name-resolve \
        --log-error="$DIR/$name.log" --innodb-buffer-pool-size=16M --performance-schema=OFF "${extra[@]}" \
        </dev/null >/dev/null 2>&1 8>&- &
    lab_wait_port "$addr" "$PORT"
}

sql() { # name statements… (root@localhost authenticates by the socket's peer: we are root)
    local name=$1
    shift
    mariadb --no-defaults -S "$DIR/$name/mysqld.sock" -u root "$@"
}

# decoy: an SSH banner; hosterr: the ERR packet MariaDB sends to a host it does not know.
FAKE_PY='
def serve(c):
    try:
        if mode == "ssh":
            c.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
            c.recv(4096)
        else:
            msg = b"Host \x27127.0.0.1\x27 is not allowed to connect to this MariaDB server"
            body = b"\xff" + struct.pack("<H", 1130) + msg
            c.sendall(struct.pack("<I", len(body))[:3] + b"\x00" + body)
    except Exception:
        pass
    finally:
        c.close()
'

load_open() {
    sql open >/dev/null <<'EOF'
CREATE USER IF NOT EXISTS 'root'@'127.%' IDENTIFIED VIA mysql_native_password USING '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.%' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY '';
CREATE DATABASE IF NOT EXISTS shop;
CREATE DATABASE IF NOT EXISTS support;
GRANT SELECT ON shop.* TO 'app'@'%';
DROP TABLE IF EXISTS shop.users, shop.orders, support.chat_logs;
CREATE TABLE shop.users (id INT PRIMARY KEY, email VARCHAR(200), name VARCHAR(100), api_key VARCHAR(200)) ENGINE=InnoDB;
INSERT INTO shop.users VALUES
 (1, 'alice.martin@example-shop.com', 'Alice Martin', 'sk-ff057e3e27ff7e2d4d54ea6b05b3eaa2'),
 (2, 'bob.keller@example-shop.com', 'Bob Keller', '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'),
 (3, 'carla.nunez@example-shop.com', 'Carla Nunez', NULL),
 (4, 'dmitri.volkov@example-shop.com', 'Dmitri Volkov', 'sk-c0d370928f51f0ee6e4ca214de3bf02e'),
 (5, 'emma.schulz@example-shop.com', 'Emma Schulz', NULL);
CREATE TABLE shop.orders (id INT PRIMARY KEY, user_id INT, total_cents INT) ENGINE=MyISAM;
INSERT INTO shop.orders SELECT seq, 1 + seq % 5, seq * 137 FROM shop.seq_1_to_120;
CREATE TABLE support.chat_logs (id INT PRIMARY KEY, ticket VARCHAR(32), messages JSON) ENGINE=InnoDB;
INSERT INTO support.chat_logs VALUES
 (1, 'T-1001', '[{"role":"user","content":"Hi, my order 1042 never arrived"},{"role":"assistant","content":"Sorry to hear that! Let me check the tracking for you."}]'),
 (2, 'T-1002', '[{"role":"user","content":"Can you reset my password? My e-mail is bob.keller@example-shop.com"},{"role":"assistant","content":"A reset link is on its way."}]'),
 (3, 'T-1003', '[{"role":"user","content":"The invoice shows the wrong address"},{"role":"assistant","content":"I updated it, you will get a new invoice."}]');
ANALYZE TABLE shop.users, support.chat_logs;
EOF
}

load_protected() {
    sql protected <<EOF
CREATE USER IF NOT EXISTS 'root'@'127.%' IDENTIFIED BY '$PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.%';
CREATE DATABASE IF NOT EXISTS vault;
CREATE TABLE IF NOT EXISTS vault.secrets (id INT PRIMARY KEY, v VARCHAR(100)) ENGINE=InnoDB;
EOF
}

load_default_pw() {
    sql default-pw <<'EOF'
CREATE USER IF NOT EXISTS 'root'@'127.%' IDENTIFIED BY 'my-secret-pw';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.%';
CREATE DATABASE IF NOT EXISTS crm;
CREATE TABLE IF NOT EXISTS crm.customers (id INT PRIMARY KEY, email VARCHAR(200), api_key VARCHAR(200)) ENGINE=InnoDB;
REPLACE INTO crm.customers VALUES (1, 'alice.martin@example-shop.com', 'sk-ff057e3e27ff7e2d4d54ea6b05b3eaa2');
EOF
}

cmd_up() {
    command -v mariadbd >/dev/null || die "mariadbd not found (apt-get install mariadb-server)"
    lab_lock "$DIR"
    start_mariadb open "$OPEN" # secure_file_priv unset: on MariaDB, FILE reads and writes anywhere
    start_mariadb protected "$PROTECTED"
    start_mariadb default-pw "$DEFAULT_PW"
    lab_start_decoy decoy "$DECOY" "$PORT" "$FAKE_PY" ssh
    lab_start_decoy hosterr "$HOSTERR" "$PORT" "$FAKE_PY" hosterr
    load_open
    load_protected
    load_default_pw
    {
        printf 'LAB_MYSQL_OPEN=%q\nLAB_MYSQL_PROTECTED=%q\nLAB_MYSQL_DECOY=%q\n' "$OPEN" "$PROTECTED" "$DECOY"
        printf 'LAB_MYSQL_DEFAULT_PW=%q\n' "$DEFAULT_PW"
        printf 'LAB_MYSQL_HOSTERR=%q\nLAB_MYSQL_PORT=%q\nLAB_MYSQL_PASSWORD=%q\n' "$HOSTERR" "$PORT" "$PASSWORD"
    } | lab_write_env lab_mysql.env
    say "MariaDB up: open $OPEN, protected $PROTECTED, decoy $DECOY, host-refusing fake $HOSTERR, default password $DEFAULT_PW (port $PORT)"
}

cmd_down() {
    [[ -d $DIR ]] || { rm -f "$STATE/lab_mysql.env"; return 0; }
    lab_stop_pidfile "$DIR/open/mysqld.pid"
    lab_stop_pidfile "$DIR/protected/mysqld.pid"
    lab_stop_pidfile "$DIR/default-pw/mysqld.pid"
    lab_stop_pidfile "$DIR/decoy.pid"
    lab_stop_pidfile "$DIR/hosterr.pid"
    rm -f "$STATE/lab_mysql.env"
}

cmd_status() {
    local rc=0 a
    for a in "$OPEN open" "$PROTECTED protected" "$DECOY decoy" "$HOSTERR hosterr" "$DEFAULT_PW default-pw"; do
        set -- $a
        if lab_listening "$1" "$PORT"; then echo "mysql-$2 running  $1 :$PORT"; else
            echo "mysql-$2 stopped  $1 :$PORT"
            rc=1
        fi
    done
    return $rc
}

lab_main "$@"
