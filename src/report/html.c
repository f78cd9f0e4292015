/* HTML report: one self-contained file (inline CSS, JS and SVG; a CSP that forbids any fetch) with an
 * overview, a chart, a warning naming likely honeypots and one section per service; sortable tables;
 * responsive. Every string from the model is HTML-escaped (a hostile server names its tables to
 * attack the reader's browser). The document is assembled in memory and written by finish, because
 * the overview needs the totals. */
#define LS_REPORT_INTERNAL
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"
#include "util/num.h"

#define MAX_SECRET_ROWS 300 /* secret rows listed per service; the count says how many more */

struct section {
    enum ls_severity severity;
    uint64_t order; /* arrival, to keep the sort stable */
    struct ls_buf html;
};

struct html_state {
    struct section *sections; /* one per service, written worst first by finish */
    size_t nsections;
    uint64_t by_sev[5]; /* services per severity */
    uint64_t exposed, exposed_rows, nservices;
    char (*fps)[72]; /* every secret fingerprint seen, for the distinct count */
    size_t nfps, capfps;
    char (*ips)[64]; /* distinct addresses */
    size_t nips, capips;
    char (*servers)[64]; /* distinct "engine ip" of exposed services: rows count once per server */
    size_t nservers, capservers;
    struct ls_scan_summary sum; /* its borrowed suspects cleared: they are rendered at summary time */
    bool have_sum;
    struct ls_buf suspects; /* the likely-honeypot warning, written above the services */
};

/* ---- escaping ---- */

/* Appends s[0..n) HTML-escaped; ill-formed UTF-8 becomes U+FFFD, control characters and
 * bidirectional overrides U+FFFD too. */
static void esc_n(struct ls_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = ls_utf8_decode(p + i, n - i, &cp);
        if (cp == LS_UTF8_INVALID || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f || ls_cp_disguises(cp))
            ls_buf_puts(b, "\xEF\xBF\xBD");
        else if (cp == '&')
            ls_buf_puts(b, "&amp;");
        else if (cp == '<')
            ls_buf_puts(b, "&lt;");
        else if (cp == '>')
            ls_buf_puts(b, "&gt;");
        else if (cp == '"')
            ls_buf_puts(b, "&quot;");
        else if (cp == '\'')
            ls_buf_puts(b, "&#39;");
        else
            ls_buf_add(b, s + i, k);
        i += k;
    }
}

static void esc(struct ls_buf *b, const char *s)
{
    if (s)
        esc_n(b, s, strlen(s));
}

#define ESC_FIXED(b, arr) esc_n((b), (arr), strnlen((arr), sizeof(arr)))

static void num_cell(struct ls_buf *b, uint64_t v)
{
    char n[LS_FMT_NUM];
    ls_buf_printf(b, "<td class=n data-v=\"%llu\">%s</td>", (unsigned long long)v, ls_fmt_thousands(v, n));
}

static void sev_badge(struct ls_buf *b, enum ls_severity s)
{
    ls_buf_printf(b, "<span class=\"sev %s\">%s</span>", ls_severity_name(s), ls_severity_name(s));
}

/* ---- state ---- */

static struct html_state *state(struct ls_report *r)
{
    if (!r->state)
        r->state = calloc(1, sizeof(struct html_state));
    return r->state;
}

static int remember_fp(struct html_state *h, const char *fp)
{
    if (h->nfps == h->capfps) {
        size_t cap = h->capfps ? h->capfps * 2 : 256;
        char(*nv)[72] = realloc(h->fps, cap * sizeof *nv);
        if (!nv)
            return -1;
        h->fps = nv;
        h->capfps = cap;
    }
    snprintf(h->fps[h->nfps++], 72, "%s", fp);
    return 0;
}

