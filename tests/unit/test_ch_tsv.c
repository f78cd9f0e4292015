/* Unit tests for the streaming TabSeparated decoder (src/engines/clickhouse/ch_tsv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engines/clickhouse/ch_tsv.h"

/* Rows serialised as "[len:bytes|len:bytes]\n" so whole outputs compare with one memcmp. */
struct sink {
    char *buf;
    size_t len, cap;
    size_t rows;
};

static void sink_put(struct sink *s, const void *p, size_t n)
{
    if (s->len + n > s->cap) {
        s->cap = (s->len + n) * 2 + 64;
        s->buf = realloc(s->buf, s->cap);
        assert_non_null(s->buf);
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

static void on_row(void *ud, char **cells, const size_t *lens, size_t ncells)
{
    struct sink *s = ud;
    char num[32];
    sink_put(s, "[", 1);
    for (size_t i = 0; i < ncells; i++) {
        assert_int_equal(cells[i][lens[i]], '\0');
        int k = snprintf(num, sizeof num, "%s%zu:", i ? "|" : "", lens[i]);
        sink_put(s, num, (size_t)k);
        sink_put(s, cells[i], lens[i]);
    }
    sink_put(s, "]\n", 2);
    s->rows++;
}

static void sink_free(struct sink *s)
{
    free(s->buf);
    memset(s, 0, sizeof *s);
}

/* Decodes in (feed + finish) and compares the serialised rows with want. */
static void expect_rows(const char *in, size_t inlen, const char *want, size_t wantlen)
{
    struct sink s = {0};
    struct ch_tsv *p = ch_tsv_new(0, on_row, &s);
    assert_non_null(p);
    assert_int_equal(ch_tsv_feed(p, in, inlen), 0);
    assert_int_equal(ch_tsv_finish(p), 0);
    if (s.len != wantlen || (wantlen && memcmp(s.buf, want, wantlen) != 0))
        print_error("got   %.*s\nwant  %.*s\n", (int)s.len, s.buf ? s.buf : "", (int)wantlen, want);
    assert_int_equal(s.len, wantlen);
    if (wantlen)
        assert_memory_equal(s.buf, want, wantlen);
    assert_int_equal(ch_tsv_rows(p), s.rows);
    ch_tsv_free(p);
    sink_free(&s);
}

#define ROWS(in, want) expect_rows(in, sizeof(in) - 1, want, sizeof(want) - 1)

static void test_basic(void **state)
{
    ROWS("a\tb\nc\td\n", "[1:a|1:b]\n[1:c|1:d]\n");
    ROWS("single\n", "[6:single]\n");
    ROWS("", "");
}

static void test_empty_cells(void **state)
{
    ROWS("\n", "[0:]\n");
    ROWS("\n\n", "[0:]\n[0:]\n");
    ROWS("\t\t\n", "[0:|0:|0:]\n");
    ROWS("a\t\tb\t\n", "[1:a|0:|1:b|0:]\n");
}

static void test_escapes(void **state)
{
    ROWS("\\b\\f\\r\\n\\t\\0\\'\\\\\\a\\v\n", "[10:\b\f\r\n\t\0'\\\a\v]\n");
    ROWS("\\x41\\x7e\\xfF\\xA0\n", "[4:A~\xff\xa0]\n");
    ROWS("\\q\\N\\\"\\/\n", "[4:qN\"/]\n");        /* any other \c is c */
    ROWS("a\\\tb\\\nc\td\n", "[5:a\tb\nc|1:d]\n"); /* escaped raw tab/newline are data */
    ROWS("\\xZ1\n", "[3:xZ1]\n");                  /* \x without hex digits stays literal */
    ROWS("\\x4g\n", "[3:x4g]\n");
    ROWS("\\x4\t\\x\n", "[2:x4|1:x]\n"); /* a separator ends a half-read \x */
    ROWS("\\x\\n\n", "[2:x\n]\n");
    ROWS("\\x4\\x41\n", "[3:x4A]\n");
    ROWS("\\\\t\n", "[2:\\t]\n");
}

static void test_trailing_row(void **state)
{
    ROWS("a\tb", "[1:a|1:b]\n");
    ROWS("a\nb", "[1:a]\n[1:b]\n");
    ROWS("a\n", "[1:a]\n");
    ROWS("ab\\", "[3:ab\\]\n"); /* a lone backslash at the very end stays */
    ROWS("a\t", "[1:a|0:]\n");
    ROWS("\\x4", "[2:x4]\n");

    struct sink s = {0};
    struct ch_tsv *p = ch_tsv_new(0, on_row, &s);
    assert_int_equal(ch_tsv_finish(p), 0);
    assert_int_equal(s.rows, 0);
    assert_int_equal(ch_tsv_feed(p, "x\ty", 3), 0);
    assert_int_equal(s.rows, 0);
    assert_int_equal(ch_tsv_finish(p), 0);
    assert_int_equal(s.rows, 1);
    assert_int_equal(ch_tsv_finish(p), 0); /* nothing pending any more */
    assert_int_equal(s.rows, 1);
    assert_int_equal(ch_tsv_feed(p, "z\n", 2), 0); /* usable after finish */
    assert_int_equal(ch_tsv_rows(p), 2);
    ch_tsv_free(p);
    sink_free(&s);
}

static const char sample[] = "id\tname\tnote\n"
                             "1\tal\\tice\tline\\nbreak\n"
                             "2\t\\x41\\x62c\t\\\\back\\'q\\0z\n"
                             "\t\t\n"
                             "3\ta\\\tb\t\\N\n"
                             "4\t\\x4\t\\q\n"
                             "last\trow";

static void decode_split(const char *in, size_t len, const size_t *cuts, size_t ncuts, struct sink *s)
{
    struct ch_tsv *p = ch_tsv_new(0, on_row, s);
    size_t prev = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        assert_int_equal(ch_tsv_feed(p, in + prev, end - prev), 0);
        prev = end;
    }
    assert_int_equal(ch_tsv_finish(p), 0);
    ch_tsv_free(p);
}

static void test_chunking(void **state)
{
    size_t len = sizeof sample - 1;
    struct sink ref = {0};
    decode_split(sample, len, NULL, 0, &ref);
    assert_int_equal(ref.rows, 7);
    static const char want[] = "[2:id|4:name|4:note]\n"
                               "[1:1|6:al\tice|10:line\nbreak]\n"
                               "[1:2|3:Abc|9:\\back'q\0z]\n"
                               "[0:|0:|0:]\n"
                               "[1:3|3:a\tb|1:N]\n"
                               "[1:4|2:x4|1:q]\n"
                               "[4:last|3:row]\n";
    assert_int_equal(ref.len, sizeof want - 1);
    assert_memory_equal(ref.buf, want, sizeof want - 1);

    /* every single cut, every pair of cuts, and one byte at a time */
    for (size_t a = 0; a <= len; a++) {
        for (size_t b = a; b <= len; b++) {
            struct sink s = {0};
            size_t cuts[2] = {a, b};
            decode_split(sample, len, cuts, 2, &s);
            assert_int_equal(s.len, ref.len);
            assert_memory_equal(s.buf, ref.buf, ref.len);
            sink_free(&s);
        }
    }
    size_t *cuts = malloc(len * sizeof *cuts);
    for (size_t i = 0; i < len; i++)
        cuts[i] = i;
    struct sink s = {0};
    decode_split(sample, len, cuts, len, &s);
    assert_memory_equal(s.buf, ref.buf, ref.len);
    sink_free(&s);
    free(cuts);
    sink_free(&ref);
}

static void test_long_row(void **state)
{
    struct sink s = {0};
    struct ch_tsv *p = ch_tsv_new(8, on_row, &s);
    assert_int_equal(ch_tsv_feed(p, "12345678\n", 9), 0); /* exactly max_row */
    assert_int_equal(ch_tsv_feed(p, "1234\t678\n", 9), 0);
    assert_int_equal(s.rows, 2);
    assert_int_equal(ch_tsv_feed(p, "1234", 4), 0);
    assert_int_equal(ch_tsv_feed(p, "5", 1), 0);
    assert_int_equal(ch_tsv_feed(p, "678", 3), 0);
    assert_int_equal(ch_tsv_feed(p, "9", 1), -1);
    assert_int_equal(ch_tsv_feed(p, "\n", 1), -1); /* errors are sticky */
    assert_int_equal(ch_tsv_finish(p), -1);
    assert_int_equal(s.rows, 2);
    ch_tsv_free(p);
    sink_free(&s);

    /* escapes count as raw bytes */
    p = ch_tsv_new(8, on_row, &s);
    assert_int_equal(ch_tsv_feed(p, "\\t\\t\\t\\t\\", 9), -1);
    ch_tsv_free(p);
    /* an over-long unterminated last row */
    p = ch_tsv_new(4, on_row, &s);
    assert_int_equal(ch_tsv_feed(p, "abcd", 4), 0);
    assert_int_equal(ch_tsv_finish(p), 0);
    assert_int_equal(ch_tsv_feed(p, "abcde", 5), -1);
    ch_tsv_free(p);
    sink_free(&s);
}

static void test_too_many_cells(void **state)
{
    size_t n = CH_TSV_MAX_CELLS;
    char *row = malloc(n + 2);
    memset(row, '\t', n - 1); /* n cells */
    row[n - 1] = '\n';
    struct sink s = {0};
    struct ch_tsv *p = ch_tsv_new(0, on_row, &s);
    assert_int_equal(ch_tsv_feed(p, row, n), 0);
    assert_int_equal(s.rows, 1);
    memset(row, '\t', n); /* n + 1 cells */
    row[n] = '\n';
    assert_int_equal(ch_tsv_feed(p, row, n + 1), -1);
    assert_int_equal(s.rows, 1);
    ch_tsv_free(p);
    sink_free(&s);
    free(row);
}

static void test_unescape(void **state)
{
    char s[] = "a\\tb\\x41\\\\c\\";
    size_t n = ch_tsv_unescape(s, strlen(s));
    assert_int_equal(n, 7);
    assert_string_equal(s, "a\tbA\\c\\");
    char plain[] = "plain";
    assert_int_equal(ch_tsv_unescape(plain, 5), 5);
    assert_string_equal(plain, "plain");
    char hx[] = "\\x4";
    assert_int_equal(ch_tsv_unescape(hx, 3), 2);
    assert_string_equal(hx, "x4");
    assert_int_equal(ch_tsv_unescape(hx, 0), 0);
}

static void count_only(void *ud, char **cells, const size_t *lens, size_t ncells)
{
    (*(size_t *)ud) += ncells;
}

static void test_linear_small_chunks(void **state)
{
    /* a 4 MiB row fed 3 bytes at a time must not rescan what it already holds */
    size_t len = 4u << 20;
    char *big = malloc(len);
    for (size_t i = 0; i < len; i++)
        big[i] = (i % 2003 == 0) ? '\t' : (i % 89 == 0) ? '\\' : 'a' + (char)(i % 26);
    big[len - 1] = '\n';
    size_t cells = 0;
    struct ch_tsv *p = ch_tsv_new(0, count_only, &cells);
    clock_t t0 = clock();
    for (size_t i = 0; i < len; i += 3)
        assert_int_equal(ch_tsv_feed(p, big + i, len - i < 3 ? len - i : 3), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_int_equal(ch_tsv_rows(p), 1);
    assert_true(cells > 1);
    assert_true(secs < 10.0);
    ch_tsv_free(p);
    free(big);

    /* no callback is fine too */
    p = ch_tsv_new(0, NULL, NULL);
    assert_int_equal(ch_tsv_feed(p, "a\tb\nc", 5), 0);
    assert_int_equal(ch_tsv_finish(p), 0);
    assert_int_equal(ch_tsv_rows(p), 2);
    ch_tsv_free(p);
    ch_tsv_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_empty_cells),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_trailing_row),
        cmocka_unit_test(test_chunking),
        cmocka_unit_test(test_long_row),
        cmocka_unit_test(test_too_many_cells),
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_linear_small_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
