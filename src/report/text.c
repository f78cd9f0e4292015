/* Text report for humans: one block per service saying the leak plainly, 80 columns, optional colour. */
#define LS_REPORT_INTERNAL
#include "report/report.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report/text_int.h"
#include "util/fmt.h"
#include "util/num.h"

/* Layout. Every line fits in WIDTH columns except two kinds: the headline of each service, which
 * stays one line on purpose (one grep-able line per service: address, engine, access, what leaks),
 * and single tokens longer than a line (a long table name, a raw secret). Everything a server sent
 * (names, versions, evidence, secret values) goes through ls_buf_add_clean, so it cannot inject
 * terminal escapes. Colour codes appear only with opts.color. */
#define WIDTH 80
#define MAX_FINDINGS 8  /* rules listed per table */
#define MAX_SECRETS 10  /* secrets listed per table */
#define MAX_ENGINE_W 16 /* longer table engine names are cut with "…" */

#define RESET "\033[0m"
#define BOLD "\033[1m"

static const char *sev_code(enum ls_severity s)
{
    switch (s) {
    case LS_SEV_CRITICAL: return "\033[1;31m";
    case LS_SEV_HIGH: return "\033[31m";
    case LS_SEV_MEDIUM: return "\033[33m";
    default: return "\033[2m";
    }
}

