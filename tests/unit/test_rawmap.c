/* The (rule, raw bytes) -> record map behind `leakscan secrets` dedup: exact keys (rule, length and
 * every byte count), growth across many keys, and the memory bounds (entry and byte limits refuse
 * puts and leave what is stored intact). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detect/rawmap.h"

static int put(struct ls_rawmap *m, uint32_t rule, const char *s, uint32_t val)
{
    return ls_rawmap_put(m, ls_rawmap_hash(rule, s, strlen(s)), rule, s, strlen(s), val);
}

static bool get(const struct ls_rawmap *m, uint32_t rule, const char *s, uint32_t *val)
{
    return ls_rawmap_get(m, ls_rawmap_hash(rule, s, strlen(s)), rule, s, strlen(s), val);
}

static void test_exact_keys(void **state)
{
    (void)state;
    struct ls_rawmap m;
    ls_rawmap_init(&m, 100, 1000);
    uint32_t v = 0;
    assert_false(get(&m, 1, "jane@acme.io", &v)); /* empty map, nothing allocated */
    assert_int_equal(put(&m, 1, "jane@acme.io", 7), 0);
    assert_int_equal(put(&m, 2, "jane@acme.io", 8), 0);
    assert_int_equal(put(&m, 1, "", 9), 0);
    assert_true(get(&m, 1, "jane@acme.io", &v));
    assert_int_equal(v, 7);
    assert_true(get(&m, 2, "jane@acme.io", &v));
    assert_int_equal(v, 8);
    assert_true(get(&m, 1, "", &v));
    assert_int_equal(v, 9);
    assert_false(get(&m, 3, "jane@acme.io", &v));
    assert_false(get(&m, 1, "jane@acme.i", &v));
    assert_false(get(&m, 1, "Jane@acme.io", &v));
    assert_false(get(&m, 1, "jane@acme.io ", &v));
    ls_rawmap_free(&m);
}

static void test_growth(void **state)
{
    (void)state;
    struct ls_rawmap m;
    ls_rawmap_init(&m, 100000, 1u << 20);
    char key[32];
    for (uint32_t i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "user%u@example.net", i);
        assert_int_equal(put(&m, i % 3, key, i), 0);
    }
    for (uint32_t i = 0; i < 5000; i++) {
        uint32_t v = 0;
        snprintf(key, sizeof key, "user%u@example.net", i);
        assert_true(get(&m, i % 3, key, &v));
        assert_int_equal(v, i);
        assert_false(get(&m, i % 3 + 1, key, &v));
    }
    ls_rawmap_free(&m);
}

static void test_entry_limit(void **state)
{
    (void)state;
    struct ls_rawmap m;
    ls_rawmap_init(&m, 3, 1000);
    assert_int_equal(put(&m, 0, "a", 0), 0);
    assert_int_equal(put(&m, 0, "b", 1), 0);
    assert_int_equal(put(&m, 0, "c", 2), 0);
    assert_int_equal(put(&m, 0, "d", 3), 1);
    uint32_t v = 0;
    assert_false(get(&m, 0, "d", &v));
    assert_true(get(&m, 0, "c", &v));
    assert_int_equal(v, 2);
    assert_int_equal(m.n, 3);
    ls_rawmap_free(&m);
}

static void test_byte_limit(void **state)
{
    (void)state;
    struct ls_rawmap m;
    ls_rawmap_init(&m, 1000, 10);
    assert_int_equal(put(&m, 0, "123456", 0), 0);
    assert_int_equal(put(&m, 0, "abcde", 1), 1); /* 11 bytes would not fit */
    assert_int_equal(put(&m, 0, "abcd", 2), 0);  /* exactly 10 does */
    assert_int_equal(put(&m, 0, "x", 3), 1);
    assert_int_equal(put(&m, 0, "", 4), 0); /* empty keys take no bytes */
    assert_true(m.bytes_cap <= 10);
    uint32_t v = 0;
    assert_true(get(&m, 0, "123456", &v));
    assert_int_equal(v, 0);
    assert_true(get(&m, 0, "abcd", &v));
    assert_int_equal(v, 2);
    assert_false(get(&m, 0, "abcde", &v));
    ls_rawmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_keys),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_entry_limit),
        cmocka_unit_test(test_byte_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
