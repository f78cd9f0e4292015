/* ClickHouse over its HTTP interface (8123, TLS 8443): fingerprint with a computed query, the
 * no-password check (with --default-credentials, a short list of logins sent as headers), and read-only queries via GET
 * (the server forces readonly=2 on GET) whose TabSeparated output is decoded as it streams in. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engines/clickhouse/ch_common.h"
#include "engines/clickhouse/ch_tsv.h"
#include "engines/default_creds.h"
#include "net/conn.h"
#include "net/http_client.h"

/* A decoy that always says "Ok." cannot compute this product. */
#define FP_SQL "SELECT version(), timezone(), toString(uptime()), 7919*7907"
#define FP_PRODUCT "62615533"
#define FP_MAX_BODY (64u * 1024)
#define MAX_GET_SQL 6000

struct ch_http {
    struct ch_state common; /* must be first: ch_common.c uses s->priv as ch_state */
    struct ls_http_call *call;
    struct ch_tsv *tsv;
    struct ls_session *s;
    ch_rows_cb rows;
    ch_query_done_cb qdone;
    ls_step_cb fp_done;
    char host[300];
    char errbody[512]; /* head of an error body */
    size_t errlen;
    bool fp_result_row; /* fingerprint query returned the expected product */
    /* --default-credentials: the login's headers for every request once one worked (never reported) */
    char login_hdr[200];
    unsigned default_tries;
    ls_step_cb access_done;
};

static const struct ch_transport http_transport;

static void http_request(struct ch_http *h, const char *method, const char *path, const char *body, size_t body_len,
                         uint64_t max_body, ls_http_body_cb stream, ls_http_done_cb done)
{
    struct ls_session *s = h->s;
    struct ls_http_request req = {.method = method,
                                  .host = h->host,
                                  .path = path,
                                  .headers = h->login_hdr[0] ? h->login_hdr : NULL,
                                  .body = body,
                                  .body_len = body_len,
                                  .max_body = max_body};
    h->call = ls_http_start(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                            s->limits->connect_timeout_ms, s->limits->io_timeout_ms, &req, stream, done, h);
    if (!h->call)
        done(h, false, NULL, NULL, 0, "out of memory");
}

static char *query_path(const char *sql)
{
    char *enc = ls_url_encode(sql);
    if (!enc)
        return NULL;
    size_t n = strlen(enc) + 16;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "/?query=%s", enc);
    free(enc);
    return path;
}

/* ---- fingerprint + access (one request) ------------------------------------------------------ */

static bool has_clickhouse_header(const struct ls_http_response *r)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strncasecmp(r->headers[i].name, "X-ClickHouse-", 13) == 0)
            return true;
    return false;
}

static void copy_field(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (src[i] >= 0x20 && src[i] != 0x7f) ? src[i] : '?';
    dst[n] = '\0';
}

static void fp_row(void *ud, char **cells, const size_t *lens, size_t n)
{
    struct ch_http *h = ud;
    if (n == 4 && strcmp(cells[3], FP_PRODUCT) == 0 && lens[0] > 0 && lens[0] < 64) {
        h->fp_result_row = true;
        copy_field(h->s->svc.version, sizeof h->s->svc.version, cells[0], lens[0]);
        copy_field(h->s->svc.timezone, sizeof h->s->svc.timezone, cells[1], lens[1]);
    }
}

