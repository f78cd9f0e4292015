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
    libxml2-dev libyaml-dev                                     # audit: ClickHouse XML/YAML, docker-compose
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
# Server packages (InfluxDB, Prometheus, ZooKeeper, RabbitMQ, …) start a system-wide service at
# install, several on every address of their port, which would keep the lab from binding its own
# 127.77.x.y addresses. Debian's policy-rc.d hook (exit 101: "action forbidden") keeps them from
# starting during this install only; services the administrator already runs are left alone.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod 755 "$policy"
    own_policy=1
fi
rc=0
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" || rc=$?
((own_policy)) && "${SUDO[@]}" rm -f "$policy"
((rc == 0)) || exit "$rc"

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