static const char *sev_upper(enum ls_severity s)
{
    static const char *const names[] = {"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "INFO";
}

static void paint(struct ls_buf *b, bool color, const char *code, const char *text)
{
    if (color)
        ls_buf_puts(b, code);
    ls_buf_puts(b, text);
    if (color)
        ls_buf_puts(b, RESET);
}

void ls_text_add_clean(struct ls_buf *b, const char *s, unsigned flags)
{
    if (s)
        ls_buf_add_clean(b, s, strlen(s), flags);
}

/* Appends ", " between items of a list being built. */
static void sep(struct ls_buf *b)
{
    if (b->len)
        ls_buf_puts(b, ", ");
}

static void add_plural(struct ls_buf *b, uint64_t n, const char *one, const char *many)
{
    char num[LS_FMT_NUM];
    ls_buf_printf(b, "%s %s", ls_fmt_thousands(n, num), n == 1 ? one : many);
}

/* Appends s, cut to at most maxw columns with a trailing "…" when it is wider. */
static void add_trunc(struct ls_buf *b, const char *s, size_t maxw)
{
    if (ls_text_width(s) <= maxw) {
        ls_buf_puts(b, s);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, w = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = ls_utf8_decode(p + i, n - i, &cp);
        char one[5] = {0};
        memcpy(one, s + i, k < 4 ? k : 4);
        size_t cw = ls_text_width(one);
        if (w + cw + 1 > maxw)
            break;
        w += cw;
        i += k;
    }
    ls_buf_add(b, s, i);
    ls_buf_puts(b, "…");
    ls_buf_pad(b, maxw > w + 1 ? maxw - w - 1 : 0);
}

/* ---- headline ---- */

static void add_addr(struct ls_buf *b, const struct ls_service *s)
{
    size_t hn = strnlen(s->host, sizeof s->host), in = strnlen(s->ip, sizeof s->ip);
    const char *h = hn ? s->host : s->ip;
    size_t n = hn ? hn : in;
    bool v6 = memchr(h, ':', n) != NULL;
    if (v6)
        ls_buf_puts(b, "[");
    ls_buf_add_clean(b, h, n, 0);
    ls_buf_printf(b, "%s:%u", v6 ? "]" : "", (unsigned)s->port);
    if (hn && in && (hn != in || memcmp(s->host, s->ip, hn) != 0)) {
        ls_buf_puts(b, " (");
        ls_buf_add_clean(b, s->ip, in, 0);
        ls_buf_puts(b, ")");
    }
}

static const char *auth_marker(enum ls_auth a)
{
    switch (a) {
    case LS_AUTH_NONE: return "NO PASSWORD";
    case LS_AUTH_DEFAULT_CREDENTIALS: return "DEFAULT CREDENTIALS";
    case LS_AUTH_REQUIRED: return "password required";
    case LS_AUTH_UNKNOWN: break;
    }
    return "access unknown";
}

/* "chat logs, API keys and personal data" from the class bits; "" when none. */
static void add_exposed_words(struct ls_buf *b, unsigned classes)
{
    const char *words[4];
    size_t n = 0;
    if (classes & LS_CLASS_CHAT)
        words[n++] = "chat logs";
    if (classes & LS_CLASS_SECRETS)
        words[n++] = "API keys";
    if (classes & LS_CLASS_PII)
        words[n++] = "personal data";
    if ((classes & LS_CLASS_LOGS) && !(classes & LS_CLASS_CHAT))
        words[n++] = "logs";
    for (size_t i = 0; i < n; i++) {
        if (i)
            ls_buf_puts(b, i + 1 == n ? " and " : ", ");
        ls_buf_puts(b, words[i]);
    }
}

static void headline(struct ls_buf *b, bool color, const struct ls_service *s)
{
    add_addr(b, s);
    ls_buf_puts(b, "  ");
    ls_buf_puts(b, ls_engine_display_name(s->engine));
    if (s->version[0]) {
        ls_buf_puts(b, " ");
        ls_buf_add_clean(b, s->version, strnlen(s->version, sizeof s->version), LS_CLEAN_SPACE);
    }
    ls_buf_puts(b, "  ");
    paint(b, color, s->auth == LS_AUTH_REQUIRED ? BOLD : sev_code(s->severity), auth_marker(s->auth));

    struct ls_buf tail = {0};
    if (s->auth == LS_AUTH_REQUIRED) {
        if (s->display_name[0]) {
            ls_buf_puts(&tail, "display name \"");
            ls_buf_add_clean(&tail, s->display_name, strnlen(s->display_name, sizeof s->display_name), LS_CLEAN_SPACE);
            ls_buf_puts(&tail, "\" leaked");
        }
    } else if (s->ntables > 0) {
        size_t unknown = 0;
        for (size_t i = 0; i < s->ntables; i++)
            unknown += !s->tables[i].rows_known;
        struct ls_unit_words w = ls_unit_words(ls_service_unit_kind(s));
        add_plural(&tail, s->ntables, w.one, w.many);
        if (unknown < s->ntables) {
            char num[LS_FMT_NUM];
            uint64_t rows = ls_service_rows(s);
            ls_buf_printf(&tail, ", %s%s %s", ls_fmt_thousands(rows, num), unknown ? "+" : "",
                          rows == 1 && !unknown ? w.entry_one : w.entry_many);
        }
        if (ls_service_classes(s)) {
            ls_buf_puts(&tail, ", ");
            add_exposed_words(&tail, ls_service_classes(s));
        }
        ls_buf_puts(&tail, " exposed");
    } else if (s->auth != LS_AUTH_UNKNOWN)
        ls_buf_puts(&tail, "no data found");
    if (tail.len) {
        ls_buf_puts(b, "  ");
        ls_buf_add(b, tail.p, tail.len);
    }
    b->oom |= tail.oom;
    ls_buf_free(&tail);
    ls_buf_puts(b, "\n");
}

/* ---- service facts under the headline ---- */

static void facts(struct ls_buf *b, bool color, const struct ls_service *s)
{
    struct ls_buf f = {0}, pre = {0};
    char num[LS_FMT_NUM];
    if (s->interface)
        ls_buf_printf(&f, "%s interface", s->interface);
    sep(&f);
    ls_buf_puts(&f, s->tls ? "TLS" : "no TLS");
    if (s->ndatabases) {
        sep(&f);
        add_plural(&f, s->ndatabases, "database", "databases");
    }
    if (s->ntables) {
        sep(&f);
        ls_buf_puts(&f, ls_fmt_bytes(ls_service_bytes(s), num));
    }
    if (s->display_name[0]) {
        sep(&f);
        ls_buf_puts(&f, "server name \"");
        ls_buf_add_clean(&f, s->display_name, strnlen(s->display_name, sizeof s->display_name), LS_CLEAN_SPACE);
        ls_buf_puts(&f, "\"");
    }
    if (s->timezone[0]) {
        sep(&f);
        ls_buf_puts(&f, "timezone ");
        ls_buf_add_clean(&f, s->timezone, strnlen(s->timezone, sizeof s->timezone), LS_CLEAN_SPACE);
    }
    const char *tag = sev_upper(s->severity);
    ls_buf_puts(&pre, "  ");
    paint(&pre, color, sev_code(s->severity), tag);
    ls_buf_puts(&pre, "  ");
    size_t pw = 4 + strlen(tag);
    if (!f.oom && !pre.oom)
        ls_buf_wrap(b, pre.p, pw, pw, f.p ? f.p : "", WIDTH);
    b->oom |= f.oom || pre.oom;
    ls_buf_free(&f);
    ls_buf_free(&pre);
}

/* "  label: text", wrapped, continuation indented by 4. */
void ls_text_labelled(struct ls_buf *b, const char *indent, const char *label, const char *text)
{
    struct ls_buf t = {0};
    ls_buf_add(&t, "", 0);
    ls_text_add_clean(&t, text, LS_CLEAN_SPACE);
    ls_buf_printf(b, "%s%s:", indent, label);
    if (!t.oom)
        ls_buf_wrap(b, " ", strlen(indent) + strlen(label) + 2, strlen(indent) + 2, t.p, WIDTH);
    b->oom |= t.oom;
    ls_buf_free(&t);
}

/* ---- tables ---- */

static void upper(char *out, size_t n, const char *in)
{
    size_t i = 0;
    for (; in[i] && i + 1 < n; i++)
        out[i] = (char)toupper((unsigned char)in[i]);
    out[i] = '\0';
}

struct trow {
    struct ls_buf name, engine;
    char rows[LS_FMT_NUM + 1], size[LS_FMT_NUM];
    char classes[48];
};

void ls_text_table_name(struct ls_buf *b, const struct ls_table *t)
{
    if (t->database) {
        ls_text_add_clean(b, t->database, 0);
        ls_buf_puts(b, ".");
    }
    ls_text_add_clean(b, t->name ? t->name : "?", 0);
}

static size_t max_sz(size_t a, size_t b)
{
    return a > b ? a : b;
}

static void tables_section(struct ls_buf *b, bool color, const struct ls_service *s)
{
    struct trow *rows = calloc(s->ntables, sizeof *rows);
    if (!rows) {
        b->oom = true;
        return;
    }
    /* headers name what the units are: TABLE/ROWS, QUEUE/MESSAGES, DATA UNIT/ENTRIES when mixed */
    struct ls_unit_words words = ls_unit_words(ls_service_unit_kind(s));
    char unit_h[32], rows_h[32];
    upper(unit_h, sizeof unit_h, words.one);
    upper(rows_h, sizeof rows_h, words.entry_many);
    const char *eng_h = "KIND", *kind = ls_service_unit_kind(s);
    for (size_t i = 0; i < s->ntables; i++)
        if (s->tables[i].storage)
            eng_h = "ENGINE";
    /* the ENGINE/KIND column only when it says something the header does not */
    bool show_eng = strcmp(eng_h, "ENGINE") == 0 || (kind && strcmp(kind, "unit") == 0);
    size_t namew = strlen(unit_h), engw = 6, rowsw = strlen(rows_h), sizew = 4, clsw = 8;
    for (size_t i = 0; i < s->ntables; i++) {
        const struct ls_table *t = &s->tables[i];
        struct trow *w = &rows[i];
        ls_buf_add(&w->name, "", 0);
        ls_buf_add(&w->engine, "", 0);
        ls_text_table_name(&w->name, t);
        ls_text_add_clean(&w->engine, t->storage ? t->storage : t->kind ? t->kind : "-", LS_CLEAN_SPACE);
        if (t->rows_known)
            ls_fmt_thousands(t->rows, w->rows);
        else
            strcpy(w->rows, "?");
        ls_fmt_bytes(t->bytes, w->size);
        w->classes[0] = '\0';
        for (unsigned c = 0; c < LS_CLASS_COUNT; c++)
            if (t->classes & (1u << c)) {
                if (w->classes[0])
                    strcat(w->classes, ", ");
                strcat(w->classes, ls_class_name(1u << c));
            }
        if (!w->classes[0])
            strcpy(w->classes, "-");
        b->oom |= w->name.oom || w->engine.oom;
        if (b->oom)
            continue;
        namew = max_sz(namew, ls_text_width(w->name.p));
        engw = max_sz(engw, ls_text_width(w->engine.p));
        rowsw = max_sz(rowsw, strlen(w->rows));
        sizew = max_sz(sizew, strlen(w->size));
        clsw = max_sz(clsw, strlen(w->classes));
    }
    if (engw > MAX_ENGINE_W)
        engw = MAX_ENGINE_W;
    /* The name column gets what is left of the line; names wider than that go on their own line
     * and do not widen the column for the others. */
    if (!show_eng)
        engw = 0;
    size_t fixed = 2 + 2 + (show_eng ? engw + 2 : 0) + rowsw + 2 + sizew + 2 + clsw;
    size_t room = WIDTH > fixed + 12 ? WIDTH - fixed : 12;
    if (namew > room) {
        namew = 5;
        for (size_t i = 0; i < s->ntables && !b->oom; i++) {
            size_t w = ls_text_width(rows[i].name.p);
            if (w <= room)
                namew = max_sz(namew, w);
        }
    }

    ls_buf_puts(b, "\n  ");
    if (color)
        ls_buf_puts(b, BOLD);
    ls_buf_printf(b, "%-*s  ", (int)namew, unit_h);
    if (show_eng)
        ls_buf_printf(b, "%-*s  ", (int)engw, eng_h);
    ls_buf_printf(b, "%*s  %*s  %s", (int)rowsw, rows_h, (int)sizew, "SIZE", "CONTAINS");
    if (color)
        ls_buf_puts(b, RESET);
    ls_buf_puts(b, "\n");
    for (size_t i = 0; i < s->ntables && !b->oom; i++) {
        struct trow *w = &rows[i];
        size_t nw = ls_text_width(w->name.p);
        ls_buf_puts(b, "  ");
        ls_buf_puts(b, w->name.p);
        if (nw > namew) { /* too long for the column: the name gets its own line */
            ls_buf_puts(b, "\n");
            ls_buf_pad(b, 2 + namew + 2);
        } else
            ls_buf_pad(b, namew - nw + 2);
        size_t ew = ls_text_width(w->engine.p);
        if (show_eng) {
            add_trunc(b, w->engine.p, engw);
            ls_buf_pad(b, (ew < engw ? engw - ew : 0) + 2);
        }
        ls_buf_printf(b, "%*s  %*s  ", (int)rowsw, w->rows, (int)sizew, w->size);
        if (color && (s->tables[i].classes & (LS_CLASS_SECRETS | LS_CLASS_PII | LS_CLASS_CHAT)))
            paint(b, true, sev_code(s->severity), w->classes);
        else
            ls_buf_puts(b, w->classes);
        ls_buf_puts(b, "\n");
    }
    for (size_t i = 0; i < s->ntables; i++) {
        ls_buf_free(&rows[i].name);
        ls_buf_free(&rows[i].engine);
    }
    free(rows);
}

static int by_count_desc(const void *a, const void *b)
{
    const struct ls_rule_tally *x = *(const struct ls_rule_tally *const *)a,
                               *y = *(const struct ls_rule_tally *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x < y ? -1 : x > y; /* stable: model order */
}

void ls_text_table_details(struct ls_buf *b, const struct ls_report *r, const struct ls_table *t)
{
    char num[LS_FMT_NUM], num2[LS_FMT_NUM];
    if (!t->ntallies && !t->nsecrets && !t->error && !t->note)
        return;
    ls_buf_puts(b, "\n  ");
    ls_text_table_name(b, t);
    if (t->scanned_rows)
        ls_buf_printf(b, " (%s rows sampled)", ls_fmt_thousands(t->scanned_rows, num));
    ls_buf_puts(b, "\n");
    if (t->error)
        ls_text_labelled(b, "    ", "sampling failed", t->error);
    if (t->note)
        ls_text_labelled(b, "    ", "note", t->note);

    const struct ls_rule_tally **order = t->ntallies ? malloc(t->ntallies * sizeof *order) : NULL;
    if (t->ntallies && !order) {
        b->oom = true;
        return;
    }
    size_t rulew = 0, cntw = 0;
    for (size_t i = 0; i < t->ntallies; i++) {
        order[i] = &t->tallies[i];
        rulew = max_sz(rulew, strlen(t->tallies[i].rule ? t->tallies[i].rule : "?"));
        cntw = max_sz(cntw, strlen(ls_fmt_thousands(t->tallies[i].count, num)));
    }
    if (t->ntallies)
        ls_sort(order, t->ntallies, sizeof *order, by_count_desc);
    if (rulew > 30)
        rulew = 30;
    for (size_t i = 0; i < t->ntallies && i < MAX_FINDINGS; i++) {
        const struct ls_rule_tally *ty = order[i];
        ls_buf_printf(b, "    %-*s × %*s  %s distinct", (int)rulew, ty->rule ? ty->rule : "?", (int)cntw,
                      ls_fmt_thousands(ty->count, num), ls_fmt_thousands(ty->distinct, num2));
        if (ty->category && strcmp(ty->category, "secret") != 0)
            ls_buf_printf(b, " (%s)", ty->category);
        ls_buf_puts(b, "\n");
    }
    if (t->ntallies > MAX_FINDINGS)
        ls_buf_printf(b, "    … and %s more rules\n", ls_fmt_thousands(t->ntallies - MAX_FINDINGS, num));
    free(order);

    for (size_t i = 0; i < t->nsecrets && i < MAX_SECRETS; i++) {
        const struct ls_secret *sec = &t->secrets[i];
        struct ls_buf line = {0};
        ls_buf_add(&line, "", 0);
        if (r->opts.show_secrets && sec->raw)
            ls_text_add_clean(&line, sec->raw, 0);
        else
            ls_buf_add_clean(&line, sec->redacted, strnlen(sec->redacted, sizeof sec->redacted), 0);
        ls_buf_printf(&line, " (%s", sec->rule ? sec->rule : "?");
        if (sec->column) {
            ls_buf_puts(&line, " in ");
            ls_text_add_clean(&line, sec->column, LS_CLEAN_SPACE);
        }
        if (sec->count == 1)
            ls_buf_puts(&line, ", seen once)");
        else
            ls_buf_printf(&line, ", seen %s times)", ls_fmt_thousands(sec->count, num));
        if (!line.oom)
            ls_buf_wrap(b, "    - ", 6, 8, line.p, WIDTH);
        b->oom |= line.oom;
        ls_buf_free(&line);
    }
    if (t->nsecrets > MAX_SECRETS)
        ls_buf_printf(b, "    … and %s more\n", ls_fmt_thousands(t->nsecrets - MAX_SECRETS, num));
}

/* ---- blast radius ---- */

/* ---- risks and remediation ---- */

static void risks_section(struct ls_buf *b, bool color, const struct ls_service *s)
{
    if (s->nrisks) {
        ls_buf_puts(b, "\n  Risks\n");
        for (size_t i = 0; i < s->nrisks; i++) {
            const struct ls_risk *rk = &s->risks[i];
            struct ls_buf pre = {0}, text = {0};
            ls_buf_puts(&pre, "  - ");
            paint(&pre, color, sev_code(rk->severity), sev_upper(rk->severity));
            ls_buf_puts(&pre, " ");
            ls_buf_add(&text, "", 0);
            ls_text_add_clean(&text, rk->id, LS_CLEAN_SPACE);
            ls_buf_puts(&text, ": ");
            ls_text_add_clean(&text, rk->title, LS_CLEAN_SPACE);
            if (!pre.oom && !text.oom)
                ls_buf_wrap(b, pre.p, 5 + strlen(sev_upper(rk->severity)), 4, text.p, WIDTH);
            b->oom |= pre.oom || text.oom;
            ls_buf_free(&pre);
            ls_buf_free(&text);
            if (rk->evidence && rk->evidence[0])
                ls_text_labelled(b, "    ", "evidence", rk->evidence);
        }
    }
    if (s->nremediation) {
        ls_buf_puts(b, "\n  Remediation\n");
        for (size_t i = 0; i < s->nremediation; i++) {
            struct ls_buf text = {0};
            ls_buf_add(&text, "", 0);
            ls_text_add_clean(&text, s->remediation[i], LS_CLEAN_SPACE);
            if (!text.oom)
                ls_buf_wrap(b, "  - ", 4, 4, text.p, WIDTH);
            b->oom |= text.oom;
            ls_buf_free(&text);
        }
    }
}

/* ---- the closing one-screen summary: one line per server, its interfaces collapsed ---- */

#define MAX_SERVERS 20 /* lines in the closing summary; the rest are counted */

struct server_line {
    char ip[64];
    const char *engine;
    char version[64];
    enum ls_auth auth;
    enum ls_severity severity;
    uint64_t rows;
    char ifaces[96]; /* "http :8123, native :9000" */
};

struct text_state {
    struct server_line *v;
    size_t n, more;
    size_t nservices;
};

/* Remembers s under its server (same address and engine = same server seen on another port). */
static int remember_server(struct ls_report *r, const struct ls_service *s)
{
    struct text_state *st = r->state;
    if (!st && !(st = r->state = calloc(1, sizeof *st)))
        return -1;
    st->nservices++;
    struct server_line *l = NULL;
    for (size_t i = 0; i < st->n && !l; i++)
        if (strncmp(st->v[i].ip, s->ip, sizeof s->ip) == 0 && st->v[i].engine == s->engine)
            l = &st->v[i];
    if (!l) {
        if (st->n == MAX_SERVERS) {
            st->more++;
            return 0;
        }
        struct server_line *nv = realloc(st->v, (st->n + 1) * sizeof *nv);
        if (!nv)
            return -1;
        st->v = nv;
        l = memset(&st->v[st->n++], 0, sizeof *l);
        snprintf(l->ip, sizeof l->ip, "%.*s", (int)strnlen(s->ip, sizeof s->ip), s->ip);
        l->engine = s->engine;
        l->auth = s->auth;
        l->severity = s->severity;
    }
    if (!l->version[0])
        snprintf(l->version, sizeof l->version, "%.*s", (int)strnlen(s->version, sizeof s->version), s->version);
    if (s->severity > l->severity) { /* the worst interface speaks for the server */
        l->severity = s->severity;
        l->auth = s->auth;
    }
    if (ls_service_rows(s) > l->rows)
        l->rows = ls_service_rows(s); /* the same tables seen twice count once */
    size_t used = strlen(l->ifaces);
    snprintf(l->ifaces + used, sizeof l->ifaces - used, "%s%s :%u", used ? ", " : "", s->interface ? s->interface : "?",
             (unsigned)s->port);
    return 0;
}

static void servers_block(struct ls_buf *b, struct ls_report *r)
{
    struct text_state *st = r->state;
    if (!st || st->nservices < 2) /* one service: its headline already says it all */
        return;
    paint(b, r->opts.color, BOLD, "Summary");
    ls_buf_puts(b, "\n");
    for (size_t i = 0; i < st->n; i++) {
        const struct server_line *l = &st->v[i];
        struct ls_buf line = {0}, head = {0};
        bool v6 = strchr(l->ip, ':') != NULL;
        ls_buf_printf(&head, "  %s", v6 ? "[" : "");
        ls_buf_add_clean(&head, l->ip, strlen(l->ip), LS_CLEAN_SPACE);
        ls_buf_printf(&head, "%s  %s", v6 ? "]" : "", ls_engine_display_name(l->engine));
        if (l->version[0]) {
            ls_buf_puts(&head, " ");
            ls_buf_add_clean(&head, l->version, strlen(l->version), LS_CLEAN_SPACE);
        }
        ls_buf_puts(&line, l->ifaces);
        if (l->auth != LS_AUTH_REQUIRED && l->rows) {
            char num[LS_FMT_NUM];
            ls_buf_printf(&line, ", %s rows", ls_fmt_thousands(l->rows, num));
        }
        if (!head.oom && !line.oom) {
            /* head and marker on the first line, the interfaces wrapped under them (80 columns) */
            ls_buf_add(b, head.p, head.len);
            ls_buf_puts(b, "  ");
            paint(b, r->opts.color, l->auth == LS_AUTH_REQUIRED ? BOLD : sev_code(l->severity), auth_marker(l->auth));
            ls_buf_puts(b, "\n");
            ls_buf_wrap(b, "    ", 4, 4, line.p, WIDTH);
        }
        b->oom |= head.oom || line.oom;
        ls_buf_free(&head);
        ls_buf_free(&line);
    }
    if (st->more) {
        char num[LS_FMT_NUM];
        ls_buf_printf(b, "  … and %s more servers above\n", ls_fmt_thousands(st->more, num));
    }
}

/* ---- the writer ---- */

static int flush_buf(struct ls_report *r, struct ls_buf *b)
{
    int rc = b->oom ? -1 : 0;
    if (!b->oom)
        ls_report_write(r, b->p, b->len);
    ls_buf_free(b);
    if (fflush(r->out) != 0)
        r->failed = true;
    return rc;
}

/* An open port no engine identified: one line under "open, not identified". */
static int unidentified_line(struct ls_report *r, const struct ls_service *s)
{
    struct ls_buf b = {0};
    bool v6 = strchr(s->ip, ':') != NULL;
    if (!r->any_unidentified)
        ls_buf_puts(&b, "open, not identified:\n");
    r->any_unidentified = true;
    ls_buf_printf(&b, "  %s", v6 ? "[" : "");
    ls_buf_add_clean(&b, s->ip, strnlen(s->ip, sizeof s->ip), LS_CLEAN_SPACE);
    ls_buf_printf(&b, "%s:%u  %s", v6 ? "]" : "", (unsigned)s->port,
                  s->interface && strcmp(s->interface, "unknown") != 0 ? s->interface : "unknown protocol");
    if (s->banner) {
        ls_buf_puts(&b, ": ");
        ls_buf_add_clean(&b, s->banner, strlen(s->banner) > 120 ? 120 : strlen(s->banner), LS_CLEAN_SPACE);
        if (strlen(s->banner) > 120)
            ls_buf_puts(&b, "\xE2\x80\xA6");
    } else {
        ls_buf_puts(&b, ": said nothing");
    }
    ls_buf_puts(&b, "\n");
    return flush_buf(r, &b);
}

static int text_service(struct ls_report *r, const struct ls_service *s)
{
    if (ls_service_unidentified(s))
        return unidentified_line(r, s);
    struct ls_buf b = {0};
    bool color = r->opts.color;
    if (remember_server(r, s))
        return -1;
    headline(&b, color, s);
    if (!r->opts.quiet) {
        facts(&b, color, s);
        if (s->auth_evidence && s->auth_evidence[0])
            ls_text_labelled(&b, "  ", "server said", s->auth_evidence);
        if (s->error)
            ls_text_labelled(&b, "  ", "error", s->error);
        if (s->inventory_truncated)
            ls_buf_puts(&b, "  note: inventory truncated; more tables exist than listed\n");
        if (s->ntables)
            tables_section(&b, color, s);
        for (size_t i = 0; i < s->ntables; i++)
            ls_text_table_details(&b, r, &s->tables[i]);
        ls_text_blast_section(&b, r, s);
        risks_section(&b, color, s);
        ls_buf_puts(&b, "\n");
    }
    return flush_buf(r, &b);
}

static int text_summary(struct ls_report *r, const struct ls_scan_summary *sum)
{
    struct ls_buf text = {0}, b = {0};
    char n1[LS_FMT_NUM], n2[LS_FMT_NUM], n3[LS_FMT_NUM], d[LS_FMT_NUM];
    ls_buf_printf(&text, "Scanned %s %s (%s %s, %s open %s) in %s: ", ls_fmt_thousands(sum->targets, n1),
                  sum->targets == 1 ? "host" : "hosts", ls_fmt_thousands(sum->probes, n2),
                  sum->probes == 1 ? "probe" : "probes", ls_fmt_thousands(sum->open_ports, n3),
                  sum->open_ports == 1 ? "port" : "ports", ls_fmt_duration(sum->duration_ms, d));
    uint64_t identified = sum->services - (sum->unidentified < sum->services ? sum->unidentified : sum->services);
    if (!identified && sum->unidentified) {
        ls_buf_puts(&text, "no database services identified; ");
        add_plural(&text, sum->unidentified, "open port", "open ports");
        ls_buf_puts(&text, " not identified (listed above).");
    } else if (!sum->services)
        ls_buf_puts(&text, "no database services found.");
    else {
        add_plural(&text, identified, "service", "services");
        if (!sum->exposed)
            ls_buf_puts(&text, ", none exposed.");
        else {
            ls_buf_printf(&text, ", %s exposed", ls_fmt_thousands(sum->exposed, n1));
            if (r->any_service) {
                ls_buf_puts(&text, " (");
                paint(&text, r->opts.color, sev_code(r->worst), ls_severity_name(r->worst));
                ls_buf_puts(&text, ")");
            }
            ls_buf_puts(&text, ".");
        }
        if (sum->unidentified) {
            ls_buf_puts(&text, " ");
            add_plural(&text, sum->unidentified, "open port", "open ports");
            ls_buf_puts(&text, " not identified (listed above).");
        }
    }
    servers_block(&b, r);
    if (!text.oom)
        ls_buf_wrap(&b, "", 0, 0, text.p, WIDTH);
    b.oom |= text.oom;
    ls_buf_free(&text);
    return flush_buf(r, &b);
}

static int text_finish(struct ls_report *r)
{
    struct text_state *st = r->state;
    if (st) {
        free(st->v);
        free(st);
        r->state = NULL;
    }
    return 0;
}

const struct ls_report_ops ls_report_ops_text = {text_service, text_summary, text_finish};
