/* Writers for `leakscan audit` (audit_out.h): one record per configuration finding and per secret,
 * then notes and totals. text/jsonl/markdown stream; json, sarif and html build the document and
 * write it at close. Evidence is already redacted by the auditor; secrets never carry raw values
 * unless --show-secrets kept them. */
#include "report/audit_out.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_json.h"
#include "util/fmt.h"

struct ls_audit_out {
    enum ls_format f;
    FILE *out;
    bool show, color, failed;
    struct ls_sarif *sarif;
    json_t *findings, *secrets; /* json and html */
};

struct ls_audit_out *ls_audit_out_new(enum ls_format f, FILE *out, bool show_secrets, bool color)
{
    struct ls_audit_out *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    *w = (struct ls_audit_out){.f = f, .out = out, .show = show_secrets, .color = color};
    if (f == LS_FORMAT_SARIF && !(w->sarif = ls_sarif_new(out))) {
        free(w);
        return NULL;
    }
    if (f == LS_FORMAT_MARKDOWN && fputs("# leakscan audit\n\n| Severity | Rule | Where | Finding | Fix |\n"
                                         "|---|---|---|---|---|\n",
                                         out) == EOF)
        w->failed = true;
    if (f == LS_FORMAT_JSON || f == LS_FORMAT_HTML) {
        w->findings = json_array();
        w->secrets = json_array();
        if (!w->findings || !w->secrets) {
            json_decref(w->findings);
            json_decref(w->secrets);
            free(w);
            return NULL;
        }
    }
    return w;
}

static void put(struct ls_audit_out *w, const struct ls_buf *b)
{
    if (b->oom || fwrite(b->p, 1, b->len, w->out) != b->len)
        w->failed = true;
}

static void put_json_line(struct ls_audit_out *w, json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (!s || fputs(s, w->out) == EOF || fputc('\n', w->out) == EOF)
        w->failed = true;
    free(s);
}

static const char *sev_color(enum ls_severity s)
{
    return s >= LS_SEV_HIGH ? "\033[1;31m" : s == LS_SEV_MEDIUM ? "\033[1;33m" : "\033[1m";
}

/* Markdown/HTML table cells: '|' and newlines would break the row, '<' '&' the page. */
static void add_cell(struct ls_buf *b, const char *s, bool html)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '|': ls_buf_puts(b, html ? "|" : "\\|"); break;
        case '\n': ls_buf_puts(b, " "); break;
        case '<': ls_buf_puts(b, "&lt;"); break;
        case '>': ls_buf_puts(b, "&gt;"); break;
        case '&': ls_buf_puts(b, "&amp;"); break;
        case '"': ls_buf_puts(b, html ? "&quot;" : "\""); break;
        case '`': ls_buf_puts(b, html ? "`" : "\\`"); break;
        default: ls_buf_add(b, p, 1);
        }
    }
}

int ls_audit_out_finding(struct ls_audit_out *w, const struct ls_config_finding *f)
{
    struct ls_buf b = {0};
    switch (w->f) {
    case LS_FORMAT_TEXT: {
        const char *on = w->color ? sev_color(f->severity) : "", *off = w->color ? "\033[0m" : "";
        ls_buf_add_clean(&b, f->path, strlen(f->path), LS_CLEAN_SPACE);
        ls_buf_printf(&b, ":%llu:%llu: %s%s%s %s %s\n    ", (unsigned long long)f->line, (unsigned long long)f->column,
                      on, ls_severity_name(f->severity), off, f->rule, f->title);
        ls_buf_add_clean(&b, f->evidence, strlen(f->evidence), 0);
        ls_buf_puts(&b, "\n    fix: ");
        ls_buf_puts(&b, f->remediation);
        ls_buf_puts(&b, "\n");
        put(w, &b);
        break;
    }
    case LS_FORMAT_JSONL: put_json_line(w, ls_json_config_finding(f)); break;
    case LS_FORMAT_JSON:
    case LS_FORMAT_HTML:
        if (json_array_append_new(w->findings, ls_json_config_finding(f)) < 0)
            w->failed = true;
        break;
    case LS_FORMAT_SARIF:
        if (ls_sarif_add_config(w->sarif, f) != 0)
            w->failed = true;
        break;
    case LS_FORMAT_MARKDOWN:
        ls_buf_printf(&b, "| %s | `%s` | ", ls_severity_name(f->severity), f->rule);
        add_cell(&b, f->path, false);
        ls_buf_printf(&b, ":%llu:%llu | ", (unsigned long long)f->line, (unsigned long long)f->column);
        add_cell(&b, f->title, false);
        ls_buf_puts(&b, ": ");
        add_cell(&b, f->evidence, false);
        ls_buf_puts(&b, " | ");
        add_cell(&b, f->remediation, false);
        ls_buf_puts(&b, " |\n");
        put(w, &b);
        break;
    }
    ls_buf_free(&b);
    return w->failed ? -1 : 0;
}