/* Adds key to a set of short strings; 1 if added, 0 if present, -1 when out of memory. */
static int remember(char (**set)[64], size_t *n, size_t *cap, const char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*set)[i], key) == 0)
            return 0;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        char(*nv)[64] = realloc(*set, c * sizeof *nv);
        if (!nv)
            return -1;
        *set = nv;
        *cap = c;
    }
    snprintf((*set)[(*n)++], 64, "%s", key);
    return 1;
}

static int worst_first(const void *a, const void *b)
{
    const struct section *x = a, *y = b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_fp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static uint64_t distinct_secrets(struct html_state *h)
{
    ls_sort(h->fps, h->nfps, sizeof *h->fps, cmp_fp);
    uint64_t n = 0;
    for (size_t i = 0; i < h->nfps; i++)
        n += i == 0 || strcmp(h->fps[i], h->fps[i - 1]) != 0;
    return n;
}

/* ---- one service ---- */

static void classes_text(struct ls_buf *b, unsigned classes)
{
    bool first = true;
    for (unsigned i = 0; i < LS_CLASS_COUNT; i++)
        if (classes & (1u << i)) {
            ls_buf_printf(b, "%s<span class=cls>%s</span>", first ? "" : " ", ls_class_name(1u << i));
            first = false;
        }
}

/* What the account could do (model/access.h): one row per capability, then the engine's facts. */
static void access_section(struct ls_buf *b, const struct ls_access *a)
{
    if (!a->assessed)
        return;
    ls_buf_puts(b, "<h3>What this access allows</h3><table><thead><tr><th>Capability</th><th>Allowed</th>"
                   "<th>Evidence</th></tr></thead><tbody>\n");
    for (int c = 0; c < LS_CAP_COUNT; c++) {
        enum ls_tri v = ls_access_cap_value(a, (enum ls_cap)c);
        ls_buf_printf(b, "<tr><td>%s</td><td>%s%s%s</td><td>", ls_cap_label((enum ls_cap)c),
                      v == LS_TRI_YES ? "<strong>" : "", ls_tri_word(v), v == LS_TRI_YES ? "</strong>" : "");
        if (a->caps[c].evidence)
            esc(b, a->caps[c].evidence);
        ls_buf_puts(b, "</td></tr>\n");
    }
    ls_buf_puts(b, "</tbody></table>\n<dl class=facts>");
    if (a->user[0]) {
        ls_buf_puts(b, "<dt>Account</dt><dd>");
        ESC_FIXED(b, a->user);
        ls_buf_puts(b, "</dd>");
    }
    for (size_t i = 0; i < a->nfacts; i++) {
        char label[64], value[2048];
        ls_buf_puts(b, "<dt>");
        esc(b, ls_fact_label(&a->facts[i], label, sizeof label));
        ls_buf_puts(b, "</dt><dd>");
        esc(b, ls_fact_value(&a->facts[i], value, sizeof value));
        ls_buf_puts(b, "</dd>");
    }
    if (a->basis) {
        ls_buf_puts(b, "<dt>Derived from</dt><dd>");
        esc(b, a->basis);
        ls_buf_puts(b, "</dd>");
    }
    ls_buf_puts(b, "</dl>\n");
}

static void tables_table(struct ls_buf *b, const struct ls_service *s)
{
    ls_buf_puts(b, "<h3>Tables</h3><div class=scroll><table class=sortable><thead><tr><th>Table</th><th>Engine</th>"
                   "<th class=n>Rows</th><th class=n>Size</th><th>Classes</th><th class=n>Rows scanned</th>"
                   "<th>Findings</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < s->ntables; i++) {
        const struct ls_table *t = &s->tables[i];
        char sz[LS_FMT_NUM];
        ls_buf_puts(b, "<tr><td>");
        esc(b, t->database);
        ls_buf_puts(b, ".");
        esc(b, t->name);
        ls_buf_puts(b, "</td><td>");
        esc(b, t->storage);
        ls_buf_puts(b, "</td>");
        if (t->rows_known)
            num_cell(b, t->rows);
        else
            ls_buf_puts(b, "<td class=n data-v=\"-1\">?</td>");
        ls_buf_printf(b, "<td class=n data-v=\"%llu\">%s</td><td>", (unsigned long long)t->bytes,
                      ls_fmt_bytes(t->bytes, sz));
        classes_text(b, t->classes);
        ls_buf_puts(b, "</td>");
        num_cell(b, t->scanned_rows);
        ls_buf_puts(b, "<td>");
        for (size_t k = 0; k < t->ntallies; k++) {
            char c[LS_FMT_NUM];
            ls_buf_printf(b, "%s", k ? ", " : "");
            esc(b, t->tallies[k].rule);
            ls_buf_printf(b, " ×%s", ls_fmt_thousands(t->tallies[k].count, c));
        }
        if (t->error) {
            ls_buf_puts(b, " <em>");
            esc(b, t->error);
            ls_buf_puts(b, "</em>");
        }
        ls_buf_puts(b, "</td></tr>\n");
    }
    ls_buf_puts(b, "</tbody></table></div>\n");
}

static int secrets_table(struct ls_buf *b, struct html_state *h, const struct ls_service *s, bool show)
{
    size_t total = 0, listed = 0;
    for (size_t i = 0; i < s->ntables; i++)
        total += s->tables[i].nsecrets;
    if (!total)
        return 0;
    char n[LS_FMT_NUM];
    ls_buf_printf(b,
                  "<details%s><summary><h3>Secrets and personal data (%s distinct, redacted)</h3></summary>"
                  "<div class=scroll>"
                  "<table class=sortable><thead><tr><th>Rule</th><th>Category</th><th>Where</th><th>Value</th>"
                  "<th>Fingerprint</th><th class=n>Count</th></tr></thead><tbody>\n",
                  total <= 25 ? " open" : "", ls_fmt_thousands(total, n));
    for (size_t i = 0; i < s->ntables; i++) {
        const struct ls_table *t = &s->tables[i];
        for (size_t k = 0; k < t->nsecrets; k++) {
            const struct ls_secret *x = &t->secrets[k];
            if (remember_fp(h, x->fingerprint))
                return -1;
            if (listed++ >= MAX_SECRET_ROWS)
                continue;
            ls_buf_puts(b, "<tr><td>");
            esc(b, x->rule);
            ls_buf_puts(b, "</td><td>");
            esc(b, x->category);
            ls_buf_puts(b, "</td><td>");
            esc(b, t->database);
            ls_buf_puts(b, ".");
            esc(b, t->name);
            if (x->column) {
                ls_buf_puts(b, " <small>");
                esc(b, x->column);
                ls_buf_puts(b, "</small>");
            }
            ls_buf_puts(b, "</td><td><code>");
            if (show && x->raw)
                esc(b, x->raw);
            else
                ESC_FIXED(b, x->redacted);
            ls_buf_puts(b, "</code></td><td><code title=\"");
            ESC_FIXED(b, x->fingerprint);
            ls_buf_puts(b, "\">");
            esc_n(b, x->fingerprint, strnlen(x->fingerprint, 23));
            ls_buf_puts(b, "…</code></td>");
            num_cell(b, x->count);
            ls_buf_puts(b, "</tr>\n");
        }
    }
    ls_buf_puts(b, "</tbody></table></div>\n");
    if (listed > MAX_SECRET_ROWS)
        ls_buf_printf(b, "<p class=note>%s more not listed here; the JSON Lines report lists every one.</p>\n",
                      ls_fmt_thousands(listed - MAX_SECRET_ROWS, n));
    ls_buf_puts(b, "</details>\n");
    return 0;
}

static int html_service(struct ls_report *r, const struct ls_service *s)
{
    struct html_state *h = state(r);
    if (!h || remember(&h->ips, &h->nips, &h->capips, s->ip) < 0)
        return -1;
    struct section *nv = realloc(h->sections, (h->nsections + 1) * sizeof *nv);
    if (!nv)
        return -1;
    h->sections = nv;
    struct section *sec = &h->sections[h->nsections];
    *sec = (struct section){.severity = s->severity, .order = h->nsections};
    h->nsections++;
    struct ls_buf *b = &sec->html;
    bool exposed = s->auth == LS_AUTH_NONE || s->auth == LS_AUTH_DEFAULT_CREDENTIALS;
    h->nservices++;
    h->by_sev[(unsigned)s->severity < 5 ? s->severity : 0]++;
    if (exposed) {
        /* The same server on several interfaces (HTTP, native) exposes the same rows once. */
        char key[64];
        snprintf(key, sizeof key, "%.16s %.46s", s->engine ? s->engine : "", s->ip);
        int added = remember(&h->servers, &h->nservers, &h->capservers, key);
        if (added < 0)
            return -1;
        h->exposed++;
        if (added)
            h->exposed_rows = ls_count_add(h->exposed_rows, ls_service_rows(s));
    }
    bool v6 = strchr(s->ip, ':') != NULL;
    ls_buf_printf(b, "<section class=\"svc %s\"><h2>", ls_severity_name(s->severity));
    sev_badge(b, s->severity);
    ls_buf_puts(b, " ");
    if (s->host[0] && strcmp(s->host, s->ip) != 0) {
        ESC_FIXED(b, s->host);
        ls_buf_puts(b, " ");
    }
    ls_buf_puts(b, v6 ? "[" : "");
    ESC_FIXED(b, s->ip);
    ls_buf_printf(b, "%s:%u — ", v6 ? "]" : "", s->port);
    esc(b, ls_engine_display_name(s->engine));
    ls_buf_puts(b, " ");
    ESC_FIXED(b, s->version);
    ls_buf_puts(b, "</h2>\n<dl class=facts><dt>Interface</dt><dd>");
    esc(b, s->interface);
    ls_buf_printf(b, "%s</dd><dt>Access</dt><dd>%s%s%s</dd>", s->tls ? " (TLS)" : "", exposed ? "<strong>" : "",
                  s->auth == LS_AUTH_NONE ? "no password" : ls_auth_name(s->auth), exposed ? "</strong>" : "");
    if (s->auth_evidence) {
        ls_buf_puts(b, "<dt>Server said</dt><dd><code>");
        esc(b, s->auth_evidence);
        ls_buf_puts(b, "</code></dd>");
    }
    if (s->display_name[0]) {
        ls_buf_puts(b, "<dt>Server name</dt><dd>");
        ESC_FIXED(b, s->display_name);
        ls_buf_puts(b, "</dd>");
    }
    char n1[LS_FMT_NUM], n2[LS_FMT_NUM], n3[LS_FMT_NUM], n4[LS_FMT_NUM];
    struct ls_unit_words words = ls_unit_words(ls_service_unit_kind(s));
    if (s->auth != LS_AUTH_REQUIRED)
        ls_buf_printf(b, "<dt>Exposed</dt><dd>%s databases, %s %s, %s %s, %s</dd>", ls_fmt_thousands(s->ndatabases, n1),
                      ls_fmt_thousands(s->ntables, n2), words.many, ls_fmt_thousands(ls_service_rows(s), n3),
                      words.entry_many, ls_fmt_bytes(ls_service_bytes(s), n4));
    ls_buf_puts(b, "</dl>\n");
    if (s->error) {
        ls_buf_puts(b, "<p class=note>");
        esc(b, s->error);
        ls_buf_puts(b, "</p>\n");
    }
    if (s->ntables)
        tables_table(b, s);
    if (s->inventory_truncated)
        ls_buf_puts(b, "<p class=note>More tables exist than listed (a limit was reached).</p>\n");
    if (secrets_table(b, h, s, r->opts.show_secrets))
        return -1;
    access_section(b, &s->access);
    if (s->nrisks) {
        ls_buf_puts(b, "<h3>Risks</h3><ul class=risks>\n");
        for (size_t i = 0; i < s->nrisks; i++) {
            ls_buf_puts(b, "<li>");
            sev_badge(b, s->risks[i].severity);
            ls_buf_puts(b, " <strong>");
            esc(b, s->risks[i].title);
            ls_buf_puts(b, "</strong> <small>");
            esc(b, s->risks[i].id);
            ls_buf_puts(b, "</small><br><span class=ev>");
            esc(b, s->risks[i].evidence);
            ls_buf_puts(b, "</span></li>\n");
        }
        ls_buf_puts(b, "</ul>\n");
    }
    if (s->nremediation) {
        ls_buf_puts(b, "<h3>How to close it</h3><ol class=fix>\n");
        for (size_t i = 0; i < s->nremediation; i++) {
            ls_buf_puts(b, "<li>");
            esc(b, s->remediation[i]);
            ls_buf_puts(b, "</li>\n");
        }
        ls_buf_puts(b, "</ol>\n");
    }
    ls_buf_puts(b, "</section>\n");
    return b->oom ? -1 : 0;
}

/* Hosts open on the ports of many engines: a warning above the services, since what they "expose"
 * may be bait. */
static void suspects_section(struct ls_buf *b, const struct ls_scan_summary *sum)
{
    char n[LS_FMT_NUM], text[1024];
    ls_buf_puts(b, "<section id=honeypots class=warn role=alert><h2>&#9888; ");
    esc(b, ls_suspects_heading(sum->nsuspects + sum->suspects_omitted, text, sizeof text));
    ls_buf_puts(b, "</h2>\n<p>");
    esc(b, ls_suspects_intro);
    ls_buf_puts(b, " Their ports are still assessed; any service found is listed below.</p>\n<ul>\n");
    for (size_t i = 0; i < sum->nsuspects; i++) {
        ls_buf_puts(b, "<li><strong>");
        ESC_FIXED(b, sum->suspects[i].ip);
        ls_buf_puts(b, "</strong>: ");
        esc(b, ls_suspect_describe(&sum->suspects[i], text, sizeof text));
        ls_buf_puts(b, "</li>\n");
    }
    ls_buf_puts(b, "</ul>\n");
    if (sum->suspects_omitted)
        ls_buf_printf(b, "<p>%s more not listed.</p>\n", ls_fmt_thousands(sum->suspects_omitted, n));
    ls_buf_puts(b, "</section>\n");
}

static int html_summary(struct ls_report *r, const struct ls_scan_summary *sum)
{
    struct html_state *h = state(r);
    if (!h)
        return -1;
    h->sum = *sum;
    h->sum.suspects = NULL; /* borrowed for this call only */
    h->sum.nsuspects = 0;
    h->have_sum = true;
    if (sum->nsuspects || sum->suspects_omitted)
        suspects_section(&h->suspects, sum);
    return h->suspects.oom ? -1 : 0;
}

/* ---- the document ---- */

static const char css[] =
    ":root{--bg:#fff;--fg:#1b1f24;--mut:#59636e;--line:#d8dee4;--card:#f6f8fa;--crit:#b3001b;--high:#d1242f;"
    "--med:#bf8700;--low:#57606a;--info:#8c959f}"
    "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mut:#9198a1;--line:#30363d;"
    "--card:#161b22}}"
    "*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;"
    "background:var(--bg);color:var(--fg)}main{max-width:1100px;margin:0 auto;padding:16px}"
    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:0 0 .5em;overflow-wrap:anywhere}"
    "h3{font-size:1em;margin:1em 0 .4em}.mut,small{color:var(--mut)}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(128px,1fr));gap:10px;margin:12px 0}"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 10px}"
    ".card b{display:block;font-size:1.3em;line-height:1.3;white-space:nowrap}"
    ".chart{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px;margin:12px 0}"
    ".chart svg{width:100%;height:auto;max-width:640px;display:block}"
    ".svc{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:8px;padding:12px 14px;"
    "margin:16px 0}.svc.critical{border-left-color:var(--crit)}.svc.high{border-left-color:var(--high)}"
    ".svc.medium{border-left-color:var(--med)}.svc.low{border-left-color:var(--low)}"
    ".warn{border:1px solid var(--med);border-left:6px solid var(--med);border-radius:8px;padding:12px 14px;"
    "margin:16px 0;background:var(--card)}"
    ".sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:.8em;font-weight:600;color:#fff;"
    "background:var(--info);text-transform:uppercase;vertical-align:middle}.sev.critical{background:var(--crit)}"
    ".sev.high{background:var(--high)}.sev.medium{background:var(--med)}.sev.low{background:var(--low)}"
    ".facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}.facts dt{color:var(--mut)}"
    ".facts dd{margin:0;overflow-wrap:anywhere}.scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}th,td{text-align:left;padding:4px 8px;"
    "border-bottom:1px solid var(--line);vertical-align:top}th{cursor:pointer;user-select:none;white-space:nowrap}"
    "th.n,td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th[aria-sort=ascending]::after{"
    "content:' ▲'}"
    "th[aria-sort=descending]::after{content:' ▼'}code{font-size:.9em;overflow-wrap:anywhere}"
    ".cls{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 6px;font-size:.85em}"
    ".ev{color:var(--mut);overflow-wrap:anywhere}.note{color:var(--mut);font-style:italic}"
    "ul.risks,ol.fix{padding-left:1.3em}li{margin:.3em 0}summary{cursor:pointer}summary h3{display:inline}"
    "@media (max-width:600px){body{font-size:14px}main{padding:10px}.facts{grid-template-columns:1fr}"
    ".facts dt{margin-top:4px}th,td{padding:3px 5px}}";

