/* The shared engine client lifecycle (engine_client.h). */
#include "engines/engine_client.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/conn.h"

void ls_ec_init(struct ls_eclient *ec, struct ls_session *s, const struct ls_eclient_ops *ops)
{
    memset(ec, 0, sizeof *ec);
    ec->s = s;
    ec->ops = ops;
}

void ls_ec_step_end(struct ls_eclient *ec, enum ls_step result)
{
    ls_step_cb cb = ec->step_done;
    ec->step_done = NULL;
    if (cb)
        cb(ec->s, result);
}

static void destroy(struct ls_eclient *ec)
{
    ls_ec_cancel(ec);
    if (ec->defer)
        event_free(ec->defer);
    ec->ops->destroy(ec);
}

void ls_ec_enter(struct ls_eclient *ec)
{
    ec->in_cb++;
}

void ls_ec_leave(struct ls_eclient *ec)
{
    ec->in_cb--;
    if (ec->in_cb == 0 && ec->closing)
        destroy(ec);
}

/* ---- failures, reported once, from the event loop -------------------------------------------- */

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct ls_eclient *ec = arg;
    (void)fd, (void)what;
    ls_ec_enter(ec);
    if (ec->defer_step) {
        ec->defer_step = false;
        ls_ec_step_end(ec, ec->defer_result);
    } else {
        ec->ops->fail(ec, ec->err[0] ? ec->err : "connection lost");
    }
    ls_ec_leave(ec);
}

static bool arm_defer(struct ls_eclient *ec)
{
    if (!ec->defer)
        ec->defer = evtimer_new(ec->s->base, on_defer, ec);
    struct timeval tv = {0, 0};
    return ec->defer && evtimer_add(ec->defer, &tv) == 0;
}

void ls_ec_step_end_later(struct ls_eclient *ec, enum ls_step result)
{
    ec->defer_step = true;
    ec->defer_result = result;
    if (!arm_defer(ec))
        ec->step_done = NULL; /* cannot report: the core's deadline ends the job */
}

void ls_ec_fail_later(struct ls_eclient *ec, const char *why)
{
    if (why != ec->err)
        snprintf(ec->err, sizeof ec->err, "%s", why);
    if (!arm_defer(ec))
        ec->ops->forget(ec); /* cannot report: the core's deadline ends the job */
}

void ls_ec_dead(struct ls_eclient *ec, const char *why)
{
    ec->dead = true;
    if (why != ec->err)
        snprintf(ec->err, sizeof ec->err, "%s", why);
    ls_conn_free(ec->conn);
    ec->conn = NULL;
    ec->ops->fail(ec, ec->err);
}

/* ---- the connection --------------------------------------------------------------------------- */

static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct ls_eclient *ec = ud;
    ls_ec_enter(ec);
    switch (ev) {
    case LS_CONN_CONNECTED:
        ec->connected = true;
        if (ec->pending) {
            if (ls_conn_write(c, ec->pending, ec->pending_len) != 0 || ls_conn_flush(c) != 0)
                ls_ec_dead(ec, "cannot send the command");
            free(ec->pending);
            ec->pending = NULL;
        }
        break;
    case LS_CONN_READ:
        ec->got_bytes = true;
        ec->ops->input(ec);
        break;
    case LS_CONN_EOF:
        ec->got_bytes |= evbuffer_get_length(ls_conn_input(c)) > 0;
        ec->ops->input(ec); /* a reply may have come with the close */
        if (ec->conn == c && !ec->closing) {
            ec->silent_close = !ec->got_bytes;
            const char *quiet = ec->ops->silent_eof;
            ls_ec_dead(ec, ec->got_bytes || !quiet ? "connection closed by the server" : quiet);
        }
        break;
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR: ls_ec_dead(ec, ls_conn_error(c)); break;
    }
    ls_ec_leave(ec);
}

bool ls_ec_open(struct ls_eclient *ec)
{
    if (ec->dead) {
        ls_ec_fail_later(ec, ec->err[0] ? ec->err : "connection lost");
        return false;
    }
    if (ec->conn)
        return true;
    struct ls_session *s = ec->s;
    ec->got_bytes = false;
    ec->gen++;
    ec->conn = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                           s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_conn, ec);
    if (!ec->conn) {
        ec->dead = true;
        ls_ec_fail_later(ec, "cannot open a connection");
        return false;
    }
    return true;
}

void ls_ec_write(struct ls_eclient *ec, const void *buf, size_t n)
{
    if (!ec->connected) {
        size_t have = ec->pending ? ec->pending_len : 0;
        char *p = realloc(ec->pending, have + n);
        if (!p) {
            ls_ec_fail_later(ec, "out of memory");
            return;
        }
        memcpy(p + have, buf, n);
        ec->pending = p;
        ec->pending_len = have + n;
        return;
    }
    if (ls_conn_write(ec->conn, buf, n) != 0 || ls_conn_flush(ec->conn) != 0) {
        ec->dead = true;
        ls_ec_fail_later(ec, "cannot send the command");
    }
}

void ls_ec_drop(struct ls_eclient *ec)
{
    ls_conn_free(ec->conn);
    ec->conn = NULL;
    ec->connected = false;
    ec->dead = false;
    ec->got_bytes = false;
    ec->need = 0;
    free(ec->pending);
    ec->pending = NULL;
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

void ls_ec_cancel(struct ls_eclient *ec)
{
    ls_conn_free(ec->conn);
    ec->conn = NULL;
    ec->dead = true;
    ec->ops->forget(ec);
    ec->step_done = NULL;
    if (ec->defer)
        evtimer_del(ec->defer);
    free(ec->pending);
    ec->pending = NULL;
    if (ec->ops->cancel)
        ec->ops->cancel(ec);
}

void ls_ec_close(struct ls_eclient *ec)
{
    if (!ec)
        return;
    ls_ec_cancel(ec);
    if (ec->in_cb) {
        ec->closing = true; /* freed when the callback unwinds */
        return;
    }
    destroy(ec);
}
