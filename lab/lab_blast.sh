# lab/lab_blast.sh — sourced by lab/lab.sh: the ClickHouse 18.16 servers of the "blast radius"
# tests (issue #4), each on its own 127.77.4.x address with the stock ports:
#   127.77.4.10 ch-ro      `default` has no password but a readonly=1 profile (no table functions)
#   127.77.4.11 ch-mixed   `analyst` has a password, `default` is open (readonly 0)
#   127.77.4.12 ch-ext     open; MySQL- and URL-engine tables with credentials in their definition
#                          (pointing at 127.77.4.250, where nothing listens), query_log on with a
#                          planted connection URL in a logged query, a cluster and macros
#   127.77.4.13 ch-ransom  open; a ransom note left by a (simulated) wiper
#   127.77.4.14 honeypot   lab_honeypot (honeypot.c): canned answers claiming 22.8, on 8123 only
# It reuses start_ch/wait_ch from lab.sh; per-server users.xml/config additions come from the
# CH_CONFIG_HOOK of each name, which start_ch calls after writing the stock files.
BLAST_RO=127.77.4.10 BLAST_MIXED=127.77.4.11 BLAST_EXT=127.77.4.12 BLAST_RANSOM=127.77.4.13
BLAST_HONEYPOT=127.77.4.14
BLAST_NOWHERE=127.77.4.250
BLAST_ANALYST_PASSWORD=lab-analyst-pw
BLAST_ADMIN_PASSWORD=lab-admin-pw
BLAST_MYSQL_PASSWORD=Mysql-Lab-Pw-7731
BLAST_URL_PASSWORD=UrlLabPw-4410
BLAST_LOGGED_URL="postgres://etl:Pg-Lab-Pw-9921@10.0.0.7:5432/dw"
BLAST_RANSOM_EMAIL=recover-data@lab-ransom.example
BLAST_NAMES=(ro mixed ext ransom)
# shellcheck disable=SC2034 # read by lab.sh, which sources this file
declare -A CH_CONFIG_HOOK=([ro]=blast_cfg_ro [mixed]=blast_cfg_mixed [ext]=blast_cfg_ext [ransom]=:)

# blast_profile DIR XML: puts XML into the default profile of DIR/users.xml
blast_profile() { sed -i "s|<load_balancing>random</load_balancing>|&\n            $2|" "$1/users.xml"; }
# blast_config DIR XML: appends XML to DIR/config.xml
blast_config() { sed -i "s|</yandex>|$2\n</yandex>|" "$1/config.xml"; }

# blast_user DIR NAME PASSWORD PROFILE: adds a password user reachable from anywhere
blast_user() {
    local h
    h=$(printf '%s' "$3" | sha256sum | cut -d' ' -f1)
    sed -i "s|</users>|    <$2>\n            <password_sha256_hex>$h</password_sha256_hex>\n            <networks><ip>::/0</ip></networks>\n            <profile>$4</profile>\n            <quota>default</quota>\n        </$2>\n    </users>|" "$1/users.xml"
}
blast_cfg_ro() {
    blast_profile "$1" "<readonly>1</readonly>"
    sed -i "s|</profiles>|    <admin><readonly>0</readonly></admin>\n    </profiles>|" "$1/users.xml"
    blast_user "$1" admin "$BLAST_ADMIN_PASSWORD" admin
}
blast_cfg_mixed() { blast_user "$1" analyst "$BLAST_ANALYST_PASSWORD" default; }
blast_cfg_ext() {
    blast_profile "$1" "<log_queries>1</log_queries>"
    blast_config "$1" "    <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>500</flush_interval_milliseconds></query_log>"
    blast_config "$1" "    <remote_servers><lab_shards><shard><replica><host>127.77.4.251</host><port>9000</port></replica></shard></lab_shards></remote_servers>"
    blast_config "$1" "    <macros><shard>01</shard><replica>ch-ext-01.lab.internal</replica></macros>"
}

blast_up() {
    local n addr
    for n in "${BLAST_NAMES[@]}"; do
        addr=$(blast_addr "$n")
        start_ch "$n" "$addr" "clickhouse-$n-01.lab.internal" 0 ""
    done
    blast_start_honeypot
    for n in "${BLAST_NAMES[@]}"; do wait_ch "$n" "$(blast_addr "$n")"; done
    wait_listening honeypot lab_honeypot "$BLAST_HONEYPOT:$HTTP_PORT"
    blast_load
}