static void fp_done(void *ud, bool ok, const struct ls_http_response *resp, const char *body, size_t blen,
                    const char *err)
{
    struct ch_http *h = ud;
    struct ls_session *s = h->s;
    struct ls_service *svc = &s->svc;
    ls_step_cb cb = h->fp_done;
    h->call = NULL;
    h->fp_done = NULL;
    if (!ok) {
        free(svc->error);
        svc->error = strdup(err ? err : "no HTTP response");
        cb(s, LS_STEP_NO);
        return;
    }
    const char *dn = ls_http_header(resp, "X-ClickHouse-Server-Display-Name");
    if (dn)
        copy_field(svc->display_name, sizeof svc->display_name, dn, strlen(dn));
    const char *tz = ls_http_header(resp, "X-ClickHouse-Timezone");
    if (tz && !svc->timezone[0])
        copy_field(svc->timezone, sizeof svc->timezone, tz, strlen(tz));
    bool header_signal = has_clickhouse_header(resp);
    static const struct {
        const char *name;
        unsigned bit;
    } oracle[] = {{"X-ClickHouse-Server-Display-Name", CH_HDR_DISPLAY_NAME},
                  {"X-ClickHouse-Query-Id", CH_HDR_QUERY_ID},
                  {"X-ClickHouse-Summary", CH_HDR_SUMMARY},
                  {"X-ClickHouse-Format", CH_HDR_FORMAT},
                  {"X-ClickHouse-Timezone", CH_HDR_TIMEZONE},
                  {"X-ClickHouse-Exception-Code", CH_HDR_EXCEPTION_CODE}};
    h->common.http_seen = true;
    for (size_t i = 0; i < sizeof oracle / sizeof *oracle; i++)
        if (ls_http_header(resp, oracle[i].name))
            h->common.http_headers |= oracle[i].bit;
    const char *codeh = ls_http_header(resp, "X-ClickHouse-Exception-Code");
    int code = codeh ? atoi(codeh) : ch_error_code(body, blen);
    bool error_signal = code > 0 && memmem(body, blen, "DB::Exception", 13) != NULL;

    if (resp->status == 200) {
        struct ch_tsv *p = ch_tsv_new(FP_MAX_BODY, fp_row, h);
        if (p) {
            ch_tsv_feed(p, body, blen);
            ch_tsv_finish(p);
            ch_tsv_free(p);
        }
    }
    if (!h->fp_result_row && !header_signal && !error_signal) {
        cb(s, LS_STEP_NO); /* e.g. a web server that only says "Ok." */
        return;
    }
    char summary[300];
    ch_error_summary(body, blen, summary, sizeof summary);
    if (!svc->version[0])
        ch_error_version(body, blen, svc->version, sizeof svc->version);
    if (h->fp_result_row) {
        svc->auth = LS_AUTH_NONE;
    } else if (ch_is_auth_error(code) || resp->status == 401 || resp->status == 403) {
        svc->auth = LS_AUTH_REQUIRED;
        svc->auth_evidence = strdup(summary);
    } else {
        svc->auth = LS_AUTH_UNKNOWN;
        char msg[400];
        snprintf(msg, sizeof msg, "HTTP %d: %s", resp->status, summary);
        free(svc->error);
        svc->error = strdup(msg);
    }
    cb(s, LS_STEP_OK);
}

static void http_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct ch_http *h = s->priv;
    h->fp_done = done;
    char *path = query_path(FP_SQL);
    http_request(h, "GET", path ? path : "/", NULL, 0, FP_MAX_BODY, NULL, fp_done);
    free(path);
}

/* --default-credentials: `default` with an empty password (users.xml's stock user) is the no-auth
 * case the fingerprint already tried; the list adds that user with its own name as password and
 * admin/admin, the pair appliance and compose examples use. Sent as X-ClickHouse-User/-Key headers. */
static const struct ls_default_login ch_default_logins[] = {{"default", "default"}, {"admin", "admin"}};
LS_DEFAULT_LOGINS_CHECK(ch_default_logins);

static void try_default_login(struct ls_session *s);

