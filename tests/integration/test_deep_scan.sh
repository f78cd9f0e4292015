#!/usr/bin/env bash
# `scan --deep` against the lab: the whole log_stream is streamed (no LIMIT) and every planted
# distinct secret is reported exactly once (distinct counts equal planted-stats.tsv, fingerprints
# cover planted-values.tsv); a small --max-bytes stops the stream with a table error, not a crash.
. "$(dirname "$0")/lib.sh"

run scan --deep --format jsonl -p "$LAB_HTTP_PORT" "$LAB_EXPOSED"
check "deep scan exits 1 (critical findings)" [ "$rc" -eq 1 ]
check "every planted distinct secret found once per table" python3 - "$TMP/out" "$LAB_PLANTED_STATS" "$LAB_PLANTED_VALUES" <<'PY'
import hashlib, json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
svc = [r for r in recs if r["type"] == "service"][0]
t = [t for t in svc["tables"] if t["name"] == "log_stream"][0]
assert t["scanned_rows"] == 1100000, t["scanned_rows"]
assert "error" not in t, t.get("error")
found = {f["rule"]: f["distinct"] for f in t["findings"]}
kind_rule = {"aws-access-key": ["aws-access-key-id", "aws-secret-access-key"], "github-classic-pat": ["github-classic-pat"],
             "openai-project-key": ["openai-api-key"], "anthropic-api-key": ["anthropic-api-key"],
             "slack-bot-token": ["slack-token"], "stripe-live-secret-key": ["stripe-secret-key"],
             "google-api-key": ["google-api-key"], "sendgrid-api-key": ["sendgrid-api-key"], "jwt": ["jwt"],
             "postgres-url-password": ["database-url-password"], "rsa-private-key": ["private-key"]}
bad = []
for line in open(sys.argv[2]):
    if line.startswith("#"):
        continue
    kind, rows, distinct = line.split("\t")[:3]
    for rule in kind_rule.get(kind, []):
        if found.get(rule) != int(distinct):
            bad.append((kind, rule, distinct, found.get(rule)))
fps = {r["fingerprint"] for r in recs if r["type"] == "secret" and r["table"] == "log_stream"}
missing = 0
checked = 0
for line in open(sys.argv[3]):
    if line.startswith("#"):
        continue
    kind, idx, hits, cred, comp = line.rstrip("\n").split("\t")
    if kind not in kind_rule or int(hits) == 0:
        continue
    value = cred.replace("\\n", "\n") if kind == "rsa-private-key" else cred
    checked += 1
    if "sha256:" + hashlib.sha256(value.encode()).hexdigest() not in fps:
        missing += 1
print(f"distinct mismatches: {bad}; planted credentials checked: {checked}, missing fingerprints: {missing}")
sys.exit(0 if not bad and missing == 0 and checked > 4000 else 1)
PY
check "secrets stay redacted in deep output" bash -c "! grep -q '\"value\"' '$TMP/out'"

run scan --deep --max-bytes 2000000 --format jsonl -p "$LAB_HTTP_PORT" "$LAB_EXPOSED"
check "--max-bytes caps a deep stream: table error, partial findings, other tables fine" jq_py \
  'any(t["name"] == "log_stream" and "byte cap" in t.get("error", "") and 0 < t["scanned_rows"] < 1100000 for t in services[0]["tables"]) and any(t["name"] == "users" and "error" not in t for t in services[0]["tables"])'
finish
