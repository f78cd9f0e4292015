/* Unit tests of the bounded HTTP response parser: framing, byte-at-a-time input, caps, garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strbuf.h"

#include "net/http_parse.h"

struct sink {
    char buf[8192];
    size_t len;
};

static int collect(void *ud, const char *d, size_t n)
{
    struct sink *s = ud;
    if (s->len + n > sizeof s->buf)
        return -1;
    memcpy(s->buf + s->len, d, n);
    s->len += n;
    return 0;
}

/* Feeds `in` in pieces of `step` bytes, keeping unconsumed bytes like a real caller. */
static enum ls_http_status feed(struct ls_http_parser *p, const char *in, size_t len, size_t step, bool eof)
{
    char pending[70000];
    size_t plen = 0, pos = 0;
    enum ls_http_status st = LS_HTTP_NEED_MORE;
    while (pos < len && st == LS_HTTP_NEED_MORE) {
        size_t take = len - pos < step ? len - pos : step;
        memcpy(pending + plen, in + pos, take);
        plen += take;
        pos += take;
        size_t used;
        st = ls_http_parse(p, pending, plen, &used);
        memmove(pending, pending + used, plen - used);
        plen -= used;
    }
    if (st == LS_HTTP_NEED_MORE && eof)
        st = ls_http_parse_eof(p);
    return st;
}

static const char chunked[] = "HTTP/1.1 200 OK\r\nX-ClickHouse-Server-Display-Name: ch-prod-7\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n8\r\n18.16.1\n\r\n3;ext=1\r\nabc\r\n0\r\n\r\n";

static void test_chunked_any_split(void **state)
{
    (void)state;
    for (size_t step = 1; step <= sizeof chunked; step++) {
        struct sink s = {0};
        struct ls_http_parser p;
        ls_http_parser_init(&p, 1 << 20, collect, &s);
        assert_int_equal(feed(&p, chunked, sizeof chunked - 1, step, false), LS_HTTP_DONE);
        assert_int_equal(p.resp.status, 200);
        assert_true(p.resp.chunked);
        assert_int_equal(s.len, 11);
        assert_memory_equal(s.buf, "18.16.1\nabc", 11);
        assert_string_equal(ls_http_header(&p.resp, "x-clickhouse-server-display-name"), "ch-prod-7");
    }
}

static void test_content_length_and_close(void **state)
{
    (void)state;
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nOk.\nEXTRA";
    struct sink s = {0};
    struct ls_http_parser p;
    ls_http_parser_init(&p, 1 << 20, collect, &s);
    size_t used;
    assert_int_equal(ls_http_parse(&p, ok, sizeof ok - 1, &used), LS_HTTP_DONE);
    assert_int_equal(used, sizeof ok - 1 - 5); /* stops at the end of the body */
    assert_memory_equal(s.buf, "Ok.\n", 4);

    static const char closed[] = "HTTP/1.0 401 Unauthorized\r\n\r\nCode: 194, e.displayText() = DB::Exception";
    struct sink s2 = {0};
    ls_http_parser_init(&p, 1 << 20, collect, &s2);
    assert_int_equal(feed(&p, closed, sizeof closed - 1, 7, true), LS_HTTP_DONE);
    assert_int_equal(p.resp.status, 401);
    assert_int_equal(s2.len, strlen("Code: 194, e.displayText() = DB::Exception"));
}

static void test_caps_and_garbage(void **state)
{
    (void)state;
    struct sink s = {0};
    struct ls_http_parser p;
    /* body over the cap: error, not growth */
    static const char big[] = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
    ls_http_parser_init(&p, 4096, collect, &s);
    assert_int_equal(feed(&p, big, sizeof big - 1, 64, false), LS_HTTP_ERROR);
    /* endless chunk sizes */
    static const char huge[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n";
    ls_http_parser_init(&p, 4096, collect, &s);
    assert_int_equal(feed(&p, huge, sizeof huge - 1, 64, false), LS_HTTP_ERROR);
    /* not HTTP at all (a native ClickHouse Hello) */
    static const char bin[] = "\x00\x0a"
                              "ClickHouse\x12\x10\x8c\xa9\x03";
    ls_http_parser_init(&p, 4096, collect, &s);
    assert_int_equal(feed(&p, bin, sizeof bin - 1, 64, true), LS_HTTP_ERROR);
    /* a header section that never ends */
    char *flood = malloc(70000);
    memcpy(flood, "HTTP/1.1 200 OK\r\n", 17);
    memset(flood + 17, 'a', 70000 - 17);
    ls_http_parser_init(&p, 4096, collect, &s);
    assert_int_equal(feed(&p, flood, 70000, 4096, false), LS_HTTP_ERROR);
    free(flood);
    /* truncated body */
    static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
    ls_http_parser_init(&p, 4096, collect, &s);
    assert_int_equal(feed(&p, cut, sizeof cut - 1, 64, true), LS_HTTP_ERROR);
    /* malformed status */
    static const char bad[] = "HTTP/1.1 2x0 OK\r\n\r\n";
    ls_http_parser_init(&p, 4096, collect, &s);
    assert_int_equal(feed(&p, bad, sizeof bad - 1, 64, true), LS_HTTP_ERROR);
}

static void test_too_many_headers_dropped(void **state)
{
    (void)state;
    char resp[16384];
    struct ls_strbuf sb;
    ls_sb_init(&sb, resp, sizeof resp);
    ls_sb_append(&sb, "HTTP/1.1 204 No Content\r\n");
    for (int i = 0; i < 200; i++)
        ls_sb_printf(&sb, "X-H%d: v\r\n", i);
    ls_sb_append(&sb, "\r\n");
    assert_false(sb.truncated);
    size_t n = sb.len;
    struct sink s = {0};
    struct ls_http_parser p;
    ls_http_parser_init(&p, 4096, collect, &s);
    assert_int_equal(feed(&p, resp, n, 100, false), LS_HTTP_DONE);
    assert_int_equal(p.resp.nheaders, LS_HTTP_MAX_HEADERS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunked_any_split),
        cmocka_unit_test(test_content_length_and_close),
        cmocka_unit_test(test_caps_and_garbage),
        cmocka_unit_test(test_too_many_headers_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