/* Sorts a table by the clicked column: numbers by data-v, text otherwise; click again to reverse. */
static const char js[] =
    "document.querySelectorAll('table.sortable th').forEach(function(th,i){th.tabIndex=0;"
    "function go(){var tb=th.closest('table').tBodies[0],rows=Array.prototype.slice.call(tb.rows),"
    "asc=th.getAttribute('aria-sort')!=='ascending';th.parentNode.querySelectorAll('th').forEach(function(o)"
    "{o.removeAttribute('aria-sort')});th.setAttribute('aria-sort',asc?'ascending':'descending');"
    "function key(r){var c=r.cells[i];if(!c)return '';var v=c.getAttribute('data-v');"
    "return v!==null?parseFloat(v):c.textContent.toLowerCase()}"
    "rows.sort(function(a,b){var x=key(a),y=key(b);return (x<y?-1:x>y?1:0)*(asc?1:-1)});"
    "rows.forEach(function(r){tb.appendChild(r)})}"
    "th.addEventListener('click',go);th.addEventListener('keydown',function(e){if(e.key==='Enter')go()})});";

static void card(struct ls_buf *b, uint64_t v, const char *label)
{
    char n[LS_FMT_NUM];
    ls_buf_printf(b, "<div class=card><b>%s</b>%s</div>", ls_fmt_thousands(v, n), label);
}

