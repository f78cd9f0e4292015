/* The Memcached engine's connection: one ls_conn per session, opened by the first command (and
 * again after mc_drop), one expected reply at a time, parsed with the bounded reply parser
 * (mc_proto.c) and handed to its callback. Failures (connection lost, timeout, a reply that breaks
 * a cap) end the exchange with an error and mark the connection dead (the connection and the
 * client lifecycle are the shared engine client's, engine_client.h). Also what the other modules
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

void mc_step_end(struct mc *m, enum ls_step result)
{
    ls_ec_step_end(&m->ec, result);
}

void mc_step_end_later(struct mc *m, enum ls_step result)
{
    ls_ec_step_end_later(&m->ec, result);
}

static void finish(struct mc *m, const struct mc_reply *reply, const char *err)
{
    mc_reply_cb cb = m->cb;
    m->cb = NULL;
    if (cb)
        cb(m->ec.s, reply, err);
}

static void on_input(struct ls_eclient *ec)
{
    struct mc *m = LS_EC_OWNER(ec, struct mc);
    while (ec->conn && m->cb && !ec->closing) {
        struct evbuffer *in = ls_conn_input(ec->conn);
        size_t avail = evbuffer_get_length(in);
        if (!avail || avail < ec->need)
            return;
        const char *buf = (const char *)evbuffer_pullup(in, -1);
        struct mc_reply r;
        size_t used = 0;
        char err[160];
        enum mc_status st = mc_parse(buf, avail, m->kind, m->lim, &r, &used, err, sizeof err);
        if (st == MC_NEED_MORE) {
            ec->need = used;
            if (used > MC_MAX_REPLY)
                ls_ec_dead(ec, "reply larger than the cap");
            return;
        }
        if (st == MC_BAD) {
            char msg[200];
            snprintf(msg, sizeof msg, "not a memcached reply: %s", err);
            ls_ec_dead(ec, msg);
            return;
        }
        ec->need = 0;
        unsigned gen = ec->gen;
        finish(m, &r, NULL);
        mc_reply_free(&r);
        if (!ec->closing && ec->conn && ec->gen == gen)
            evbuffer_drain(ls_conn_input(ec->conn), used);
    }
    if (ec->conn && !m->cb && evbuffer_get_length(ls_conn_input(ec->conn)) > MC_MAX_REPLY)
        ls_ec_dead(ec, "unrequested bytes from the server");
}

static void on_fail(struct ls_eclient *ec, const char *why)
{
    finish(LS_EC_OWNER(ec, struct mc), NULL, why);
}

static void forget(struct ls_eclient *ec)
{
    LS_EC_OWNER(ec, struct mc)->cb = NULL;
}

static void on_cancel(struct ls_eclient *ec)
{
    mc_sample_free(LS_EC_OWNER(ec, struct mc)); /* and its retry timer */
}

static void destroy(struct ls_eclient *ec)
{
    struct mc *m = LS_EC_OWNER(ec, struct mc);
    mc_sample_free(m);
    free(m);
}

static const struct ls_eclient_ops mc_ec_ops = {.input = on_input,
                                                .fail = on_fail,
                                                .forget = forget,
                                                .cancel = on_cancel,
                                                .destroy = destroy,
                                                .silent_eof = "connection closed without a word"};

void mc_drop(struct mc *m)
{
    ls_ec_drop(&m->ec);
}

void mc_command(struct mc *m, const char *text, size_t len, enum mc_kind kind, const struct mc_limits *lim,
                mc_reply_cb cb)
{
    m->cb = cb;
    m->kind = kind;
    m->lim = lim;
    m->ec.need = 0;
    if (!ls_ec_open(&m->ec))
        return;
    if (!len)
        return; /* a pipelined reply: on_input goes on with it (call only from a reply callback) */
    ls_ec_write(&m->ec, text, len);
}

void mc_client_cancel(struct mc *m)
{
    ls_ec_cancel(&m->ec);
}

struct mc *mc_client_new(struct ls_session *s)
{
    struct mc *m = calloc(1, sizeof *m);
    if (m)
        ls_ec_init(&m->ec, s, &mc_ec_ops);
    return m;
}

void mc_client_close(struct mc *m)
{
    if (m)
        ls_ec_close(&m->ec);
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
