/* The last candidate on every open port: when no engine identified the service, record what it is
 * as far as its first bytes tell, so nothing open is dropped from the report. It waits briefly
 * for a server-first banner (SSH, FTP, SMTP, MySQL and others speak first); a silent service gets
 * one HTTP request line, the most common protocol on odd ports. The first bytes (at most
 * LS_BANNER_MAX) are kept escaped as the service's `banner`, the protocol is named where the
 * bytes say it, and the service is reported as engine "unknown", auth unknown, severity info. */
#include "engines/unknown/banner.h"

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "net/conn.h"
#include "util/strbuf.h"

#define FIRST_WAIT_MS 1200 /* how long to wait for a server-first banner */
#define AFTER_ENGINES_WAIT_MS                                                                                          \
    250 /* the same when engines already talked to the port and none matched:                                          \
           a server that speaks first did so on their connections at once */

struct banner {
    struct ls_session *s;
    struct ls_conn *conn;
    struct event *timer;
    ls_step_cb done;
    bool probed;      /* the HTTP request line was sent */
    bool closed;      /* the service closed (or reset) the connection */
    bool spoke_first; /* bytes came before the HTTP line */
    unsigned char first[LS_BANNER_MAX];
    size_t nfirst;
    struct event *later; /* answers the steps that have nothing to do */
    ls_step_cb later_cb;
    enum ls_step later_r;
};

const char *ls_banner_protocol(const unsigned char *b, size_t n)
{
    if (n >= 5 && memcmp(b, "HTTP/", 5) == 0)
        return "http";
    if (n >= 4 && memcmp(b, "SSH-", 4) == 0)
        return "ssh";
    if (n >= 4 && memcmp(b, "RFB ", 4) == 0)
        return "vnc";
    if (n >= 3 && b[0] == 0x15 && b[1] == 0x03 && b[2] <= 0x04)
        return "tls"; /* a TLS alert to a plaintext request */
    if (n >= 4 && (memcmp(b, "220 ", 4) == 0 || memcmp(b, "220-", 4) == 0)) {
        for (size_t i = 4; i + 4 <= n; i++)
            if (memcmp(b + i, "SMTP", 4) == 0 || memcmp(b + i, "ESMTP", 4) == 0)
                return "smtp";
        return "ftp";
    }
    if (n >= 5 && memcmp(b, "+OK", 3) == 0)
        return "pop3";
    if (n >= 4 && memcmp(b, "* OK", 4) == 0)
        return "imap";
    /* a MySQL/MariaDB greeting: 3-byte length, sequence 0, protocol 10, a printable version */
    if (n >= 6 && b[3] == 0 && b[4] == 10 && b[5] >= '0' && b[5] <= '9' &&
        (size_t)b[0] + ((size_t)b[1] << 8) + ((size_t)b[2] << 16) + 4 >= n)
        return "mysql";
    if (n >= 1 && (b[0] == '-' || b[0] == '+') && memchr(b, '\r', n))
        return "resp";
    return NULL;
}

void ls_banner_escape(const unsigned char *b, size_t n, char *out, size_t cap)
{
    struct ls_strbuf sb;
    ls_sb_init(&sb, out, cap);
    if (n > LS_BANNER_MAX)
        n = LS_BANNER_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned c = b[i];
        if (c == '\\')
            ls_sb_append(&sb, "\\\\");
        else if (c == '\r')
            ls_sb_append(&sb, "\\r");
        else if (c == '\n')
            ls_sb_append(&sb, "\\n");
        else if (c == '\t')
            ls_sb_append(&sb, "\\t");
        else if (c >= 0x20 && c < 0x7f)
            ls_sb_append_n(&sb, (const char *)&b[i], 1);
        else
            ls_sb_printf(&sb, "\\x%02x", c);
    }
}

static void on_later(evutil_socket_t fd, short what, void *arg);

static void finish(struct banner *bn)
{
    struct ls_session *s = bn->s;
    struct ls_service *svc = &s->svc;
    struct evbuffer *in = bn->conn ? ls_conn_input(bn->conn) : NULL;
    size_t n = in ? evbuffer_get_length(in) : 0;
    if (n > LS_BANNER_MAX)
        n = LS_BANNER_MAX;
    if (n) {
        const unsigned char *p = evbuffer_pullup(in, (ev_ssize_t)n);
        if (p) {
            memcpy(bn->first, p, n);
            bn->nfirst = n;
            bn->spoke_first = !bn->probed;
        }
        const char *proto = p ? ls_banner_protocol(p, n) : NULL;
        svc->interface = proto ? proto : "unknown";
        char esc[LS_BANNER_MAX * 4 + 1];
        ls_banner_escape(p, n, esc, sizeof esc);
        free(svc->banner);
        svc->banner = strdup(esc);
    } else {
        svc->interface = "unknown";
    }
    ls_conn_free(bn->conn);
    bn->conn = NULL;
    ls_step_cb cb = bn->done;
    bn->done = NULL;
    if (cb)
        cb(s, LS_STEP_OK);
}

bool ls_banner_look(struct ls_session *s, struct ls_first_look *look)
{
    const struct banner *bn = s->priv;
    if (!bn)
        return false;
    *look = (struct ls_first_look){bn->first, bn->nfirst, bn->closed, bn->spoke_first};
    return true;
}

