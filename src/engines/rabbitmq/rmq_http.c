/* RabbitMQ's management HTTP API (15672): the engine descriptor and its first two steps.
 * Fingerprint: GET /api/overview without credentials. The management plugin refuses it with
 * `401` and `WWW-Authenticate: Basic realm="RabbitMQ Management"` — that realm is the fingerprint —
 * and the version then comes from the rabbitmqadmin script it serves to anyone
 * (/cli/rabbitmqadmin, `VERSION = '3.10.8'`). An overview answered without credentials (a proxy
 * that adds them) is RabbitMQ with auth none. A server that says 200 to everything is not RabbitMQ.
 * Access: the API has no anonymous mode, so it is `required` with the server's own 401 words; with
 * --default-credentials, the one documented default login (guest/guest, rabbitmq.com/access-control.html
 * "Default Virtual Host and User") is tried once and reported as default-credentials naming guest.
 * Only GET requests are ever sent. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/default_creds.h"
#include "engines/rabbitmq/rmq_int.h"
#include "util/strbuf.h"

#define OVERVIEW_PATH                                                                                                  \
    "/api/overview?columns=rabbitmq_version,management_version,cluster_name,erlang_version,node,queue_totals,"         \
    "object_totals,exchange_types"

static const struct ls_default_login rmq_default_logins[] = {{"guest", "guest"}};
LS_DEFAULT_LOGINS_CHECK(rmq_default_logins);

void rmq_step_end(struct ls_session *s, enum ls_step result)
{
    struct rmq *m = s->priv;
    ls_step_cb cb = m->step_done;
    m->step_done = NULL;
    if (cb)
        cb(s, result);
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct ls_session *s = arg;
    (void)fd, (void)what;
    if (((struct rmq *)s->priv)->sample_row)
        rmq_sample_run(s);
    rmq_step_end(s, ((struct rmq *)s->priv)->defer_result);
}

void rmq_end_later(struct ls_session *s, enum ls_step result)
{
    struct rmq *m = s->priv;
    static const struct timeval now = {0, 0};
    m->defer_result = result;
    if (evtimer_add(m->defer, &now) != 0)
        rmq_step_end(s, result); /* cannot happen with a valid event; never leave a step hanging */
}

static void on_reply(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct rmq *m = ud;
    rmq_cb cb = m->cb;
    m->req = NULL;
    m->cb = NULL;
    if (cb)
        cb(s, r);
}

void rmq_get(struct ls_session *s, const char *path, uint64_t max_body, rmq_cb cb)
{
    struct rmq *m = s->priv;
    uint64_t cap = s->limits->max_response_bytes;
    if (cap == 0 || cap > max_body)
        cap = max_body;
    m->cb = cb;
    m->req = ls_http_json_start(s, "GET", path, m->auth[0] ? m->auth : NULL, NULL, 0, cap, on_reply, m);
    if (!m->req) {
        m->cb = NULL;
        free(s->svc.error);
        s->svc.error = strdup("out of memory starting a request");
        rmq_end_later(s, LS_STEP_FAILED);
    }
}

void rmq_unknown(struct ls_session *s, const char *what, const struct ls_http_json_reply *r)
{
    char why[300];
    if (!r->ok) {
        snprintf(why, sizeof why, "%s", r->err ? r->err : "no answer");
    } else {
        const json_t *reason = json_object_get(r->json, "reason");
        snprintf(why, sizeof why, "HTTP %d%s%s", r->status, json_is_string(reason) ? ": " : "",
                 json_is_string(reason) ? json_string_value(reason) : "");
    }
    ls_service_add_unknown(&s->svc, what, why);
}

/* The overview that worked: version, and where it came from. */
static void take_overview(struct ls_session *s, const struct rmq_overview *ov)
{
    struct rmq *m = s->priv;
    m->ov = *ov;
    m->ov_known = true;
    snprintf(s->svc.version, sizeof s->svc.version, "%s", ov->version);
    free(s->svc.version_source);
    s->svc.version_source = strdup("GET /api/overview (rabbitmq_version)");
    if (ov->cluster[0])
        snprintf(s->svc.display_name, sizeof s->svc.display_name, "%s", ov->cluster);
}

/* ---- fingerprint ------------------------------------------------------------------------------ */

/* The management plugin's own refusal: Basic realm "RabbitMQ Management". */
static bool rabbitmq_realm(const struct ls_http_json_reply *r)
{
    const char *wa = r->resp ? ls_http_header(r->resp, "WWW-Authenticate") : NULL;
    return wa && strstr(wa, "realm=\"RabbitMQ Management\"") != NULL;
}

static void on_admin_script(struct ls_session *s, const struct ls_http_json_reply *r)
{
    if (r->ok && r->status == 200 && rmq_admin_version(r->body, r->body_len, s->svc.version, sizeof s->svc.version)) {
        free(s->svc.version_source);
        s->svc.version_source = strdup("GET /cli/rabbitmqadmin (VERSION)");
    } else {
        rmq_unknown(s, "version", r);
    }
    rmq_step_end(s, LS_STEP_OK);
}

