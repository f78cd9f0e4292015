/* The Redis engine's connection: one ls_conn per session opened by the first command, commands
 * encoded as RESP arrays, one in flight at a time, replies parsed with the bounded RESP parser and
 * handed to the command's callback. Failures (connection lost, timeout, a reply that breaks a
 * cap) end the command with an error and mark the connection dead. Also small helpers the other
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

static void redis_maybe_free(struct redis *r);

void redis_step_end(struct redis *r, enum ls_step result)
{
    ls_step_cb cb = r->step_done;
    r->step_done = NULL;
    if (cb)
        cb(r->s, result);
}

/* Ends the command in flight with reply or err; the callback may close the session. */
static void finish(struct redis *r, const struct resp_value *reply, const char *err)
{
    redis_reply_cb cb = r->cb;
    r->cb = NULL;
    if (cb)
        cb(r->s, reply, err);
}

static void go_dead(struct redis *r, const char *why)
{
    r->dead = true;
    snprintf(r->defer_err, sizeof r->defer_err, "%s", why);
    ls_conn_free(r->conn);
    r->conn = NULL;
    finish(r, NULL, r->defer_err);
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct redis *r = arg;
    (void)fd, (void)what;
    r->in_cb++;
    finish(r, NULL, r->defer_err[0] ? r->defer_err : "connection lost");
    r->in_cb--;
    redis_maybe_free(r);
}

static void on_input(struct redis *r)
{
    while (r->conn && r->cb && !r->closing) {
        struct evbuffer *in = ls_conn_input(r->conn);
        size_t avail = evbuffer_get_length(in);
        if (!avail || avail < r->need)
            return;
        const char *buf = (const char *)evbuffer_pullup(in, -1);
        struct resp_value v;
        size_t used = 0;
        char err[160];
        enum resp_status st = resp_parse(buf, avail, NULL, &v, &used, err, sizeof err);
        if (st == RESP_NEED_MORE) {
            r->need = used;
            if (used > REDIS_MAX_REPLY)
                go_dead(r, "reply larger than the cap");
            return;
        }
        if (st == RESP_BAD) {
            char msg[200];
            snprintf(msg, sizeof msg, "not a RESP reply: %s", err);
            go_dead(r, msg);
            return;
        }
        r->need = 0;
        finish(r, &v, NULL);
        resp_reply_free(&v);
        if (!r->closing && r->conn)
            evbuffer_drain(ls_conn_input(r->conn), used);
    }
    if (r->conn && !r->cb && evbuffer_get_length(ls_conn_input(r->conn)) > REDIS_MAX_REPLY)
        go_dead(r, "unrequested bytes from the server");
}

static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct redis *r = ud;
    r->in_cb++;
    switch (ev) {
    case LS_CONN_CONNECTED:
        r->connected = true;
        if (r->pending) {
            if (ls_conn_write(c, r->pending, r->pending_len) != 0 || ls_conn_flush(c) != 0)
                go_dead(r, "cannot send the command");
            free(r->pending);
            r->pending = NULL;
        }
        break;
    case LS_CONN_READ: on_input(r); break;
    case LS_CONN_EOF:
        on_input(r); /* a reply may have come with the close */
        if (r->conn && !r->closing)
            go_dead(r, "connection closed by the server");
        break;
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR: go_dead(r, ls_conn_error(c)); break;
    }
    r->in_cb--;
    redis_maybe_free(r);
}

static void fail_later(struct redis *r, const char *why)
{
    snprintf(r->defer_err, sizeof r->defer_err, "%s", why);
    if (!r->defer)
        r->defer = evtimer_new(r->s->base, on_defer, r);
    struct timeval tv = {0, 0};
    if (!r->defer || evtimer_add(r->defer, &tv) != 0)
        r->cb = NULL; /* cannot report: the core's deadline ends the job */
}

void redis_command(struct redis *r, const char *const *argv, const size_t *lens, size_t argc, redis_reply_cb cb)
{
    struct ls_session *s = r->s;
    r->cb = cb;
    r->need = 0;
    if (r->dead) {
        fail_later(r, r->defer_err[0] ? r->defer_err : "connection lost");
        return;
    }
    size_t cap = 32 + 24 * argc;
    for (size_t i = 0; i < argc; i++)
        cap += lens ? lens[i] : strlen(argv[i]);
    char *buf = malloc(cap);
    size_t n = buf ? resp_encode(buf, cap, argv, lens, argc) : 0;
    if (!n) {
        free(buf);
        fail_later(r, "cannot encode the command");
        return;
    }
    if (!r->conn) {
        r->conn = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                              s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_conn, r);
        if (!r->conn) {
            free(buf);
            r->dead = true;
            fail_later(r, "cannot open a connection");
            return;
        }
    }
    if (!r->connected) {
        free(r->pending);
        r->pending = buf;
        r->pending_len = n;
        return;
    }
    if (ls_conn_write(r->conn, buf, n) != 0 || ls_conn_flush(r->conn) != 0) {
        r->dead = true;
        fail_later(r, "cannot send the command");
    }
    free(buf);
}

void redis_client_cancel(struct redis *r)
{
    ls_conn_free(r->conn);
    r->conn = NULL;
    r->dead = true;
    r->cb = NULL;
    r->step_done = NULL;
    if (r->defer)
        evtimer_del(r->defer);
    free(r->pending);
    r->pending = NULL;
}

static void redis_free(struct redis *r)
{
    redis_client_cancel(r);
    if (r->defer)
        event_free(r->defer);
    redis_sample_free(r);
    free(r);
}

static void redis_maybe_free(struct redis *r)
{
    if (r->in_cb == 0 && r->closing)
        redis_free(r);
}

/* ---- lifecycle (the ops in redis.c call these) ----------------------------------------------- */

struct redis *redis_client_new(struct ls_session *s)
{
    struct redis *r = calloc(1, sizeof *r);
    if (r)
        r->s = s;
    return r;
}

void redis_client_close(struct redis *r)
{
    if (!r)
        return;
    redis_client_cancel(r);
    if (r->in_cb) {
        r->closing = true; /* freed when the callback unwinds */
        return;
    }
    redis_free(r);
}

/* ---- shared helpers --------------------------------------------------------------------------- */

bool redis_info_field(const char *info, size_t len, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    const char *p = info, *end = info + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        if ((size_t)(le - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            size_t vl = (size_t)(le - v);
            if (vl && v[vl - 1] == '\r')
                vl--;
            ls_copy_printable(out, n, v, vl);
            return true;
        }
        p = le + 1;
    }
    return false;
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
