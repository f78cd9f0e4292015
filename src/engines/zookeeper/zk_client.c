/* The ZooKeeper engine's connections. Four-letter words: each on a connection of its own (the
 * server answers one word and closes), the reply read until the close, at most ZK_MAX_4LW bytes.
 * The session: one connection, a ConnectRequest and its ConnectResponse, then read-only requests
 * pipelined (at most ZK_WINDOW in flight, matched to replies by xid in order); every frame is
 * length-checked against ZK_MAX_FRAME before it is read. A failure ends the request in flight with
 * an error and marks the session dead; later requests fail from the event loop (the lifecycle and
 * the deferred failure are the shared engine client's, engine_client.h). */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/zookeeper/zk_int.h"
#include "net/conn.h"

#define PEND_CAP 64

struct zk_pending {
    int32_t xid, op;
    uint32_t tag;
    zk_reply_cb cb;
};

void zk_step_end(struct zk *z, enum ls_step result)
{
    ls_ec_step_end(&z->ec, result);
}

size_t zk_inflight(const struct zk *z)
{
    return z->npend;
}

/* ---- failures, reported once, from the event loop -------------------------------------------- */

/* Ends whatever waits (handshake, the oldest request, a four-letter word) with why. */
static void fail_waiter(struct ls_eclient *ec, const char *why)
{
    struct zk *z = LS_EC_OWNER(ec, struct zk);
    if (z->connect_cb) {
        zk_connect_cb cb = z->connect_cb;
        z->connect_cb = NULL;
        cb(z->ec.s, NULL, why);
        return;
    }
    if (z->npend) {
        struct zk_pending p = z->pend[z->pend_head];
        z->npend = 0; /* the rest are dropped: the first error ends the caller's step */
        z->pend_head = 0;
        p.cb(z->ec.s, p.tag, NULL, NULL, 0, why);
        return;
    }
    if (z->cb4) {
        zk_4lw_cb cb = z->cb4;
        z->cb4 = NULL;
        cb(z->ec.s, NULL, 0, why);
    }
}

/* A failure that cannot be reported: the core's deadline ends the job. */
static void forget_waiters(struct ls_eclient *ec)
{
    struct zk *z = LS_EC_OWNER(ec, struct zk);
    z->connect_cb = NULL;
    z->npend = 0;
    z->cb4 = NULL;
}

static void fail_later(struct zk *z, const char *why)
{
    ls_ec_fail_later(&z->ec, why);
}

/* ---- four-letter words ------------------------------------------------------------------------ */

static void finish_4lw(struct zk *z, const char *err)
{
    zk_4lw_cb cb = z->cb4;
    z->cb4 = NULL;
    struct evbuffer *in = z->c4 ? ls_conn_input(z->c4) : NULL;
    size_t len = in ? evbuffer_get_length(in) : 0;
    if (len > ZK_MAX_4LW)
        len = ZK_MAX_4LW;
    char *text = NULL;
    if (len) {
        text = malloc(len + 1);
        if (text) {
            evbuffer_copyout(in, text, len);
            text[len] = '\0';
        }
    }
    ls_conn_free(z->c4);
    z->c4 = NULL;
    if (cb) {
        if (text)
            cb(z->ec.s, text, len, NULL);
        else
            cb(z->ec.s, NULL, 0, err ? err : "closed without a reply");
    }
    free(text);
}

static void on_4lw(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct zk *z = ud;
    ls_ec_enter(&z->ec);
    switch (ev) {
    case LS_CONN_CONNECTED:
        if (ls_conn_write(c, z->word, 4) != 0 || ls_conn_flush(c) != 0)
            finish_4lw(z, "cannot send the four-letter word");
        break;
    case LS_CONN_READ:
        if (evbuffer_get_length(ls_conn_input(c)) >= ZK_MAX_4LW)
            finish_4lw(z, NULL); /* enough: an endless reply is cut here */
        break;
    case LS_CONN_EOF: finish_4lw(z, "closed without a reply"); break;
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR: {
        char why[200];
        snprintf(why, sizeof why, "%s", ls_conn_error(c));
        finish_4lw(z, why);
        break;
    }
    }
    ls_ec_leave(&z->ec);
}

