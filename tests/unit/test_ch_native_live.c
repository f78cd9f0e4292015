/* Native-protocol codec against a real ClickHouse: LS_CH_NATIVE_ADDR (127.x.y.z:port), else the lab's
 * open server (lab.env); skipped when neither is there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "util/strbuf.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engines/clickhouse/ch_native_proto.h"

static char err[256];

struct conn {
    int fd;
    uint8_t *in;
    size_t len, cap, drop; /* drop: bytes of the last decoded packet, removed on the next read */
    uint64_t rev;
};

static void assert_str(struct ch_str s, const char *want)
{
    if (s.len != strlen(want) || memcmp(s.p, want, s.len) != 0)
        fail_msg("got '%.*s', want '%s'", (int)s.len, s.p ? s.p : "", want);
}

static int send_all(struct conn *c, struct evbuffer *e)
{
    size_t n = evbuffer_get_length(e);
    const uint8_t *p = evbuffer_pullup(e, -1);
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    evbuffer_drain(e, evbuffer_get_length(e));
    return 0;
}

/* Next packet, waiting for as many bytes as the decoder's hint asks for. */
static enum ch_status next_packet(struct conn *c, struct ch_packet *pkt)
{
    if (c->drop) {
        memmove(c->in, c->in + c->drop, c->len - c->drop);
        c->len -= c->drop;
        c->drop = 0;
    }
    size_t want = 0;
    for (;;) {
        if (c->len >= want) {
            enum ch_status st = ch_decode_packet(c->in, c->len, c->rev, pkt, &want, err, sizeof err);
            if (st == CH_OK)
                c->drop = want;
            if (st != CH_NEED_MORE)
                return st;
        }
        if (c->cap - c->len < 65536) {
            c->cap = c->cap * 2 + 65536;
            c->in = realloc(c->in, c->cap);
            assert_non_null(c->in);
        }
        struct pollfd pfd = {c->fd, POLLIN, 0};
        if (poll(&pfd, 1, 10000) <= 0)
            return CH_ERROR;
        ssize_t r = recv(c->fd, c->in + c->len, c->cap - c->len, 0);
        if (r <= 0)
            return CH_ERROR;
        c->len += (size_t)r;
    }
}

/* The server to test: LS_CH_NATIVE_ADDR, else the lab's open ClickHouse from $LS_LAB_DIR/lab.env
 * (LAB_EXPOSED and LAB_NATIVE_PORT; `make check` starts the lab), else NULL (the tests skip). */
static const char *server_addr(void)
{
    static char addr[96];
    const char *env = getenv("LS_CH_NATIVE_ADDR");
    if (env)
        return env;
    const char *dir = getenv("LS_LAB_DIR");
    char path[512], line[256], host[64] = "", port[16] = "";
    snprintf(path, sizeof path, "%s/lab.env", dir && *dir ? dir : "/tmp/leakscan-lab");
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "LAB_EXPOSED=%63[0-9.]", host);
        sscanf(line, "LAB_NATIVE_PORT=%15[0-9]", port);
    }
    fclose(f);
    if (!host[0] || !port[0])
        return NULL;
    snprintf(addr, sizeof addr, "%s:%s", host, port);
    return addr;
}

/* Connects and sends the Hello; *hello is the server's answer (Hello or Exception). */
static int live_connect(struct conn *c, const char *user, struct ch_packet *hello)
{
    const char *addr = server_addr();
    char host[64];
    unsigned port;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    memset(c, 0, sizeof *c);
    if (!addr || sscanf(addr, "%63[0-9.]:%u", host, &port) != 2 || port > 65535 ||
        inet_pton(AF_INET, host, &sa.sin_addr) != 1 || (ntohl(sa.sin_addr.s_addr) >> 24) != 127)
        return -1; /* loopback only */
    sa.sin_port = htons((uint16_t)port);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (c->fd >= 0)
            close(c->fd);
        return -1;
    }
    struct evbuffer *e = evbuffer_new();
    assert_int_equal(ch_encode_hello(e, "leakscan-test", user, ""), 0);
    assert_int_equal(send_all(c, e), 0);
    evbuffer_free(e);
    if (next_packet(c, hello) != CH_OK)
        fail_msg("hello: %s", err);
    if (hello->type == CH_SRV_HELLO)
        c->rev = hello->u.hello.revision;
    return 0;
}

static void live_close(struct conn *c)
{
    close(c->fd);
    free(c->in);
}

/* Runs sql; the data rows come back as "a|b|c\n" lines in out, an exception as its code. */
static void query(struct conn *c, const char *sql, const char *const (*settings)[2], size_t ns, char *out,
                  size_t outlen, int32_t *exc_code)
{
    struct evbuffer *e = evbuffer_new();
    assert_int_equal(ch_encode_query(e, "", sql, settings, ns), 0);
    assert_int_equal(ch_encode_ping(e), 0);
    assert_int_equal(send_all(c, e), 0);
    evbuffer_free(e);
    size_t o = 0;
    int progress = 0, profile = 0, eos = 0;
    out[0] = 0;
    *exc_code = 0;
    for (;;) {
        struct ch_packet pkt;
        if (next_packet(c, &pkt) != CH_OK)
            fail_msg("decode: %s", err);
        enum ch_server_packet t = pkt.type;
        if (t == CH_SRV_DATA) {
            for (uint64_t r = 0; r < pkt.u.block.nrows; r++)
                for (uint64_t k = 0; k < pkt.u.block.ncols; k++) {
                    struct ch_str s = pkt.u.block.cols[k].cells[r];
                    struct ls_strbuf sb = {out, outlen, o, false};
                    ls_sb_printf(&sb, "%.*s%s", (int)s.len, s.p, k + 1 < pkt.u.block.ncols ? "|" : "\n");
                    assert_false(sb.truncated);
                    o = sb.len;
                }
        } else if (t == CH_SRV_EXCEPTION) {
            *exc_code = pkt.u.exception.code;
        }
        progress += t == CH_SRV_PROGRESS;
        profile += t == CH_SRV_PROFILE_INFO;
        eos += t == CH_SRV_END_OF_STREAM;
        ch_packet_clear(&pkt);
        if (t == CH_SRV_PONG)
            break;
    }
    if (!*exc_code)
        assert_true(progress > 0 && profile == 1 && eos == 1);
}

