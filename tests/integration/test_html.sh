#!/usr/bin/env bash
# The HTML report of the lab, rendered by headless Chromium: content (overview, service sections,
# tables, redacted secrets, risks, remediation), sorting that works, no horizontal overflow on a
# phone-sized window, no raw secret, no external resource.
. "$(dirname "$0")/lib.sh"

command -v chromium >/dev/null || { echo "chromium missing (scripts/deps.sh installs it)"; exit 1; }
chrome() { # chrome WIDTH,HEIGHT FILE: prints the DOM after scripts ran
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/chrome-$RANDOM" \
        --window-size="$1" --virtual-time-budget=3000 --dump-dom "file://$2" 2>/dev/null
}

run scan "$LAB_EXPOSED" -p 8123,9000 --no-history --format html -o "$TMP/report.html"
check "scan with --format html exits 1 on the critical finding (rc=$rc)" test "$rc" -eq 1
check "report file is 0600" test "$(stat -c %a "$TMP/report.html")" = 600
check "no external resource in the file" bash -c "! grep -Eiq '(src|href)=\"?(https?:)?//' '$TMP/report.html'"
check "a Content-Security-Policy forbids fetching anything" grep -q "default-src 'none'" "$TMP/report.html"

chrome 1280,1000 "$TMP/report.html" >"$TMP/dom.html"
check "Chromium rendered the report" grep -q '<h1>leakscan report</h1>' "$TMP/dom.html"
dom() { python3 - "$TMP/dom.html" "$1" <<'PY'
import sys, re, html
d = open(sys.argv[1]).read()
text = html.unescape(re.sub(r'<[^>]+>', ' ', d))
text = re.sub(r'\s+', ' ', text)
ok = eval(sys.argv[2])
if not ok: print("assertion failed: " + sys.argv[2], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
check "overview cards: hosts, services, exposed, distinct secrets" dom "re.search(r'1 hosts 2 probes 2 database services 2 exposed \(no password\) [0-9,]+ rows exposed [0-9,]+ distinct secrets', text) is not None"
check "rows exposed counted once for the server's two interfaces" dom "re.search(r'([0-9,]+) rows exposed', text).group(1) == re.search(r'Exposed 2 databases, 3 tables, ([0-9,]+) rows', text).group(1)"
check "inline SVG chart by severity" dom "'<svg' in d and 'Services by severity' in d"
check "one section per interface, critical" dom "d.count('<section class=\"svc critical\"')==2 and '$LAB_EXPOSED:8123' in text and '$LAB_EXPOSED:9000' in text"
check "tables with exact rows and classes" dom "'default.log_stream' in text and '1,100,000' in text and 'chat' in text"
check "redacted secrets with fingerprints" dom "'sha256:' in text and '…' in text"
check "risks and remediation" dom "'CH-NOAUTH' in text and 'How to close it' in d"
token="$(ch_client "$LAB_EXPOSED" "SELECT extract(arrayStringConcat(\`string.values\`, ' '), 'ghp_[A-Za-z0-9]{36}') AS t FROM default.log_stream WHERE t != '' LIMIT 1")"
check "no raw secret in the report" bash -c "! grep -qF '$token' '$TMP/report.html'"

# sorting: click the Rows header of the first tables table twice (descending), read the order back
cp "$TMP/report.html" "$TMP/sort.html"
cat >>"$TMP/sort.html" <<'JS'
<script>
var th=[].slice.call(document.querySelectorAll('table.sortable')[0].tHead.rows[0].cells).filter(function(c){return c.textContent==='Rows'})[0];
th.click(); th.click();
var p=document.createElement('pre'); p.id='order';
p.textContent=[].map.call(document.querySelectorAll('table.sortable')[0].tBodies[0].rows,function(r){return r.cells[0].textContent}).join('|');
document.body.appendChild(p);
</script>
JS
chrome 1280,1000 "$TMP/sort.html" >"$TMP/dom.html"
check "sortable: Rows descending is numeric (1,100,000 > 10,000 > 2,000)" dom "d.split('<pre id=\"order\">')[1].split('<')[0] == 'default.log_stream|analytics.page_views|default.users'"

# phone: the page itself never scrolls sideways (wide tables scroll inside their box)
cp "$TMP/report.html" "$TMP/phone.html"
cat >>"$TMP/phone.html" <<'JS'
<script>
var p=document.createElement('pre'); p.id='w';
p.textContent=document.documentElement.scrollWidth+'/'+window.innerWidth; document.body.appendChild(p);
</script>
JS
chrome 390,844 "$TMP/phone.html" >"$TMP/dom.html"
check "phone width: no horizontal overflow" dom "(lambda a,b: 0 < a <= b)(*map(int, d.split('<pre id=\"w\">')[1].split('<')[0].split('/')))"
finish
