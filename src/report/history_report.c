/* Writers for the history commands: the list of stored scans and the diff of two scans, as text
 * (80 columns, optional colour, terminal-safe) or JSON Lines. Facts come from store/diff.h. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "store/diff.h"
#include "util/fmt.h"

#define RED "\033[1;31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"
#define MAX_SECRET_LINES 10
#define WIDTH 80

static int put_out(FILE *out, struct ls_buf *b)
{
    int rc = b->oom ? -1 : 0;
    if (!rc && b->len && fwrite(b->p, 1, b->len, out) != b->len)
        rc = -1;
    ls_buf_free(b);
    return rc;
}

static void clean(struct ls_buf *b, const char *s)
{
    ls_buf_add_clean(b, s, strlen(s), LS_CLEAN_SPACE);
}

static int emit_json(FILE *out, json_t *o)
{
    if (!o)
        return -1;
    int rc = json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF ? 0 : -1;
    json_decref(o);
    return rc;
}

/* json_string refuses ill-formed UTF-8: sanitize first (the history holds server-supplied text). */
static json_t *jstr(const char *s)
{
    char *c = ls_utf8_display_sanitize(s, strlen(s));
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

/* ---- history ---- */

int ls_report_history(FILE *out, enum ls_format f, const struct ls_hist_scan *scans, size_t n,
                      const struct ls_report_opts *o)
{
    (void)o;
    if (f != LS_FORMAT_TEXT) {
        for (size_t i = 0; i < n; i++) {
            const struct ls_hist_scan *h = &scans[i];
            json_t *j = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I}", "type", "scan", "id",
                                  (json_int_t)h->id, "started_at", jstr(h->started_at), "finished_at",
                                  h->finished_at[0] ? jstr(h->finished_at) : json_null(), "targets", jstr(h->targets),
                                  "tool_version", jstr(h->tool_version), "services", (json_int_t)h->services, "exposed",
                                  (json_int_t)h->exposed, "probes", (json_int_t)h->probes, "open_ports",
                                  (json_int_t)h->open_ports, "duration_ms", (json_int_t)h->duration_ms);
            if (emit_json(out, j))
                return -1;
        }
        return fflush(out) == 0 ? 0 : -1;
    }
    struct ls_buf b = {0};
    if (!n)
        ls_buf_puts(&b, "no scans in the history yet (run 'leakscan scan')\n");
    else
        ls_buf_puts(&b, "    ID  STARTED (UTC)         SERVICES  EXPOSED  TARGETS\n");
    for (size_t i = 0; i < n; i++) {
        const struct ls_hist_scan *h = &scans[i];
        char sv[LS_FMT_NUM], ex[LS_FMT_NUM];
        ls_buf_printf(&b, "%6lld  %-20.20s  %8s  %7s  ", (long long)h->id, h->started_at,
                      ls_fmt_thousands(h->services, sv), ls_fmt_thousands(h->exposed, ex));
        /* targets cut to what is left of 80 columns (49 used so far) */
        const char *mark = h->finished_at[0] ? "" : " (incomplete)";
        size_t room = 31 - strlen(mark), tl = strlen(h->targets);
        char cut[40];
        if (tl > room)
            snprintf(cut, sizeof cut, "%.*s...", (int)(room - 3), h->targets);
        else
            snprintf(cut, sizeof cut, "%s", h->targets);
        clean(&b, cut);
        ls_buf_puts(&b, mark);
        ls_buf_puts(&b, "\n");
    }
    return put_out(out, &b);
}

/* ---- diff ---- */

static void svc_addr(struct ls_buf *b, const struct ls_hist_service *h)
{
    bool v6 = strchr(h->ip, ':') != NULL;
    ls_buf_printf(b, "%s", v6 ? "[" : "");
    clean(b, h->ip);
    ls_buf_printf(b, "%s:%u ", v6 ? "]" : "", h->port);
    clean(b, ls_engine_display_name(h->engine));
    ls_buf_puts(b, " ");
    clean(b, h->interface);
}