void zk_4lw(struct zk *z, const char *word, zk_4lw_cb cb)
{
    struct ls_session *s = z->ec.s;
    ls_conn_free(z->c4);
    snprintf(z->word, sizeof z->word, "%s", word);
    z->cb4 = cb;
    z->c4 = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                        s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_4lw, z);
    if (!z->c4)
        fail_later(z, "cannot open a connection");
}

/* ---- the session ------------------------------------------------------------------------------ */

static void session_dead(struct zk *z, const char *why)
{
    z->cs_dead = true;
    snprintf(z->ec.err, sizeof z->ec.err, "%s", why);
    ls_conn_free(z->cs);
    z->cs = NULL;
    fail_waiter(&z->ec, z->ec.err);
}

/* One frame from the server: the ConnectResponse first, then replies. */
static void on_frame(struct zk *z, const uint8_t *p, size_t len)
{
    if (!z->cs_ready) {
        struct zk_connect_response r;
        if (!zk_parse_connect_response(p, len, &r)) {
            session_dead(z, "not a ZooKeeper ConnectResponse");
            return;
        }
        z->cs_ready = true;
        zk_connect_cb cb = z->connect_cb;
        z->connect_cb = NULL;
        if (cb)
            cb(z->ec.s, &r, NULL);
        return;
    }
    struct zk_reader rd;
    struct zk_reply_header h;
    zk_reader_init(&rd, p, len);
    if (!zk_read_reply_header(&rd, &h)) {
        session_dead(z, "reply shorter than its header");
        return;
    }
    if (h.xid == -1 || h.xid == -2) /* a watch event or a ping reply: none were asked for */
        return;
    if (!z->npend || z->pend[z->pend_head].xid != h.xid) {
        session_dead(z, "reply to no request (xid out of order)");
        return;
    }
    struct zk_pending q = z->pend[z->pend_head];
    z->pend_head = (z->pend_head + 1) % PEND_CAP;
    z->npend--;
    q.cb(z->ec.s, q.tag, &h, p + rd.off, len - rd.off, NULL);
}

static void on_session_input(struct zk *z)
{
    while (z->cs && !z->ec.closing) {
        struct evbuffer *in = ls_conn_input(z->cs);
        size_t avail = evbuffer_get_length(in);
        if (!avail || avail < z->need)
            return;
        size_t plen, used;
        uint8_t head[4];
        evbuffer_copyout(in, head, avail < 4 ? avail : 4);
        enum zk_frame st = zk_frame(head, avail < 4 ? avail : 4, ZK_MAX_FRAME, &plen, &used);
        if (st == ZK_FRAME_BAD) {
            session_dead(z, "frame length beyond the cap");
            return;
        }
        if (avail < used) {
            z->need = used;
            return;
        }
        z->need = 0;
        plen = used - 4; /* zk_frame saw only the 4 length bytes */
        const uint8_t *frame = evbuffer_pullup(in, (ssize_t)used);
        if (!frame) {
            session_dead(z, "out of memory");
            return;
        }
        on_frame(z, frame + 4, plen);
        if (z->cs && !z->ec.closing)
            evbuffer_drain(ls_conn_input(z->cs), used);
    }
}

static void on_session(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct zk *z = ud;
    ls_ec_enter(&z->ec);
    switch (ev) {
    case LS_CONN_CONNECTED:
        z->cs_connected = true;
        if (z->outq && evbuffer_get_length(z->outq)) {
            if (evbuffer_add_buffer(ls_conn_output(c), z->outq) != 0 || ls_conn_flush(c) != 0)
                session_dead(z, "cannot send the request");
        }
        break;
    case LS_CONN_READ: on_session_input(z); break;
    case LS_CONN_EOF:
        on_session_input(z);
        if (z->cs && !z->ec.closing)
            session_dead(z, "connection closed by the server");
        break;
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR: {
        char why[200];
        snprintf(why, sizeof why, "%s", ls_conn_error(c));
        session_dead(z, why);
        break;
    }
    }
    ls_ec_leave(&z->ec);
}

