/* etcd (2379) over its HTTP client port: the engine descriptor, the request plumbing and the
 * first two steps. Fingerprint: GET /version must answer 200 with etcd's own object
 * {"etcdserver":"3.4.23","etcdcluster":"3.4.0"} (both version strings); any other answer, a JSON
 * decoy's included, is not etcd. Access: one count_only range over the whole keyspace through the
 * v3 gRPC gateway (POST /v3/kv/range, key "\0" to range_end "\0"): answered with a header and a
 * count, auth is `none`; refused with etcd's auth error ("etcdserver: user name is empty"), auth
 * is `required` with those words. The member list (POST /v3/cluster/member/list) is read in the
 * same step: etcd 3.4 serves it without a token even with auth enabled, and its peer URLs map the
 * cluster's network. Everything sent is a read (README: no put, delete, txn, lease or auth call). */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/etcd/etcd_int.h"
#include "util/strbuf.h"

/* ---- requests --------------------------------------------------------------------------------- */

static void on_reply(struct ls_session *s, void *ud, const struct ls_http_json_reply *r)
{
    struct etcd *e = ud;
    (void)s;
    e->req = NULL;
    etcd_reply_cb cb = e->cb;
    e->cb = NULL;
    cb(e->s, r);
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct etcd *e = arg;
    (void)fd, (void)what;
    etcd_step_end(e, e->defer_result);
}

void etcd_step_end_later(struct etcd *e, enum ls_step result)
{
    static const struct timeval now = {0, 0};
    e->defer_result = result;
    if (!e->defer)
        e->defer = evtimer_new(e->s->base, on_defer, e);
    if (e->defer)
        evtimer_add(e->defer, &now);
}

void etcd_step_end(struct etcd *e, enum ls_step result)
{
    ls_step_cb done = e->step_done;
    e->step_done = NULL;
    if (done)
        done(e->s, result);
}

void etcd_request(struct etcd *e, const char *method, const char *path, const char *body, uint64_t max_body,
                  etcd_reply_cb cb)
{
    static const char json_type[] = "Content-Type: application/json\r\n";
    e->cb = cb;
    e->req = ls_http_json_start(e->s, method, path, body ? json_type : NULL, body, body ? strlen(body) : 0, max_body,
                                on_reply, e);
    if (!e->req) {
        free(e->s->svc.error);
        e->s->svc.error = strdup("out of memory starting a request");
        etcd_step_end_later(e, LS_STEP_FAILED);
    }
}

int etcd_range_body(const unsigned char *k, size_t klen, const unsigned char *end, size_t elen, const char *extra,
                    char *out, size_t cap)
{
    char kb[4 * (ETCD_MAX_KEY / 3 + 2)], eb[4 * (ETCD_MAX_KEY / 3 + 2)];
    if (klen > ETCD_MAX_KEY || elen > ETCD_MAX_KEY || etcd_b64_encode(k, klen, kb, sizeof kb) < 0 ||
        etcd_b64_encode(end, elen, eb, sizeof eb) < 0)
        return -1;
    struct ls_strbuf b;
    ls_sb_init(&b, out, cap);
    ls_sb_printf(&b, "{\"key\":\"%s\",\"range_end\":\"%s\"%s%s}", kb, eb, extra ? "," : "", extra ? extra : "");
    return b.truncated ? -1 : 0;
}

void etcd_unknown(struct ls_session *s, const char *what, const struct ls_http_json_reply *r)
{
    char why[300];
    const char *err = r->json ? etcd_error_text(r->json) : NULL;
    if (!r->ok)
        snprintf(why, sizeof why, "%s", r->err ? r->err : "no response");
    else if (err)
        snprintf(why, sizeof why, "HTTP %d: %s", r->status, err);
    else
        snprintf(why, sizeof why, "HTTP %d, not the expected JSON", r->status);
    ls_service_add_unknown(&s->svc, what, why);
}

/* ---- fingerprint ------------------------------------------------------------------------------ */

static void on_version(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct etcd *e = s->priv;
    struct ls_service *svc = &s->svc;
    if (!r->ok) {
        free(svc->error);
        svc->error = strdup(r->err ? r->err : "no response");
        etcd_step_end(e, LS_STEP_NO);
        return;
    }
    if (r->status != 200 || !etcd_parse_version(r->json, svc->version, sizeof svc->version, e->f.cluster_version,
                                                sizeof e->f.cluster_version)) {
        svc->version[0] = '\0';
        etcd_step_end(e, LS_STEP_NO);
        return;
    }
    free(svc->version_source);
    svc->version_source = strdup("GET /version (etcdserver)");
    etcd_step_end(e, LS_STEP_OK);
}

static void etcd_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct etcd *e = s->priv;
    e->step_done = done;
    etcd_request(e, "GET", "/version", NULL, ETCD_SMALL_REPLY, on_version);
}

/* ---- access ----------------------------------------------------------------------------------- */

