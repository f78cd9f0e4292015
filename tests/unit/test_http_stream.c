/* Streamed HTTP bodies over a real loopback socket: a large chunked body that switches the
 * connection to bulk reads (ls_conn_read_bulk) arrives whole and in order, also when its tail
 * trickles in below the low-water mark; a server that falls silent mid-body still times out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/http_client.h"

#define CHUNK 4096

struct server {
    int lfd;
    size_t fast_chunks; /* 4 KiB chunks sent back to back */
    size_t slow_chunks; /* then small chunks, slow_ms apart (below the low-water mark) */
    unsigned slow_ms;
    bool finish;      /* send the last chunk, else fall silent (connection kept open) */
    unsigned hold_ms; /* keep the connection open this long after the last byte */
};

struct result {
    bool done, ok;
    uint64_t bytes, sum;
    char err[200];
};

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Body byte i is (i * 7 + i / 251) & 0xff: any loss or reordering changes the sum below. */
static unsigned char body_byte(uint64_t i)
{
    return (unsigned char)((i * 7 + i / 251) & 0xff);
}

static int send_chunk(int fd, uint64_t *off, size_t n)
{
    char head[32], data[CHUNK];
    for (size_t i = 0; i < n; i++)
        data[i] = (char)body_byte(*off + i);
    *off += n;
    int hl = snprintf(head, sizeof head, "%zx\r\n", n);
    return send_all(fd, head, (size_t)hl) || send_all(fd, data, n) || send_all(fd, "\r\n", 2) ? -1 : 0;
}

static void *serve(void *arg)
{
    struct server *s = arg;
    int fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    char req[4096];
    ssize_t got = recv(fd, req, sizeof req, 0); /* the request fits one segment */
    (void)got;
    static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    uint64_t off = 0;
    int rc = send_all(fd, head, sizeof head - 1);
    for (size_t i = 0; rc == 0 && i < s->fast_chunks; i++)
        rc = send_chunk(fd, &off, CHUNK);
    for (size_t i = 0; rc == 0 && i < s->slow_chunks; i++) {
        sleep_ms(s->slow_ms);
        rc = send_chunk(fd, &off, 100);
    }
    if (rc == 0 && s->finish)
        send_all(fd, "0\r\n\r\n", 5);
    sleep_ms(s->hold_ms);
    close(fd);
    return NULL;
}

static int on_body(void *ud, const char *data, size_t len)
{
    struct result *r = ud;
    for (size_t i = 0; i < len; i++)
        r->sum += (uint64_t)((unsigned char)data[i] == body_byte(r->bytes + i));
    r->bytes += len;
    return 0;
}

static void on_done(void *ud, bool ok, const struct ls_http_response *resp, const char *body, size_t blen,
                    const char *err)
{
    struct result *r = ud;
    (void)resp, (void)body, (void)blen;
    r->done = true;
    r->ok = ok;
    snprintf(r->err, sizeof r->err, "%s", err ? err : "");
}

/* Runs one request against a server thread; returns how long it took in ms. */
static unsigned run(struct server *s, unsigned io_timeout_ms, struct result *r)
{
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->lfd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(s->lfd, 1), 0);
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &sl), 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, serve, s), 0);

    struct event_base *base = event_base_new();
    memset(r, 0, sizeof *r);
    struct ls_http_request req = {.method = "GET", .host = "127.0.0.1", .path = "/", .max_body = 1u << 30};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_non_null(ls_http_start(base, (struct sockaddr *)&sa, sizeof sa, false, NULL, 1000, io_timeout_ms, &req,
                                  on_body, on_done, r));
    while (!r->done)
        event_base_loop(base, EVLOOP_ONCE);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    event_base_free(base);
    pthread_join(th, NULL);
    close(s->lfd);
    return (unsigned)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
}

static void large_body_arrives_whole(void **state)
{
    (void)state;
    struct server s = {.fast_chunks = 2048, .finish = true}; /* 8 MiB in 4 KiB chunks */
    struct result r;
    run(&s, 2000, &r);
    assert_true(r.ok);
    assert_int_equal(r.bytes, 2048u * CHUNK);
    assert_int_equal(r.sum, r.bytes);
}

static void slow_tail_below_low_water_mark_arrives(void **state)
{
    (void)state;
    /* past the bulk threshold, then 100-byte chunks every 150 ms with a 400 ms read timeout:
     * slow, never silent for the timeout; the connection stays open after the last chunk, so
     * only the parser's end of body can finish the call */
    struct server s = {.fast_chunks = 512, .slow_chunks = 5, .slow_ms = 150, .finish = true, .hold_ms = 3000};
    struct result r;
    unsigned ms = run(&s, 400, &r);
    assert_true(r.ok);
    assert_int_equal(r.bytes, 512u * CHUNK + 500);
    assert_int_equal(r.sum, r.bytes);
    assert_true(ms < 2500);
}

static void silence_mid_body_times_out(void **state)
{
    (void)state;
    struct server s = {.fast_chunks = 512, .finish = false, .hold_ms = 1200};
    struct result r;
    unsigned ms = run(&s, 300, &r);
    assert_false(r.ok);
    assert_non_null(strstr(r.err, "timed out"));
    assert_true(ms < 2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(large_body_arrives_whole),
        cmocka_unit_test(slow_tail_below_low_water_mark_arrives),
        cmocka_unit_test(silence_mid_body_times_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
