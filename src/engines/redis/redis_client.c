/* The Redis engine's connection: one ls_conn per session opened by the first command, commands
 * encoded as RESP arrays, one in flight at a time, replies parsed with the bounded RESP parser and
 * handed to the command's callback. Failures (connection lost, timeout, a reply that breaks a
 * cap) end the command with an error and mark the connection dead (the connection and the client
 * lifecycle are the shared engine client's, engine_client.h). Also small helpers the other
 * modules share (INFO fields, unknowns, copying server text). */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/redis/redis_int.h"
#include "net/conn.h"
#include "util/strbuf.h"
#include "util/textutil.h"

void redis_step_end(struct redis *r, enum ls_step result)
{
    ls_ec_step_end(&r->ec, result);
}

/* Ends the command in flight with reply or err; the callback may close the session. */
static void finish(struct redis *r, const struct resp_value *reply, const char *err)
{
    redis_reply_cb cb = r->cb;
    r->cb = NULL;
    if (cb)
        cb(r->ec.s, reply, err);
}

static void on_input(struct ls_eclient *ec)
{
    struct redis *r = LS_EC_OWNER(ec, struct redis);
    while (ec->conn && r->cb && !ec->closing) {
        struct evbuffer *in = ls_conn_input(ec->conn);
        size_t avail = evbuffer_get_length(in);
        if (!avail || avail < ec->need)
            return;
        const char *buf = (const char *)evbuffer_pullup(in, -1);
        struct resp_value v;
        size_t used = 0;
        char err[160];
        enum resp_status st = resp_parse(buf, avail, NULL, &v, &used, err, sizeof err);
        if (st == RESP_NEED_MORE) {
            ec->need = used;
            if (used > REDIS_MAX_REPLY)
                ls_ec_dead(ec, "reply larger than the cap");
            return;
        }
        if (st == RESP_BAD) {
            char msg[200];
            snprintf(msg, sizeof msg, "not a RESP reply: %s", err);
            ls_ec_dead(ec, msg);
            return;
        }
        ec->need = 0;
        finish(r, &v, NULL);
        resp_reply_free(&v);
        if (!ec->closing && ec->conn)
            evbuffer_drain(ls_conn_input(ec->conn), used);
    }
    if (ec->conn && !r->cb && evbuffer_get_length(ls_conn_input(ec->conn)) > REDIS_MAX_REPLY)
        ls_ec_dead(ec, "unrequested bytes from the server");
}

static void on_fail(struct ls_eclient *ec, const char *why)
{
    finish(LS_EC_OWNER(ec, struct redis), NULL, why);
}

static void forget(struct ls_eclient *ec)
{
    LS_EC_OWNER(ec, struct redis)->cb = NULL;
}

static void destroy(struct ls_eclient *ec)
{
    struct redis *r = LS_EC_OWNER(ec, struct redis);
    redis_sample_free(r);
    free(r);
}

static const struct ls_eclient_ops redis_ec_ops = {
    .input = on_input, .fail = on_fail, .forget = forget, .destroy = destroy};

void redis_command(struct redis *r, const char *const *argv, const size_t *lens, size_t argc, redis_reply_cb cb)
{
    r->cb = cb;
    r->ec.need = 0;
    if (!ls_ec_open(&r->ec))
        return;
    size_t cap = 32 + 24 * argc;
    for (size_t i = 0; i < argc; i++)
        cap += lens ? lens[i] : strlen(argv[i]);
    char *buf = malloc(cap);
    size_t n = buf ? resp_encode(buf, cap, argv, lens, argc) : 0;
    if (n)
        ls_ec_write(&r->ec, buf, n);
    else
        ls_ec_fail_later(&r->ec, "cannot encode the command");
    free(buf);
}

void redis_client_cancel(struct redis *r)
{
    ls_ec_cancel(&r->ec);
}

/* ---- lifecycle (the ops in redis.c call these) ----------------------------------------------- */

struct redis *redis_client_new(struct ls_session *s)
{
    struct redis *r = calloc(1, sizeof *r);
    if (r)
        ls_ec_init(&r->ec, s, &redis_ec_ops);
    return r;
}

void redis_client_close(struct redis *r)
{
    if (r)
        ls_ec_close(&r->ec);
}

/* ---- shared helpers --------------------------------------------------------------------------- */

bool redis_info_field(const char *info, size_t len, const char *name, char *out, size_t n)
{
    const char *v;
    size_t vl;
    if (!ls_line_value(info, len, name, ':', &v, &vl))
        return false;
    ls_copy_printable(out, n, v, vl);
    return true;
}

void redis_unknown(struct ls_session *s, const char *what, const struct resp_value *reply, const char *err)
{
    char reason[300];
    if (reply && (reply->type == RESP_ERROR || reply->type == RESP_SIMPLE))
        ls_copy_printable(reason, sizeof reason, reply->str, reply->len);
    else
        snprintf(reason, sizeof reason, "%s", err ? err : "unexpected reply");
    ls_service_add_unknown(&s->svc, what, reason);
}
