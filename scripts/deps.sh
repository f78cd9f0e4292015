#!/usr/bin/env bash
# scripts/deps.sh — installs the Debian 12 packages leakscan's build, tests and lab need.
# Idempotent: packages already installed are skipped, and `apt-get update` runs only when
# something is missing. Needs root (or passwordless sudo) only when it has to install.
set -euo pipefail

PACKAGES=(
    build-essential cmake pkg-config clang libclang-rt-14-dev   # compilers, CMake, libFuzzer/ASan runtime
    libevent-dev libssl-dev libjansson-dev libpcre2-dev         # libleakscan
    libvectorscan-dev libcmocka-dev                             # detector matcher, unit tests
    libsqlite3-dev libpq-dev                                    # scan history (SQLite, PostgreSQL)
    postgresql sqlite3 chromium python3-jsonschema              # history/HTML/SARIF tests
    clickhouse-server clickhouse-client                         # the lab's real servers
    redis-server redis-tools                                    # lab/lab_redis.sh
    mariadb-server mariadb-client                               # lab/lab_mysql.sh
    etcd-server etcd-client memcached zookeeper                 # lab_etcd.sh, lab_memcached.sh, lab_zookeeper.sh
    influxdb influxdb-client prometheus rabbitmq-server         # lab_influxdb.sh, lab_prometheus.sh, lab_rabbitmq.sh
    openssl curl ca-certificates procps iproute2 python3        # lab.sh and integration tests
    nmap nftables                                               # bench/discovery.sh; test_syn_netns (its host-side guard)
    clang-format shellcheck                                     # scripts/lint.sh: formatting and shell checks
)
command -v npm >/dev/null || PACKAGES+=(nodejs npm) # lab/lab_chdb.sh (Debian's nodejs ships without npm)

installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    echo "deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

echo "deps: installing ${missing[*]}"
if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "deps: need root to install: ${missing[*]}" >&2
        exit 1
    fi
else
    SUDO=()
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"

# The Debian clickhouse-server package may start a system-wide server on 127.0.0.1/::1:8123/9000.
# The lab runs its own instances on 127.77.3.x and does not need it, so leave it as the
# administrator configured it; only report its state.
if command -v systemctl >/dev/null && systemctl is-active --quiet clickhouse-server 2>/dev/null; then
    echo "deps: note: the packaged clickhouse-server service is running (the lab does not use it)"
fi

still=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || still+=("$p")
done
if ((${#still[@]})); then
    echo "deps: still missing after install: ${still[*]}" >&2
    exit 1
fi
echo "deps: installed ${#missing[@]} package(s)"
