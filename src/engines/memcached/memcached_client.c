/* The Memcached engine's connection: one ls_conn per session, opened by the first command (and
 * again after mc_drop), one expected reply at a time, parsed with the bounded reply parser
 * (mc_proto.c) and handed to its callback. Failures (connection lost, timeout, a reply that breaks
 * a cap) end the exchange with an error and mark the connection dead. Also what the other modules
 * share: reading the facts of `stats` and `stats settings`, copying server text. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/memcached/memcached_int.h"
#include "net/conn.h"
#include "util/num.h"
#include "util/textutil.h"

static void mc_maybe_free(struct mc *m);

void mc_step_end(struct mc *m, enum ls_step result)
{
    ls_step_cb cb = m->step_done;
    m->step_done = NULL;
    if (cb)
        cb(m->s, result);
}

static void finish(struct mc *m, const struct mc_reply *reply, const char *err)
{
    mc_reply_cb cb = m->cb;
    m->cb = NULL;
    if (cb)
        cb(m->s, reply, err);
}

static void go_dead(struct mc *m, const char *why)
{
    m->dead = true;
    snprintf(m->defer_err, sizeof m->defer_err, "%s", why);
    ls_conn_free(m->conn);
    m->conn = NULL;
    finish(m, NULL, m->defer_err);
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct mc *m = arg;
    (void)fd, (void)what;
    m->in_cb++;
    if (m->defer_step) {
        m->defer_step = false;
        mc_step_end(m, m->defer_result);
    } else {
        finish(m, NULL, m->defer_err[0] ? m->defer_err : "connection lost");
    }
    m->in_cb--;
    mc_maybe_free(m);
}

static bool arm_defer(struct mc *m)
{
    if (!m->defer)
        m->defer = evtimer_new(m->s->base, on_defer, m);
    struct timeval tv = {0, 0};
    return m->defer && evtimer_add(m->defer, &tv) == 0;
}

void mc_step_end_later(struct mc *m, enum ls_step result)
{
    m->defer_step = true;
    m->defer_result = result;
    if (!arm_defer(m))
        m->step_done = NULL; /* cannot report: the core's deadline ends the job */
}

static void fail_later(struct mc *m, const char *why)
{
    snprintf(m->defer_err, sizeof m->defer_err, "%s", why);
    if (!arm_defer(m))
        m->cb = NULL;
}

static void on_input(struct mc *m)
{
    while (m->conn && m->cb && !m->closing) {
        struct evbuffer *in = ls_conn_input(m->conn);
        size_t avail = evbuffer_get_length(in);
        if (!avail || avail < m->need)
            return;
        const char *buf = (const char *)evbuffer_pullup(in, -1);
        struct mc_reply r;
        size_t used = 0;
        char err[160];
        enum mc_status st = mc_parse(buf, avail, m->kind, m->lim, &r, &used, err, sizeof err);
        if (st == MC_NEED_MORE) {
            m->need = used;
            if (used > MC_MAX_REPLY)
                go_dead(m, "reply larger than the cap");
            return;
        }
        if (st == MC_BAD) {
            char msg[200];
            snprintf(msg, sizeof msg, "not a memcached reply: %s", err);
            go_dead(m, msg);
            return;
        }
        m->need = 0;
        unsigned gen = m->gen;
        finish(m, &r, NULL);
        mc_reply_free(&r);
        if (!m->closing && m->conn && m->gen == gen)
            evbuffer_drain(ls_conn_input(m->conn), used);
    }
    if (m->conn && !m->cb && evbuffer_get_length(ls_conn_input(m->conn)) > MC_MAX_REPLY)
        go_dead(m, "unrequested bytes from the server");
}

static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct mc *m = ud;
    m->in_cb++;
    switch (ev) {
    case LS_CONN_CONNECTED:
        m->connected = true;
        if (m->pending) {
            if (ls_conn_write(c, m->pending, m->pending_len) != 0 || ls_conn_flush(c) != 0)
                go_dead(m, "cannot send the command");
            free(m->pending);
            m->pending = NULL;
        }
        break;
    case LS_CONN_READ:
        m->got_bytes = true;
        on_input(m);
        break;
    case LS_CONN_EOF:
        m->got_bytes |= evbuffer_get_length(ls_conn_input(c)) > 0;
        on_input(m); /* a reply may have come with the close */
        if (m->conn == c && !m->closing) {
            m->silent_close = !m->got_bytes;
            go_dead(m, m->got_bytes ? "connection closed by the server" : "connection closed without a word");
        }
        break;
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR: go_dead(m, ls_conn_error(c)); break;
    }
    m->in_cb--;
    mc_maybe_free(m);
}

