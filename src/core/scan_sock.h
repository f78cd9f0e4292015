/* Connect-mode probe sockets with as few system calls per probe as the kernel allows.
 *
 * A probe is socket() + connect() (non-blocking). Where the answer is synchronous (loopback and
 * anything the kernel answers while connect() still holds the socket: an RST, an ICMP error), a
 * second connect() on the same socket reports it at once: ECONNREFUSED (closed port), 0 / EISCONN
 * (open), EALREADY (still waiting: the caller hands the socket to the event loop). A refused
 * socket is left in the kernel's unconnected state by that second call, so it is reused for the
 * next probe instead of close() + socket(): two system calls per closed port instead of five or
 * more (socket, connect, epoll add, getsockopt, epoll delete, close). An IPv4 socket is bound to a
 * local port of its own when created, so its reconnects skip the kernel's ephemeral port search.
 * Connected sockets are closed
 * with SO_LINGER 0 (an RST, nothing left in TIME_WAIT).
 *
 * Source addresses: once a loopback destination has run out of ephemeral ports (EADDRNOTAVAIL),
 * sockets to IPv4 loopback are bound to a pool of 127.0.0.x sources with IP_BIND_ADDRESS_NO_PORT
 * (the port is chosen at connect() time per (source, destination)), which multiplies the usable
 * ports by the pool size. */
#ifndef LS_CORE_SCAN_SOCK_H
#define LS_CORE_SCAN_SOCK_H

#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>

#define LS_SOCK_POOL 256  /* refused sockets kept for reuse per event loop */
#define LS_SPREAD_POOL 64 /* 127.0.0.1-127.0.0.64 as sources once ports run short */

struct ls_sockpool {
    int fd[LS_SOCK_POOL];
    unsigned n;
    bool noreuse; /* a reused socket failed where a fresh one got through: no more pooling */
    bool spread;  /* bind IPv4 loopback probes to the source pool */
    unsigned spread_next;
    unsigned long reused, created;
};

enum ls_probe_result {
    LS_PROBE_PENDING, /* *fd is waiting for the event loop (writable = answered) */
    LS_PROBE_OPEN,    /* connected; the socket is already closed */
    LS_PROBE_CLOSED,  /* refused (or unreachable) at once; the socket went back to the pool */
    LS_PROBE_NOPORT,  /* no source port free right now; nothing open, try again later */
    LS_PROBE_FAILED,  /* could not probe (socket limit, bad address) */
};

/* Starts a probe of sa; on LS_PROBE_PENDING *fd holds the socket to watch. *err (set for OPEN and
 * CLOSED): 0 when connected, else the errno of the answer (ECONNREFUSED: the destination reset it). */
enum ls_probe_result ls_probe_start(struct ls_sockpool *p, const struct sockaddr *sa, socklen_t salen, int *fd,
                                    int *err);
/* The result of a pending probe of sa whose socket became writable (or errored): OPEN, CLOSED, or
 * FAILED when the socket's state cannot be read; the socket is closed or pooled either way. A socket that connected to
 * itself (its own address and port as the destination) is CLOSED, from either function. */
enum ls_probe_result ls_probe_finish(struct ls_sockpool *p, int fd, const struct sockaddr *sa, int *err);
/* Whether a probe whose *err was err measured a round trip to the destination: connected or reset
 * by it. Errors the local stack generates (EHOSTUNREACH after failed ARP, ENETUNREACH, a socket
 * connected to itself) are not round trips and must not feed the timeout estimate. */
static inline bool ls_probe_round_trip(int err)
{
    return err == 0 || err == ECONNREFUSED;
}
/* Closes a socket whose probe is abandoned (timeout): with an RST, never TIME_WAIT. */
void ls_probe_abort(int fd);
void ls_sockpool_free(struct ls_sockpool *p);

#endif