static void on_default_login(void *ud, bool ok, const struct ls_http_response *resp, const char *body, size_t blen,
                             const char *err)
{
    struct ch_http *h = ud;
    struct ls_session *s = h->s;
    h->call = NULL;
    if (ok && resp->status == 200 && blen > 0 && body[0] >= '0' && body[0] <= '9') {
        ls_default_creds_accepted(&s->svc, ch_default_logins[h->default_tries - 1].user);
        if (!s->svc.version[0]) {
            size_t n = strcspn(body, "\r\n\t");
            snprintf(s->svc.version, sizeof s->svc.version, "%.*s", (int)n, body);
        }
        h->access_done(s, LS_STEP_OK);
        return;
    }
    h->login_hdr[0] = '\0';
    const char *codeh = ok ? ls_http_header(resp, "X-ClickHouse-Exception-Code") : NULL;
    int code = ok ? (codeh ? atoi(codeh) : ch_error_code(body, blen)) : 0;
    if (ok && (ch_is_auth_error(code) || resp->status == 401 || resp->status == 403)) {
        try_default_login(s);
        return;
    }
    char why[300];
    if (ok)
        snprintf(why, sizeof why, "HTTP %d to SELECT version() with a default login", resp->status);
    ls_service_add_unknown(&s->svc, "default credentials", ok ? why : err);
    if (h->default_tries > 1)
        ls_default_creds_refused(&s->svc, h->default_tries - 1);
    h->access_done(s, LS_STEP_NO);
}

static void try_default_login(struct ls_session *s)
{
    struct ch_http *h = s->priv;
    if (h->default_tries >= sizeof ch_default_logins / sizeof ch_default_logins[0]) {
        ls_default_creds_refused(&s->svc, h->default_tries);
        h->access_done(s, LS_STEP_NO);
        return;
    }
    const struct ls_default_login *l = &ch_default_logins[h->default_tries++];
    snprintf(h->login_hdr, sizeof h->login_hdr, "X-ClickHouse-User: %s\r\nX-ClickHouse-Key: %s\r\n", l->user,
             l->password);
    char *path = query_path("SELECT version()");
    http_request(h, "GET", path ? path : "/", NULL, 0, FP_MAX_BODY, NULL, on_default_login);
    free(path);
}

static void http_access(struct ls_session *s, ls_step_cb done)
{
    struct ch_http *h = s->priv;
    if (s->svc.auth == LS_AUTH_REQUIRED && s->limits->default_credentials) {
        h->access_done = done;
        try_default_login(s);
        return;
    }
    /* the fingerprint query already ran as `default` with no password */
    done(s, s->svc.auth == LS_AUTH_NONE ? LS_STEP_OK : LS_STEP_NO);
}

/* ---- queries ---------------------------------------------------------------------------------- */

static void q_row(void *ud, char **cells, const size_t *lens, size_t n)
{
    struct ch_http *h = ud;
    h->rows(h->s, cells, lens, n);
}

static int q_body(void *ud, const char *data, size_t len)
{
    struct ch_http *h = ud;
    if (ls_http_call_response(h->call)->status == 200)
        return ch_tsv_feed(h->tsv, data, len) == 0 ? 0 : -1;
    /* an error: keep the head of the body for the code and message */
    if (h->errlen < sizeof h->errbody - 1) {
        size_t take = len < sizeof h->errbody - 1 - h->errlen ? len : sizeof h->errbody - 1 - h->errlen;
        memcpy(h->errbody + h->errlen, data, take);
        h->errlen += take;
        h->errbody[h->errlen] = '\0';
    }
    return 0;
}

static void q_done(void *ud, bool ok, const struct ls_http_response *resp, const char *body, size_t blen,
                   const char *err)
{
    struct ch_http *h = ud;
    (void)body, (void)blen;
    h->call = NULL;
    ch_query_done_cb cb = h->qdone;
    h->qdone = NULL;
    int code = 0;
    char msg[400];
    if (ok && resp->status == 200) {
        if (ch_tsv_finish(h->tsv) != 0) {
            ok = false;
            err = "malformed TabSeparated output";
        }
    } else if (ok) {
        code = ch_error_code(h->errbody, h->errlen);
        char summary[300];
        ch_error_summary(h->errbody, h->errlen, summary, sizeof summary);
        snprintf(msg, sizeof msg, "HTTP %d: %s", resp->status, summary);
        ok = false;
        err = msg;
    }
    ch_tsv_free(h->tsv);
    h->tsv = NULL;
    cb(h->s, ok, code, err);
}

