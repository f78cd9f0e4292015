#!/usr/bin/env bash
# The Prometheus engine against real servers (lab/lab_prometheus.sh): the open one is found with its
# version, no login, exact counts (config lines, active targets, the TSDB head's series as the lab
# planted them), the planted secrets by rule id (GitHub token in a URL parameter, OpenAI key in a
# remote-write header, Slack token in a target label, AWS key id and a chat transcript in series
# labels), never raw, and the admin/lifecycle/write-receiver risks from its flags; the protected twin
# as `required` in the server's words; the decoy that answers 200 with JSON is not Prometheus. The
# engine sends GETs only: the admin API's snapshot counter (a side effect it would leave) is checked.
LS_LAB_DIR="${LS_LAB_DIR:-/tmp/leakscan-lab}"
if [ ! -f "$LS_LAB_DIR/lab_prometheus.env" ]; then
    echo "skip: no $LS_LAB_DIR/lab_prometheus.env (lab/lab_prometheus.sh up)" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$LS_LAB_DIR/lab_prometheus.env"
P=$LAB_PROMETHEUS_PORT
OPEN=$LAB_PROMETHEUS_OPEN
config_lines=$(curl -fsS --max-time 5 "http://$OPEN:$P/api/v1/status/config" | jq -j .data.yaml | wc -l)
snapshots() { { find "$LS_LAB_DIR/prometheus/open-data/snapshots" -mindepth 1 -maxdepth 1 2>/dev/null || true; } | wc -l; }
snap_before=$(snapshots)

t0=$(date +%s%N)
run scan "$OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8
ms=$((($(date +%s%N) - t0) / 1000000))
check "open: exit 1 (critical at/above --fail-on) (rc=$rc)" test "$rc" -eq 1
check "open: engine prometheus, version $LAB_PROMETHEUS_VERSION, auth none, critical" jq_py "len(services)==1 and services[0]['engine']=='prometheus' and services[0]['version']=='$LAB_PROMETHEUS_VERSION' and services[0]['auth']=='none' and services[0]['severity']=='critical'"
check "open: units config ($config_lines lines), targets ($LAB_PROMETHEUS_TARGETS), series ($LAB_PROMETHEUS_SERIES), exact" jq_py "sorted((t['name'], t['kind'], t['rows'], bool(t.get('rows_estimated'))) for t in services[0]['tables']) == [('config','config',$config_lines,False), ('series','series',$LAB_PROMETHEUS_SERIES,False), ('targets','targets',$LAB_PROMETHEUS_TARGETS,False)]"
check "open: every config line, target and series sampled" jq_py "{t['name']: t['scanned_rows'] for t in services[0]['tables']} == {'config': $config_lines, 'targets': $LAB_PROMETHEUS_TARGETS, 'series': $LAB_PROMETHEUS_SERIES}"
check "open: GitHub token (URL param) and OpenAI key (remote-write header) in config, redacted" jq_py "{(x['table'], x['rule'], x['redacted']) for x in secrets} >= {('config','github-classic-pat','ghp_…1IL'), ('config','openai-api-key','sk-p…F7f')}"
check "open: GitHub token in a target's scrape_url, Slack token in its labels" jq_py "{(x['table'], x['rule'], x['column']) for x in secrets} >= {('targets','github-classic-pat','scrape_url'), ('targets','slack-token','labels')}"
check "open: AWS key id in the exporter's series labels" jq_py "any(x['table']=='series' and x['rule']=='aws-access-key-id' and x['redacted']=='AKI…L5D' for x in secrets)"
check "open: chat and pii on series, pii on config" jq_py "{t['name']: set(t['classes']) for t in services[0]['tables']}['series'] >= {'chat','pii','secrets'} and 'pii' in {t['name']: t['classes'] for t in services[0]['tables']}['config']"
check "open: masked secrets not reported, no raw secret in the report" bash -c "! grep -qE 'ghp_Ky9Pf34|sk-proj-0ziAFn|xoxb-2738|AKIAQ7RZ4WXK|Pg-Exporter-Pass|Rw-S3cret' '$TMP/out'"
check "open: risks NOAUTH, ADMIN-API, LIFECYCLE-API, WRITE-RECEIVER, CONFIG/TARGETS/SECRETS/CHAT" jq_py "{'PROM-NOAUTH','PROM-ADMIN-API','PROM-LIFECYCLE-API','PROM-WRITE-RECEIVER','PROM-CONFIG-EXPOSED','PROM-TARGETS-EXPOSED','PROM-SECRETS-EXPOSED','PROM-CHAT-EXPOSED'} <= {r['id'] for r in services[0]['risks']}"
check "open: the config risk counts masked secrets (2 <secret>, 1 xxxxx URL password)" jq_py "any(r['id']=='PROM-CONFIG-EXPOSED' and '2 secret fields shown as <secret>, 1 URL passwords as xxxxx' in r['evidence'] for r in services[0]['risks'])"
check "open: the targets risk names the internal hosts" jq_py "any(r['id']=='PROM-TARGETS-EXPOSED' and all(h in r['evidence'] for h in ('$LAB_PROMETHEUS_EXPORTER:9100','127.77.15.11:9100','127.77.15.13:9187','127.77.15.14:8080')) for r in services[0]['risks'])"
check "open: remediation names web.config.file and the admin flag" jq_py "any('--web.config.file' in l for l in services[0]['remediation']) and any('--web.enable-admin-api' in l for l in services[0]['remediation'])"
check "open: the blast radius: admin API fact on, write and schema yes, run code no" jq_py "(lambda p: p['admin_api'] is True and p['capabilities']['write']['can'] is True and p['capabilities']['schema']['can'] is True and p['capabilities']['run_code']['can'] is False)(services[0]['privileges'])"
check "open: assessed in under a second (${ms} ms)" test "$ms" -lt 1000
check "open: no admin endpoint called (snapshots $snap_before -> $(snapshots))" test "$(snapshots)" -eq "$snap_before"

