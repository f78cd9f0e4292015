/* Prometheus sampling (stream_rows), one unit at a time, every row through the detector:
 *   config  - the configuration YAML read by the inventory, one row {line} per line;
 *   targets - the active targets read by the inventory, one row per target {job, instance,
 *             scrape_url, health, last_error, labels} (labels: the target's and the discovered ones,
 *             where service discovery puts annotations and URL parameters);
 *   series  - GET /api/v1/series?match[]={__name__=~".+"}&limit=N (older servers such as 2.42
 *             ignore `limit`; the answer is then bounded by the byte cap), one row {metric, labels} per
 *             series, at most N of them. When that list is larger than the byte cap, the metric
 *             names (/api/v1/label/__name__/values) and then the series of one metric at a time
 *             (at most PROM_SAMPLE_METRICS requests), until N rows.
 * The first two need no request: their rows go out from the event loop (a zero timer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/prometheus/prom_int.h"
#include "util/strbuf.h"

static uint64_t row_cap(const struct prom *p)
{
    return p->limit ? p->limit : UINT64_MAX;
}

static void emit_config(struct prom *p)
{
    static const char *const names[] = {"line"};
    const char *q = p->config, *end = p->config + p->config_len;
    for (uint64_t n = 0; q && q < end && n < row_cap(p); n++) {
        const char *eol = memchr(q, '\n', (size_t)(end - q));
        size_t len = (size_t)((eol ? eol : end) - q);
        char *cells[1] = {(char *)q};
        size_t lens[1] = {len < PROM_MAX_LINE ? len : PROM_MAX_LINE};
        p->row(p->s, names, cells, lens, 1);
        q = eol ? eol + 1 : end;
    }
}

static void emit_targets(struct prom *p)
{
    static const char *const names[] = {"job", "instance", "scrape_url", "health", "last_error", "labels"};
    static const char *const skip[] = {"job", "instance", NULL};
    char labels[PROM_MAX_CELL];
    size_t i;
    const json_t *t;
    json_array_foreach(p->targets, i, t)
    {
        if (i >= row_cap(p))
            break;
        const json_t *l = json_object_get(t, "labels");
        size_t n = prom_labels_text(l, skip, labels, sizeof labels);
        if (n + 16 < sizeof labels) {
            size_t sep = n ? 2 : 0;
            if (sep)
                memcpy(labels + n, "; ", 3);
            n += sep;
            n += prom_labels_text(json_object_get(t, "discoveredLabels"), NULL, labels + n, sizeof labels - n);
        }
        const char *vals[6] = {prom_str(l, "job"),    prom_str(l, "instance"),  prom_str(t, "scrapeUrl"),
                               prom_str(t, "health"), prom_str(t, "lastError"), labels};
        char *cells[6];
        size_t lens[6];
        for (size_t k = 0; k < 6; k++) {
            cells[k] = (char *)vals[k];
            lens[k] = k == 5 ? n : strlen(vals[k]);
            if (lens[k] > PROM_MAX_CELL)
                lens[k] = PROM_MAX_CELL;
        }
        p->row(p->s, names, cells, lens, 6);
    }
}

void prom_emit_rows(struct prom *p)
{
    if (strcmp(p->unit->name, PROM_UNIT_CONFIG) == 0)
        emit_config(p);
    else if (strcmp(p->unit->name, PROM_UNIT_TARGETS) == 0 && json_is_array(p->targets))
        emit_targets(p);
}

static void series_fail(struct prom *p, const struct ls_http_json_reply *r)
{
    char why[320], reason[300];
    prom_reply_reason(r, reason, sizeof reason);
    snprintf(why, sizeof why, "series: %s", reason);
    free(p->s->svc.error);
    p->s->svc.error = strdup(why);
    prom_step_end(p, LS_STEP_FAILED);
}

/* Rows of one /api/v1/series answer, up to the cap; false when it is not one. */
static bool series_rows(struct prom *p, const json_t *data)
{
    static const char *const names[] = {"metric", "labels"};
    static const char *const skip[] = {"__name__", NULL};
    if (!json_is_array(data))
        return false;
    char labels[PROM_MAX_CELL];
    size_t i;
    const json_t *ser;
    json_array_foreach(data, i, ser)
    {
        if (p->sent >= row_cap(p))
            break;
        const char *metric = prom_str(ser, "__name__");
        size_t n = prom_labels_text(ser, skip, labels, sizeof labels);
        char *cells[2] = {(char *)metric, labels};
        size_t lens[2] = {strlen(metric), n};
        p->row(p->s, names, cells, lens, 2);
        p->sent++;
    }
    return true;
}

