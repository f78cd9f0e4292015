/* Connect-mode probe sockets: synchronous answers read by a second connect(), refused sockets
 * reused, RST on close, loopback source pool; see scan_sock.h. */
#include "core/scan_sock.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

void ls_probe_abort(int fd)
{
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

static bool is_loopback4(const struct sockaddr *sa)
{
    return sa->sa_family == AF_INET && (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
}

/* Whether fd is connected to itself: a socket whose local address and port equal the destination
 * (the probe reached its own port — sockets here keep their bound port across reuses — and TCP's
 * simultaneous open connected it to itself). That is not a listener: the port counts as closed. */
static bool self_connected(int fd, const struct sockaddr *sa)
{
    struct sockaddr_storage me;
    socklen_t l = sizeof me;
    if (getsockname(fd, (struct sockaddr *)&me, &l) != 0 || me.ss_family != sa->sa_family)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&me, *b = (const struct sockaddr_in *)sa;
        return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&me, *b = (const struct sockaddr_in6 *)sa;
        return a->sin6_port == b->sin6_port && memcmp(&a->sin6_addr, &b->sin6_addr, sizeof a->sin6_addr) == 0;
    }
    return false;
}

/* A connected probe socket: closed with an RST either way (never pooled); OPEN unless it had
 * connected to itself (CLOSED, *err EADDRINUSE: no round trip). */
static enum ls_probe_result connected(int fd, const struct sockaddr *sa, int *err)
{
    bool self = self_connected(fd, sa);
    ls_probe_abort(fd);
    *err = self ? EADDRINUSE : 0;
    return self ? LS_PROBE_CLOSED : LS_PROBE_OPEN;
}

/* Pooled sockets are IPv4 and bound (or not) according to p->spread at the time they were made;
 * the pool is emptied when spreading starts, so a pooled socket always matches p->spread. */
static void recycle(struct ls_sockpool *p, int fd)
{
    if (!p->noreuse && p->n < LS_SOCK_POOL)
        p->fd[p->n++] = fd;
    else
        close(fd);
}

static void drain(struct ls_sockpool *p)
{
    while (p->n)
        close(p->fd[--p->n]);
}

/* A probe socket for sa: a pooled one if there is one (and !fresh), else a new one. */
static int new_socket(struct ls_sockpool *p, const struct sockaddr *sa, bool fresh, bool *reused)
{
    *reused = !fresh && sa->sa_family == AF_INET && p->n;
    if (*reused) {
        p->reused++;
        return p->fd[--p->n];
    }
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    p->created++;
    if (sa->sa_family == AF_INET && !p->spread) {
        /* a port of its own for the socket's whole life: a reused socket then connects without
         * the kernel searching for a free ephemeral port each time (measured: ~7% of W1's CPU);
         * if none is left, connect() picks one as usual */
        struct sockaddr_in any = {.sin_family = AF_INET};
        bind(fd, (struct sockaddr *)&any, sizeof any);
    }
    if (p->spread && is_loopback4(sa)) {
        int one = 1;
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        struct sockaddr_in src = {.sin_family = AF_INET};
        src.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)(p->spread_next++ % LS_SPREAD_POOL));
        bind(fd, (struct sockaddr *)&src, sizeof src);
    }
    return fd;
}

/* A socket that may go back to the pool: IPv4, and bound like the pool's current sockets. */
static bool poolable(const struct ls_sockpool *p, const struct sockaddr *sa)
{
    return sa->sa_family == AF_INET && (!p->spread || is_loopback4(sa));
}

enum ls_probe_result ls_probe_start(struct ls_sockpool *p, const struct sockaddr *sa, socklen_t salen, int *fdp,
                                    int *errp)
{
    *errp = 0;
    /* a pooled socket bound to a loopback source cannot reach other addresses, and an unbound one
     * would not spread: use pooled sockets only where they fit */
    if (p->spread && !is_loopback4(sa) && p->n)
        drain(p);
    bool reused;
    int fd = new_socket(p, sa, false, &reused);
    if (fd < 0)
        return LS_PROBE_FAILED;
    int rc = connect(fd, sa, salen);
    if (rc != 0 && reused && errno != EINPROGRESS && errno != EADDRNOTAVAIL && errno != EAGAIN) {
        /* the destination's fault (ENETUNREACH, EACCES, ...) or a kernel that does not take a
         * reset socket back? Try a fresh socket; only if that one gets through is reuse given up */
        close(fd);
        fd = new_socket(p, sa, true, &reused);
        if (fd < 0)
            return LS_PROBE_FAILED;
        rc = connect(fd, sa, salen);
        if (rc == 0 || errno == EINPROGRESS || errno == ECONNREFUSED) {
            drain(p);
            p->noreuse = true;
        }
    }
    if (rc == 0)
        return connected(fd, sa, errp);
    if (errno == EADDRNOTAVAIL || errno == EAGAIN) { /* out of source ports */
        close(fd);
        if (!p->spread && is_loopback4(sa)) {
            drain(p); /* unbound sockets would run short again */
            p->spread = true;
            return ls_probe_start(p, sa, salen, fdp, errp);
        }
        return LS_PROBE_NOPORT;
    }
    if (errno != EINPROGRESS) {
        *errp = errno;
        close(fd);
        return LS_PROBE_FAILED;
    }
    /* answered while connect() held the socket? (loopback: always) */
    if (connect(fd, sa, salen) == 0 || errno == EISCONN)
        return connected(fd, sa, errp);
    if (errno == EALREADY || errno == EINPROGRESS) {
        *fdp = fd;
        return LS_PROBE_PENDING;
    }
    *errp = errno;
    if (errno == ECONNREFUSED && poolable(p, sa)) /* the kernel reset the socket: reusable */
        recycle(p, fd);
    else
        close(fd);
    return LS_PROBE_CLOSED;
}

enum ls_probe_result ls_probe_finish(struct ls_sockpool *p, int fd, const struct sockaddr *sa, int *errp)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) { /* unknown state: not an open port */
        *errp = errno;
        ls_probe_abort(fd);
        return LS_PROBE_FAILED;
    }
    if (err == 0)
        return connected(fd, sa, errp);
    *errp = err;
    (void)p;
    close(fd); /* refused: no connection, nothing left in TIME_WAIT */
    return LS_PROBE_CLOSED;
}

void ls_sockpool_free(struct ls_sockpool *p)
{
    drain(p);
}
