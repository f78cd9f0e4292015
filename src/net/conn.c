/* Outgoing TCP/TLS connections over libevent bufferevents (see conn.h). */
#include "net/conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

struct ls_conn {
    struct bufferevent *bev;
    ls_conn_cb cb;
    void *ud;
    bool connected;
    unsigned io_timeout_ms;
    bool tls;
    bool bulk; /* ls_conn_read_bulk: SO_RCVLOWAT set */
    char error[160];
};

static SSL_CTX *tls_ctx;

static SSL_CTX *client_tls_ctx(void)
{
    if (!tls_ctx) {
        tls_ctx = SSL_CTX_new(TLS_client_method());
        if (tls_ctx) {
            SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
            /* old servers (ClickHouse 18.x) may only speak TLS 1.0-1.2 */
            SSL_CTX_set_min_proto_version(tls_ctx, TLS1_VERSION);
            SSL_CTX_set_security_level(tls_ctx, 0);
        }
    }
    return tls_ctx;
}

void ls_tls_cleanup(void)
{
    if (tls_ctx)
        SSL_CTX_free(tls_ctx);
    tls_ctx = NULL;
}

static void set_timeouts(struct ls_conn *c, unsigned ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    bufferevent_set_timeouts(c->bev, &tv, &tv);
}

/* libevent reads at most 4 KiB per wakeup (EVBUFFER_MAX_READ), so a large response costs an
 * epoll_wait, an ioctl and a readv per 4 KiB. After each of its reads, whatever else the socket
 * already holds (FIONREAD) is taken too, up to READ_MORE_MAX, with one recv. Only bytes known to
 * be there are read: EOF and errors stay for libevent to report. Plain TCP only (TLS reads go
 * through OpenSSL). */
#define READ_MORE_MAX ((size_t)1 << 20)

/* Bytes waiting in the socket's receive queue. */
static int pending(const struct ls_conn *c)
{
    evutil_socket_t fd = bufferevent_getfd(c->bev);
    int avail = 0;
    if (fd < 0 || ioctl(fd, FIONREAD, &avail) != 0)
        return 0;
    return avail;
}

static void read_more(struct ls_conn *c)
{
    int avail = pending(c);
    if (avail <= 0)
        return;
    size_t want = (size_t)avail < READ_MORE_MAX ? (size_t)avail : READ_MORE_MAX;
    struct evbuffer *in = bufferevent_get_input(c->bev);
    struct evbuffer_iovec v;
    evbuffer_unfreeze(in, 0); /* the bufferevent keeps its input's end frozen between its reads */
    if (evbuffer_reserve_space(in, (ev_ssize_t)want, &v, 1) == 1 && v.iov_len >= want) {
        ssize_t n = recv(bufferevent_getfd(c->bev), v.iov_base, want, MSG_DONTWAIT);
        v.iov_len = n > 0 ? (size_t)n : 0;
        evbuffer_commit_space(in, &v, 1);
    }
    evbuffer_freeze(in, 0);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct ls_conn *c = arg;
    (void)bev;
    if (!c->tls)
        read_more(c);
    c->cb(c, LS_CONN_READ, c->ud);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    struct ls_conn *c = arg;
    if (what & BEV_EVENT_CONNECTED) {
        c->connected = true;
        set_timeouts(c, c->io_timeout_ms);
        c->cb(c, LS_CONN_CONNECTED, c->ud);
        return;
    }
    if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) && c->bulk && pending(c) > 0) {
        /* fewer bytes than the low-water mark arrived: slow, not silent */
        read_more(c);
        bufferevent_enable(bev, EV_READ);
        c->cb(c, LS_CONN_READ, c->ud);
        return;
    }
    if (what & BEV_EVENT_TIMEOUT) {
        snprintf(c->error, sizeof c->error, "%s timed out", c->connected ? "read" : "connect");
        c->cb(c, LS_CONN_TIMEOUT, c->ud);
        return;
    }
    if (what & BEV_EVENT_EOF) {
        snprintf(c->error, sizeof c->error, "connection closed by peer");
        c->cb(c, LS_CONN_EOF, c->ud);
        return;
    }
    int err = EVUTIL_SOCKET_ERROR();
    unsigned long ssl_err = bufferevent_get_openssl_error(bev);
    if (ssl_err) {
        char buf[120];
        ERR_error_string_n(ssl_err, buf, sizeof buf);
        snprintf(c->error, sizeof c->error, "TLS: %s", buf);
    } else if (err) {
        snprintf(c->error, sizeof c->error, "%s", strerror(err));
    } else {
        snprintf(c->error, sizeof c->error, "%s failed", c->connected ? "connection" : "connect");
    }
    c->cb(c, LS_CONN_ERROR, c->ud);
}

