/* Markdown report (for tickets, wikis, pull requests): one section per service as it finishes, then
 * a warning naming any likely honeypots, and the totals last. Every model string is escaped so that a
 * hostile server can neither inject markup, links or raw HTML (which Markdown renderers pass
 * through) nor break a table. */
#define LS_REPORT_INTERNAL
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"

#define MAX_SECRET_ROWS 50 /* per service; the JSON Lines report lists every one */

/* Appends s escaped for Markdown inline text and table cells. */
static void md(struct ls_buf *b, const char *s)
{
    if (!s)
        return;
    char *c = ls_text_clean(s, strlen(s), LS_CLEAN_SPACE); /* valid UTF-8, no control characters */
    if (!c) {
        b->oom = true;
        return;
    }
    for (const char *p = c; *p; p++) {
        switch (*p) {
        case '<': ls_buf_puts(b, "&lt;"); break;
        case '>': ls_buf_puts(b, "&gt;"); break;
        case '&': ls_buf_puts(b, "&amp;"); break;
        case '\n': ls_buf_puts(b, " "); break;
        /* emphasis, code, links, tables, strikethrough; the rest only matters at a line start,
         * where no model string is ever placed */
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '|':
        case '~': ls_buf_printf(b, "\\%c", *p); break;
        default: ls_buf_add(b, p, 1);
        }
    }
    free(c);
}

#define MD_FIXED(b, arr)                                                                                               \
    do {                                                                                                               \
        char tmp_[sizeof(arr) + 1];                                                                                    \
        snprintf(tmp_, sizeof tmp_, "%.*s", (int)strnlen((arr), sizeof(arr)), (arr));                                  \
        md((b), tmp_);                                                                                                 \
    } while (0)

static int emit(struct ls_report *r, struct ls_buf *b)
{
    int rc = b->oom ? -1 : 0;
    if (!rc)
        ls_report_write(r, b->p, b->len);
    ls_buf_free(b);
    return rc;
}

static void tables(struct ls_buf *b, const struct ls_service *s)
{
    ls_buf_puts(b, "\n| Table | Rows | Size | Classes | Findings |\n|---|--:|--:|---|---|\n");
    for (size_t i = 0; i < s->ntables; i++) {
        const struct ls_table *t = &s->tables[i];
        char n[LS_FMT_NUM], z[LS_FMT_NUM];
        ls_buf_puts(b, "| ");
        md(b, t->database);
        ls_buf_puts(b, ".");
        md(b, t->name);
        ls_buf_printf(b, " | %s | %s | ", t->rows_known ? ls_fmt_thousands(t->rows, n) : "?",
                      ls_fmt_bytes(t->bytes, z));
        for (unsigned k = 0, first = 1; k < LS_CLASS_COUNT; k++)
            if (t->classes & (1u << k)) {
                ls_buf_printf(b, "%s%s", first ? "" : ", ", ls_class_name(1u << k));
                first = 0;
            }
        ls_buf_puts(b, " | ");
        for (size_t k = 0; k < t->ntallies; k++) {
            ls_buf_puts(b, k ? ", " : "");
            md(b, t->tallies[k].rule);
            ls_buf_printf(b, " ×%s", ls_fmt_thousands(t->tallies[k].count, n));
        }
        ls_buf_puts(b, " |\n");
    }
}

static void secrets(struct ls_buf *b, const struct ls_service *s)
{
    size_t total = 0, listed = 0;
    for (size_t i = 0; i < s->ntables; i++)
        total += s->tables[i].nsecrets;
    if (!total)
        return;
    ls_buf_puts(b, "\n**Secrets and personal data** (redacted)\n\n| Rule | Where | Value | Fingerprint | Count |\n"
                   "|---|---|---|---|--:|\n");
    for (size_t i = 0; i < s->ntables && listed < MAX_SECRET_ROWS; i++)
        for (size_t k = 0; k < s->tables[i].nsecrets && listed < MAX_SECRET_ROWS; k++, listed++) {
            const struct ls_table *t = &s->tables[i];
            const struct ls_secret *x = &t->secrets[k];
            char n[LS_FMT_NUM];
            ls_buf_puts(b, "| ");
            md(b, x->rule);
            ls_buf_puts(b, " | ");
            md(b, t->database);
            ls_buf_puts(b, ".");
            md(b, t->name);
            ls_buf_puts(b, " | ");
            MD_FIXED(b, x->redacted); /* never the raw value: Markdown reports get pasted into tickets */
            ls_buf_printf(b, " | `%.23s…` | %s |\n", x->fingerprint, ls_fmt_thousands(x->count, n));
        }
    if (total > listed) {
        char n[LS_FMT_NUM];
        ls_buf_printf(b, "\n%s more not listed; the JSON Lines report lists every one.\n",
                      ls_fmt_thousands(total - listed, n));
    }
}

/* What the account could do (model/access.h): a capability table, then the engine's facts. */
static void access_md(struct ls_buf *b, const struct ls_access *a)
{
    if (!a->assessed)
        return;
    ls_buf_puts(b, "\n**What this access allows**");
    if (a->user[0]) {
        ls_buf_puts(b, " (account ");
        MD_FIXED(b, a->user);
        ls_buf_puts(b, ")");
    }
    ls_buf_puts(b, "\n\n| capability | allowed | evidence |\n|---|---|---|\n");
    for (int c = 0; c < LS_CAP_COUNT; c++) {
        ls_buf_printf(b, "| %s | %s | ", ls_cap_label((enum ls_cap)c),
                      ls_tri_word(ls_access_cap_value(a, (enum ls_cap)c)));
        if (a->caps[c].evidence)
            md(b, a->caps[c].evidence);
        ls_buf_puts(b, " |\n");
    }
    if (a->nfacts)
        ls_buf_puts(b, "\n");
    for (size_t i = 0; i < a->nfacts; i++) {
        char label[64], value[2048];
        ls_buf_puts(b, "- ");
        md(b, ls_fact_label(&a->facts[i], label, sizeof label));
        ls_buf_puts(b, ": ");
        md(b, ls_fact_value(&a->facts[i], value, sizeof value));
        ls_buf_puts(b, "\n");
    }
}

