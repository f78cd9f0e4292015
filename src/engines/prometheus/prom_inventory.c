/* Prometheus inventory and posture. Inventory, one GET at a time, each bounded:
 *   /api/v1/status/config  -> unit `config` (kind "config", rows = lines of the YAML), scanned line
 *                             by line for jobs, hosts, URLs and credentials (prom_parse.c);
 *   /api/v1/targets?state=any -> unit `targets` (kind "targets", rows = active targets);
 *   /api/v1/status/tsdb    -> unit `series` (kind "series", rows = headStats.numSeries, exact for
 *                             the in-memory head, which holds every series of the last hours).
 * Posture: /api/v1/status/flags says whether the admin API, the lifecycle API or a write receiver
 * is on; with the facts the inventory found (hosts, jobs, URLs, masking) it fills the blast radius.
 * A request that fails becomes an `unknown` and the next one runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/prometheus/prom_int.h"
#include "util/strbuf.h"

static struct ls_table *add_unit(struct ls_service *svc, const char *name, const char *kind, uint64_t rows,
                                 const char *const *columns)
{
    struct ls_table *t = ls_service_add_table(svc);
    if (!t)
        return NULL;
    t->database = strdup(PROM_UNIT_DB);
    t->name = strdup(name);
    t->kind = kind;
    t->rows = rows;
    t->rows_known = true;
    size_t n = 0;
    while (columns[n])
        n++;
    t->columns = calloc(n, sizeof *t->columns);
    if (t->columns) {
        for (size_t i = 0; i < n; i++) {
            t->columns[i].name = strdup(columns[i]);
            t->columns[i].type = strdup("String");
        }
        t->ncolumns = n;
    }
    return t;
}

static void failed(struct ls_session *s, const char *what, const struct ls_http_json_reply *r)
{
    char why[300];
    prom_reply_reason(r, why, sizeof why);
    ls_service_add_unknown(&s->svc, what, why);
}

static void on_config(struct prom *p, const struct ls_http_json_reply *r)
{
    const json_t *yaml = json_object_get(prom_data(r->json), "yaml");
    if (!json_is_string(yaml)) {
        failed(p->s, "config", r);
        return;
    }
    size_t len = json_string_length(yaml);
    p->config = malloc(len + 1);
    if (!p->config)
        return;
    memcpy(p->config, json_string_value(yaml), len + 1);
    p->config_len = len;
    p->config_ok = true;
    prom_config_scan(p->config, len, &p->cfg);
    static const char *const cols[] = {"line", NULL};
    add_unit(&p->s->svc, PROM_UNIT_CONFIG, "config", p->cfg.lines, cols);
}

static void on_targets(struct prom *p, const struct ls_http_json_reply *r)
{
    json_t *data = prom_data(r->json);
    if (!prom_targets_scan(data, &p->tg)) {
        failed(p->s, "targets", r);
        return;
    }
    p->targets = json_incref(json_object_get(data, "activeTargets"));
    p->targets_ok = true;
    static const char *const cols[] = {"job", "instance", "scrape_url", "health", "last_error", "labels", NULL};
    add_unit(&p->s->svc, PROM_UNIT_TARGETS, "targets", p->tg.active, cols);
}

static void on_tsdb(struct prom *p, const struct ls_http_json_reply *r)
{
    if (!prom_tsdb_series(prom_data(r->json), &p->series)) {
        failed(p->s, "series", r);
        return;
    }
    p->series_ok = true;
    static const char *const cols[] = {"metric", "labels", NULL};
    add_unit(&p->s->svc, PROM_UNIT_SERIES, "series", p->series, cols);
}

static const struct {
    const char *path;
    uint64_t max;
    void (*read)(struct prom *p, const struct ls_http_json_reply *r);
} probes[] = {
    {"/api/v1/status/config", PROM_MAX_CONFIG, on_config},
    {"/api/v1/targets?state=any", PROM_MAX_LIST, on_targets},
    {"/api/v1/status/tsdb", PROM_MAX_SMALL, on_tsdb},
};
#define NPROBES (sizeof probes / sizeof probes[0])

static void next_probe(struct prom *p);

static void on_probe(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct prom *p = ud;
    p->req = NULL;
    probes[p->probe++].read(p, r);
    s->svc.ndatabases = 1;
    next_probe(p);
}

static void next_probe(struct prom *p)
{
    if (p->probe >= NPROBES) {
        prom_step_end(p, LS_STEP_OK);
        return;
    }
    if (!prom_get(p, probes[p->probe].path, probes[p->probe].max, on_probe)) {
        ls_service_add_unknown(&p->s->svc, "inventory", "out of memory");
        prom_step_end(p, LS_STEP_FAILED);
    }
}

void prom_inventory(struct ls_session *s, ls_step_cb done)
{
    struct prom *p = s->priv;
    p->step_done = done;
    p->probe = 0;
    if (!prom_get(p, probes[0].path, probes[0].max, on_probe)) {
        ls_service_add_unknown(&s->svc, "inventory", "out of memory");
        prom_end_later(p, LS_STEP_FAILED);
    }
}

/* ---- posture ---------------------------------------------------------------------------------- */

static void list_fact(struct ls_access *a, const char *key, const struct prom_list *l)
{
    ls_access_fact_list(a, key, true);
    for (size_t i = 0; i < l->n; i++)
        ls_access_fact_list_add(a, key, l->items[i]);
    if (l->truncated)
        ls_access_fact_list_add(a, key, "…");
}