int ls_audit_out_secret(struct ls_audit_out *w, const struct ls_file_secret *fs)
{
    struct ls_buf b = {0};
    switch (w->f) {
    case LS_FORMAT_TEXT:
        ls_buf_add_clean(&b, fs->path, strlen(fs->path), LS_CLEAN_SPACE);
        ls_buf_printf(&b, ":%llu:%llu: %ssecret%s %s %s %s\n", (unsigned long long)fs->line,
                      (unsigned long long)fs->column, w->color ? "\033[1;31m" : "", w->color ? "\033[0m" : "",
                      fs->sec.rule, fs->sec.redacted, fs->sec.fingerprint);
        put(w, &b);
        break;
    case LS_FORMAT_JSONL:
        ls_jsonl_file_secret(&b, fs, w->show);
        ls_buf_add(&b, "\n", 1);
        put(w, &b);
        break;
    case LS_FORMAT_JSON:
    case LS_FORMAT_HTML:
        if (json_array_append_new(w->secrets, ls_json_file_secret(fs, w->show)) < 0)
            w->failed = true;
        break;
    case LS_FORMAT_SARIF: {
        char *uri = ls_sarif_uri(fs->path);
        struct ls_secret_location loc = {.uri = uri, .line = fs->line, .column = fs->column};
        if (!uri || ls_sarif_add_secret(w->sarif, &fs->sec, &loc) != 0)
            w->failed = true;
        free(uri);
        break;
    }
    case LS_FORMAT_MARKDOWN:
        ls_buf_printf(&b, "| secret | `%s` | ", fs->sec.rule);
        add_cell(&b, fs->path, false);
        ls_buf_printf(&b, ":%llu:%llu | `%s` %s | rotate it and keep it out of the file |\n",
                      (unsigned long long)fs->line, (unsigned long long)fs->column, fs->sec.redacted,
                      fs->sec.fingerprint);
        put(w, &b);
        break;
    }
    ls_buf_free(&b);
    return w->failed ? -1 : 0;
}

static json_t *summary_json(const struct ls_audit_totals *t)
{
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "type", "summary", "files", (json_int_t)t->files,
                     "configs", (json_int_t)t->configs, "findings", (json_int_t)t->findings, "secrets",
                     (json_int_t)t->secrets, "skipped", (json_int_t)t->skipped, "errors", (json_int_t)t->errors,
                     "duration_ms", (json_int_t)t->duration_ms);
}

static json_t *note_json(const char *note)
{
    const char *sep = strstr(note, ": ");
    char *path = sep ? strndup(note, (size_t)(sep - note)) : strdup("");
    char *p8 = path ? ls_utf8_sanitize(path, strlen(path)) : NULL;
    char *m8 = ls_utf8_sanitize(sep ? sep + 2 : note, strlen(sep ? sep + 2 : note));
    json_t *o = p8 && m8 ? json_pack("{s:s, s:s, s:s}", "type", "note", "path", p8, "message", m8) : NULL;
    free(path);
    free(p8);
    free(m8);
    return o;
}

