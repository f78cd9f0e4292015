/* ls_bytescan against a naive loop: every occurrence of every wanted byte, each byte's positions
 * in order, at all lengths and alignments around the 32-byte vector width, duplicates in the wanted
 * set, and early stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/bytescan.h"

struct rec {
    size_t n, stop_after;
    size_t k[4096], pos[4096];
};

static int on_hit(void *ud, size_t k, size_t pos)
{
    struct rec *r = ud;
    r->k[r->n] = k;
    r->pos[r->n] = pos;
    r->n++;
    return r->stop_after && r->n >= r->stop_after;
}

/* Sorted by (k, pos): the order-independent form of a result. */
static int by_k_pos(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void check(const char *p, size_t n, const unsigned char *bytes, size_t nb)
{
    static struct rec got;
    memset(&got, 0, sizeof got);
    assert_int_equal(ls_bytescan(p, n, bytes, nb, on_hit, &got), 0);
    size_t (*pairs)[2] = calloc(got.n + 1, sizeof *pairs);
    for (size_t i = 0; i < got.n; i++) {
        pairs[i][0] = got.k[i];
        pairs[i][1] = got.pos[i];
        for (size_t j = 0; j < i; j++) /* one k: increasing positions */
            if (got.k[j] == got.k[i])
                assert_true(got.pos[j] < got.pos[i]);
    }
    qsort(pairs, got.n, sizeof *pairs, by_k_pos);
    size_t m = 0;
    for (size_t k = 0; k < nb; k++)
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)p[i] == bytes[k]) {
                assert_true(m < got.n);
                assert_int_equal(pairs[m][0], k);
                assert_int_equal(pairs[m][1], i);
                m++;
            }
    assert_int_equal(m, got.n);
    free(pairs);
}

static void test_matches_naive(void **state)
{
    (void)state;
    char buf[300];
    srand(7);
    const unsigned char sets[][3] = {{'@', '+', 0}, {'@', '@', '+'}, {0xff, 0, '\n'}};
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            int r = rand() % 16;
            buf[i] = r == 0 ? '@' : r == 1 ? '+' : r == 2 ? (char)0xff : r == 3 ? '\0' : r == 4 ? '\n' : 'a' + r;
        }
        for (size_t off = 0; off < 3; off++)
            for (size_t n = 0; n + off <= sizeof buf; n += (n < 70 ? 1 : 37))
                for (size_t s = 0; s < 3; s++)
                    check(buf + off, n, sets[s], s == 0 ? 2 : 3);
    }
}

static void test_stop(void **state)
{
    (void)state;
    const char text[] = "a@b@c@d@e+f+g@h";
    const unsigned char bytes[] = {'@', '+'};
    struct rec r;
    memset(&r, 0, sizeof r);
    r.stop_after = 3;
    assert_int_equal(ls_bytescan(text, sizeof text - 1, bytes, 2, on_hit, &r), 1);
    assert_int_equal(r.n, 3);
    memset(&r, 0, sizeof r);
    assert_int_equal(ls_bytescan(text, sizeof text - 1, bytes, 0, on_hit, &r), 0);
    assert_int_equal(r.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_naive),
        cmocka_unit_test(test_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
