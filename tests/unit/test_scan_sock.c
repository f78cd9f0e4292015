/* Unit tests for connect-mode probe sockets (scan_sock.h) on loopback: a closed port is reported
 * closed at once and its socket reused; a reused socket still finds an open port; a long run of
 * probes to one host creates only a few sockets and reports every listener exactly; with ports
 * short, probes leave from the pool of loopback sources in turn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "core/scan_sock.h"

/* A listener on 127.0.0.1, any port; returns its fd and port. */
static int listener(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 1024), 0);
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A loopback port with nothing listening (bound, not listening, so nobody takes it meanwhile). */
static int closed_port(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    *port = ntohs(a.sin_port);
    return fd;
}

/* The probe's result, waiting for a pending one. */
static int last_err; /* the last probe's *err */

static enum ls_probe_result probe(struct ls_sockpool *p, uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001), .sin_port = htons(port)};
    int fd = -1;
    enum ls_probe_result r = ls_probe_start(p, (struct sockaddr *)&a, sizeof a, &fd, &last_err);
    if (r == LS_PROBE_PENDING) {
        struct pollfd pf = {fd, POLLOUT, 0};
        assert_int_equal(poll(&pf, 1, 2000), 1);
        r = ls_probe_finish(p, fd, (struct sockaddr *)&a, &last_err);
    }
    return r;
}

static void drain_accepts(int lfd)
{
    struct pollfd pf = {lfd, POLLIN, 0};
    while (poll(&pf, 1, 0) == 1) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0)
            break;
        close(c);
    }
}

/* p holds one reset socket after a refused probe of a closed port (returned: that port's fd). */
static int pool_of_one(struct ls_sockpool *p, uint16_t *cport)
{
    int cfd = closed_port(cport);
    assert_int_equal(probe(p, *cport), LS_PROBE_CLOSED);
    assert_int_equal(p->n, 1);
    return cfd;
}

static void test_closed_then_open_on_reused_socket(void **state)
{
    (void)state;
    uint16_t cport, oport;
    int cfd = closed_port(&cport), lfd = listener(&oport);
    struct ls_sockpool p = {0};
    assert_int_equal(probe(&p, cport), LS_PROBE_CLOSED);
    assert_int_equal(p.created, 1);
    assert_false(p.noreuse);  /* Linux takes a reset socket back */
    assert_int_equal(p.n, 1); /* kept for the next probe */
    assert_int_equal(probe(&p, oport), LS_PROBE_OPEN);
    assert_int_equal(p.created + p.reused, 2);
    assert_int_equal(probe(&p, cport), LS_PROBE_CLOSED);
    drain_accepts(lfd);
    ls_sockpool_free(&p);
    assert_int_equal(p.n, 0);
    close(cfd);
    close(lfd);
}

static void test_many_probes_few_sockets(void **state)
{
    (void)state;
    uint16_t cport, oport;
    int cfd = closed_port(&cport), lfd = listener(&oport);
    struct ls_sockpool p = {0};
    unsigned open = 0, closed = 0;
    for (int i = 0; i < 5000; i++) {
        enum ls_probe_result r = probe(&p, i % 1000 == 999 ? oport : cport);
        open += r == LS_PROBE_OPEN;
        closed += r == LS_PROBE_CLOSED;
        if (i % 1000 == 999)
            drain_accepts(lfd);
    }
    assert_int_equal(open, 5);
    assert_int_equal(closed, 4995);
    assert_true(p.created <= 10); /* closed-port sockets were reused */
    ls_sockpool_free(&p);
    close(cfd);
    close(lfd);
}

/* A pooled socket keeps its bound port; a probe of that very port on 127.0.0.1 connects the socket
 * to itself (simultaneous open). Nothing listens there: it must not be reported open. */
static void test_own_port_not_open(void **state)
{
    (void)state;
    uint16_t cport;
    struct ls_sockpool p = {0};
    int cfd = pool_of_one(&p, &cport);
    struct sockaddr_in me;
    socklen_t l = sizeof me;
    assert_int_equal(getsockname(p.fd[0], (struct sockaddr *)&me, &l), 0);
    uint16_t own = ntohs(me.sin_port);
    assert_true(own != 0);
    for (int i = 0; i < 3; i++) /* the pooled socket, then fresh ones */
        assert_int_equal(probe(&p, own), LS_PROBE_CLOSED);
    assert_int_equal(probe(&p, cport), LS_PROBE_CLOSED);
    ls_sockpool_free(&p);
    /* without the pool: a fresh socket bound to its own port (nothing listening there) */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    if (rc != 0) {
        struct pollfd pf = {fd, POLLOUT, 0};
        assert_int_equal(poll(&pf, 1, 2000), 1);
    }
    assert_int_equal(ls_probe_finish(&p, fd, (struct sockaddr *)&a, &last_err), LS_PROBE_CLOSED);
    assert_false(ls_probe_round_trip(last_err));
    ls_sockpool_free(&p);
    close(cfd);
}

/* A destination the kernel refuses for any socket (TCP to loopback's broadcast 127.255.255.255:
 * ENETUNREACH, decided before any packet; the tests stay on loopback) says nothing
 * about reuse: the pool stays on. */