/* Horizontal bars: services per severity, critical first. */
static void chart(struct ls_buf *b, const struct html_state *h)
{
    static const char *const colors[] = {"#8c959f", "#57606a", "#bf8700", "#d1242f", "#b3001b"};
    uint64_t max = 1;
    for (int i = 0; i < 5; i++)
        if (h->by_sev[i] > max)
            max = h->by_sev[i];
    ls_buf_puts(b, "<div class=chart><svg viewBox=\"0 0 640 190\" role=img aria-label=\"Services by severity\">"
                   "<title>Services by severity</title>");
    for (int k = 0; k < 5; k++) {
        int s = 4 - k;
        unsigned w = (unsigned)(h->by_sev[s] * 440 / max), y = 10 + 36u * (unsigned)k;
        char n[LS_FMT_NUM];
        ls_buf_printf(b,
                      "<text x=\"0\" y=\"%u\" font-size=\"14\" fill=\"currentColor\">%s</text>"
                      "<rect x=\"90\" y=\"%u\" width=\"%u\" height=\"24\" rx=\"3\" fill=\"%s\"/>"
                      "<text x=\"%u\" y=\"%u\" font-size=\"14\" fill=\"currentColor\">%s</text>",
                      y + 17, ls_severity_name((enum ls_severity)s), y, w ? w : 1, colors[s], 98 + w, y + 17,
                      ls_fmt_thousands(h->by_sev[s], n));
    }
    ls_buf_puts(b, "</svg></div>\n");
}

