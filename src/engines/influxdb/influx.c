/* InfluxDB 1.x (8086): the engine descriptor, the request helpers and the first two steps.
 * Fingerprint: GET /ping; only an answer that carries InfluxDB's own X-Influxdb-Version header is
 * InfluxDB (a web server that merely answers 204 is not). Access: GET /query?q=SHOW DATABASES;
 * answered without credentials means `auth-enabled = false` (`none`); 401/403 with the server's
 * JSON error is `required`, in its own words. InfluxDB has no default account (the first admin is
 * created by the operator), so --default-credentials tries nothing here. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/influxdb/influx_int.h"
#include "engines/influxdb/influx_parse.h"
#include "net/http_client.h"
#include "util/strbuf.h"

/* ---- requests --------------------------------------------------------------------------------- */

void ifx_set_error(struct ls_session *s, const char *why)
{
    free(s->svc.error);
    s->svc.error = strdup(why);
}

void ifx_step_end(struct influx *x, enum ls_step result)
{
    ls_step_cb done = x->step_done;
    x->step_done = NULL;
    if (done)
        done(x->s, result);
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct influx *x = arg;
    ifx_step_end(x, x->defer_result);
}

void ifx_step_defer(struct influx *x, enum ls_step result)
{
    x->defer_result = result;
    if (!x->defer)
        x->defer = evtimer_new(x->s->base, on_defer, x);
    struct timeval now = {0, 0};
    if (!x->defer || evtimer_add(x->defer, &now) != 0)
        ifx_step_end(x, result); /* out of memory: nothing better left */
}

void ifx_reply_why(const struct ls_http_json_reply *r, const char *what, char *out, size_t n)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    if (!r->ok) {
        ls_sb_printf(&b, "%s: %s", what, r->err ? r->err : "no response");
        return;
    }
    const char *e = ifx_top_error(r->json);
    ls_sb_printf(&b, "%s: HTTP %d", what, r->status);
    if (e)
        ls_sb_printf(&b, ": %s", e);
    else if (!r->json)
        ls_sb_append(&b, " (not JSON)");
}

const json_t *ifx_first_result(const struct ls_http_json_reply *r, const char *what, char *why, size_t n)
{
    const json_t *res = r->ok && r->status == 200 ? ifx_result(r->json, 0) : NULL;
    if (res && !ifx_result_error(res))
        return res;
    if (res)
        snprintf(why, n, "%s: %s", what, ifx_result_error(res));
    else
        ifx_reply_why(r, what, why, n);
    return NULL;
}

static void on_reply(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    (void)ud;
    struct influx *x = s->priv;
    x->req = NULL;
    ifx_reply_cb cb = x->cb;
    x->cb = NULL;
    cb(s, r);
}

void ifx_get(struct influx *x, const char *path, uint64_t max_body, ifx_reply_cb cb)
{
    static const char accept[] = "Accept: application/json\r\n";
    x->cb = cb;
    x->req = ls_http_json_start(x->s, "GET", path, accept, NULL, 0, max_body, on_reply, NULL);
    if (!x->req) {
        x->cb = NULL;
        ifx_set_error(x->s, "out of memory starting a request");
        ifx_step_defer(x, LS_STEP_FAILED);
    }
}

void ifx_query(struct influx *x, const char *db, const char *q, uint64_t max_body, ifx_reply_cb cb)
{
    char *eq = ls_url_encode(q);
    char *edb = db ? ls_url_encode(db) : NULL;
    size_t n = (eq ? strlen(eq) : 0) + (edb ? strlen(edb) : 0) + 32;
    char *path = malloc(n);
    if (!eq || (db && !edb) || !path) {
        free(eq), free(edb), free(path);
        ifx_set_error(x->s, "out of memory building a query");
        ifx_step_defer(x, LS_STEP_FAILED);
        return;
    }
    if (edb)
        snprintf(path, n, "/query?db=%s&q=%s", edb, eq);
    else
        snprintf(path, n, "/query?q=%s", eq);
    ifx_get(x, path, max_body, cb);
    free(eq), free(edb), free(path);
}

/* ---- fingerprint ------------------------------------------------------------------------------ */

static void on_ping(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct influx *x = s->priv;
    struct ls_service *svc = &s->svc;
    if (!r->ok) {
        char why[300];
        ifx_reply_why(r, "GET /ping", why, sizeof why);
        ifx_set_error(s, why);
        ifx_step_end(x, LS_STEP_NO);
        return;
    }
    if (!ifx_ping_is_influx(r->status, r->resp, svc->version, sizeof svc->version, x->build, sizeof x->build)) {
        ifx_step_end(x, LS_STEP_NO); /* an HTTP server, but not InfluxDB */
        return;
    }
    free(svc->version_source);
    svc->version_source = strdup("GET /ping (X-Influxdb-Version)");
    if (x->build[0])
        ls_access_fact_text(&svc->access, "build", x->build);
    ifx_step_end(x, LS_STEP_OK);
}

static void ifx_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct influx *x = s->priv;
    x->step_done = done;
    ifx_get(x, "/ping", 4096, on_ping);
}

/* ---- access ----------------------------------------------------------------------------------- */