static void test_unreachable_keeps_reuse(void **state)
{
    (void)state;
    uint16_t cport;
    struct ls_sockpool p = {0};
    int cfd = pool_of_one(&p, &cport);
    struct sockaddr_in m = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7fffffff), .sin_port = htons(80)};
    int fd = -1;
    assert_int_equal(ls_probe_start(&p, (struct sockaddr *)&m, sizeof m, &fd, &last_err), LS_PROBE_FAILED);
    assert_false(p.noreuse);
    unsigned long reused = p.reused;
    assert_int_equal(probe(&p, cport), LS_PROBE_CLOSED);
    assert_int_equal(probe(&p, cport), LS_PROBE_CLOSED);
    assert_true(p.reused > reused);
    ls_sockpool_free(&p);
    close(cfd);
}

/* A socket whose state cannot be read is not an open port. */
static void test_unreadable_not_open(void **state)
{
    (void)state;
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    struct ls_sockpool p = {0};
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001), .sin_port = htons(9)};
    assert_int_not_equal(ls_probe_finish(&p, pfd[0], (struct sockaddr *)&a, &last_err), LS_PROBE_OPEN);
    assert_false(ls_probe_round_trip(last_err));
    close(pfd[1]);
}

/* The error code of each outcome, and which ones are round trips (timed for the adaptive timeout):
 * a connection and a refusal are; a locally generated error is not. */
static void test_round_trip_errors(void **state)
{
    (void)state;
    uint16_t cport, oport;
    int cfd = closed_port(&cport), lfd = listener(&oport);
    struct ls_sockpool p = {0};
    assert_int_equal(probe(&p, cport), LS_PROBE_CLOSED);
    assert_int_equal(last_err, ECONNREFUSED);
    assert_true(ls_probe_round_trip(last_err));
    assert_int_equal(probe(&p, oport), LS_PROBE_OPEN);
    assert_int_equal(last_err, 0);
    assert_true(ls_probe_round_trip(last_err));
    struct sockaddr_in m = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7fffffff), .sin_port = htons(80)};
    int fd = -1;
    ls_probe_start(&p, (struct sockaddr *)&m, sizeof m, &fd, &last_err);
    assert_int_equal(last_err, ENETUNREACH);
    assert_false(ls_probe_round_trip(last_err));
    assert_false(ls_probe_round_trip(EHOSTUNREACH));
    drain_accepts(lfd);
    ls_sockpool_free(&p);
    close(cfd);
    close(lfd);
}

/* The next connection the listener accepts comes from this IPv4 source address. */
static void expect_peer(int lfd, uint32_t addr)
{
    struct sockaddr_in peer;
    socklen_t l = sizeof peer;
    int c = accept(lfd, (struct sockaddr *)&peer, &l);
    assert_true(c >= 0);
    assert_int_equal(ntohl(peer.sin_addr.s_addr), addr);
    close(c);
}

/* Once ports run short (spreading on, as after EADDRNOTAVAIL), each new IPv4 loopback probe socket
 * leaves from the next of 127.0.0.1 .. 127.0.0.LS_SPREAD_POOL, wrapping around, and finds the same
 * answers; a refused socket keeps its source when it is reused; a probe of IPv6 loopback (which a
 * bound IPv4 socket cannot make) empties the pool first and still gets its answer. */
static void test_source_pool(void **state)
{
    (void)state;
    uint16_t cport, oport;
    int cfd = closed_port(&cport), lfd = listener(&oport);
    struct ls_sockpool p = {0};
    p.spread = true;
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(probe(&p, oport), LS_PROBE_OPEN);
        expect_peer(lfd, 0x7f000001u + i);
    }
    assert_int_equal(probe(&p, cport), LS_PROBE_CLOSED); /* from 127.0.0.4, then pooled */
    assert_int_equal(p.n, 1);
    unsigned long created = p.created;
    assert_int_equal(probe(&p, oport), LS_PROBE_OPEN);
    assert_int_equal(p.created, created); /* the pooled socket, still bound to 127.0.0.4 */
    expect_peer(lfd, 0x7f000004u);
    p.spread_next = LS_SPREAD_POOL - 1;
    assert_int_equal(probe(&p, oport), LS_PROBE_OPEN);
    expect_peer(lfd, 0x7f000000u + LS_SPREAD_POOL);
    assert_int_equal(probe(&p, oport), LS_PROBE_OPEN);
    expect_peer(lfd, 0x7f000001u);

    assert_int_equal(probe(&p, cport), LS_PROBE_CLOSED);
    assert_int_equal(p.n, 1);
    int c6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (c6 >= 0 && bind(c6, (struct sockaddr *)&a6, sizeof a6) == 0) { /* a closed IPv6 port */
        socklen_t l = sizeof a6;
        getsockname(c6, (struct sockaddr *)&a6, &l);
        int fd = -1;
        enum ls_probe_result r = ls_probe_start(&p, (struct sockaddr *)&a6, sizeof a6, &fd, &last_err);
        if (r == LS_PROBE_PENDING) {
            struct pollfd pf = {fd, POLLOUT, 0};
            assert_int_equal(poll(&pf, 1, 2000), 1);
            r = ls_probe_finish(&p, fd, (struct sockaddr *)&a6, &last_err);
        }
        assert_int_equal(r, LS_PROBE_CLOSED);
        assert_int_equal(last_err, ECONNREFUSED);
        assert_int_equal(p.n, 0); /* the bound IPv4 socket was not used for it, nor kept */
    }
    if (c6 >= 0)
        close(c6);
    ls_sockpool_free(&p);
    close(cfd);
    close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_then_open_on_reused_socket),
        cmocka_unit_test(test_many_probes_few_sockets),
        cmocka_unit_test(test_own_port_not_open),
        cmocka_unit_test(test_unreachable_keeps_reuse),
        cmocka_unit_test(test_unreadable_not_open),
        cmocka_unit_test(test_round_trip_errors),
        cmocka_unit_test(test_source_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