static void start_query(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done, bool unguarded)
{
    struct ch_http *h = s->priv;
    h->rows = rows;
    h->qdone = done;
    h->errlen = 0;
    h->errbody[0] = '\0';
    h->tsv = ch_tsv_new(CH_TSV_MAX_ROW, q_row, h);
    if (!h->tsv) {
        h->qdone = NULL;
        done(s, false, 0, "out of memory");
        return;
    }
    size_t len = strlen(sql);
    if (unguarded) {
        /* POST without readonly: the server applies the account's own profile (see ch_common.h) */
        http_request(h, "POST", "/", sql, len, s->limits->max_response_bytes, q_body, q_done);
    } else if (len <= MAX_GET_SQL) {
        char *path = query_path(sql);
        http_request(h, "GET", path ? path : "/", NULL, 0, s->limits->max_response_bytes, q_body, q_done);
        free(path);
    } else {
        /* long SQL: POST with readonly=1 so the query still cannot write */
        http_request(h, "POST", "/?readonly=1", sql, len, s->limits->max_response_bytes, q_body, q_done);
    }
}

static void http_query(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done)
{
    start_query(s, sql, rows, done, false);
}

static void http_query_unguarded(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done)
{
    start_query(s, sql, rows, done, true);
}

static const struct ch_transport http_transport = {.query = http_query, .query_unguarded = http_query_unguarded};

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int http_open(struct ls_session *s)
{
    struct ch_http *h = calloc(1, sizeof *h);
    if (!h)
        return -1;
    h->common.tx = &http_transport;
    h->s = s;
    char ip[64];
    ls_sockaddr_ip((const struct sockaddr *)&s->addr, ip, sizeof ip);
    unsigned port = ls_sockaddr_port((const struct sockaddr *)&s->addr);
    if (s->sni)
        snprintf(h->host, sizeof h->host, "%s:%u", s->sni, port);
    else if (s->addr.ss_family == AF_INET6)
        snprintf(h->host, sizeof h->host, "[%s]:%u", ip, port);
    else
        snprintf(h->host, sizeof h->host, "%s:%u", ip, port);
    s->priv = h;
    return 0;
}

static void http_cancel(struct ls_session *s)
{
    struct ch_http *h = s->priv;
    if (!h)
        return;
    ls_http_cancel(h->call);
    h->call = NULL;
    ch_tsv_free(h->tsv);
    h->tsv = NULL;
}

static void http_close(struct ls_session *s)
{
    struct ch_http *h = s->priv;
    if (!h)
        return;
    http_cancel(s);
    ch_state_cleanup(&h->common);
    free(h);
    s->priv = NULL;
}

static const struct ls_engine_ops ch_http_ops = {
    .open = http_open,
    .fingerprint = http_fingerprint,
    .access = http_access,
    .inventory = ch_inventory,
    .posture = ch_posture_step,
    .stream_rows = ch_stream_rows,
    .assess = ch_assess,
    .cancel = http_cancel,
    .close = http_close,
};

static const uint16_t ch_http_ports[] = {8123, 0};
static const uint16_t ch_https_ports[] = {8443, 0};

/* First look on an unclaimed port: any HTTP answer may be ClickHouse's (fingerprint decides). */
static bool ch_http_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    return n >= 5 && memcmp(b, "HTTP/", 5) == 0;
}

const struct ls_engine ls_engine_clickhouse_http = {
    .name = "clickhouse",
    .interface = "http",
    .display = "ClickHouse",
    .ports = ch_http_ports,
    .tls_ports = ch_https_ports,
    .ops = &ch_http_ops,
    .first_look = ch_http_first_look,
};
