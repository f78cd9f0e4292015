/* Prometheus sampling (stream_rows), one unit at a time, every row through the detector:
 *   config  - the configuration YAML read by the inventory, one row {line} per line;
 *   targets - the active targets read by the inventory, one row per target {job, instance,
 *             scrape_url, health, last_error, labels} (labels: the target's and the discovered ones,
 *             where service discovery puts annotations and URL parameters);
 *   series  - GET /api/v1/series?match[]={__name__=~".+"}&limit=N (servers before 2.51 ignore
 *             `limit`; the answer is then bounded by the byte cap), one row {metric, labels} per
 *             series, at most N of them.
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

static void on_series(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct prom *p = ud;
    p->req = NULL;
    const json_t *data = prom_data(r->json);
    if (!json_is_array(data)) {
        char why[320], reason[300];
        prom_reply_reason(r, reason, sizeof reason);
        snprintf(why, sizeof why, "series: %s", reason);
        free(s->svc.error);
        s->svc.error = strdup(why);
        prom_step_end(p, LS_STEP_FAILED);
        return;
    }
    static const char *const names[] = {"metric", "labels"};
    static const char *const skip[] = {"__name__", NULL};
    char labels[PROM_MAX_CELL];
    size_t i;
    const json_t *ser;
    json_array_foreach(data, i, ser)
    {
        if (i >= row_cap(p))
            break;
        const char *metric = prom_str(ser, "__name__");
        size_t n = prom_labels_text(ser, skip, labels, sizeof labels);
        char *cells[2] = {(char *)metric, labels};
        size_t lens[2] = {strlen(metric), n};
        p->row(s, names, cells, lens, 2);
    }
    prom_step_end(p, LS_STEP_OK);
}

void prom_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct prom *p = s->priv;
    p->step_done = done;
    p->row = row;
    p->unit = t;
    p->limit = limit;
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