static int md_service(struct ls_report *r, const struct ls_service *s)
{
    struct ls_buf b = {0};
    char n1[LS_FMT_NUM], n2[LS_FMT_NUM];
    if (!r->state) {
        ls_buf_puts(&b, "# leakscan report\n");
        r->state = r; /* header written */
    }
    ls_buf_printf(&b, "\n## %s: ", ls_severity_name(s->severity));
    bool v6 = strchr(s->ip, ':') != NULL;
    ls_buf_puts(&b, v6 ? "\\[" : "");
    MD_FIXED(&b, s->ip);
    ls_buf_printf(&b, "%s:%u %s ", v6 ? "\\]" : "", (unsigned)s->port, ls_engine_display_name(s->engine));
    MD_FIXED(&b, s->version);
    ls_buf_puts(&b, "\n\n- Interface: ");
    md(&b, s->interface);
    ls_buf_printf(&b, "%s\n- Access: **%s**\n", s->tls ? " (TLS)" : "",
                  s->auth == LS_AUTH_NONE ? "no password" : ls_auth_name(s->auth));
    if (s->display_name[0]) {
        ls_buf_puts(&b, "- Server name: ");
        MD_FIXED(&b, s->display_name);
        ls_buf_puts(&b, "\n");
    }
    if (s->auth != LS_AUTH_REQUIRED)
        ls_buf_printf(&b, "- Exposed: %s %s, %s %s\n", ls_fmt_thousands(s->ntables, n1),
                      ls_unit_words(ls_service_unit_kind(s)).many, ls_fmt_thousands(ls_service_rows(s), n2),
                      ls_unit_words(ls_service_unit_kind(s)).entry_many);
    if (s->ntables)
        tables(&b, s);
    secrets(&b, s);
    access_md(&b, &s->access);
    if (s->nrisks) {
        ls_buf_puts(&b, "\n**Risks**\n\n");
        for (size_t i = 0; i < s->nrisks; i++) {
            ls_buf_printf(&b, "- **%s** ", ls_severity_name(s->risks[i].severity));
            md(&b, s->risks[i].title);
            ls_buf_puts(&b, " (");
            md(&b, s->risks[i].id);
            ls_buf_puts(&b, "): ");
            md(&b, s->risks[i].evidence);
            ls_buf_puts(&b, "\n");
        }
    }
    if (s->nremediation) {
        ls_buf_puts(&b, "\n**How to close it**\n\n");
        for (size_t i = 0; i < s->nremediation; i++) {
            ls_buf_printf(&b, "%zu. ", i + 1);
            md(&b, s->remediation[i]);
            ls_buf_puts(&b, "\n");
        }
    }
    return emit(r, &b);
}

/* Hosts open on the ports of many engines: a warning section before the totals. */
static void suspects(struct ls_buf *b, const struct ls_scan_summary *sum)
{
    char n[LS_FMT_NUM], text[1024];
    ls_buf_puts(b, "\n## Warning. ");
    md(b, ls_suspects_heading(sum->nsuspects + sum->suspects_omitted, text, sizeof text));
    ls_buf_puts(b, "\n\n");
    md(b, ls_suspects_intro);
    ls_buf_puts(b, "\n\n");
    for (size_t i = 0; i < sum->nsuspects; i++) {
        ls_buf_puts(b, "- **");
        MD_FIXED(b, sum->suspects[i].ip);
        ls_buf_puts(b, "**: ");
        md(b, ls_suspect_describe(&sum->suspects[i], text, sizeof text));
        ls_buf_puts(b, "\n");
    }
    if (sum->suspects_omitted)
        ls_buf_printf(b, "\n%s more not listed.\n", ls_fmt_thousands(sum->suspects_omitted, n));
}

static int md_summary(struct ls_report *r, const struct ls_scan_summary *sum)
{
    struct ls_buf b = {0};
    char a[LS_FMT_NUM], p[LS_FMT_NUM], o[LS_FMT_NUM], sv[LS_FMT_NUM], ex[LS_FMT_NUM], d[LS_FMT_NUM];
    if (!r->state) {
        ls_buf_puts(&b, "# leakscan report\n");
        r->state = r;
    }
    if (sum->nsuspects || sum->suspects_omitted)
        suspects(&b, sum);
    ls_buf_printf(&b, "\n---\n\n%s targets, %s probes, %s open ports: **%s services, %s exposed**, in %s.\n",
                  ls_fmt_thousands(sum->targets, a), ls_fmt_thousands(sum->probes, p),
                  ls_fmt_thousands(sum->open_ports, o), ls_fmt_thousands(sum->services, sv),
                  ls_fmt_thousands(sum->exposed, ex), ls_fmt_duration(sum->duration_ms, d));
    return emit(r, &b);
}

static int md_finish(struct ls_report *r)
{
    r->state = NULL; /* only a marker, nothing to free */
    return 0;
}

const struct ls_report_ops ls_report_ops_markdown = {md_service, md_summary, md_finish};
