/* Batched table scanning (one prefilter pass per batch, then only the cells with hits, short
 * empty values remembered) must report exactly what scanning every cell on its own reports:
 * per-rule counts and distinct values, and each secret's fingerprint, count and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <cmocka.h>

#include "detect/rules.h"
#include "detect/tablescan.h"
#include "detect/value.h"

static struct ls_detector *det;

/* The reference: every cell scanned alone, tallies kept in plain arrays. */
#define MAXV 20000
struct ref {
    size_t nrules;
    uint64_t *count, *distinct;
    struct {
        size_t rule;
        unsigned char md[32];
        uint64_t n;
        const char *column;
    } v[MAXV];
    size_t nv;
    const char *column;
};

static void ref_match(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    struct ref *r = ud;
    (void)len;
    size_t rule = ls_rule_index(m->rule);
    r->count[rule]++;
    char *tmp = malloc(m->end - m->start + 1);
    assert_non_null(tmp);
    size_t n = ls_match_value(buf, m, tmp);
    unsigned char md[32];
    unsigned int mdlen = 0;
    assert_int_equal(EVP_Digest(tmp, n, md, &mdlen, EVP_sha256(), NULL), 1);
    free(tmp);
    for (size_t i = 0; i < r->nv; i++)
        if (r->v[i].rule == rule && memcmp(r->v[i].md, md, 32) == 0) {
            r->v[i].n++;
            return;
        }
    assert_true(r->nv < MAXV);
    r->v[r->nv].rule = rule;
    memcpy(r->v[r->nv].md, md, 32);
    r->v[r->nv].n = 1;
    r->v[r->nv].column = r->column;
    r->nv++;
    r->distinct[rule]++;
}

static int setup(void **state)
{
    (void)state;
    char err[256];
    det = ls_detector_new(err, sizeof err);
    return det ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ls_detector_free(det);
    return 0;
}

static uint32_t rnd(uint32_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 17, *x ^= *x << 5;
    return *x;
}

/* A cell: rule examples, noise, repeated prefilter bait, control bytes, now and then huge. */
static size_t make_cell(uint32_t *x, char *out, size_t cap)
{
    static const char *const noise[] = {"otel-collector",
                                        "INFO",
                                        "session resumed",
                                        "tel: none",
                                        "GET /v1/models",
                                        "2025-01-06 00:00:01",
                                        "contact support",
                                        "card declined",
                                        "account ok",
                                        "https://example.org/x",
                                        "a@b",
                                        "+",
                                        "\"role\"",
                                        "x\ny\0z",
                                        ""};
    size_t n = 0, parts = 1 + rnd(x) % 4;
    for (size_t p = 0; p < parts; p++) {
        const char *s;
        size_t sl;
        if (rnd(x) % 3 == 0) {
            const struct ls_rule_def *d = ls_rule_def_at(rnd(x) % ls_rule_count());
            size_t ne = 0;
            while (d->examples && d->examples[ne].text)
                ne++;
            s = ne ? d->examples[rnd(x) % ne].text : "none";
            sl = strlen(s);
        } else {
            size_t k = rnd(x) % (sizeof noise / sizeof *noise);
            s = noise[k];
            sl = k == 13 ? 5 : strlen(s); /* "x\ny\0z" keeps its NUL */
        }
        if (n + sl + 1 >= cap)
            break;
        memcpy(out + n, s, sl);
        n += sl;
        out[n++] = rnd(x) % 2 ? ' ' : '\n';
    }
    if (rnd(x) % 997 == 0) /* a cell too big for a batch: scanned alone */
        while (n + 64 < cap && n < (200u << 10)) {
            memcpy(out + n, "padding words without secrets in them, ", 40);
            n += 40;
        }
    return n;
}