static void keep_databases(struct influx *x, const json_t *result)
{
    const json_t *series = ifx_series(result, 0);
    int col = ifx_column_index(series, "name");
    size_t rows = ifx_nrows(series);
    if (col < 0 || !rows)
        return;
    x->dbs = calloc(rows < IFX_MAX_DBS ? rows : IFX_MAX_DBS, sizeof *x->dbs);
    for (size_t i = 0; x->dbs && i < rows; i++) {
        const char *name = ifx_cell_str(series, i, (size_t)col);
        if (!name || !name[0] || strlen(name) > 255)
            continue;
        if (x->ndbs >= IFX_MAX_DBS) {
            x->s->svc.inventory_truncated = true;
            break;
        }
        x->dbs[x->ndbs] = strdup(name);
        if (x->dbs[x->ndbs])
            x->ndbs++;
    }
    x->s->svc.ndatabases = rows;
}

static void set_required(struct ls_session *s, const char *words)
{
    char ev[400];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_append(&b, words);
    ls_sb_mark_cut(&b, "…");
    s->svc.auth = LS_AUTH_REQUIRED;
    free(s->svc.auth_evidence);
    s->svc.auth_evidence = strdup(ev);
}

static void on_show_databases(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct influx *x = s->priv;
    struct ls_service *svc = &s->svc;
    const char *err = r->ok ? ifx_top_error(r->json) : NULL;
    if (r->ok && (r->status == 401 || r->status == 403) && err) {
        set_required(s, err);
        /* auth-enabled with no admin user yet: InfluxDB accepts one statement from anyone, the
         * CREATE USER … WITH ALL PRIVILEGES that makes the first admin (not tried) */
        if (strstr(err, "create admin user first")) {
            x->no_admin = true;
            ls_access_cap(&svc->access, LS_CAP_SCHEMA, LS_TRI_YES,
                          "no admin user exists: InfluxDB accepts CREATE USER … WITH ALL PRIVILEGES from anyone "
                          "(not tried)");
            ls_access_basis(&svc->access, "GET /query answered 403: create admin user first");
        }
        ifx_step_end(x, LS_STEP_NO);
        return;
    }
    char why[300];
    const json_t *res = ifx_first_result(r, "SHOW DATABASES", why, sizeof why);
    if (!res) {
        ifx_set_error(s, why);
        ifx_step_end(x, LS_STEP_NO);
        return;
    }
    svc->auth = LS_AUTH_NONE;
    keep_databases(x, res);
    ifx_step_end(x, LS_STEP_OK);
}

static void ifx_access(struct ls_session *s, ls_step_cb done)
{
    struct influx *x = s->priv;
    x->step_done = done;
    ifx_query(x, NULL, "SHOW DATABASES", IFX_MAX_BODY, on_show_databases);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int ifx_open(struct ls_session *s)
{
    struct influx *x = calloc(1, sizeof *x);
    if (!x)
        return -1;
    x->s = s;
    s->priv = x;
    return 0;
}

static void ifx_cancel(struct ls_session *s)
{
    struct influx *x = s->priv;
    if (!x)
        return;
    ls_http_json_cancel(x->req);
    x->req = NULL;
    x->cb = NULL;
    if (x->defer)
        evtimer_del(x->defer);
    x->step_done = NULL;
}

static void ifx_close(struct ls_session *s)
{
    struct influx *x = s->priv;
    if (!x)
        return;
    ifx_cancel(s);
    if (x->defer)
        event_free(x->defer);
    for (size_t i = 0; i < x->ndbs; i++)
        free(x->dbs[i]);
    free(x->dbs);
    free(x);
    s->priv = NULL;
}

static const struct ls_engine_ops influx_ops = {
    .open = ifx_open,
    .fingerprint = ifx_fingerprint,
    .access = ifx_access,
    .inventory = ifx_inventory,
    .posture = ifx_posture,
    .stream_rows = ifx_stream_rows,
    .assess = ifx_assess,
    .cancel = ifx_cancel,
    .close = ifx_close,
};

static const uint16_t influx_ports[] = {8086, 0};
static const uint16_t influx_tls_ports[] = {0};

/* First look on an unclaimed port: InfluxDB answers `GET / HTTP/1.0` with 404 and its own
 * X-Influxdb-Version header (looked for in the header section only). */
static bool influx_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    static const char h[] = "\nx-influxdb-version:";
    size_t hl = sizeof h - 1;
    if (n < 5 || memcmp(b, "HTTP/", 5) != 0)
        return false;
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(b + i, "\r\n\r\n", 4) == 0) {
            n = i + 2; /* the header section only */
            break;
        }
    for (size_t i = 0; i + hl <= n; i++) {
        size_t j = 0;
        while (j < hl && (b[i + j] | (b[i + j] >= 'A' && b[i + j] <= 'Z' ? 0x20 : 0)) == (unsigned char)h[j])
            j++;
        if (j == hl)
            return true;
    }
    return false;
}

const struct ls_engine ls_engine_influxdb = {
    .name = "influxdb",
    .interface = "http",
    .display = "InfluxDB",
    .ports = influx_ports,
    .tls_ports = influx_tls_ports,
    .ops = &influx_ops,
    .first_look = influx_first_look,
};
