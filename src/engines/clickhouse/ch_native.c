/* ClickHouse over its native TCP protocol (9000, TLS 9440): the Hello as `default` with an empty
 * password is both fingerprint and access check; queries then run on the same connection with
 * readonly=1 sent as a query setting (retried without settings when a readonly profile refuses). */
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/clickhouse/ch_common.h"
#include "engines/clickhouse/ch_native_proto.h"
#include "net/conn.h"

enum phase { PH_HELLO, PH_IDLE, PH_QUERY, PH_DEAD };

struct ch_native {
    struct ch_state common; /* must be first: ch_common.c uses s->priv as ch_state */
    struct ls_session *s;
    struct ls_conn *conn;
    enum phase phase;
    uint64_t server_rev;
    ls_step_cb fp_done;
    ch_rows_cb rows;
    ch_query_done_cb qdone;
    char *sql; /* the running query (kept for the retry without settings) */
    bool no_settings;
    bool unguarded; /* this query goes without readonly=1 (ch_common.h) */
    bool retried;
    char *rowbuf; /* NUL-terminated copies of one row's cells */
    size_t rowcap;
    char **cells;
    size_t *lens;
    size_t cellcap;
    size_t need;       /* bytes the next packet needs at least (decoder's hint) */
    unsigned in_input; /* inside on_input: callbacks there may close the session */
    bool closing;      /* closed while in_input: free when it unwinds */
};

static void native_free(struct ch_native *n);

static void copy_text(char *dst, size_t cap, struct ch_str s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (s.p[i] >= 0x20 && s.p[i] != 0x7f) ? s.p[i] : '?';
    dst[n] = '\0';
}

static void fail_query(struct ch_native *n, int code, const char *err)
{
    ch_query_done_cb cb = n->qdone;
    n->qdone = NULL;
    free(n->sql);
    n->sql = NULL;
    if (n->phase != PH_DEAD)
        n->phase = PH_IDLE;
    if (cb)
        cb(n->s, false, code, err);
}

static void conn_dead(struct ch_native *n, const char *why)
{
    n->phase = PH_DEAD;
    if (n->fp_done) {
        ls_step_cb cb = n->fp_done;
        n->fp_done = NULL;
        free(n->s->svc.error);
        n->s->svc.error = strdup(why);
        cb(n->s, LS_STEP_NO);
    } else if (n->qdone) {
        fail_query(n, 0, why);
    }
}

/* ---- fingerprint and access ------------------------------------------------------------------- */

static void on_hello(struct ch_native *n, const struct ch_packet *pkt)
{
    struct ls_service *svc = &n->s->svc;
    ls_step_cb cb = n->fp_done;
    n->fp_done = NULL;
    if (pkt->type == CH_SRV_HELLO) {
        const struct ch_hello *h = &pkt->u.hello;
        if (h->name.len < 10 || memcmp(h->name.p, "ClickHouse", 10) != 0) {
            cb(n->s, LS_STEP_NO);
            return;
        }
        n->server_rev = h->revision;
        snprintf(svc->version, sizeof svc->version, "%llu.%llu.%llu", (unsigned long long)h->major,
                 (unsigned long long)h->minor, (unsigned long long)h->patch);
        copy_text(svc->timezone, sizeof svc->timezone, h->timezone);
        copy_text(svc->display_name, sizeof svc->display_name, h->display_name);
        svc->auth = LS_AUTH_NONE;
        n->phase = PH_IDLE;
        cb(n->s, LS_STEP_OK);
        return;
    }
    if (pkt->type == CH_SRV_EXCEPTION) {
        const struct ch_exception *e = &pkt->u.exception;
        if (e->name.len < 4 || memcmp(e->name.p, "DB::", 4) != 0) {
            cb(n->s, LS_STEP_NO);
            return;
        }
        char msg[400];
        copy_text(msg, sizeof msg, e->message);
        if (!ch_error_version(e->message.p, e->message.len, svc->version, sizeof svc->version))
            ch_stack_version(e->stack_trace.p, e->stack_trace.len, svc->version, sizeof svc->version);
        char ev[460];
        snprintf(ev, sizeof ev, "Code: %d. %s", (int)e->code, msg);
        if (ch_is_auth_error(e->code)) {
            svc->auth = LS_AUTH_REQUIRED;
            svc->auth_evidence = strdup(ev);
        } else {
            svc->auth = LS_AUTH_UNKNOWN;
            svc->error = strdup(ev);
        }
        n->phase = PH_DEAD; /* the server closes after an exception in the handshake */
        cb(n->s, LS_STEP_OK);
        return;
    }
    cb(n->s, LS_STEP_NO);
}

