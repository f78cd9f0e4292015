#!/usr/bin/env bash
# The blast radius of exposed ClickHouse 18.16 servers (issue #4), against the lab's 127.77.4.x
# servers (lab/lab_blast.sh): derived privileges on a readonly and an open `default`, credentials
# in external-engine definitions and in the query log (redacted, fingerprinted, never raw), those
# tables never read and no table function ever called, the cluster topology, a ransom note with
# its first row redacted, CVEs of the version, unknown steps with reasons, and a honeypot that is
# flagged (severity capped), not dropped.
. "$(dirname "$0")/lib.sh"
if [ -z "${LAB_BLAST_RO:-}" ]; then
    echo "SKIP: $LS_LAB_DIR/lab.env has no blast-radius servers (127.77.4.x); run lab/lab.sh up" >&2
    exit "${LS_SKIP_RC:-77}" # .ci/run sets 1: a lab that did not start fails CI
fi

sha() { printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
no_raw() { ! grep -qF -- "$1" "$TMP/out"; }

# (a) default has no password but a readonly=1 profile: reads only, no table functions
run scan "$LAB_BLAST_RO" -p 8123,9000 --format jsonl
check "ro: both interfaces, auth none" jq_py "len(services)==2 and all(s['auth']=='none' for s in services)"
check "ro: readonly=1 read without the scanner's own guard, on both interfaces" jq_py "all(s['privileges']['readonly']==1 and s['privileges']['user']=='default' for s in services)"
check "ro: cannot write, no DDL, no table functions" jq_py "all(s['privileges']['can_write'] is False and s['privileges']['can_ddl'] is False and s['privileges']['table_functions']==[] for s in services)"
check "ro: CH-READONLY, no CH-WRITE or CH-TABLE-FUNCTIONS" jq_py "all({'CH-READONLY'} <= {r['id'] for r in s['risks']} and not {'CH-WRITE','CH-TABLE-FUNCTIONS'} & {r['id'] for r in s['risks']} for s in services)"
check "ro: no readonly advice for an already readonly default" jq_py "all(not any('readonly profile' in x for x in s['remediation']) for s in services)"
check "ro: missing RBAC tables are unknown with the server's reason (code 60)" jq_py "all(any(u['what']=='grants' and '60' in u['reason'] for u in s['unknown']) and any(u['what']=='system.query_log' for u in s['unknown']) for s in services)"
check "ro: still high (10 readable rows)" jq_py "all(s['severity']=='high' for s in services)"

# (b) a password user beside an open default: default is what an attacker gets
run scan "$LAB_BLAST_MIXED" -p 8123,9000 --format jsonl
check "mixed: default open, can write and run url/file/remote" jq_py "all(s['auth']=='none' and s['privileges']['can_write'] is True and {'url','file','remote'} <= set(s['privileges']['table_functions']) for s in services)"
check "mixed: CH-WRITE and CH-TABLE-FUNCTIONS" jq_py "all({'CH-WRITE','CH-TABLE-FUNCTIONS'} <= {r['id'] for r in s['risks']} for s in services)"
check "mixed: 18.16 has no system.users: unknown, with reason" jq_py "all(any(u['what']=='users' and 'system.users' in u['reason'] for u in s['unknown']) for s in services)"
check "mixed: the table is still inventoried and sampled" jq_py "all(s['tables'][0]['name']=='customers' and s['tables'][0]['rows']==20 and s['tables'][0]['scanned_rows']==20 for s in services)"

# (c) external engines with credentials in their definitions; query log with a logged password
logged_pw=${LAB_BLAST_LOGGED_URL#*://*:}
logged_pw=${logged_pw%%@*}
t0=$(clickhouse-client --host "$LAB_BLAST_EXT" --query "SELECT toUnixTimestamp(now())")
run scan "$LAB_BLAST_EXT" -p 8123,9000 --format jsonl
check "ext: critical with CH-EXTERNAL-CREDENTIALS and CH-SYSTEM-SECRETS" jq_py "all(s['severity']=='critical' and {'CH-EXTERNAL-CREDENTIALS','CH-SYSTEM-SECRETS','CH-QUERY-LOG','CH-TOPOLOGY'} <= {r['id'] for r in s['risks']} for s in services)"
check "ext: MySQL password as a secret record of orders_mirror.create_table_query" jq_py "len([x for x in secrets if x['table']=='orders_mirror' and x['column']=='create_table_query' and x['fingerprint']=='$(sha "$LAB_BLAST_MYSQL_PASSWORD")'])==2"
check "ext: URL password as a secret record of partner_feed" jq_py "len([x for x in secrets if x['table']=='partner_feed' and x['fingerprint']=='$(sha "$LAB_BLAST_URL_PASSWORD")'])==2"
check "ext: the logged connection URL's password found in system.query_log" jq_py "len([x for x in secrets if x['database']=='system' and x['table']=='query_log' and x['rule']=='database-url-password' and x['fingerprint']=='$(sha "$logged_pw")'])==2"
check "ext: no raw MySQL password in the output" no_raw "$LAB_BLAST_MYSQL_PASSWORD"
check "ext: no raw URL password in the output" no_raw "$LAB_BLAST_URL_PASSWORD"
check "ext: no raw logged password in the output" no_raw "$logged_pw"
check "ext: external tables noted as not read" jq_py "all(all('not read' in t.get('note','') for t in s['tables']) and len(s['tables'])==2 for s in services)"
check "ext: cluster node and macros revealed" jq_py "all(any(o['name']=='system.clusters' and '127.77.4.251:9000' in o['note'] for o in s['system_objects']) and any(o['name']=='system.macros' and 'ch-ext-01.lab.internal' in o['note'] for o in s['system_objects']) for s in services)"
check "ext: query log counted by user" jq_py "all(any(o['name']=='system.query_log' and o['entries']>0 and 'default:' in o['note'] for o in s['system_objects']) for s in services)"
check "ext: rotation advice names rule and fingerprint" jq_py "all(any('Rotate' in x and 'clickhouse-engine-credentials sha256:' in x for x in s['remediation']) for s in services)"
clickhouse-client --host "$LAB_BLAST_EXT" --query "SYSTEM FLUSH LOGS"
reads=$(clickhouse-client --host "$LAB_BLAST_EXT" --query "SELECT count() FROM system.query_log WHERE query LIKE 'SELECT%' AND (query LIKE '%orders_mirror\`%' OR query LIKE '%partner_feed\`%') AND query NOT LIKE '%system.query_log%'")
check "ext: the external tables were never read (query_log: $reads)" test "$reads" -eq 0
calls=$(clickhouse-client --host "$LAB_BLAST_EXT" --query "SELECT count() FROM system.query_log WHERE query LIKE 'SELECT%' AND match(query, '(file|url|remote|remoteSecure|mysql|jdbc|odbc|cluster)\\\\s*\\\\(') AND query NOT LIKE '%system.query_log%'")
check "ext: no table function was ever called (query_log: $calls)" test "$calls" -eq 0
writes=$(clickhouse-client --host "$LAB_BLAST_EXT" --query "SELECT count() FROM system.query_log WHERE match(query, '^(INSERT|CREATE|ALTER|DROP|TRUNCATE|RENAME|SET|KILL|SYSTEM|OPTIMIZE)') AND event_time >= toDateTime($t0) AND query NOT LIKE '%SYSTEM FLUSH LOGS%'")
check "ext: nothing but SELECTs during the scan (query_log: $writes)" test "$writes" -eq 0

# (d) a ransom note
run scan "$LAB_BLAST_RANSOM" -p 8123,9000 --format jsonl
check "ransom: compromised, critical, CH-RANSOM-NOTE" jq_py "all(s['compromised'] is True and s['severity']=='critical' and any(r['id']=='CH-RANSOM-NOTE' and r['severity']=='critical' for r in s['risks']) for s in services)"
check "ransom: evidence names the note and quotes its first row" jq_py "all('README_TO_RECOVER.README' in s['compromise_evidence'] and 'first row: All your data is backed up' in s['compromise_evidence'] for s in services)"
check "ransom: the contact address is redacted" no_raw "$LAB_BLAST_RANSOM_EMAIL"
check "ransom: the wallet address is redacted" no_raw "bc1qlabransomaddress"
check "ransom: incident-response remediation" jq_py "all(any('compromised' in x for x in s['remediation']) for s in services)"

# version risks: 18.16.1 predates the 2019 fixes; the 2023 codec bugs are not in its code
check "CVEs of 18.16.1 listed, codec CVEs absent" jq_py "all({'CVE-2019-16535','CVE-2021-43304','CVE-2024-6873'} <= {r['id'] for r in s['risks']} and 'CVE-2023-47118' not in {r['id'] for r in s['risks']} for s in services)"

# (e) a honeypot: reported, flagged, severity capped
run scan "$LAB_BLAST_HONEYPOT" -p 8123 --format jsonl
check "honeypot: reported, not dropped" jq_py "len(services)==1 and services[0]['engine']=='clickhouse'"
check "honeypot: suspected with the failed checks" jq_py "services[0]['honeypot']['suspected'] is True and any('wrongly' in x for x in services[0]['honeypot']['reasons']) and any('X-ClickHouse-Timezone' in x for x in services[0]['honeypot']['reasons'])"
check "honeypot: severity capped at medium despite 250,000 'rows'" jq_py "services[0]['severity']=='medium' and services[0]['exposure']['rows']==250000 and any(r['id']=='CH-HONEYPOT' for r in services[0]['risks'])"

# a real server passes the consistency checks
run scan "$LAB_EXPOSED" -p 8123,9000 --format jsonl
check "exposed: real server not suspected; privileges derived" jq_py "all(s['honeypot']['suspected'] is False and s['privileges']['can_write'] is True and s['uptime_s']>0 and s['version_source']=='SELECT version()' for s in services)"
finish
