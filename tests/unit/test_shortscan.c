/* The short pass (shortscan.h) against a naive reference: every occurrence of every needle
 * (single bytes, caseless words, the letter lookbehind), starts in order, in sub-ranges whose
 * lookbehind and tail reach outside the range, at all lengths and alignments around the 32-byte
 * vector width and the newline block; the newline index; early stop; the prefilter parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/shortscan.h"

#define MAXREC 65536
struct rec {
    size_t n, stop_after;
    size_t k[MAXREC], end[MAXREC];
};

static int on_hit(void *ud, size_t k, size_t end)
{
    struct rec *r = ud;
    assert_true(r->n < MAXREC);
    r->k[r->n] = k;
    r->end[r->n] = end;
    r->n++;
    return r->stop_after && r->n >= r->stop_after;
}

static bool alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool naive_at(const struct ls_short_needle *nd, const char *buf, size_t len, size_t at)
{
    if (at + nd->len > len || (nd->after_nonalpha && at > 0 && alpha((unsigned char)buf[at - 1])))
        return false;
    for (size_t j = 0; j < nd->len; j++) {
        unsigned char c = (unsigned char)buf[at + j], w = nd->b[j];
        bool eq = c == w || (nd->caseless && alpha(w) && (c | 0x20) == (w | 0x20));
        if (!eq)
            return false;
    }
    return true;
}

/* The pass over [from, to) of buf[0, len) equals the naive loop, hits ordered by start then k. */
static void check(const struct ls_shortscan *t, const char *buf, size_t len, size_t from, size_t to)
{
    static struct rec got;
    static uint16_t nl[64];
    memset(&got, 0, sizeof got);
    memset(nl, 0xaa, sizeof nl);
    assert_int_equal(ls_shortscan(t, buf, len, from, to, on_hit, &got, nl), 0);
    size_t m = 0;
    for (size_t at = from; at < to && at < len; at++)
        for (size_t k = 0; k < t->count; k++)
            if (naive_at(&t->n[k], buf, len, at)) {
                assert_true(m < got.n);
                assert_int_equal(got.k[m], k);
                assert_int_equal(got.end[m], at + t->n[k].len);
                m++;
            }
    assert_int_equal(m, got.n);
    for (size_t b = 0; from + b * LS_NL_BLOCK < to && to <= len; b++) {
        size_t s = from + b * LS_NL_BLOCK, e = to - s < LS_NL_BLOCK ? to : s + LS_NL_BLOCK, c = 0;
        for (size_t i = s; i < e; i++)
            c += buf[i] == '\n';
        assert_int_equal(nl[b], c);
        assert_int_equal(ls_count_newlines(buf + s, e - s), c);
    }
}

static struct ls_shortscan *make(const char *const *pfs, size_t npf)
{
    static struct ls_shortscan t;
    struct ls_short_needle nd[LS_SHORT_MAX];
    size_t n = 0;
    for (size_t i = 0; i < npf; i++) {
        size_t got = ls_short_parse(pfs[i], nd + n, LS_SHORT_MAX - n);
        assert_true(got > 0);
        n += got;
    }
    ls_shortscan_init(&t, nd, n);
    return &t;
}

static const char *const rule_set[] = {"@", "\\+", "(?i)(?<![A-Za-z])(?:tel|cel|sms|fax)", "(?i)pwd"};
static const char *const mixed_set[] = {"a", "(?i)ab", "\n", "(?<![A-Za-z])xy", "(?i)(?:b|c)"};

static void test_matches_naive(void **state)
{
    (void)state;
    static char buf[3 * LS_NL_BLOCK + 100];
    const char alphabet[] = "telTELcelCELsmsSMSfaxFAXpwdPWD@+\n\xff\0 xyabcABXY";
    struct ls_shortscan *sets[2] = {make(rule_set, 4), make(mixed_set, 5)};
    srand(7);
    for (int round = 0; round < 80; round++) {
        ls_shortscan_scalar = round % 2; /* both paths */
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = alphabet[rand() % (int)(sizeof alphabet - 1)];
        for (size_t s = 0; s < 2; s++) {
            for (size_t len = 0; len < 140; len++) /* short buffers: every tail path */
                check(sets[s], buf + round, len, 0, len);
            for (size_t from = 0; from < 70; from += 7) /* sub-ranges: lookbehind and tails outside */
                for (size_t to = from; to < from + 100; to += 3)
                    check(sets[s], buf, 200, from, to);
            check(sets[s], buf, sizeof buf, 0, sizeof buf); /* several newline blocks */
            check(sets[s], buf, sizeof buf, LS_NL_BLOCK, sizeof buf - 1);
        }
    }
    ls_shortscan_scalar = false;
}

static void test_stop(void **state)
{
    (void)state;
    const char text[] = "a@b@c@d@e+f+g@h";
    struct ls_shortscan *t = make(rule_set, 4);
    struct rec *r = calloc(1, sizeof *r);
    r->stop_after = 3;
    assert_int_equal(ls_shortscan(t, text, sizeof text - 1, 0, sizeof text - 1, on_hit, r, NULL), 1);
    assert_int_equal(r->n, 3);
    free(r);
}

static void test_parse(void **state)
{
    (void)state;
    struct ls_short_needle nd[LS_SHORT_MAX];
    assert_int_equal(ls_short_parse("@", nd, 8), 1);
    assert_true(nd[0].len == 1 && nd[0].b[0] == '@' && !nd[0].caseless && !nd[0].after_nonalpha);
    assert_int_equal(ls_short_parse("\\+", nd, 8), 1);
    assert_int_equal(nd[0].b[0], '+');
    assert_int_equal(ls_short_parse("(?i)(?<![A-Za-z])(?:tel|cel|sms|fax)", nd, 8), 4);
    assert_true(nd[3].len == 3 && memcmp(nd[3].b, "fax", 3) == 0 && nd[3].caseless && nd[3].after_nonalpha);
    assert_int_equal(ls_short_parse("(?i)pwd", nd, 8), 1);
    /* not short: too long, classes, repeats, mixed lengths, unclosed group, no room */
    const char *const no[] = {"AKIA", "[rs]k_", "a+", "\\d", "(?:ab|c)", "(?:ab", "(?:ab|cd)x", "", "(?i)", "a|b"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(ls_short_parse(no[i], nd, 8), 0);
    assert_int_equal(ls_short_parse("(?:a|b|c)", nd, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_naive),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