static void on_fp_overview(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct ls_service *svc = &s->svc;
    if (!r->ok) {
        free(svc->error);
        svc->error = strdup(r->err ? r->err : "no answer");
        rmq_step_end(s, LS_STEP_NO);
        return;
    }
    struct rmq_overview ov;
    if (r->status == 200 && rmq_parse_overview(r->json, &ov)) {
        take_overview(s, &ov);
        svc->auth = LS_AUTH_NONE;
        free(svc->auth_evidence);
        svc->auth_evidence = strdup("GET /api/overview answered 200 without credentials");
        rmq_step_end(s, LS_STEP_OK);
        return;
    }
    if (r->status != 401 || !rabbitmq_realm(r)) {
        rmq_step_end(s, LS_STEP_NO);
        return;
    }
    char ev[400];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "GET /api/overview: HTTP 401 Unauthorized, WWW-Authenticate: %s",
                 ls_http_header(r->resp, "WWW-Authenticate"));
    const json_t *reason = json_object_get(r->json, "reason");
    if (json_is_string(reason))
        ls_sb_printf(&b, " (%s)", json_string_value(reason));
    ls_sb_append(&b, "; the management API needs a password");
    svc->auth = LS_AUTH_REQUIRED;
    free(svc->auth_evidence);
    svc->auth_evidence = strdup(ev);
    rmq_get(s, "/cli/rabbitmqadmin", RMQ_ADMIN_MAX, on_admin_script);
}

static void rmq_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct rmq *m = s->priv;
    m->step_done = done;
    rmq_get(s, OVERVIEW_PATH, RMQ_MAX_BODY, on_fp_overview);
}

/* ---- access ----------------------------------------------------------------------------------- */

static void on_default_login(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct rmq *m = s->priv;
    struct rmq_overview ov;
    if (r->ok && r->status == 200 && rmq_parse_overview(r->json, &ov)) {
        take_overview(s, &ov);
        snprintf(m->user, sizeof m->user, "%s", rmq_default_logins[0].user);
        ls_default_creds_accepted(&s->svc, m->user);
        rmq_step_end(s, LS_STEP_OK);
        return;
    }
    m->auth[0] = '\0';
    if (!r->ok) {
        free(s->svc.error);
        s->svc.error = strdup(r->err ? r->err : "no answer");
    }
    ls_default_creds_refused(&s->svc, 1);
    rmq_step_end(s, LS_STEP_NO);
}

static void rmq_access(struct ls_session *s, ls_step_cb done)
{
    struct rmq *m = s->priv;
    m->step_done = done;
    if (s->svc.auth == LS_AUTH_NONE) {
        rmq_end_later(s, LS_STEP_OK);
        return;
    }
    if (s->svc.auth != LS_AUTH_REQUIRED || !s->limits->default_credentials) {
        rmq_end_later(s, LS_STEP_NO);
        return;
    }
    if (ls_http_basic_auth(rmq_default_logins[0].user, rmq_default_logins[0].password, m->auth, sizeof m->auth) != 0) {
        m->auth[0] = '\0';
        rmq_end_later(s, LS_STEP_NO);
        return;
    }
    rmq_get(s, OVERVIEW_PATH, RMQ_MAX_BODY, on_default_login);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int rmq_open(struct ls_session *s)
{
    struct rmq *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->s = s;
    m->defer = evtimer_new(s->base, on_defer, s);
    if (!m->defer) {
        free(m);
        return -1;
    }
    s->priv = m;
    return 0;
}

static void rmq_cancel(struct ls_session *s)
{
    struct rmq *m = s->priv;
    if (!m)
        return;
    ls_http_json_cancel(m->req);
    m->req = NULL;
    m->cb = NULL;
    evtimer_del(m->defer);
    m->step_done = NULL;
    m->sample_row = NULL;
}

static void rmq_close(struct ls_session *s)
{
    struct rmq *m = s->priv;
    if (!m)
        return;
    rmq_cancel(s);
    event_free(m->defer);
    json_decref(m->params);
    free(m);
    s->priv = NULL;
}

static const struct ls_engine_ops rmq_ops = {
    .open = rmq_open,
    .fingerprint = rmq_fingerprint,
    .access = rmq_access,
    .inventory = rmq_inventory,
    .posture = rmq_posture,
    .stream_rows = rmq_stream_rows,
    .assess = rmq_assess,
    .cancel = rmq_cancel,
    .close = rmq_close,
};

static const uint16_t rmq_http_ports[] = {15672, 0};

/* First look on an unclaimed port: the answer to `GET / HTTP/1.0` is the management UI's page
 * (<title>RabbitMQ Management</title>) or, behind a login, the plugin's Basic realm. */
static bool rmq_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    static const char needle[] = "RabbitMQ Management";
    size_t k = sizeof needle - 1;
    if (n < 12 || memcmp(b, "HTTP/1.", 7) != 0)
        return false;
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(b + i, needle, k) == 0)
            return true;
    return false;
}

const struct ls_engine ls_engine_rabbitmq_http = {
    .name = "rabbitmq",
    .interface = "http",
    .display = "RabbitMQ",
    .ports = rmq_http_ports,
    .tls_ports = NULL, /* 15671 (TLS) is not in the default set; -p 15671 tries it over TLS */
    .ops = &rmq_ops,
    .first_look = rmq_first_look,
};