blast_start_honeypot() {
    local drop
    if [[ ! -x $BIN/lab_honeypot || $LAB_SRC/honeypot.c -nt $BIN/lab_honeypot ]]; then
        cmake --build "$BUILD" --target lab_honeypot >&2 || die "building lab_honeypot failed"
    fi
    mapfile -t drop < <(unprivileged)
    pid_of honeypot lab_honeypot >/dev/null && return 0
    adopt honeypot lab_honeypot "$BLAST_HONEYPOT" "$HTTP_PORT" && return 0
    port_free_or_die honeypot "$BLAST_HONEYPOT" "$HTTP_PORT"
    start_bg honeypot "$STATE/log/honeypot.log" "${drop[@]}" "$BIN/lab_honeypot" "$BLAST_HONEYPOT" "$HTTP_PORT"
    say "started honeypot on $BLAST_HONEYPOT:$HTTP_PORT (pid $(cat "$RUN/honeypot.pid"))"
}

blast_addr() {
    case $1 in ro) echo "$BLAST_RO" ;; mixed) echo "$BLAST_MIXED" ;; ext) echo "$BLAST_EXT" ;; ransom) echo "$BLAST_RANSOM" ;; esac
}

blast_q() { clickhouse-client --host "$1" --port "$NATIVE_PORT" --multiquery --query "$2"; }

blast_load() {
    blast_ro_data
    blast_q "$BLAST_MIXED" "CREATE TABLE IF NOT EXISTS default.customers (id UInt32, email String) ENGINE = TinyLog;
        INSERT INTO default.customers SELECT number, concat('customer', toString(number), '@mail.example') FROM system.numbers WHERE (SELECT count() FROM default.customers) = 0 LIMIT 20"
    blast_q "$BLAST_EXT" "CREATE TABLE IF NOT EXISTS default.orders_mirror (id UInt32, total Float64) ENGINE = MySQL('$BLAST_NOWHERE:3306', 'shop', 'orders', 'shop_ro', '$BLAST_MYSQL_PASSWORD');
        CREATE TABLE IF NOT EXISTS default.partner_feed (sku String, price Float64) ENGINE = URL('http://feed:$BLAST_URL_PASSWORD@$BLAST_NOWHERE:8080/feed.csv', CSV);
        SELECT count() FROM system.one WHERE '$BLAST_LOGGED_URL' != '';
        SYSTEM FLUSH LOGS" >/dev/null
    blast_q "$BLAST_RANSOM" "CREATE DATABASE IF NOT EXISTS README_TO_RECOVER;
        CREATE TABLE IF NOT EXISTS README_TO_RECOVER.README (message String, btc String, contact String) ENGINE = TinyLog;
        INSERT INTO README_TO_RECOVER.README SELECT 'All your data is backed up. To recover it pay 0.05 BTC and mail us your server id.', 'bc1qlabransomaddress0000000000000000000000', '$BLAST_RANSOM_EMAIL' FROM system.one WHERE (SELECT count() FROM README_TO_RECOVER.README) = 0"
}

# The readonly server refuses DDL from `default`; its table is created by `admin` (password,
# own profile without readonly), as an operator would.
blast_ro_data() {
    clickhouse-client --host "$BLAST_RO" --port "$NATIVE_PORT" --user admin --password "$BLAST_ADMIN_PASSWORD" \
        --multiquery --query "CREATE TABLE IF NOT EXISTS default.events (id UInt32, note String) ENGINE = TinyLog;
        INSERT INTO default.events SELECT number, 'event' FROM system.numbers WHERE (SELECT count() FROM default.events) = 0 LIMIT 10"
}

blast_env() {
    printf '%s=%q\n' LAB_BLAST_RO "$BLAST_RO" LAB_BLAST_MIXED "$BLAST_MIXED" LAB_BLAST_EXT "$BLAST_EXT" \
        LAB_BLAST_RANSOM "$BLAST_RANSOM" LAB_BLAST_HONEYPOT "$BLAST_HONEYPOT" LAB_BLAST_MYSQL_PASSWORD "$BLAST_MYSQL_PASSWORD" \
        LAB_BLAST_URL_PASSWORD "$BLAST_URL_PASSWORD" LAB_BLAST_LOGGED_URL "$BLAST_LOGGED_URL" \
        LAB_BLAST_ANALYST_PASSWORD "$BLAST_ANALYST_PASSWORD" LAB_BLAST_RANSOM_EMAIL "$BLAST_RANSOM_EMAIL"
}

blast_stop_specs() {
    local n
    printf 'honeypot:lab_honeypot\n'
    for n in "${BLAST_NAMES[@]}"; do printf 'ch-%s:clickhouse-server\n' "$n"; done
}