/* ---- query results ---------------------------------------------------------------------------- */

static int ensure_row_space(struct ch_native *n, size_t ncols, size_t bytes)
{
    if (ncols > n->cellcap) {
        char **c = realloc(n->cells, ncols * sizeof *c);
        if (!c)
            return -1;
        n->cells = c;
        size_t *l = realloc(n->lens, ncols * sizeof *l);
        if (!l)
            return -1;
        n->lens = l;
        n->cellcap = ncols;
    }
    if (bytes > n->rowcap) {
        char *b = realloc(n->rowbuf, bytes);
        if (!b)
            return -1;
        n->rowbuf = b;
        n->rowcap = bytes;
    }
    return 0;
}

static void on_block(struct ch_native *n, const struct ch_block *b)
{
    for (uint64_t r = 0; r < b->nrows && n->qdone; r++) {
        size_t bytes = 0;
        for (uint64_t c = 0; c < b->ncols; c++)
            bytes += b->cols[c].cells[r].len + 1;
        if (ensure_row_space(n, (size_t)b->ncols, bytes) != 0)
            return;
        char *p = n->rowbuf;
        for (uint64_t c = 0; c < b->ncols; c++) {
            struct ch_str v = b->cols[c].cells[r];
            bool null = b->cols[c].is_null && b->cols[c].is_null[r];
            size_t len = null ? 0 : v.len;
            if (len)
                memcpy(p, v.p, len);
            p[len] = '\0';
            n->cells[c] = p;
            n->lens[c] = len;
            p += len + 1;
        }
        n->rows(n->s, n->cells, n->lens, (size_t)b->ncols);
    }
}

static int send_query(struct ch_native *n);

static void on_query_packet(struct ch_native *n, const struct ch_packet *pkt)
{
    switch (pkt->type) {
    case CH_SRV_DATA: on_block(n, &pkt->u.block); return;
    case CH_SRV_EXCEPTION: {
        const struct ch_exception *e = &pkt->u.exception;
        if (e->code == 164 && !n->no_settings && !n->retried) {
            /* a readonly profile refuses even readonly=1: ask again without settings */
            n->no_settings = true;
            n->retried = true;
            n->phase = PH_IDLE;
            if (send_query(n) == 0)
                return;
        }
        char msg[400];
        copy_text(msg, sizeof msg, e->message);
        char err[460];
        snprintf(err, sizeof err, "Code: %d. %s", (int)e->code, msg);
        fail_query(n, e->code, err);
        return;
    }
    case CH_SRV_END_OF_STREAM: {
        ch_query_done_cb cb = n->qdone;
        n->qdone = NULL;
        free(n->sql);
        n->sql = NULL;
        n->phase = PH_IDLE;
        if (cb)
            cb(n->s, true, 0, NULL);
        return;
    }
    default: return; /* progress, profile info, totals, extremes */
    }
}

static void on_input(struct ch_native *n)
{
    n->in_input++;
    while (!n->closing && n->conn && (n->phase == PH_HELLO || n->phase == PH_QUERY)) {
        struct evbuffer *in = ls_conn_input(n->conn);
        size_t avail = evbuffer_get_length(in);
        if (!avail || avail < n->need)
            break; /* do not re-decode a large partial packet on every read */
        const uint8_t *buf = evbuffer_pullup(in, -1);
        struct ch_packet pkt;
        size_t used = 0;
        char err[200];
        enum ch_status st = ch_decode_packet(buf, avail, n->server_rev, &pkt, &used, err, sizeof err);
        if (st == CH_NEED_MORE) {
            n->need = used;
            if (avail > CH_MAX_PACKET)
                conn_dead(n, "native packet larger than the cap");
            break;
        }
        if (st == CH_ERROR) {
            char msg[260];
            snprintf(msg, sizeof msg, "native protocol: %s", err);
            conn_dead(n, msg);
            break;
        }
        n->need = 0;
        if (n->phase == PH_HELLO)
            on_hello(n, &pkt);
        else
            on_query_packet(n, &pkt);
        ch_packet_clear(&pkt);
        if (!n->closing && n->conn)
            evbuffer_drain(ls_conn_input(n->conn), used);
    }
    if (--n->in_input == 0 && n->closing)
        native_free(n);
}