/* Appends `line` word-wrapped to 80 columns after prefix (pw columns), continuation indented; frees line. */
static void wrapped(struct ls_buf *b, const char *prefix, size_t pw, size_t indent, struct ls_buf *line)
{
    if (!line->oom)
        ls_buf_wrap(b, prefix, pw, indent, line->p ? line->p : "", WIDTH);
    b->oom |= line->oom;
    ls_buf_free(line);
}

static void secret_line(struct ls_buf *b, const char *verb, const struct ls_hist_secret *x)
{
    struct ls_buf l = {0};
    ls_buf_printf(&l, "%s secret ", verb);
    clean(&l, x->rule);
    ls_buf_puts(&l, " ");
    clean(&l, x->redacted);
    ls_buf_puts(&l, " in ");
    clean(&l, x->database);
    ls_buf_puts(&l, ".");
    clean(&l, x->table);
    ls_buf_printf(&l, " (%.23s…)", x->fingerprint);
    wrapped(b, "      ", 6, 8, &l);
}

/* At most MAX_SECRET_LINES per list on a terminal; JSON Lines lists them all. */
static void secret_lines(struct ls_buf *b, const char *verb, const struct ls_hist_secret *const *v, size_t n)
{
    for (size_t i = 0; i < n && i < MAX_SECRET_LINES; i++)
        secret_line(b, verb, v[i]);
    if (n > MAX_SECRET_LINES) {
        char num[LS_FMT_NUM];
        ls_buf_printf(b, "      … and %s more %s secrets (--format jsonl lists all)\n",
                      ls_fmt_thousands(n - MAX_SECRET_LINES, num), verb);
    }
}

static void change_line(struct ls_buf *b, const char *what, const char *from, const char *to)
{
    struct ls_buf l = {0};
    ls_buf_printf(&l, "%s ", what);
    clean(&l, from[0] ? from : "?");
    ls_buf_puts(&l, " -> ");
    clean(&l, to[0] ? to : "?");
    wrapped(b, "      ", 6, 8, &l);
}

static void text_entry(struct ls_buf *b, bool color, const struct ls_diff_entry *e)
{
    static const char *const label[] = {"NEW     ", "RESOLVED", "CHANGED "};
    static const char *const code[] = {RED, GREEN, YELLOW};
    const struct ls_hist_service *h = e->new_svc ? e->new_svc : e->old_svc;
    char n1[LS_FMT_NUM], n2[LS_FMT_NUM];
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%s%s%s  ", color ? code[e->kind] : "", label[e->kind], color ? RESET : "");
    struct ls_buf l = {0};
    svc_addr(&l, h);
    ls_buf_puts(&l, "  ");
    clean(&l, h->version);
    ls_buf_printf(&l, "  auth %s, %s, %s rows", h->auth, h->severity, ls_fmt_thousands(h->rows, n1));
    wrapped(b, prefix, 10, 10, &l);
    if (e->kind == LS_CHANGE_CHANGED) {
        if (e->rows_grew || e->rows_shrank) {
            ls_fmt_thousands(e->old_svc->rows, n1);
            ls_fmt_thousands(e->new_svc->rows, n2);
            change_line(b, e->rows_grew ? "rows grew" : "rows shrank", n1, n2);
        }
        if (e->version_changed)
            change_line(b, "version", e->old_svc->version, e->new_svc->version);
        if (e->auth_changed)
            change_line(b, "auth", e->old_svc->auth, e->new_svc->auth);
        if (e->severity_changed)
            change_line(b, "severity", e->old_svc->severity, e->new_svc->severity);
    }
    secret_lines(b, "new", e->new_secrets, e->nnew_secrets);
    secret_lines(b, "gone", e->gone_secrets, e->ngone_secrets);
}

static json_t *svc_json(const struct ls_hist_service *h)
{
    return json_pack("{s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:o, s:I, s:I}", "host", jstr(h->host), "ip", jstr(h->ip),
                     "port", (int)h->port, "engine", jstr(h->engine), "interface", jstr(h->interface), "version",
                     jstr(h->version), "auth", jstr(h->auth), "severity", jstr(h->severity), "rows",
                     (json_int_t)h->rows, "tables", (json_int_t)h->tables);
}