static void html_page(struct ls_audit_out *w, const struct ls_audit_totals *t)
{
    struct ls_buf b = {0};
    ls_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leakscan audit</title>"
                    "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
                    "padding:4px;vertical-align:top}.critical,.high{color:#b00}.medium{color:#a60}</style></head>"
                    "<body><h1>leakscan audit</h1>\n");
    ls_buf_printf(&b, "<p>%llu findings and %llu secrets in %llu files.</p>\n", (unsigned long long)t->findings,
                  (unsigned long long)t->secrets, (unsigned long long)t->files);
    ls_buf_puts(&b, "<table><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Finding</th><th>Fix</th></tr>\n");
    size_t i;
    json_t *o;
    json_array_foreach(w->findings, i, o)
    {
        const char *sev = json_string_value(json_object_get(o, "severity"));
        ls_buf_printf(&b, "<tr><td class=\"%s\">%s</td><td>", sev, sev);
        add_cell(&b, json_string_value(json_object_get(o, "rule")), true);
        ls_buf_puts(&b, "</td><td>");
        add_cell(&b, json_string_value(json_object_get(o, "path")), true);
        ls_buf_printf(&b, ":%lld:%lld</td><td><b>", (long long)json_integer_value(json_object_get(o, "line")),
                      (long long)json_integer_value(json_object_get(o, "column")));
        add_cell(&b, json_string_value(json_object_get(o, "title")), true);
        ls_buf_puts(&b, "</b><br>");
        add_cell(&b, json_string_value(json_object_get(o, "evidence")), true);
        ls_buf_puts(&b, "</td><td>");
        add_cell(&b, json_string_value(json_object_get(o, "remediation")), true);
        ls_buf_puts(&b, "</td></tr>\n");
    }
    json_array_foreach(w->secrets, i, o)
    {
        ls_buf_puts(&b, "<tr><td class=\"high\">secret</td><td>");
        add_cell(&b, json_string_value(json_object_get(o, "rule")), true);
        ls_buf_puts(&b, "</td><td>");
        add_cell(&b, json_string_value(json_object_get(o, "path")), true);
        ls_buf_printf(&b, ":%lld:%lld</td><td>", (long long)json_integer_value(json_object_get(o, "line")),
                      (long long)json_integer_value(json_object_get(o, "column")));
        add_cell(&b, json_string_value(json_object_get(o, "redacted")), true);
        ls_buf_puts(&b, "</td><td>rotate it and keep it out of the file</td></tr>\n");
    }
    ls_buf_puts(&b, "</table></body></html>\n");
    put(w, &b);
    ls_buf_free(&b);
}

int ls_audit_out_close(struct ls_audit_out *w, const struct ls_audit_totals *t, char *const *notes, size_t nnotes)
{
    if (!w)
        return 0;
    int rc = 0;
    switch (w->f) {
    case LS_FORMAT_TEXT:
        if (fprintf(w->out, "%llu finding%s, %llu secret%s in %llu file%s (%llu configuration%s; %llu skipped)\n",
                    (unsigned long long)t->findings, t->findings == 1 ? "" : "s", (unsigned long long)t->secrets,
                    t->secrets == 1 ? "" : "s", (unsigned long long)t->files, t->files == 1 ? "" : "s",
                    (unsigned long long)t->configs, t->configs == 1 ? "" : "s", (unsigned long long)t->skipped) < 0)
            w->failed = true;
        break;
    case LS_FORMAT_JSONL:
        for (size_t i = 0; i < nnotes; i++)
            put_json_line(w, note_json(notes[i]));
        put_json_line(w, summary_json(t));
        break;
    case LS_FORMAT_JSON: {
        json_t *nv = json_array();
        for (size_t i = 0; nv && i < nnotes; i++)
            json_array_append_new(nv, note_json(notes[i]));
        json_t *doc = json_pack("{s:O, s:O, s:o, s:o}", "findings", w->findings, "secrets", w->secrets, "notes", nv,
                                "summary", summary_json(t));
        if (!doc || json_dumpf(doc, w->out, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', w->out) == EOF)
            w->failed = true;
        json_decref(doc);
        break;
    }
    case LS_FORMAT_HTML: html_page(w, t); break;
    case LS_FORMAT_SARIF:
        rc = ls_sarif_close(w->sarif);
        w->sarif = NULL;
        break;
    case LS_FORMAT_MARKDOWN:
        if (fprintf(w->out, "\n%llu findings, %llu secrets in %llu files.\n", (unsigned long long)t->findings,
                    (unsigned long long)t->secrets, (unsigned long long)t->files) < 0)
            w->failed = true;
        break;
    }
    json_decref(w->findings);
    json_decref(w->secrets);
    if (w->failed || fflush(w->out) != 0)
        rc = -1;
    free(w);
    return rc;
}