static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct ch_native *n = ud;
    if (ev != LS_CONN_READ && ev != LS_CONN_CONNECTED) {
        n->in_input++;
        conn_dead(n, ls_conn_error(c));
        if (--n->in_input == 0 && n->closing)
            native_free(n);
        return;
    }
    switch (ev) {
    case LS_CONN_CONNECTED:
        if (ch_encode_hello(ls_conn_output(c), "leakscan", "default", "") != 0 || ls_conn_flush(c) != 0)
            conn_dead(n, "cannot send the Hello");
        return;
    case LS_CONN_READ: on_input(n); return;
    case LS_CONN_EOF:
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR: conn_dead(n, ls_conn_error(c)); return;
    }
}

static void native_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct ch_native *n = s->priv;
    n->fp_done = done;
    n->phase = PH_HELLO;
    n->conn = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                          s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_conn, n);
    if (!n->conn)
        conn_dead(n, "cannot open a connection");
}

static void native_access(struct ls_session *s, ls_step_cb done)
{
    done(s, s->svc.auth == LS_AUTH_NONE ? LS_STEP_OK : LS_STEP_NO);
}

static int send_query(struct ch_native *n)
{
    static const char *const settings[][2] = {{"readonly", "1"}};
    struct evbuffer *out = ls_conn_output(n->conn);
    bool bare = n->no_settings || n->unguarded;
    if (ch_encode_query(out, "", n->sql, bare ? NULL : settings, bare ? 0 : 1) != 0 || ls_conn_flush(n->conn) != 0)
        return -1;
    n->phase = PH_QUERY;
    return 0;
}

static void start_query(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done, bool unguarded)
{
    struct ch_native *n = s->priv;
    n->unguarded = unguarded;
    n->rows = rows;
    n->qdone = done;
    n->retried = false;
    n->sql = strdup(sql);
    if (n->phase != PH_IDLE || !n->conn || !n->sql || send_query(n) != 0)
        fail_query(n, 0, n->phase == PH_DEAD ? "connection lost" : "cannot send the query");
}

static void native_query(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done)
{
    start_query(s, sql, rows, done, false);
}

static void native_query_unguarded(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done)
{
    start_query(s, sql, rows, done, true);
}

static const struct ch_transport native_transport = {.query = native_query, .query_unguarded = native_query_unguarded};

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int native_open(struct ls_session *s)
{
    struct ch_native *n = calloc(1, sizeof *n);
    if (!n)
        return -1;
    n->common.tx = &native_transport;
    n->s = s;
    s->priv = n;
    return 0;
}

static void native_cancel(struct ls_session *s)
{
    struct ch_native *n = s->priv;
    if (!n)
        return;
    ls_conn_free(n->conn);
    n->conn = NULL;
    n->phase = PH_DEAD;
    n->fp_done = NULL;
    n->qdone = NULL;
}

static void native_close(struct ls_session *s)
{
    struct ch_native *n = s->priv;
    if (!n)
        return;
    native_cancel(s);
    s->priv = NULL;
    if (n->in_input) {
        n->closing = true; /* on_input frees it when its callbacks unwind */
        return;
    }
    native_free(n);
}

static void native_free(struct ch_native *n)
{
    free(n->sql);
    free(n->rowbuf);
    free(n->cells);
    free(n->lens);
    ch_state_cleanup(&n->common);
    free(n);
}

static const struct ls_engine_ops ch_native_ops = {
    .open = native_open,
    .fingerprint = native_fingerprint,
    .access = native_access,
    .inventory = ch_inventory,
    .posture = ch_posture_step,
    .stream_rows = ch_stream_rows,
    .assess = ch_assess,
    .cancel = native_cancel,
    .close = native_close,
};

static const uint16_t ch_native_ports[] = {9000, 0};
static const uint16_t ch_native_tls_ports[] = {9440, 0};

/* First look on an unclaimed port: the native port answers an HTTP line with "Port 9000 is for
 * clickhouse-client program" (whatever its number). */
static bool ch_native_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    return n >= 17 && memmem(b, n, "clickhouse-client", 17) != NULL;
}

const struct ls_engine ls_engine_clickhouse_native = {
    .name = "clickhouse",
    .interface = "native",
    .display = "ClickHouse",
    .ports = ch_native_ports,
    .tls_ports = ch_native_tls_ports,
    .ops = &ch_native_ops,
    .first_look = ch_native_first_look,
};