static void add_member(void *ud, const char *name, const char *const *peer, size_t npeer, const char *const *client,
                       size_t nclient)
{
    struct ls_session *s = ud;
    struct etcd *e = s->priv;
    struct ls_strbuf b;
    size_t used = strlen(e->f.member_urls);
    ls_sb_init(&b, e->f.member_urls + used, sizeof e->f.member_urls - used);
    ls_sb_printf(&b, "%s%s", used ? "; " : "", name[0] ? name : "(unnamed)");
    for (size_t i = 0; i < npeer; i++) {
        ls_sb_printf(&b, " peer %s", peer[i]);
        ls_access_fact_list_add(&s->svc.access, "peer_urls", peer[i]);
    }
    for (size_t i = 0; i < nclient; i++) {
        ls_sb_printf(&b, " client %s", client[i]);
        ls_access_fact_list_add(&s->svc.access, "client_urls", client[i]);
    }
    if (name[0])
        ls_access_fact_list_add(&s->svc.access, "member_names", name);
}

static void on_members(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct etcd *e = s->priv;
    if (r->ok && r->status == 200 && etcd_has_header(r->json)) {
        const json_t *h = json_object_get(r->json, "header");
        const char *cid = json_string_value(json_object_get(h, "cluster_id"));
        if (cid) {
            snprintf(e->f.cluster_id, sizeof e->f.cluster_id, "%s", cid);
            ls_access_fact_text(&s->svc.access, "cluster_id", e->f.cluster_id);
        }
        e->f.members = etcd_parse_members(r->json, add_member, s);
        e->f.members_known = true;
        ls_access_fact_int(&s->svc.access, "members", true, (int64_t)e->f.members);
        if (e->f.cluster_version[0])
            ls_access_fact_text(&s->svc.access, "cluster_version", e->f.cluster_version);
    } else {
        etcd_unknown(s, "members", r);
    }
    etcd_step_end(e, s->svc.auth == LS_AUTH_NONE ? LS_STEP_OK : LS_STEP_NO);
}

static void on_count(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct etcd *e = s->priv;
    struct ls_service *svc = &s->svc;
    const char *err = r->json ? etcd_error_text(r->json) : NULL;
    uint64_t n;
    if (r->ok && r->status == 200 && etcd_has_header(r->json) && etcd_int_field(r->json, "count", &n)) {
        svc->auth = LS_AUTH_NONE;
        e->f.auth_off = true;
        e->f.keys = n;
    } else if (r->ok && etcd_auth_error(err)) {
        svc->auth = LS_AUTH_REQUIRED;
        free(svc->auth_evidence);
        svc->auth_evidence = strdup(err);
        ls_access_fact_bool(&svc->access, "auth_enabled", LS_TRI_YES);
    } else {
        etcd_unknown(s, "keyspace", r);
        free(svc->error);
        svc->error = strdup(r->ok    ? "POST /v3/kv/range: no count (gRPC gateway off?)"
                            : r->err ? r->err
                                     : "no response");
    }
    etcd_request(e, "POST", "/v3/cluster/member/list", "{}", ETCD_SMALL_REPLY, on_members);
}

static void etcd_access(struct ls_session *s, ls_step_cb done)
{
    struct etcd *e = s->priv;
    e->step_done = done;
    static const unsigned char nul = 0;
    char body[256];
    etcd_range_body(&nul, 1, &nul, 1, "\"count_only\":true", body, sizeof body);
    etcd_request(e, "POST", "/v3/kv/range", body, ETCD_SMALL_REPLY, on_count);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int etcd_open(struct ls_session *s)
{
    struct etcd *e = calloc(1, sizeof *e);
    if (!e)
        return -1;
    e->s = s;
    s->priv = e;
    return 0;
}

static void etcd_cancel(struct ls_session *s)
{
    struct etcd *e = s->priv;
    if (!e)
        return;
    ls_http_json_cancel(e->req);
    e->req = NULL;
    if (e->defer)
        evtimer_del(e->defer);
    e->step_done = NULL;
}

static void etcd_close(struct ls_session *s)
{
    struct etcd *e = s->priv;
    if (!e)
        return;
    ls_http_json_cancel(e->req);
    if (e->defer)
        event_free(e->defer);
    etcd_sample_free(e);
    free(e);
    s->priv = NULL;
}

static const struct ls_engine_ops etcd_ops = {
    .open = etcd_open,
    .fingerprint = etcd_fingerprint,
    .access = etcd_access,
    .inventory = etcd_inventory,
    .posture = etcd_posture,
    .stream_rows = etcd_stream_rows,
    .assess = etcd_assess,
    .cancel = etcd_cancel,
    .close = etcd_close,
};

static const uint16_t etcd_ports[] = {2379, 0};
static const uint16_t etcd_tls_ports[] = {0};

static bool contains(const unsigned char *b, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(b + i, needle, k) == 0)
            return true;
    return false;
}

/* First look on an unclaimed port: etcd answers `GET /` with a 404 carrying its CORS headers
 * ("Access-Control-Allow-Headers: accept, content-type, authorization") and Go's
 * "404 page not found". Only a hint: the fingerprint decides. */
static bool etcd_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    return n > 12 && memcmp(b, "HTTP/1.", 7) == 0 && contains(b, n, " 404 ") &&
           (contains(b, n, "Access-Control-Allow-Headers: accept, content-type, authorization") ||
            contains(b, n, "404 page not found"));
}

const struct ls_engine ls_engine_etcd = {
    .name = "etcd",
    .interface = "http",
    .display = "etcd",
    .ports = etcd_ports,
    .tls_ports = etcd_tls_ports,
    .ops = &etcd_ops,
    .first_look = etcd_first_look,
};