# a series list larger than the byte cap (3.4 KB here; targets 2.8 KB fit): metric by metric instead
run scan "$OPEN" -p "$P" --format jsonl --scope 127.0.0.0/8 --max-bytes 3200 --sample 10
check "byte cap: series sampled metric by metric up to --sample (10), no error" jq_py "{t['name']: (t['scanned_rows'], t.get('error')) for t in services[0]['tables']}['series'] == (10, None)"

run scan "$LAB_PROMETHEUS_PROTECTED" -p "$P" --format jsonl --scope 127.0.0.0/8
check "protected: prometheus, auth required with the 401 words, low, nothing read" jq_py "len(services)==1 and services[0]['engine']=='prometheus' and services[0]['auth']=='required' and services[0]['auth_evidence'].startswith('HTTP 401 Unauthorized (WWW-Authenticate: Basic)') and services[0]['severity']=='low' and not services[0]['tables']"

run scan "$LAB_PROMETHEUS_DECOY" -p "$P" --format jsonl --scope 127.0.0.0/8
check "decoy: not reported as prometheus" jq_py "services and not any(s['engine']=='prometheus' for s in services)"

run scan "$OPEN" -p "$P" --format text --no-color --scope 127.0.0.0/8
ver_re=$(printf '%s' "$LAB_PROMETHEUS_VERSION" | sed 's/[.+]/\\&/g') # 2.42.0+ds as a regular expression
check "text headline: Prometheus $LAB_PROMETHEUS_VERSION, no password" grep -qE "^$OPEN:$P +Prometheus $ver_re +NO PASSWORD" "$TMP/out"
check "text lists the series unit and the admin API risk" bash -c "grep -q 'prometheus.series' '$TMP/out' && grep -q 'PROM-ADMIN-API' '$TMP/out'"
finish