static json_t *secrets_json(const struct ls_hist_secret *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "database", jstr(v[i]->database),
                                           "table", jstr(v[i]->table), "column", jstr(v[i]->column), "rule",
                                           jstr(v[i]->rule), "fingerprint", jstr(v[i]->fingerprint), "redacted",
                                           jstr(v[i]->redacted), "count", (json_int_t)v[i]->count));
    return a;
}

static json_t *old_new(const char *a, const char *b)
{
    return json_pack("{s:o, s:o}", "old", jstr(a), "new", jstr(b));
}

static json_t *jsonl_entry(const struct ls_diff_entry *e)
{
    static const char *const kind[] = {"new", "resolved", "changed"};
    json_t *o = svc_json(e->new_svc ? e->new_svc : e->old_svc);
    if (!o)
        return NULL;
    json_object_set_new(o, "type", json_string("diff"));
    json_object_set_new(o, "change", json_string(kind[e->kind]));
    if (e->kind == LS_CHANGE_CHANGED) {
        json_t *c = json_object();
        if (e->rows_grew || e->rows_shrank)
            json_object_set_new(
                c, "rows",
                json_pack("{s:I, s:I}", "old", (json_int_t)e->old_svc->rows, "new", (json_int_t)e->new_svc->rows));
        if (e->version_changed)
            json_object_set_new(c, "version", old_new(e->old_svc->version, e->new_svc->version));
        if (e->auth_changed)
            json_object_set_new(c, "auth", old_new(e->old_svc->auth, e->new_svc->auth));
        if (e->severity_changed)
            json_object_set_new(c, "severity", old_new(e->old_svc->severity, e->new_svc->severity));
        json_object_set_new(o, "changes", c);
    }
    json_object_set_new(o, "new_secrets", secrets_json(e->new_secrets, e->nnew_secrets));
    json_object_set_new(o, "resolved_secrets", secrets_json(e->gone_secrets, e->ngone_secrets));
    return o;
}

int ls_report_diff(FILE *out, enum ls_format f, const struct ls_diff *d, const struct ls_report_opts *o)
{
    bool color = o && o->color;
    const struct ls_hist_scan *a = &d->old_snap->scan, *b2 = &d->new_snap->scan;
    if (f != LS_FORMAT_TEXT) {
        /* Key order fixed for readers: type and change first. */
        for (size_t i = 0; i < d->n; i++) {
            json_t *j = jsonl_entry(&d->entries[i]);
            json_t *ordered =
                j ? json_pack("{s:s, s:O}", "type", "diff", "change", json_object_get(j, "change")) : NULL;
            if (ordered)
                json_object_update(ordered, j);
            json_decref(j);
            if (emit_json(out, ordered))
                return -1;
        }
        json_t *sum = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "type", "diff_summary", "old",
                                (json_int_t)a->id, "new", (json_int_t)b2->id, "new_services", (json_int_t)d->nnew,
                                "resolved", (json_int_t)d->nresolved, "changed", (json_int_t)d->nchanged, "new_secrets",
                                (json_int_t)d->nnew_secrets, "alert", ls_diff_has_news(d));
        if (emit_json(out, sum))
            return -1;
        return fflush(out) == 0 ? 0 : -1;
    }
    struct ls_buf b = {0};
    ls_buf_printf(&b, "scan #%lld (%s) -> scan #%lld (%s)\n", (long long)a->id, a->started_at, (long long)b2->id,
                  b2->started_at);
    for (size_t i = 0; i < d->n; i++)
        text_entry(&b, color, &d->entries[i]);
    char n1[LS_FMT_NUM], n2[LS_FMT_NUM], n3[LS_FMT_NUM], n4[LS_FMT_NUM];
    ls_buf_printf(&b, "%s new, %s changed, %s resolved, %s new secrets%s\n", ls_fmt_thousands(d->nnew, n1),
                  ls_fmt_thousands(d->nchanged, n2), ls_fmt_thousands(d->nresolved, n3),
                  ls_fmt_thousands(d->nnew_secrets, n4), d->n ? "" : " (no change)");
    return put_out(out, &b);
}