static void test_live_server(void **state)
{
    struct conn c;
    struct ch_packet hello;
    if (live_connect(&c, "default", &hello) != 0)
        skip();
    assert_int_equal(hello.type, CH_SRV_HELLO);
    assert_str(hello.u.hello.name, "ClickHouse");
    assert_true(c.rev >= 54000 && hello.u.hello.major >= 18);
    ch_packet_clear(&hello);
    char out[8192];
    int32_t code;
    query(&c,
          "SELECT toString(number), number, toDateTime(number), [toString(number),'x'] "
          "FROM system.numbers LIMIT 5",
          NULL, 0, out, sizeof out, &code);
    assert_int_equal(code, 0);
    assert_string_equal(out, "0|0|1970-01-01 00:00:00|['0','x']\n1|1|1970-01-01 00:00:01|['1','x']\n"
                             "2|2|1970-01-01 00:00:02|['2','x']\n3|3|1970-01-01 00:00:03|['3','x']\n"
                             "4|4|1970-01-01 00:00:04|['4','x']\n");
    query(&c, "SELECT * FROM system.settings LIMIT 3", NULL, 0, out, sizeof out, &code);
    assert_int_equal(code, 0);
    int lines = 0;
    for (char *p = out; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 3);
    /* BINARY settings are honoured: the result stops soon after max_result_rows */
    const char *const settings[][2] = {
        {"max_result_rows", "3"}, {"result_overflow_mode", "break"}, {"max_block_size", "1"}, {"readonly", "1"}};
    query(&c, "SELECT number FROM system.numbers LIMIT 100", settings, 4, out, sizeof out, &code);
    assert_int_equal(code, 0);
    assert_true(strlen(out) < 20);
    query(&c, "SELECT nosuchfn()", NULL, 0, out, sizeof out, &code);
    assert_int_equal(code, 46);
    live_close(&c);

    /* a fresh connection (the server closes after an exception): types and their text */
    assert_int_equal(live_connect(&c, "default", &hello), 0);
    ch_packet_clear(&hello);
    query(&c,
          "SELECT CAST(NULL AS Nullable(String)), toNullable('n'), [[1,2],[]], [NULL,'it''s\\\\'], "
          "toFloat64(0.1), toFloat32(1e21), toDate('2016-07-18'), toFixedString('ab',2), toInt8(-5), "
          "[toDate('2020-01-02')], toInt64(-1), toUInt32(4000000000), toDateTime(1500000000, 'Europe/Moscow'), "
          "[toNullable(toUInt8(1)), NULL], [[['deep']]], [1.5, -0.25], [toDateTime(1)]",
          NULL, 0, out, sizeof out, &code);
    assert_int_equal(code, 0);
    assert_string_equal(out, "|n|[[1,2],[]]|[NULL,'it\\'s\\\\']|0.1|1e21|2016-07-18|ab|-5|['2020-01-02']|-1|"
                             "4000000000|2017-07-14 02:40:00|[1,NULL]|[[['deep']]]|[1.5,-0.25]|"
                             "['1970-01-01 00:00:01']\n");
    live_close(&c);

    /* unknown user: an Exception instead of the Hello */
    assert_int_equal(live_connect(&c, "nosuch-user", &hello), 0);
    assert_int_equal(hello.type, CH_SRV_EXCEPTION);
    assert_true(hello.u.exception.code == 192 || hello.u.exception.code == 516);
    ch_packet_clear(&hello);
    live_close(&c);
}

/* Streams a large block set through the decoder and checks every row arrives, in order. */
static void test_live_large_result(void **state)
{
    struct conn c;
    struct ch_packet pkt;
    if (live_connect(&c, "default", &pkt) != 0)
        skip();
    ch_packet_clear(&pkt);
    struct evbuffer *e = evbuffer_new();
    const char *const settings[][2] = {{"max_block_size", "200000"}};
    assert_int_equal(ch_encode_query(e, "",
                                     "SELECT toString(number), number, [number, number + 1] "
                                     "FROM system.numbers LIMIT 500000",
                                     settings, 1),
                     0);
    assert_int_equal(send_all(&c, e), 0);
    evbuffer_free(e);
    uint64_t expect = 0;
    for (;;) {
        assert_int_equal(next_packet(&c, &pkt), CH_OK);
        enum ch_server_packet t = pkt.type;
        if (t == CH_SRV_DATA)
            for (uint64_t r = 0; r < pkt.u.block.nrows; r++, expect++) {
                char want[64];
                snprintf(want, sizeof want, "%llu", (unsigned long long)expect);
                assert_str(pkt.u.block.cols[0].cells[r], want);
                assert_str(pkt.u.block.cols[1].cells[r], want);
                snprintf(want, sizeof want, "[%llu,%llu]", (unsigned long long)expect, (unsigned long long)expect + 1);
                assert_str(pkt.u.block.cols[2].cells[r], want);
            }
        ch_packet_clear(&pkt);
        assert_int_not_equal(t, CH_SRV_EXCEPTION);
        if (t == CH_SRV_END_OF_STREAM)
            break;
    }
    assert_int_equal(expect, 500000);
    live_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_server),
        cmocka_unit_test(test_live_large_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
