/* RabbitMQ over AMQP 0-9-1 (5672): fingerprint and version only. The client speaks first: we send
 * the protocol header "AMQP\0\0\x09\x01" and the broker answers with Connection.Start, whose
 * server-properties say product "RabbitMQ" and its version (amqp_proto.c). Another AMQP broker, or a
 * server that merely sends a protocol header back (an echo), is not RabbitMQ. The connection is
 * closed right after that frame, before any login: AMQP always wants one (the SASL mechanisms the
 * broker offers are the evidence), so access is `required`; what the account could reach is the
 * management API's business (rmq_http.c). */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/rabbitmq/amqp_proto.h"
#include "engines/rabbitmq/rmq_int.h"
#include "net/conn.h"

struct amqp {
    struct ls_session *s;
    struct ls_conn *conn;
    ls_step_cb done;
    struct event *defer;
    enum ls_step defer_result;
};

static void amqp_end(struct ls_session *s, enum ls_step r)
{
    struct amqp *a = s->priv;
    ls_conn_free(a->conn);
    a->conn = NULL;
    ls_step_cb cb = a->done;
    a->done = NULL;
    if (cb)
        cb(s, r);
}

static void fail(struct ls_session *s, const char *why)
{
    free(s->svc.error);
    s->svc.error = strdup(why);
    amqp_end(s, LS_STEP_NO);
}

static void on_start(struct ls_session *s, const struct amqp_start *st)
{
    struct ls_service *svc = &s->svc;
    if (strcmp(st->product, "RabbitMQ") != 0) {
        char why[160];
        snprintf(why, sizeof why, "AMQP %u-%u broker '%s', not RabbitMQ", st->version_major, st->version_minor,
                 st->product);
        fail(s, why);
        return;
    }
    snprintf(svc->version, sizeof svc->version, "%s", st->version);
    free(svc->version_source);
    svc->version_source = strdup("AMQP Connection.Start (server-properties version)");
    if (st->cluster_name[0])
        snprintf(svc->display_name, sizeof svc->display_name, "%s", st->cluster_name);
    char ev[300];
    snprintf(ev, sizeof ev, "AMQP Connection.Start offers SASL mechanisms '%s': a login is required", st->mechanisms);
    svc->auth = LS_AUTH_REQUIRED;
    free(svc->auth_evidence);
    svc->auth_evidence = strdup(ev);
    amqp_end(s, LS_STEP_OK);
}

static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct ls_session *s = ud;
    (void)c;
    switch (ev) {
    case LS_CONN_CONNECTED:
        if (ls_conn_write(((struct amqp *)s->priv)->conn, amqp_header, sizeof amqp_header) != 0)
            fail(s, "could not send the AMQP protocol header");
        return;
    case LS_CONN_READ:
    case LS_CONN_EOF: {
        struct evbuffer *in = ls_conn_input(c);
        size_t n = evbuffer_get_length(in);
        struct amqp_start st;
        size_t need = 0;
        char err[160];
        const unsigned char *b =
            n ? evbuffer_pullup(in, (ev_ssize_t)(n < AMQP_MAX_FRAME + 8 ? n : AMQP_MAX_FRAME + 8)) : NULL;
        enum amqp_status r =
            b ? amqp_parse_start(b, n < AMQP_MAX_FRAME + 8 ? n : AMQP_MAX_FRAME + 8, &st, &need, err, sizeof err)
              : AMQP_NEED_MORE;
        if (r == AMQP_START) {
            on_start(s, &st);
        } else if (r == AMQP_HEADER) {
            fail(s, "answered with a protocol header instead of Connection.Start");
        } else if (r == AMQP_BAD) {
            fail(s, err);
        } else if (ev == LS_CONN_EOF) {
            fail(s, n ? "closed inside the first frame" : "closed without a word");
        }
        return;
    }
    case LS_CONN_TIMEOUT: fail(s, "no Connection.Start in time"); return;
    case LS_CONN_ERROR: fail(s, ls_conn_error(c)); return;
    }
}

static void amqp_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct amqp *a = s->priv;
    a->done = done;
    a->conn = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                          s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_conn, s);
    if (!a->conn) {
        free(s->svc.error);
        s->svc.error = strdup("could not open a connection");
        a->defer_result = LS_STEP_NO;
        static const struct timeval now = {0, 0};
        evtimer_add(a->defer, &now);
    }
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct ls_session *s = arg;
    (void)fd, (void)what;
    amqp_end(s, ((struct amqp *)s->priv)->defer_result);
}

/* Nothing to log in to without credentials; the step ends from the event loop. */
static void amqp_later(struct ls_session *s, ls_step_cb done, enum ls_step r)
{
    struct amqp *a = s->priv;
    static const struct timeval now = {0, 0};
    a->done = done;
    a->defer_result = r;
    evtimer_add(a->defer, &now);
}

static void amqp_access(struct ls_session *s, ls_step_cb done)
{
    amqp_later(s, done, LS_STEP_NO);
}

static void amqp_inventory(struct ls_session *s, ls_step_cb done)
{
    amqp_later(s, done, LS_STEP_OK);
}

static void amqp_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row,
                             ls_step_cb done)
{
    (void)t, (void)limit, (void)row;
    amqp_later(s, done, LS_STEP_OK);
}

static void amqp_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    if (svc->auth != LS_AUTH_REQUIRED) {
        svc->severity = LS_SEV_INFO;
        return;
    }
    svc->severity = LS_SEV_LOW;
    ls_service_add_risk(svc, "RABBITMQ-AMQP-REACHABLE", LS_SEV_LOW,
                        "RabbitMQ's AMQP port is reachable and names its version before any login",
                        svc->auth_evidence ? svc->auth_evidence : "Connection.Start");
    ls_service_add_remediation(svc, "Firewall AMQP (5672/5671) from untrusted networks; make sure the guest user is "
                                    "deleted or limited to localhost (loopback_users).");
}

static int amqp_open(struct ls_session *s)
{
    struct amqp *a = calloc(1, sizeof *a);
    if (!a)
        return -1;
    a->s = s;
    a->defer = evtimer_new(s->base, on_defer, s);
    if (!a->defer) {
        free(a);
        return -1;
    }
    s->priv = a;
    return 0;
}

static void amqp_cancel(struct ls_session *s)
{
    struct amqp *a = s->priv;
    if (!a)
        return;
    ls_conn_free(a->conn);
    a->conn = NULL;
    evtimer_del(a->defer);
    a->done = NULL;
}

static void amqp_close(struct ls_session *s)
{
    struct amqp *a = s->priv;
    if (!a)
        return;
    amqp_cancel(s);
    event_free(a->defer);
    free(a);
    s->priv = NULL;
}

static const struct ls_engine_ops amqp_ops = {
    .open = amqp_open,
    .fingerprint = amqp_fingerprint,
    .access = amqp_access,
    .inventory = amqp_inventory,
    .stream_rows = amqp_stream_rows,
    .assess = amqp_assess,
    .cancel = amqp_cancel,
    .close = amqp_close,
};

static const uint16_t amqp_ports[] = {5672, 0};

/* First look on an unclaimed port: an AMQP broker answers the HTTP line with its own protocol
 * header ("AMQP" 0 0 9 1) and closes. */
static bool amqp_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    return n == 8 && memcmp(b, "AMQP", 4) == 0;
}

const struct ls_engine ls_engine_rabbitmq_amqp = {
    .name = "rabbitmq",
    .interface = "amqp",
    .display = "RabbitMQ",
    .ports = amqp_ports,
    .tls_ports = NULL,
    .ops = &amqp_ops,
    .first_look = amqp_first_look,
};