static int html_finish(struct ls_report *r)
{
    struct html_state *h = state(r);
    if (!h)
        return -1;
    struct ls_buf b = {0};
    ls_buf_puts(&b, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
                    "<meta name=viewport content=\"width=device-width,initial-scale=1\">\n"
                    "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
                    "<title>leakscan report</title>\n<style>");
    ls_buf_puts(&b, css);
    ls_buf_puts(&b, "</style></head><body><main>\n<h1>leakscan report</h1>\n<p class=mut>");
    char n1[LS_FMT_NUM], n2[LS_FMT_NUM], n3[LS_FMT_NUM], n4[LS_FMT_NUM];
    if (h->have_sum)
        ls_buf_printf(&b, "%s targets, %s probes, %s open ports, scanned in %s.", ls_fmt_thousands(h->sum.targets, n1),
                      ls_fmt_thousands(h->sum.probes, n2), ls_fmt_thousands(h->sum.open_ports, n3),
                      ls_fmt_duration(h->sum.duration_ms, n4));
    ls_buf_puts(&b, " leakscan " LS_VERSION "</p>\n<section id=overview><div class=cards>");
    card(&b, h->nips, "hosts");
    card(&b, h->have_sum ? h->sum.probes : 0, "probes");
    card(&b, h->nservices, "database services");
    card(&b, h->exposed, "exposed (no password)");
    card(&b, h->exposed_rows, "rows exposed");
    card(&b, distinct_secrets(h), "distinct secrets");
    ls_buf_puts(&b, "</div>\n");
    chart(&b, h);
    ls_buf_puts(&b, "</section>\n");
    if (h->suspects.len)
        ls_buf_add(&b, h->suspects.p, h->suspects.len);
    if (h->suspects.oom)
        b.oom = true; /* the page would lack the warning: report the failure */
    ls_buf_free(&h->suspects);
    if (!h->nservices)
        ls_buf_puts(&b, "<p>No database service found.</p>\n");
    ls_report_write(r, b.p, b.len);
    int rc = b.oom ? -1 : 0;
    ls_buf_free(&b);
    ls_sort(h->sections, h->nsections, sizeof *h->sections, worst_first);
    for (size_t i = 0; i < h->nsections; i++) {
        ls_report_write(r, h->sections[i].html.p, h->sections[i].html.len);
        rc |= h->sections[i].html.oom ? -1 : 0;
        ls_buf_free(&h->sections[i].html);
    }
    free(h->sections);
    ls_buf_puts(&b, "</main><script>");
    ls_buf_puts(&b, js);
    ls_buf_puts(&b, "</script></body></html>\n");
    ls_report_write(r, b.p, b.len);
    rc |= b.oom ? -1 : 0;
    ls_buf_free(&b);
    free(h->fps);
    free(h->ips);
    free(h->servers);
    free(h);
    r->state = NULL;
    return rc;
}

const struct ls_report_ops ls_report_ops_html = {html_service, html_summary, html_finish};
