/* ls_copy_printable and ls_copy_printable_utf8: the one copy of a server's bytes into a fixed
 * buffer that every engine uses (control bytes and DEL as '?', UTF-8 kept, cut to n-1 and
 * NUL-terminated; the _utf8 form never ends inside a character), and ls_line_value, the
 * "name:value" line lookup of INFO-like replies, and ls_b64_value (etcd keys, JWT headers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/textutil.h"

static void test_control_bytes_and_del(void **state)
{
    (void)state;
    char out[16];
    ls_copy_printable(out, sizeof out, "a\r\nb\x7f\x01z", 7);
    assert_string_equal(out, "a??b??z");
    ls_copy_printable(out, sizeof out, "nul\0x", 5);
    assert_string_equal(out, "nul?x");
    ls_copy_printable(out, sizeof out, "caf\xc3\xa9", 5);
    assert_string_equal(out, "caf\xc3\xa9");
}

static void test_truncated_and_terminated(void **state)
{
    (void)state;
    char out[4] = "zzz";
    ls_copy_printable(out, sizeof out, "abcdef", 6);
    assert_string_equal(out, "abc");
    ls_copy_printable(out, 1, "abc", 3);
    assert_string_equal(out, "");
    out[0] = 'q';
    ls_copy_printable(out, 0, "abc", 3); /* nothing written */
    assert_int_equal(out[0], 'q');
    ls_copy_printable(out, sizeof out, NULL, 0);
    assert_string_equal(out, "");
}

static void test_utf8_cut(void **state)
{
    (void)state;
    char out[5];
    /* "ab" + U+00E9 (2 bytes) + "c": 4 bytes fit, the cut at 4 lands after é */
    ls_copy_printable_utf8(out, sizeof out,
                           "ab\xc3\xa9"
                           "c",
                           5);
    assert_string_equal(out, "ab\xc3\xa9");
    /* "abc" + é: the cut at 4 would split é, so it stops before it */
    ls_copy_printable_utf8(out, sizeof out, "abc\xc3\xa9", 5);
    assert_string_equal(out, "abc");
    /* the plain form cuts at the byte */
    ls_copy_printable(out, sizeof out, "abc\xc3\xa9", 5);
    assert_int_equal(strlen(out), 4);
    ls_copy_printable_utf8(out, sizeof out, "a\tb", 3);
    assert_string_equal(out, "a?b");
}

static void test_line_value(void **state)
{
    (void)state;
    static const char info[] = "# Server\r\nredis_version:7.0.15\r\nrole:master\r\nrole2:x\nlast:end";
    const char *v;
    size_t vl;
    assert_true(ls_line_value(info, sizeof info - 1, "role", ':', &v, &vl));
    assert_int_equal(vl, 6);
    assert_memory_equal(v, "master", 6);
    assert_true(ls_line_value(info, sizeof info - 1, "last", ':', &v, &vl)); /* no newline at the end */
    assert_int_equal(vl, 3);
    assert_false(ls_line_value(info, sizeof info - 1, "rol", ':', &v, &vl)); /* whole names only */
    assert_false(ls_line_value(info, sizeof info - 1, "role", '=', &v, &vl));
    assert_false(ls_line_value(info, 20, "role", ':', &v, &vl)); /* bounded by len */
}

static void test_b64_value(void **state)
{
    (void)state;
    assert_int_equal(ls_b64_value('A'), 0);
    assert_int_equal(ls_b64_value('z'), 51);
    assert_int_equal(ls_b64_value('9'), 61);
    assert_int_equal(ls_b64_value('+'), 62);
    assert_int_equal(ls_b64_value('-'), 62);
    assert_int_equal(ls_b64_value('/'), 63);
    assert_int_equal(ls_b64_value('_'), 63);
    assert_int_equal(ls_b64_value('='), -1);
    assert_int_equal(ls_b64_value(0xc3), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_bytes_and_del),
        cmocka_unit_test(test_truncated_and_terminated),
        cmocka_unit_test(test_utf8_cut),
        cmocka_unit_test(test_line_value),
        cmocka_unit_test(test_b64_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
