/* Writers for `leakscan secrets` findings: text lines, JSON Lines records, SARIF results. */
#include "report/secrets_out.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/detect.h"
#include "report/report.h"
#include "util/fmt.h"

struct ls_secrets_out {
    enum ls_secrets_format f;
    FILE *out;
    bool show, color;
    bool failed;
    struct ls_sarif *sarif;
};

int ls_secrets_format_parse(const char *s)
{
    if (!s)
        return -1;
    if (strcasecmp(s, "text") == 0)
        return LS_SFORMAT_TEXT;
    if (strcasecmp(s, "jsonl") == 0)
        return LS_SFORMAT_JSONL;
    if (strcasecmp(s, "sarif") == 0)
        return LS_SFORMAT_SARIF;
    return -1;
}

struct ls_secrets_out *ls_secrets_out_new(enum ls_secrets_format f, FILE *out, bool show_secrets, bool color)
{
    struct ls_secrets_out *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    *w = (struct ls_secrets_out){.f = f, .out = out, .show = show_secrets, .color = color};
    if (f == LS_SFORMAT_SARIF) {
        if (!(w->sarif = ls_sarif_new(out))) {
            free(w);
            return NULL;
        }
    }
    return w;
}

static void put_text(struct ls_secrets_out *w, const struct ls_file_secret *fs)
{
    struct ls_buf b = {0};
    char *path = ls_text_clean(fs->path, strlen(fs->path), LS_CLEAN_SPACE);
    const char *on = w->color ? "\033[1;31m" : "", *off = w->color ? "\033[0m" : "";
    ls_buf_printf(&b, "%s:%llu:%llu: %s%s%s (%s) %s", path ? path : "?", (unsigned long long)fs->line,
                  (unsigned long long)fs->column, on, fs->sec.rule, off, fs->sec.category, fs->sec.redacted);
    if (fs->sec.count > 1)
        ls_buf_printf(&b, " ×%llu", (unsigned long long)fs->sec.count);
    ls_buf_printf(&b, " %s", fs->sec.fingerprint);
    if (w->show && fs->sec.raw) {
        ls_buf_puts(&b, " value=");
        ls_buf_add_clean(&b, fs->sec.raw, strlen(fs->sec.raw), 0);
    }
    ls_buf_puts(&b, "\n");
    free(path);
    if (b.oom || fwrite(b.p, 1, b.len, w->out) != b.len)
        w->failed = true;
    ls_buf_free(&b);
}

static void put_json(struct ls_secrets_out *w, json_t *rec)
{
    char *text = rec ? json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(rec);
    if (!text || fputs(text, w->out) == EOF || fputc('\n', w->out) == EOF)
        w->failed = true;
    free(text);
}

int ls_secrets_out_add(struct ls_secrets_out *w, const struct ls_file_secret *fs)
{
    switch (w->f) {
    case LS_SFORMAT_TEXT: put_text(w, fs); break;
    case LS_SFORMAT_JSONL: {
        struct ls_buf b = {0};
        ls_jsonl_file_secret(&b, fs, w->show);
        ls_buf_add(&b, "\n", 1);
        if (b.oom || fwrite(b.p, 1, b.len, w->out) != b.len)
            w->failed = true;
        ls_buf_free(&b);
        break;
    }
    case LS_SFORMAT_SARIF: {
        char *uri = ls_sarif_uri(fs->path);
        struct ls_secret_location loc = {.uri = uri, .line = fs->line, .column = fs->column};
        if (!uri || ls_sarif_add_secret(w->sarif, &fs->sec, &loc) != 0)
            w->failed = true;
        free(uri);
        break;
    }
    }
    return w->failed ? -1 : 0;
}

int ls_secrets_out_flush(struct ls_secrets_out *w)
{
    if (w->f != LS_SFORMAT_SARIF && fflush(w->out) != 0)
        w->failed = true;
    return w->failed ? -1 : 0;
}

int ls_secrets_out_close(struct ls_secrets_out *w, const struct ls_secrets_totals *t)
{
    if (!w)
        return 0;
    if (w->f == LS_SFORMAT_JSONL && t) {
        json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "type", "summary", "files", (json_int_t)t->files,
                              "bytes", (json_int_t)t->bytes, "secrets", (json_int_t)t->secrets, "binary_skipped",
                              (json_int_t)t->binary_skipped, "errors", (json_int_t)t->errors, "duration_ms",
                              (json_int_t)t->duration_ms);
        put_json(w, o);
    } else if (w->f == LS_SFORMAT_TEXT && t) {
        char files[LS_FMT_NUM], bytes[LS_FMT_NUM], dur[LS_FMT_NUM], bin[LS_FMT_NUM], errs[LS_FMT_NUM];
        ls_fmt_thousands(t->files, files);
        ls_fmt_bytes(t->bytes, bytes);
        ls_fmt_duration(t->duration_ms, dur);
        ls_fmt_thousands(t->binary_skipped, bin);
        ls_fmt_thousands(t->errors, errs);
        if (fprintf(w->out, "%llu secret%s in %s file%s (%s, %s)%s%s%s%s\n", (unsigned long long)t->secrets,
                    t->secrets == 1 ? "" : "s", files, t->files == 1 ? "" : "s", bytes, dur,
                    t->binary_skipped ? "; binary files skipped: " : "", t->binary_skipped ? bin : "",
                    t->errors ? "; unreadable: " : "", t->errors ? errs : "") < 0)
            w->failed = true;
    }
    int rc = w->failed ? -1 : 0;
    if (w->sarif && ls_sarif_close(w->sarif) != 0)
        rc = -1;
    if (fflush(w->out) != 0)
        rc = -1;
    free(w);
    return rc;
}