static void send_probe(struct banner *bn)
{
    static const char req[] = "GET / HTTP/1.0\r\n\r\n";
    bn->probed = true;
    if (!bn->conn || ls_conn_write(bn->conn, req, sizeof req - 1) != 0) {
        finish(bn);
        return;
    }
    struct timeval tv = {FIRST_WAIT_MS / 1000, (FIRST_WAIT_MS % 1000) * 1000};
    evtimer_add(bn->timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct banner *bn = arg;
    (void)fd, (void)what;
    size_t have = bn->conn ? evbuffer_get_length(ls_conn_input(bn->conn)) : 0;
    if (have || bn->probed)
        finish(bn);
    else
        send_probe(bn);
}

static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct banner *bn = ud;
    (void)c;
    switch (ev) {
    case LS_CONN_CONNECTED: {
        unsigned wait = bn->s->engines_tried ? AFTER_ENGINES_WAIT_MS : FIRST_WAIT_MS;
        unsigned ms = bn->s->limits->io_timeout_ms < wait ? bn->s->limits->io_timeout_ms : wait;
        struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
        evtimer_add(bn->timer, &tv);
        return;
    }
    case LS_CONN_READ:
        /* keep the first bytes: a server that keeps talking is cut at the cap; an answer to the
         * HTTP line is taken as it comes (the verdict needs its start, not all of it) */
        if (bn->probed || evbuffer_get_length(ls_conn_input(c)) >= LS_BANNER_MAX) {
            evtimer_del(bn->timer);
            finish(bn);
        }
        return;
    case LS_CONN_EOF:
    case LS_CONN_ERROR:
        bn->closed = true;
        evtimer_del(bn->timer);
        finish(bn);
        return;
    case LS_CONN_TIMEOUT:
        evtimer_del(bn->timer);
        finish(bn);
        return;
    }
}

static int banner_open(struct ls_session *s)
{
    struct banner *bn = calloc(1, sizeof *bn);
    if (!bn)
        return -1;
    bn->s = s;
    bn->timer = evtimer_new(s->base, on_timer, bn);
    bn->later = evtimer_new(s->base, on_later, bn);
    if (!bn->timer || !bn->later) {
        if (bn->timer)
            event_free(bn->timer);
        if (bn->later)
            event_free(bn->later);
        free(bn);
        return -1;
    }
    s->priv = bn;
    return 0;
}

static void banner_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct banner *bn = s->priv;
    bn->done = done;
    bn->conn = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, false, NULL,
                           s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_conn, bn);
    if (!bn->conn) {
        /* report from the loop, as every step does */
        struct timeval zero = {0, 0};
        bn->probed = true;
        evtimer_add(bn->timer, &zero);
    }
}

/* access and inventory: nothing to learn; answered from the loop (a timer of the session, so
 * cancel can withdraw it) */
static void on_later(evutil_socket_t fd, short what, void *arg)
{
    struct banner *bn = arg;
    (void)fd, (void)what;
    ls_step_cb cb = bn->later_cb;
    bn->later_cb = NULL;
    if (cb)
        cb(bn->s, bn->later_r);
}

static void answer_later(struct ls_session *s, ls_step_cb done, enum ls_step r)
{
    struct banner *bn = s->priv;
    struct timeval zero = {0, 0};
    bn->later_cb = done;
    bn->later_r = r;
    evtimer_add(bn->later, &zero);
}

static void banner_access(struct ls_session *s, ls_step_cb done)
{
    answer_later(s, done, LS_STEP_NO);
}
static void banner_inventory(struct ls_session *s, ls_step_cb done)
{
    answer_later(s, done, LS_STEP_OK);
}

static void banner_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row,
                               ls_step_cb done)
{
    (void)t, (void)limit, (void)row;
    answer_later(s, done, LS_STEP_OK);
}

static void banner_assess(struct ls_session *s)
{
    s->svc.auth = LS_AUTH_UNKNOWN;
    s->svc.severity = LS_SEV_INFO;
}

static void banner_cancel(struct ls_session *s)
{
    struct banner *bn = s->priv;
    if (!bn)
        return;
    evtimer_del(bn->timer);
    evtimer_del(bn->later);
    ls_conn_free(bn->conn);
    bn->conn = NULL;
    bn->done = NULL;
    bn->later_cb = NULL;
}

static void banner_close(struct ls_session *s)
{
    struct banner *bn = s->priv;
    if (!bn)
        return;
    banner_cancel(s);
    event_free(bn->timer);
    event_free(bn->later);
    free(bn);
    s->priv = NULL;
}

static const struct ls_engine_ops banner_ops = {
    .open = banner_open,
    .fingerprint = banner_fingerprint,
    .access = banner_access,
    .inventory = banner_inventory,
    .stream_rows = banner_stream_rows,
    .assess = banner_assess,
    .cancel = banner_cancel,
    .close = banner_close,
};

const struct ls_engine ls_engine_unknown = {
    .name = "unknown",
    .interface = "unknown",
    .display = "unknown",
    .ops = &banner_ops,
};