static int send_bytes(struct zk *z, const uint8_t *b, size_t n)
{
    if (!z->cs_connected) {
        if (!z->outq)
            z->outq = evbuffer_new();
        return z->outq ? evbuffer_add(z->outq, b, n) : -1;
    }
    return ls_conn_write(z->cs, b, n) == 0 && ls_conn_flush(z->cs) == 0 ? 0 : -1;
}

void zk_session_connect(struct zk *z, zk_connect_cb cb)
{
    struct ls_session *s = z->ec.s;
    z->connect_cb = cb;
    z->cs = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                        s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_session, z);
    uint8_t req[ZK_CONNECT_REQUEST_LEN];
    size_t n = zk_encode_connect(req, sizeof req, ZK_SESSION_MS);
    if (!z->cs || !n || send_bytes(z, req, n) != 0) {
        z->cs_dead = true;
        fail_later(z, "cannot open a connection");
    }
}

void zk_request(struct zk *z, int32_t op, const char *path, uint32_t tag, zk_reply_cb cb)
{
    if (z->npend >= PEND_CAP) {
        z->cs_dead = true; /* a caller bug: never more than PEND_CAP in flight */
        snprintf(z->ec.err, sizeof z->ec.err, "too many requests in flight");
    }
    size_t slot = (z->pend_head + z->npend) % PEND_CAP;
    if (z->npend < PEND_CAP) {
        z->pend[slot] = (struct zk_pending){z->next_xid, op, tag, cb};
        z->npend++;
    }
    if (z->cs_dead || !z->cs || !z->cs_ready) {
        fail_later(z, z->ec.err[0] ? z->ec.err : "no session");
        return;
    }
    size_t plen = path ? strlen(path) : 0;
    uint8_t stackbuf[1200];
    uint8_t *buf = plen + 32 <= sizeof stackbuf ? stackbuf : malloc(plen + 32);
    size_t n = buf ? zk_encode_request(buf, plen + 32, z->next_xid, op, path) : 0;
    z->next_xid++;
    if (!n || send_bytes(z, buf, n) != 0) {
        z->cs_dead = true;
        fail_later(z, "cannot send the request");
    }
    if (buf != stackbuf)
        free(buf);
}

void zk_session_close(struct zk *z)
{
    if (z->cs && z->cs_ready && !z->cs_dead) {
        uint8_t buf[32];
        size_t n = zk_encode_request(buf, sizeof buf, z->next_xid++, ZK_OP_CLOSE_SESSION, NULL);
        if (n)
            send_bytes(z, buf, n);
    }
    ls_conn_free(z->cs);
    z->cs = NULL;
    z->cs_dead = true;
    z->npend = 0;
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static void on_cancel(struct ls_eclient *ec)
{
    struct zk *z = LS_EC_OWNER(ec, struct zk);
    zk_session_close(z);
    ls_conn_free(z->c4);
    z->c4 = NULL;
}

static void destroy(struct ls_eclient *ec)
{
    struct zk *z = LS_EC_OWNER(ec, struct zk);
    if (z->outq)
        evbuffer_free(z->outq);
    zk_sample_free(z);
    zk_nodes_free(z);
    free(z->pend);
    free(z);
}

/* The four-letter words and the session have connections of their own: only the lifecycle and the
 * failures from the event loop are the shared client's. */
static const struct ls_eclient_ops zk_ec_ops = {
    .fail = fail_waiter, .forget = forget_waiters, .cancel = on_cancel, .destroy = destroy};

struct zk *zk_client_new(struct ls_session *s)
{
    struct zk *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->pend = calloc(PEND_CAP, sizeof *z->pend);
    if (!z->pend) {
        free(z);
        return NULL;
    }
    ls_ec_init(&z->ec, s, &zk_ec_ops);
    z->next_xid = 1;
    z->post.root_world = -1;
    return z;
}

void zk_client_cancel(struct zk *z)
{
    ls_ec_cancel(&z->ec);
}

void zk_client_close(struct zk *z)
{
    if (z)
        ls_ec_close(&z->ec);
}
