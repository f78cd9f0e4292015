/* ls_copy_printable and ls_copy_printable_utf8: the one copy of a server's bytes into a fixed
 * buffer that every engine uses (control bytes and DEL as '?', UTF-8 kept, cut to n-1 and
 * NUL-terminated; the _utf8 form never ends inside a character). */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_bytes_and_del),
        cmocka_unit_test(test_truncated_and_terminated),
        cmocka_unit_test(test_utf8_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
