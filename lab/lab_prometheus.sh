#!/usr/bin/env bash
# lab/lab_prometheus.sh — real Prometheus servers (Debian prometheus 2.42) on loopback for the
# Prometheus engine tests, in $LS_LAB_DIR/prometheus: an open one on 127.77.15.1:9090 (admin API,
# lifecycle API and remote-write receiver on) whose configuration carries scrape and remote-write
# credentials (some masked by Prometheus as <secret>, some not: URL query parameters, remote-write
# headers, target labels) and scrapes a small exporter on 127.77.15.10:9100 that exposes planted
# label values (an AWS key id, a chat transcript, an e-mail address); the other targets
# (127.77.15.11/.13/.14) are down on purpose, Prometheus still lists them. A protected twin on
# 127.77.15.2:9090 (--web.config.file with basic_auth_users, bcrypt), and a decoy on
# 127.77.15.3:9090 that answers 200 with JSON to every request. Every address is a loopback IP of
# this lab's range (never a host name: no DNS lookup leaves the machine). Writes
# $LS_LAB_DIR/lab_prometheus.env. Idempotent; a server not running starts on an empty TSDB, so its
# series count is exactly what the lab planted.
set -euo pipefail

# shellcheck source=lab/lab_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab_lib.sh"
DIR=$STATE/prometheus
OPEN=127.77.15.1
PROTECTED=127.77.15.2
DECOY=127.77.15.3
EXPORTER=127.77.15.10
PORT=9090
USER_NAME=lab
PASSWORD=lab-prometheus-pw
# bcrypt of $PASSWORD (python3: crypt.crypt(pw, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))
# shellcheck disable=SC2016 # a literal bcrypt hash
PASSWORD_HASH='$2b$10$3bpnXEqz3VWYT98Ake2z.uAfUmV94GD0LoVzAsLHCVYK2eTANX3Qy'

# The exporter's page: 8 series (exposition format 0.0.4).
METRICS='# HELP app_build_info Build information.
# TYPE app_build_info gauge
app_build_info{version="4.2.1",commit="9f3c2ab"} 1
# TYPE app_deploy_config gauge
app_deploy_config{aws_access_key_id="AKIAQ7RZ4WXK2MNBPL5D",region="eu-west-1"} 1
# TYPE app_owner_info gauge
app_owner_info{owner="dana.whitfield@fastmail.com",team="payments"} 1
# TYPE support_last_conversation gauge
support_last_conversation{channel="web",transcript="[{\"role\":\"user\",\"content\":\"My card was charged twice for order 8812, please refund\"},{\"role\":\"assistant\",\"content\":\"Sorry about that, I opened a refund for order 8812.\"}]"} 1
# TYPE http_requests_total counter
http_requests_total{method="GET",code="200"} 1027
http_requests_total{method="POST",code="200"} 331
http_requests_total{method="GET",code="500"} 4
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 5.1e+07
'
EXPORTER_SERIES=8
OPEN_TARGETS=4      # node x2, postgres-exporter, billing-api
SERIES_PER_TARGET=5 # up, scrape_duration_seconds, scrape_samples_scraped, _post_metric_relabeling, scrape_series_added
OPEN_SERIES=$((EXPORTER_SERIES + OPEN_TARGETS * SERIES_PER_TARGET))

# Decoy modes: "exporter" serves $METRICS on /metrics; "json" answers 200 with a JSON body that
# looks like an API reply to every path (it is not Prometheus: no build information).
DECOY_PY='
import os
def serve(c):
    try:
        c.settimeout(10)
        req = c.recv(65536).decode("latin-1")
        path = req.split(" ")[1] if req.count(" ") >= 2 else "/"
        if mode == "exporter":
            body = os.environ["LAB_METRICS"].encode() if path.startswith("/metrics") else b"404 page not found\n"
            status = b"200 OK" if path.startswith("/metrics") else b"404 Not Found"
            ctype = b"text/plain; version=0.0.4"
        else:
            body = b"{\"status\":\"success\",\"data\":{\"version\":\"2.42.0\"}}"
            status, ctype = b"200 OK", b"application/json"
        c.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nContent-Length: " +
                  str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    except Exception:
        pass
    finally:
        c.close()
'