/* A metric name as the exposition format allows it ([a-zA-Z_:][a-zA-Z0-9_:]*): safe in a URL. */
static bool metric_name(const char *m)
{
    size_t n = strlen(m);
    if (!n || n > 200 || (m[0] >= '0' && m[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((m[i] >= 'a' && m[i] <= 'z') || (m[i] >= 'A' && m[i] <= 'Z') || (m[i] >= '0' && m[i] <= '9') ||
              m[i] == '_' || m[i] == ':'))
            return false;
    return true;
}

static void on_metric_series(struct ls_session *s, void *ud, const struct ls_http_json_reply *r);

/* The fallback, one metric at a time (at most PROM_SAMPLE_METRICS requests), until the cap. */
static void next_metric(struct prom *p)
{
    while (p->sent < row_cap(p) && p->next_metric < json_array_size(p->metrics) &&
           p->next_metric < PROM_SAMPLE_METRICS) {
        const char *m = json_string_value(json_array_get(p->metrics, p->next_metric++));
        if (!m || !metric_name(m))
            continue;
        char path[320];
        struct ls_strbuf b;
        ls_sb_init(&b, path, sizeof path);
        ls_sb_printf(&b, "/api/v1/series?match%%5B%%5D=%s&limit=%llu", m, (unsigned long long)(row_cap(p) - p->sent));
        if (b.truncated || !prom_get(p, path, PROM_MAX_LIST, on_metric_series))
            break;
        return;
    }
    prom_step_end(p, LS_STEP_OK);
}

static void on_metric_series(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct prom *p = ud;
    (void)s;
    p->req = NULL;
    series_rows(p, prom_data(r->json)); /* a metric too large for the cap is skipped */
    next_metric(p);
}

static void on_metric_names(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct prom *p = ud;
    (void)s;
    p->req = NULL;
    json_t *data = prom_data(r->json);
    if (!json_is_array(data)) {
        series_fail(p, r);
        return;
    }
    json_decref(p->metrics);
    p->metrics = json_incref(data);
    p->next_metric = 0;
    next_metric(p);
}

static void on_series(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct prom *p = ud;
    (void)s;
    p->req = NULL;
    if (series_rows(p, prom_data(r->json))) {
        prom_step_end(p, LS_STEP_OK);
        return;
    }
    /* the whole list did not fit the byte cap (a large server before `limit`): metric by metric */
    if (!r->ok && r->err && strstr(r->err, "byte cap") &&
        prom_get(p, "/api/v1/label/__name__/values", PROM_MAX_LIST, on_metric_names))
        return;
    series_fail(p, r);
}

void prom_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct prom *p = s->priv;
    p->step_done = done;
    p->row = row;
    p->unit = t;
    p->limit = limit;
    p->sent = 0;
    if (t->name && strcmp(t->name, PROM_UNIT_SERIES) == 0) {
        char path[160];
        struct ls_strbuf b;
        if (!limit && !s->limits->deep)
            limit = PROM_SAMPLE_SERIES;
        ls_sb_init(&b, path, sizeof path);
        ls_sb_append(&b, "/api/v1/series?match%5B%5D=%7B__name__%3D~%22.%2B%22%7D"); /* {__name__=~".+"} */
        if (limit)
            ls_sb_printf(&b, "&limit=%llu", (unsigned long long)limit);
        p->limit = limit;
        if (!prom_get(p, path, PROM_MAX_LIST, on_series)) {
            free(s->svc.error);
            s->svc.error = strdup("series: out of memory");
            prom_end_later(p, LS_STEP_FAILED);
        }
        return;
    }
    p->emit = true; /* config and targets: rows from what the inventory read, from the event loop */
    prom_end_later(p, LS_STEP_OK);
}