struct ls_conn *ls_conn_new(struct event_base *base, const struct sockaddr *sa, socklen_t salen, bool tls,
                            const char *sni, unsigned connect_timeout_ms, unsigned io_timeout_ms, ls_conn_cb cb,
                            void *ud)
{
    struct ls_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cb = cb;
    c->ud = ud;
    c->io_timeout_ms = io_timeout_ms;
    c->tls = tls;
    /* No BEV_OPT_DEFER_CALLBACKS: a deferred callback holds a reference on its bufferevent until
     * the loop runs it, so a connection freed while one is queued (a read during a flood, then the
     * service deadline in the same loop pass) lives on until the next pass; when the scan is over
     * the loop breaks first and event_base_free() drops queued callbacks unrun, leaking the
     * bufferevent, its buffers and its SSL. libevent's own callbacks still come from the loop and
     * hold a reference while they run ours, so ls_conn_free() from a callback stays safe. */
    int opts = BEV_OPT_CLOSE_ON_FREE;
    if (tls) {
        SSL_CTX *ctx = client_tls_ctx();
        SSL *ssl = ctx ? SSL_new(ctx) : NULL;
        if (!ssl) {
            free(c);
            return NULL;
        }
        if (sni)
            SSL_set_tlsext_host_name(ssl, sni);
        c->bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, opts);
        if (c->bev)
            bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
        else
            SSL_free(ssl);
    } else {
        c->bev = bufferevent_socket_new(base, -1, opts);
    }
    if (!c->bev) {
        free(c);
        return NULL;
    }
    bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
    set_timeouts(c, connect_timeout_ms);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    if (bufferevent_socket_connect(c->bev, sa, (int)salen) != 0) {
        /* no socket: no callback reports this (an immediate refusal is reported from the loop) */
        snprintf(c->error, sizeof c->error, "connect failed");
    }
    evutil_socket_t fd = bufferevent_getfd(c->bev);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return c;
}

int ls_conn_write(struct ls_conn *c, const void *data, size_t len)
{
    return bufferevent_write(c->bev, data, len);
}

struct evbuffer *ls_conn_output(struct ls_conn *c)
{
    return bufferevent_get_output(c->bev);
}

int ls_conn_flush(struct ls_conn *c)
{
    return bufferevent_enable(c->bev, EV_WRITE);
}

struct evbuffer *ls_conn_input(struct ls_conn *c)
{
    return bufferevent_get_input(c->bev);
}

const char *ls_conn_error(const struct ls_conn *c)
{
    return c->error[0] ? c->error : "connection error";
}

void ls_conn_free(struct ls_conn *c)
{
    if (!c)
        return;
    if (c->bev) {
        evutil_socket_t fd = bufferevent_getfd(c->bev);
        if (fd >= 0) {
            /* close with RST: a scanner must not leave TIME_WAIT sockets behind */
            struct linger lg = {1, 0};
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        bufferevent_setcb(c->bev, NULL, NULL, NULL, NULL);
        bufferevent_disable(c->bev, EV_READ | EV_WRITE); /* freed in a callback: read no more */
        bufferevent_free(c->bev);
    }
    free(c);
}

void ls_conn_read_bulk(struct ls_conn *c, size_t lowat)
{
    evutil_socket_t fd = bufferevent_getfd(c->bev);
    int v = lowat > INT_MAX ? INT_MAX : (int)lowat;
    if (c->tls || c->bulk || fd < 0)
        return;
    c->bulk = setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v) == 0;
}

void ls_sockaddr_ip(const struct sockaddr *sa, char *out, size_t outlen)
{
    if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)outlen);
    else if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)outlen);
    else
        snprintf(out, outlen, "?");
}

unsigned ls_sockaddr_port(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
    if (sa->sa_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
    return 0;
}
