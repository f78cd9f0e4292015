/* Prometheus (9090): the engine descriptor, its request helper and its first two steps.
 * Fingerprint: GET /api/v1/status/buildinfo must answer `status: success` with a version, a
 * revision and a goVersion ("go…"); a server that answers 200 with other JSON is not Prometheus.
 * A server protected by --web.config.file (basic_auth_users) answers every path with the
 * exporter-toolkit refusal: 401, `WWW-Authenticate: Basic`, body "Unauthorized"; that is reported
 * as `required` in those words. Servers older than buildinfo (before 2.14) answer 404 there and
 * are known by the /-/healthy text. Access: `none` when buildinfo answered without credentials;
 * Prometheus has no default login, so --default-credentials tries nothing. Everything sent is a
 * GET of a read-only endpoint: the admin API (snapshot, delete_series, clean_tombstones), /-/quit,
 * /-/reload and the write receivers are never called — their flags say whether they are on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "engines/prometheus/prom_int.h"
#include "util/strbuf.h"

/* ---- helpers ---------------------------------------------------------------------------------- */

bool prom_get(struct prom *p, const char *path, uint64_t max_body, ls_http_json_cb cb)
{
    uint64_t cap = p->s->limits->max_response_bytes;
    if (cap && cap < max_body)
        max_body = cap;
    p->req = ls_http_json_start(p->s, "GET", path, "Accept: application/json\r\n", NULL, 0, max_body, cb, p);
    return p->req != NULL;
}

void prom_step_end(struct prom *p, enum ls_step result)
{
    ls_step_cb done = p->step_done;
    p->step_done = NULL;
    if (done)
        done(p->s, result);
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct prom *p = arg;
    (void)fd, (void)what;
    if (p->emit) {
        p->emit = false;
        prom_emit_rows(p);
    }
    prom_step_end(p, p->defer_result);
}

void prom_end_later(struct prom *p, enum ls_step result)
{
    static const struct timeval now = {0, 0};
    p->defer_result = result;
    if (!p->defer)
        p->defer = evtimer_new(p->s->base, on_defer, p);
    if (p->defer)
        evtimer_add(p->defer, &now);
}

void prom_reply_reason(const struct ls_http_json_reply *r, char *out, size_t n)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    if (!r->ok) {
        ls_sb_append(&b, r->err ? r->err : "no response");
        return;
    }
    ls_sb_printf(&b, "HTTP %d", r->status);
    size_t len = r->body_len < 200 ? r->body_len : 200;
    while (len && (r->body[len - 1] == '\n' || r->body[len - 1] == '\r'))
        len--;
    if (len) {
        ls_sb_append(&b, ": ");
        for (size_t i = 0; i < len; i++) {
            char c = r->body[i];
            ls_sb_append_n(&b, (c >= 0x20 && c < 0x7f) ? &c : "?", 1);
        }
    }
}

static void set_error(struct ls_session *s, const char *why)
{
    free(s->svc.error);
    s->svc.error = strdup(why);
}

/* ---- fingerprint ------------------------------------------------------------------------------ */

/* The refusal of Prometheus's web.config.file basic auth (prometheus/exporter-toolkit): 401 with
 * `WWW-Authenticate: Basic` (no realm) and net/http's plain-text error "Unauthorized". */
static bool toolkit_refusal(const struct ls_http_json_reply *r)
{
    const char *wa = ls_http_header(r->resp, "WWW-Authenticate");
    const char *nosniff = ls_http_header(r->resp, "X-Content-Type-Options");
    return r->status == 401 && wa && strcasecmp(wa, "Basic") == 0 && nosniff && strcasecmp(nosniff, "nosniff") == 0 &&
           r->body_len >= 12 && memcmp(r->body, "Unauthorized", 12) == 0 && r->body_len <= 14;
}

static void on_healthy(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct prom *p = ud;
    p->req = NULL;
    static const char *const texts[] = {"Prometheus Server is Healthy.", "Prometheus is Healthy."};
    for (size_t i = 0; r->ok && r->status == 200 && i < 2; i++) {
        size_t n = strlen(texts[i]);
        if (r->body_len >= n && r->body_len <= n + 2 && memcmp(r->body, texts[i], n) == 0) {
            s->svc.auth = LS_AUTH_NONE;
            free(s->svc.version_source);
            s->svc.version_source = strdup("no /api/v1/status/buildinfo (Prometheus before 2.14); /-/healthy");
            prom_step_end(p, LS_STEP_OK);
            return;
        }
    }
    prom_step_end(p, LS_STEP_NO);
}