void mc_drop(struct mc *m)
{
    ls_conn_free(m->conn);
    m->conn = NULL;
    m->connected = false;
    m->dead = false;
    m->got_bytes = false;
    m->need = 0;
    free(m->pending);
    m->pending = NULL;
}

void mc_command(struct mc *m, const char *text, size_t len, enum mc_kind kind, const struct mc_limits *lim,
                mc_reply_cb cb)
{
    struct ls_session *s = m->s;
    m->cb = cb;
    m->kind = kind;
    m->lim = lim;
    m->need = 0;
    if (m->dead) {
        fail_later(m, m->defer_err[0] ? m->defer_err : "connection lost");
        return;
    }
    if (!m->conn) {
        m->got_bytes = false;
        m->gen++;
        m->conn = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                              s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_conn, m);
        if (!m->conn) {
            m->dead = true;
            fail_later(m, "cannot open a connection");
            return;
        }
    }
    if (!len)
        return; /* a pipelined reply: on_input goes on with it (call only from a reply callback) */
    if (!m->connected) {
        char *p = realloc(m->pending, m->pending_len * (m->pending != NULL) + len);
        if (!p) {
            fail_later(m, "out of memory");
            return;
        }
        memcpy(p + (m->pending ? m->pending_len : 0), text, len);
        m->pending_len = (m->pending ? m->pending_len : 0) + len;
        m->pending = p;
        return;
    }
    if (ls_conn_write(m->conn, text, len) != 0 || ls_conn_flush(m->conn) != 0) {
        m->dead = true;
        fail_later(m, "cannot send the command");
    }
}

void mc_client_cancel(struct mc *m)
{
    ls_conn_free(m->conn);
    m->conn = NULL;
    m->dead = true;
    m->cb = NULL;
    m->step_done = NULL;
    if (m->defer)
        evtimer_del(m->defer);
    free(m->pending);
    m->pending = NULL;
    mc_sample_free(m); /* and its retry timer */
}

static void mc_free(struct mc *m)
{
    mc_client_cancel(m);
    if (m->defer)
        event_free(m->defer);
    mc_sample_free(m);
    free(m);
}

static void mc_maybe_free(struct mc *m)
{
    if (m->in_cb == 0 && m->closing)
        mc_free(m);
}

struct mc *mc_client_new(struct ls_session *s)
{
    struct mc *m = calloc(1, sizeof *m);
    if (m)
        m->s = s;
    return m;
}

void mc_client_close(struct mc *m)
{
    if (!m)
        return;
    mc_client_cancel(m);
    if (m->in_cb) {
        m->closing = true; /* freed when the callback unwinds */
        return;
    }
    mc_free(m);
}

/* ---- shared helpers --------------------------------------------------------------------------- */

static void num(struct mc_num *n, const struct mc_reply *r, const char *name)
{
    n->known = mc_stat_count(r, name, &n->v);
}

static void word(char *out, size_t n, const struct mc_reply *r, const char *name)
{
    const char *v;
    size_t vl;
    if (mc_stat(r, name, &v, &vl))
        ls_copy_printable(out, n, v, vl);
}

void mc_read_stats(struct mc_facts *f, const struct mc_reply *r)
{
    num(&f->pid, r, "pid");
    num(&f->uptime, r, "uptime");
    num(&f->curr_items, r, "curr_items");
    num(&f->total_items, r, "total_items");
    num(&f->bytes, r, "bytes");
    num(&f->limit_maxbytes, r, "limit_maxbytes");
    num(&f->evictions, r, "evictions");
    num(&f->curr_connections, r, "curr_connections");
    num(&f->max_connections, r, "max_connections");
    num(&f->get_hits, r, "get_hits");
    num(&f->cmd_get, r, "cmd_get");
}

void mc_read_settings(struct mc_facts *f, const struct mc_reply *r)
{
    f->settings_known = true;
    num(&f->udpport, r, "udpport");
    num(&f->item_size_max, r, "item_size_max");
    word(f->auth_sasl, sizeof f->auth_sasl, r, "auth_enabled_sasl");
    word(f->auth_ascii, sizeof f->auth_ascii, r, "auth_enabled_ascii");
    word(f->flush_enabled, sizeof f->flush_enabled, r, "flush_enabled");
    word(f->shutdown_command, sizeof f->shutdown_command, r, "shutdown_command");
    word(f->dump_enabled, sizeof f->dump_enabled, r, "dump_enabled");
    word(f->lru_crawler, sizeof f->lru_crawler, r, "lru_crawler");
}
