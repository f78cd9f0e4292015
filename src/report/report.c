/* Report writer front end: format names, the per-stream writer object and dispatch to each format's vtable. */
#define LS_REPORT_INTERNAL
#include "report/report.h"

#include <stdlib.h>
#include <strings.h>

static const char *const format_names[] = {
    [LS_FORMAT_TEXT] = "text", [LS_FORMAT_JSONL] = "jsonl", [LS_FORMAT_JSON] = "json",
    [LS_FORMAT_HTML] = "html", [LS_FORMAT_SARIF] = "sarif", [LS_FORMAT_MARKDOWN] = "markdown",
};

int ls_format_parse(const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++)
        if (strcasecmp(s, format_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *ls_format_name(enum ls_format f)
{
    return (unsigned)f < sizeof format_names / sizeof *format_names ? format_names[f] : "unknown";
}

struct ls_report *ls_report_new(enum ls_format f, FILE *out, const struct ls_report_opts *o)
{
    const struct ls_report_ops *ops;
    switch (f) {
    case LS_FORMAT_TEXT: ops = &ls_report_ops_text; break;
    case LS_FORMAT_JSONL: ops = &ls_report_ops_jsonl; break;
    case LS_FORMAT_JSON: ops = &ls_report_ops_json; break;
    case LS_FORMAT_HTML: ops = &ls_report_ops_html; break;
    case LS_FORMAT_SARIF: ops = &ls_report_ops_sarif; break;
    case LS_FORMAT_MARKDOWN: ops = &ls_report_ops_markdown; break;
    default: return NULL;
    }
    if (!out)
        return NULL;
    struct ls_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->ops = ops;
    r->out = out;
    r->format = f;
    if (o)
        r->opts = *o;
    r->worst = LS_SEV_INFO;
    return r;
}

int ls_report_write(struct ls_report *r, const char *p, size_t n)
{
    if (r->failed)
        return -1;
    if (n && fwrite(p, 1, n, r->out) != n) {
        r->failed = true;
        return -1;
    }
    return 0;
}

int ls_report_service(struct ls_report *r, const struct ls_service *s)
{
    if (!r || !s || r->summary_done)
        return -1;
    if (!r->any_service || s->severity > r->worst)
        r->worst = s->severity;
    r->any_service = true;
    int rc = r->ops->service(r, s);
    return rc < 0 || r->failed ? -1 : 0;
}

int ls_report_summary(struct ls_report *r, const struct ls_scan_summary *sum)
{
    if (!r || !sum || r->summary_done)
        return -1;
    r->summary_done = true;
    int rc = r->ops->summary(r, sum);
    return rc < 0 || r->failed ? -1 : 0;
}

int ls_report_close(struct ls_report *r)
{
    if (!r)
        return 0;
    int rc = r->ops->finish(r);
    if (fflush(r->out) != 0 || ferror(r->out))
        r->failed = true;
    if (r->failed)
        rc = -1;
    free(r);
    return rc < 0 ? -1 : 0;
}
