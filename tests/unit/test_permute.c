/* Unit tests for the probe order: the keyed permutation is a bijection for many sizes (tiny,
 * prime, powers of two and their neighbours), depends on the seed, and shards are disjoint and
 * complete; the walk maps every (address, port) pair exactly once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/permute.h"
#include "core/walk.h"

static void check_bijection(uint64_t n, uint64_t seed)
{
    uint8_t *seen = calloc(n, 1);
    assert_non_null(seen);
    struct ls_perm p;
    ls_perm_init(&p, n, seed);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v = ls_perm_at(&p, i);
        assert_true(v < n);
        assert_int_equal(seen[v], 0);
        seen[v] = 1;
    }
    free(seen);
}

static void test_bijection_many_sizes(void **state)
{
    (void)state;
    for (uint64_t n = 1; n <= 600; n++)
        check_bijection(n, n * 7919);
    const uint64_t sizes[] = {1021, 1024, 1025, 4093, 4096, 65521, 65536, 65537, 196608, 1000003};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (uint64_t seed = 0; seed < 3; seed++)
            check_bijection(sizes[i], seed);
}

static void test_seed_changes_order(void **state)
{
    (void)state;
    struct ls_perm a, b, c;
    ls_perm_init(&a, 100000, 1);
    ls_perm_init(&b, 100000, 2);
    ls_perm_init(&c, 100000, 1);
    int same = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        same += ls_perm_at(&a, i) == ls_perm_at(&b, i);
        assert_true(ls_perm_at(&a, i) == ls_perm_at(&c, i));
    }
    assert_true(same < 10);
    /* spread: the first 256 of a /16 x 1 port do not sit in one /24 */
    ls_perm_init(&a, 65536, 42);
    uint8_t hi[256] = {0};
    int distinct = 0;
    for (uint64_t i = 0; i < 256; i++) {
        uint64_t v = ls_perm_at(&a, i) >> 8;
        distinct += !hi[v];
        hi[v] = 1;
    }
    assert_true(distinct > 100);
}

static void test_shards(void **state)
{
    (void)state;
    const uint64_t ns[] = {0, 1, 2, 7, 10, 97, 1000, 65537};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        for (uint64_t count = 1; count <= 9; count++) {
            uint64_t expect = 0;
            for (uint64_t k = 0; k < count; k++) {
                uint64_t b, e;
                ls_shard_range(ns[i], k, count, &b, &e);
                assert_true(b == expect);
                assert_true(e >= b);
                assert_true(e - b <= ns[i] / count + 1);
                expect = e;
            }
            assert_true(expect == ns[i]);
        }
    }
}

static void test_walk_every_pair_once(void **state)
{
    (void)state;
    struct ls_target_list tl = {0};
    char err[256];
    assert_int_equal(ls_targets_parse(&tl, "10.0.0.0/28", err, sizeof err), 0);
    assert_int_equal(ls_targets_parse(&tl, "10.0.1.1:99", err, sizeof err), 0);
    assert_int_equal(ls_targets_parse(&tl, "name.example", err, sizeof err), 0);
    assert_int_equal(ls_targets_parse(&tl, "10.0.2.1-10.0.2.3", err, sizeof err), 0);
    struct ls_port_list pl;
    assert_int_equal(ls_ports_parse(&pl, "1-5", err, sizeof err), 0);
    uint64_t naddrs[4] = {16, 1, 0 /* resolved to nothing */, 3};
    uint64_t total = 16 * 5 + 1 + 0 + 3 * 5;
    static uint8_t seen[4][16][100];
    for (uint64_t shards = 1; shards <= 4; shards++) {
        memset(seen, 0, sizeof seen);
        uint64_t count = 0;
        for (uint64_t s = 0; s < shards; s++) {
            struct ls_walk w;
            assert_int_equal(ls_walk_init(&w, &tl, &pl, naddrs, 1234, s, shards), 0);
            assert_true(w.total == total);
            size_t t;
            uint64_t a;
            uint16_t port;
            while (ls_walk_next(&w, &t, &a, &port)) {
                assert_true(t < 4 && t != 2 && a < naddrs[t] && port < 100);
                assert_int_equal(seen[t][a][port], 0);
                seen[t][a][port] = 1;
                count++;
            }
            ls_walk_free(&w);
        }
        assert_true(count == total);
        assert_int_equal(seen[1][0][99], 1);
    }
    ls_target_list_free(&tl);
    ls_port_list_free(&pl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bijection_many_sizes),
        cmocka_unit_test(test_seed_changes_order),
        cmocka_unit_test(test_shards),
        cmocka_unit_test(test_walk_every_pair_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