static void on_buildinfo(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct prom *p = ud;
    struct ls_service *svc = &s->svc;
    p->req = NULL;
    if (!r->ok) {
        set_error(s, r->err);
        prom_step_end(p, LS_STEP_NO);
        return;
    }
    if (r->status == 200 && prom_buildinfo(r->json, svc->version, sizeof svc->version)) {
        free(svc->version_source);
        svc->version_source = strdup("/api/v1/status/buildinfo");
        svc->auth = LS_AUTH_NONE;
        prom_step_end(p, LS_STEP_OK);
        return;
    }
    if (toolkit_refusal(r)) {
        svc->auth = LS_AUTH_REQUIRED;
        free(svc->auth_evidence);
        svc->auth_evidence = strdup("HTTP 401 Unauthorized (WWW-Authenticate: Basic) on /api/v1/status/buildinfo");
        prom_step_end(p, LS_STEP_OK);
        return;
    }
    if (r->status == 404 && prom_get(p, "/-/healthy", PROM_MAX_SMALL, on_healthy))
        return;
    prom_step_end(p, LS_STEP_NO);
}

static void prom_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct prom *p = s->priv;
    p->step_done = done;
    if (!prom_get(p, "/api/v1/status/buildinfo", PROM_MAX_SMALL, on_buildinfo)) {
        set_error(s, "out of memory");
        prom_end_later(p, LS_STEP_FAILED);
    }
}

/* Access: what the fingerprint saw decides; no request is needed. */
static void prom_access(struct ls_session *s, ls_step_cb done)
{
    struct prom *p = s->priv;
    p->step_done = done;
    prom_end_later(p, s->svc.auth == LS_AUTH_NONE ? LS_STEP_OK : LS_STEP_NO);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int prom_open(struct ls_session *s)
{
    struct prom *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    p->s = s;
    s->priv = p;
    return 0;
}

static void prom_cancel(struct ls_session *s)
{
    struct prom *p = s->priv;
    if (!p)
        return;
    ls_http_json_cancel(p->req);
    p->req = NULL;
    if (p->defer)
        evtimer_del(p->defer);
    p->step_done = NULL;
}

static void prom_close(struct ls_session *s)
{
    struct prom *p = s->priv;
    if (!p)
        return;
    prom_cancel(s);
    if (p->defer)
        event_free(p->defer);
    free(p->config);
    json_decref(p->targets);
    json_decref(p->metrics);
    prom_config_free(&p->cfg);
    prom_targets_free(&p->tg);
    free(p);
    s->priv = NULL;
}

static const struct ls_engine_ops prom_ops = {
    .open = prom_open,
    .fingerprint = prom_fingerprint,
    .access = prom_access,
    .inventory = prom_inventory,
    .posture = prom_posture,
    .stream_rows = prom_stream_rows,
    .assess = prom_assess,
    .cancel = prom_cancel,
    .close = prom_close,
};

static const uint16_t prom_ports[] = {9090, 0};
static const uint16_t prom_tls_ports[] = {0};

/* First look on an unclaimed port: Prometheus answers `GET /` with a redirect to its graph page
 * (302, Location: /graph, or /classic/graph where the Debian package ships the classic UI), or,
 * behind web.config.file, with the toolkit's 401 "Unauthorized". */
static bool prom_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    if (n < 12 || memcmp(b, "HTTP/1.", 7) != 0)
        return false;
    const char *t = (const char *)b;
    bool redirect = memcmp(b + 9, "302", 3) == 0 && memmem(t, n, "/graph", 6) != NULL;
    bool refused = memcmp(b + 9, "401", 3) == 0 && memmem(t, n, "Basic", 5) != NULL;
    return redirect || refused;
}

const struct ls_engine ls_engine_prometheus = {
    .name = "prometheus",
    .interface = "http",
    .display = "Prometheus",
    .ports = prom_ports,
    .tls_ports = prom_tls_ports,
    .ops = &prom_ops,
    .first_look = prom_first_look,
};