write_open_config() {
    cat >"$DIR/open.yml" <<EOF
# Open lab server: fake credentials of real formats; every address is this lab's loopback range.
global:
  scrape_interval: 2s
  scrape_timeout: 1s
  external_labels:
    cluster: lab-eu-1
    owner: sre-oncall@gmx.net
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['$EXPORTER:9100', '127.77.15.11:9100']
        labels:
          env: prod
  - job_name: postgres-exporter
    basic_auth:
      username: monitor
      password: Pg-Exporter-Pass-2024
    static_configs:
      - targets: ['127.77.15.13:9187']
  - job_name: billing-api
    metrics_path: /internal/metrics
    bearer_token: xoxb-27384910562-618203947512-Tq8Lm2Vx9Rk4Wp7Zn3Yb6Hc1
    params:
      token: ['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']
    static_configs:
      - targets: ['127.77.15.14:8080']
        labels:
          notify_token: xoxb-27384910562-618203947512-Tq8Lm2Vx9Rk4Wp7Zn3Yb6Hc1
remote_write:
  - url: http://writer:Rw-S3cret-Pass@127.77.15.12:9201/api/v1/write
    headers:
      X-Scope-OrgID: tenant-a
      X-Api-Key: sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f
EOF
}

write_protected_config() {
    cat >"$DIR/protected.yml" <<EOF
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.77.15.11:9100']
EOF
    printf 'basic_auth_users:\n  %s: %s\n' "$USER_NAME" "$PASSWORD_HASH" >"$DIR/web.yml"
}

start_prometheus() { # name addr [extra flags]
    local name=$1 addr=$2
    shift 2
    lab_listening "$addr" "$PORT" && return 0
    rm -rf "$DIR/$name-data" # a fresh TSDB: the series count is what this lab planted
    nohup prometheus --config.file="$DIR/$name.yml" --storage.tsdb.path="$DIR/$name-data" \
        --web.listen-address="$addr:$PORT" --storage.tsdb.retention.time=1d --storage.remote.flush-deadline=1s \
        --scrape.discovery-reload-interval=200ms "$@" \
        </dev/null >"$DIR/$name.log" 2>&1 8>&- &
    echo $! >"$DIR/$name.pid"
    lab_wait_port "$addr" "$PORT"
}

# Waits (up to 30 s) until the open server's head holds the planted series.
wait_series() {
    local i n=""
    for ((i = 0; i < 150; i++)); do
        n=$(curl -fsS --max-time 2 "http://$OPEN:$PORT/api/v1/status/tsdb" 2>/dev/null |
            jq -r '.data.headStats.numSeries' 2>/dev/null || true)
        [[ $n == "$OPEN_SERIES" ]] && return 0
        sleep 0.2
    done
    die "the open server holds ${n:-no} series, expected $OPEN_SERIES (see $DIR/open.log)"
}

cmd_up() {
    command -v prometheus >/dev/null || die "prometheus not found (apt-get install prometheus)"
    command -v curl >/dev/null || die "curl not found"
    command -v jq >/dev/null || die "jq not found"
    lab_lock "$DIR"
    write_open_config
    write_protected_config
    LAB_METRICS=$METRICS lab_start_decoy exporter "$EXPORTER" 9100 "$DECOY_PY" exporter
    start_prometheus open "$OPEN" --web.enable-admin-api --web.enable-lifecycle \
        --web.enable-remote-write-receiver
    start_prometheus protected "$PROTECTED" --web.config.file="$DIR/web.yml"
    lab_start_decoy decoy "$DECOY" "$PORT" "$DECOY_PY" json
    wait_series
    local version
    version=$(curl -fsS --max-time 2 "http://$OPEN:$PORT/api/v1/status/buildinfo" | jq -r .data.version)
    {
        printf 'LAB_PROMETHEUS_OPEN=%q\nLAB_PROMETHEUS_PROTECTED=%q\nLAB_PROMETHEUS_DECOY=%q\n' \
            "$OPEN" "$PROTECTED" "$DECOY"
        printf 'LAB_PROMETHEUS_PORT=%q\nLAB_PROMETHEUS_VERSION=%q\nLAB_PROMETHEUS_USER=%q\nLAB_PROMETHEUS_PASSWORD=%q\n' \
            "$PORT" "$version" "$USER_NAME" "$PASSWORD"
        printf 'LAB_PROMETHEUS_SERIES=%q\nLAB_PROMETHEUS_TARGETS=%q\nLAB_PROMETHEUS_EXPORTER=%q\n' \
            "$OPEN_SERIES" "$OPEN_TARGETS" "$EXPORTER"
    } | lab_write_env lab_prometheus.env
    say "Prometheus up: open $OPEN, protected $PROTECTED, decoy $DECOY (:$PORT), exporter $EXPORTER:9100; environment: $STATE/lab_prometheus.env"
}

cmd_down() {
    # only our own process: prometheus or the python decoy started from this state dir
    lab_stop_all "$DIR" 'prometheus|python3' open protected decoy exporter
    rm -f "$STATE/lab_prometheus.env"
}

cmd_status() {
    lab_status_all prometheus "$PORT" "$OPEN open" "$PROTECTED protected" "$DECOY decoy" "$EXPORTER:9100 exporter"
}

lab_main "$@"