static void test_batched_equals_per_cell(void **state)
{
    (void)state;
    static const char *const cols[] = {"string.values", "_source", "span_name", "message"};
    size_t cap = 256u << 10;
    char *cell = malloc(cap);
    struct ref *r = calloc(1, sizeof *r);
    assert_non_null(cell);
    assert_non_null(r);
    ls_rules(&r->nrules);
    r->count = calloc(r->nrules, sizeof *r->count);
    r->distinct = calloc(r->nrules, sizeof *r->distinct);
    struct ls_detect_scratch *s = ls_detect_scratch_new(det);
    struct ls_tablescan *ts = ls_tablescan_new(det, false);
    assert_non_null(ts);

    uint32_t x = 2463534242u;
    for (size_t row = 0; row < 6000; row++) {
        for (size_t c = 0; c < 4; c++) {
            size_t n = make_cell(&x, cell, cap);
            const char *col = c == 3 && row % 7 == 0 ? NULL : cols[c];
            ls_tablescan_cell(ts, col, cell, n);
            r->column = col;
            ls_detect_scan(det, s, cell, n, ref_match, r);
        }
        ls_tablescan_row_end(ts);
    }

    struct ls_table t = {0};
    assert_int_equal(ls_tablescan_finish(ts, &t), 0);
    const struct ls_rule *rules = ls_rules(&r->nrules);
    size_t nrules_hit = 0, nsecrets = 0;
    for (size_t i = 0; i < r->nrules; i++) {
        if (!r->count[i])
            continue;
        nrules_hit++;
        const struct ls_rule_tally *tl = NULL;
        for (size_t k = 0; k < t.ntallies; k++)
            if (strcmp(t.tallies[k].rule, rules[i].id) == 0)
                tl = &t.tallies[k];
        assert_non_null(tl);
        assert_int_equal(tl->count, r->count[i]);
        assert_int_equal(tl->distinct, r->distinct[i]);
    }
    assert_int_equal(t.ntallies, nrules_hit);
    for (size_t i = 0; i < r->nv; i++) {
        if (rules[r->v[i].rule].category != LS_CAT_SECRET)
            continue;
        nsecrets++;
        char fp[72] = "sha256:";
        for (int b = 0; b < 32; b++)
            snprintf(fp + 7 + 2 * b, 3, "%02x", r->v[i].md[b]);
        const struct ls_secret *sec = NULL;
        for (size_t k = 0; k < t.nsecrets; k++)
            if (strcmp(t.secrets[k].fingerprint, fp) == 0 && strcmp(t.secrets[k].rule, rules[r->v[i].rule].id) == 0)
                sec = &t.secrets[k];
        assert_non_null(sec);
        assert_int_equal(sec->count, r->v[i].n);
        if (r->v[i].column)
            assert_string_equal(sec->column, r->v[i].column);
        else
            assert_null(sec->column);
    }
    assert_int_equal(t.nsecrets, nsecrets);
    assert_true(nsecrets > 20); /* the cells did hold secrets */
    assert_int_equal(t.scanned_rows, 6000);

    ls_table_free(&t); /* contents only */
    ls_tablescan_free(ts);
    ls_detect_scratch_free(s);
    free(r->count);
    free(r->distinct);
    free(r);
    free(cell);
}

/* "(?:^|[^...])" at a cell's start: in the batch the cell follows the '\n' separator (or the batch's
 * start), which such a negated class without escapes always matches, so the batch still finds every
 * hit the cell alone gives. */
static bool start_or_separator(const char *pf, size_t i)
{
    if (i < 3 || strncmp(pf + i - 3, "(?:", 3) != 0 || strncmp(pf + i + 1, "|[^", 3) != 0)
        return false;
    const char *cls = pf + i + 4, *close = strchr(cls + 1, ']'); /* a ']' first is a literal */
    return close && memchr(cls, '\\', (size_t)(close - cls)) == NULL &&
           memchr(cls, '\n', (size_t)(close - cls)) == NULL;
}

/* The premise of batching (detect.h, ls_detect_prefilter): a prefilter matches the same bytes
 * wherever they stand, so none may use an anchor or a word boundary (but for a start-of-cell
 * alternative that the batch separator satisfies, above). */
static void test_prefilters_have_no_anchors(void **state)
{
    (void)state;
    for (size_t r = 0; r < ls_rule_count(); r++) {
        const struct ls_rule_def *d = ls_rule_def_at(r);
        for (size_t k = 0; k < LS_MAX_VARIANTS && d->variants[k].prefilter; k++) {
            const char *pf = d->variants[k].prefilter;
            for (size_t i = 0; pf[i]; i++) {
                if (pf[i] == '\\' && pf[i + 1]) {
                    if (strchr("bBAzZG", pf[++i]))
                        fail_msg("rule %s prefilter %zu: assertion \\%c", d->rule.id, k, pf[i]);
                    continue;
                }
                if (pf[i] == '$' || (pf[i] == '^' && (i == 0 || pf[i - 1] != '[') && !start_or_separator(pf, i)))
                    fail_msg("rule %s prefilter %zu: anchor in \"%s\"", d->rule.id, k, pf);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefilters_have_no_anchors),
        cmocka_unit_test(test_batched_equals_per_cell),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