static void inventory_facts(struct prom *p)
{
    struct ls_access *a = &p->s->svc.access;
    if (p->config_ok) {
        ls_access_fact_bool(a, "config_masks_secrets", prom_config_masks(&p->cfg));
        list_fact(a, "scrape_jobs", &p->cfg.jobs);
        list_fact(a, "config_urls", &p->cfg.urls);
    }
    if (p->config_ok || p->targets_ok) {
        struct prom_list hosts = {0};
        for (size_t i = 0; i < p->cfg.hosts.n; i++)
            prom_list_add(&hosts, p->cfg.hosts.items[i], strlen(p->cfg.hosts.items[i]), PROM_MAX_HOSTS);
        for (size_t i = 0; i < p->tg.hosts.n; i++)
            prom_list_add(&hosts, p->tg.hosts.items[i], strlen(p->tg.hosts.items[i]), PROM_MAX_HOSTS);
        hosts.truncated |= p->cfg.hosts.truncated || p->tg.hosts.truncated;
        list_fact(a, "internal_hosts", &hosts);
        prom_list_free(&hosts);
    }
    if (p->targets_ok) {
        ls_access_fact_int(a, "targets_up", true, (int64_t)p->tg.up);
        ls_access_fact_int(a, "targets_down", true, (int64_t)p->tg.down);
        ls_access_fact_int(a, "targets_dropped", true, (int64_t)p->tg.dropped);
    }
}

static void flag_facts(struct prom *p)
{
    struct ls_access *a = &p->s->svc.access;
    const struct prom_flags *f = &p->fl;
    ls_access_fact_bool(a, "admin_api", f->admin_api);
    ls_access_fact_bool(a, "lifecycle_api", f->lifecycle);
    ls_access_fact_bool(a, "remote_write_receiver", f->remote_write_receiver);
    if (f->otlp_receiver != LS_TRI_UNKNOWN)
        ls_access_fact_bool(a, "otlp_receiver", f->otlp_receiver);
    ls_access_fact_bool(a, "web_config_file", f->web_config);
    if (f->retention[0])
        ls_access_fact_text(a, "retention", f->retention);
    if (f->tsdb_path[0])
        ls_access_fact_text(a, "tsdb_path", f->tsdb_path);
    if (f->features[0])
        ls_access_fact_text(a, "enabled_features", f->features);
}

static void capabilities(struct prom *p)
{
    struct ls_access *a = &p->s->svc.access;
    const struct prom_flags *f = &p->fl;
    ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, "the HTTP API answers without credentials (config, targets, series)");
    bool writer = f->remote_write_receiver == LS_TRI_YES || f->otlp_receiver == LS_TRI_YES;
    if (f->admin_api == LS_TRI_YES)
        ls_access_cap(a, LS_CAP_WRITE, LS_TRI_YES,
                      "--web.enable-admin-api: POST /api/v1/admin/tsdb/delete_series deletes any series (not tried)");
    else if (writer)
        ls_access_cap(a, LS_CAP_WRITE, LS_TRI_YES,
                      "a write receiver is on: POST /api/v1/write stores any samples anyone sends (not tried)");
    else if (f->admin_api == LS_TRI_NO && f->remote_write_receiver == LS_TRI_NO)
        ls_access_cap(a, LS_CAP_WRITE, LS_TRI_NO, "no admin API and no write receiver: the HTTP API only reads");
    if (f->admin_api != LS_TRI_UNKNOWN)
        ls_access_cap(a, LS_CAP_SCHEMA, f->admin_api,
                      f->admin_api == LS_TRI_YES
                          ? "admin API: delete_series, clean_tombstones and snapshot change the TSDB (not tried)"
                          : "admin API off (--web.enable-admin-api not given)");
    ls_access_cap(a, LS_CAP_RUN_CODE, LS_TRI_NO, "the HTTP API evaluates PromQL only; no endpoint runs programs");
    ls_access_cap(a, LS_CAP_READ_FILES, LS_TRI_NO, "no endpoint reads server files");
    ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_NO,
                  "Prometheus scrapes and writes to what its configuration file says; no API call changes it "
                  "(/-/reload re-reads the same file)");
}

static void on_flags(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct prom *p = ud;
    p->req = NULL;
    struct ls_access *a = &s->svc.access;
    inventory_facts(p);
    if (prom_flags_scan(prom_data(r->json), &p->fl)) {
        p->flags_ok = true;
        flag_facts(p);
        capabilities(p);
        ls_access_basis(a, "GET /api/v1/status/flags, status/config and targets without credentials (nothing "
                           "written, no admin endpoint called)");
    } else {
        failed(s, "flags", r);
        p->fl.admin_api = p->fl.lifecycle = p->fl.remote_write_receiver = LS_TRI_UNKNOWN;
        p->fl.otlp_receiver = p->fl.web_config = LS_TRI_UNKNOWN;
        ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, "the HTTP API answers without credentials");
        ls_access_basis(a, "status/config and targets without credentials; status/flags unreadable");
    }
    prom_step_end(p, LS_STEP_OK);
}

void prom_posture(struct ls_session *s, ls_step_cb done)
{
    struct prom *p = s->priv;
    p->step_done = done;
    if (!prom_get(p, "/api/v1/status/flags", PROM_MAX_SMALL, on_flags)) {
        ls_service_add_unknown(&s->svc, "flags", "out of memory");
        prom_end_later(p, LS_STEP_OK);
    }
}
