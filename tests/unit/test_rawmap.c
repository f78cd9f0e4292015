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
    return ls_rawmap_put(m, ls_rawmap_hash(m, rule, s, strlen(s)), rule, s, strlen(s), val);
}

static bool get(const struct ls_rawmap *m, uint32_t rule, const char *s, uint32_t *val)
{
    return ls_rawmap_get(m, ls_rawmap_hash(m, rule, s, strlen(s)), rule, s, strlen(s), val);
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

/* Keys crafted to collide (same hash): each is exact, and past LS_RAWMAP_PROBES of them puts are
 * refused instead of making every lookup walk a long run (the table grows first, to at most four
 * slots per allowed entry); other keys are unaffected. */
static void test_collisions_bounded(void **state)
{
    (void)state;
    struct ls_rawmap m;
    ls_rawmap_init(&m, 1000, 1u << 20);
    const uint64_t h = 12345;
    char key[32];
    size_t stored = 0;
    for (uint32_t i = 0; i < 2 * LS_RAWMAP_PROBES; i++) {
        snprintf(key, sizeof key, "same-hash-%u", i);
        int rc = ls_rawmap_put(&m, h, 1, key, strlen(key), i);
        assert_true(rc == 0 || rc == 1);
        stored += rc == 0;
        if (rc == 0)
            assert_true(i < LS_RAWMAP_PROBES);
    }
    assert_int_equal(stored, LS_RAWMAP_PROBES);
    assert_true(m.cap <= 4096); /* 4 x 1000 entries, rounded up to a power of two */
    for (uint32_t i = 0; i < LS_RAWMAP_PROBES; i++) {
        uint32_t v = 0;
        snprintf(key, sizeof key, "same-hash-%u", i);
        assert_true(ls_rawmap_get(&m, h, 1, key, strlen(key), &v));
        assert_int_equal(v, i);
    }
    uint32_t v = 0;
    snprintf(key, sizeof key, "same-hash-%u", 2 * LS_RAWMAP_PROBES - 1);
    assert_false(ls_rawmap_get(&m, h, 1, key, strlen(key), &v));
    assert_int_equal(put(&m, 1, "a different key", 7), 0);
    assert_true(get(&m, 1, "a different key", &v));
    assert_int_equal(v, 7);
    ls_rawmap_free(&m);
}

/* Keys with chosen hashes (the real hash is seeded, so only chance could do this): one whose home
 * is slot 240 of 256 but that sits at 252, behind a run that wraps around the table's end. Doubling
 * the table would re-insert the wrapped run first and push that key more than LS_RAWMAP_PROBES
 * slots from its home, out of a lookup's reach; the grow is not made, that put and later ones are
 * refused, and every key stored before is still found. */
static void test_grow_keeps_keys_reachable(void **state)
{
    (void)state;
    struct ls_rawmap m;
    ls_rawmap_init(&m, 100000, 1u << 24);
    uint64_t hash[160];
    int rc[160];
    uint32_t n = 0;
    char key[16];
#define PUT_H(h)                                                                                                       \
    do {                                                                                                               \
        snprintf(key, sizeof key, "k%u", n);                                                                           \
        hash[n] = (h);                                                                                                 \
        rc[n] = ls_rawmap_put(&m, hash[n], 0, key, strlen(key), n);                                                    \
        n++;                                                                                                           \
    } while (0)
    for (uint64_t h = 240; h <= 251; h++)
        PUT_H(h);
    PUT_H(240); /* home 240, stored at 252 */
    for (uint64_t h = 253; h <= 255; h++)
        PUT_H(h);
    for (int i = 0; i < 58; i++)
        PUT_H(250); /* wraps to slots 0-57 */
    for (uint64_t h = 60; n < 128; h++)
        PUT_H(h);
    assert_int_equal(m.cap, 256);
    PUT_H(100000); /* the 129th key: the table would double */
    PUT_H(100001);
#undef PUT_H
    assert_true(rc[n - 2] == 1 && rc[n - 1] == 1);
    for (uint32_t i = 0; i < n; i++) {
        snprintf(key, sizeof key, "k%u", i);
        uint32_t v = 0;
        assert_int_equal(ls_rawmap_get(&m, hash[i], 0, key, strlen(key), &v), rc[i] == 0);
        if (rc[i] == 0)
            assert_int_equal(v, i);
    }
    ls_rawmap_free(&m);
}

/* The hash is seeded per map: data cannot be crafted against a fixed function. */
static void test_seeded_hash(void **state)
{
    (void)state;
    struct ls_rawmap a, b;
    ls_rawmap_init(&a, 10, 100);
    ls_rawmap_init(&b, 10, 100);
    assert_true(ls_rawmap_hash(&a, 1, "x@y.org", 7) != ls_rawmap_hash(&b, 1, "x@y.org", 7));
    ls_rawmap_free(&a);
    ls_rawmap_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collisions_bounded),
        cmocka_unit_test(test_grow_keeps_keys_reachable),
        cmocka_unit_test(test_seeded_hash),
        cmocka_unit_test(test_exact_keys),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_entry_limit),
        cmocka_unit_test(test_byte_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
