/* Unit tests for ClickHouse native Data blocks: every column type and its text rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ch_wire_builder.h"
#include "engines/clickhouse/ch_native_proto.h"

/* ---- byte builder ------------------------------------------------------------------------- */

/* ---- decode helpers ----------------------------------------------------------------------- */

static const uint64_t REV = 54412;
static char err[256];

/* Decodes exactly one whole packet (after checking its prefixes). */
static void assert_str(struct ch_str s, const char *want)
{
    if (s.len != strlen(want) || memcmp(s.p, want, s.len) != 0)
        fail_msg("got '%.*s', want '%s'", (int)s.len, s.p ? s.p : "", want);
}

/* Decodes a single-column block built by the caller and checks the rendered cells. */
static void check_column(struct bb *b, const char *const *want, size_t n, const unsigned char *nulls)
{
    struct ch_packet pkt;
    check_prefixes(b->p, b->len, REV);
    size_t used;
    enum ch_status st = ch_decode_packet(b->p, b->len, REV, &pkt, &used, err, sizeof err);
    if (st != CH_OK)
        fail_msg("status %d (%s)", st, err);
    assert_int_equal(used, b->len);
    assert_int_equal(pkt.u.block.ncols, 1);
    assert_int_equal(pkt.u.block.nrows, n);
    const struct ch_column *c = &pkt.u.block.cols[0];
    for (size_t i = 0; i < n; i++) {
        assert_str(c->cells[i], want[i]);
        if (nulls) {
            assert_non_null(c->is_null);
            assert_int_equal(c->is_null[i], nulls[i]);
        }
    }
    if (!nulls)
        assert_null(c->is_null);
    ch_packet_clear(&pkt);
}

/* ---- column types ------------------------------------------------------------------------- */

static void one_column(struct bb *b, const char *type, uint64_t nrows)
{
    bb_block(b, 1, 1, nrows);
    bb_str(b, "c");
    bb_str(b, type);
}

static void test_integers(void **state)
{
    static const struct {
        const char *type;
        int w;
        uint64_t v[3];
        const char *want[3];
    } cases[] = {
        {"UInt8", 1, {0, 7, 255}, {"0", "7", "255"}},
        {"Int8", 1, {0x80, 0xff, 0x7f}, {"-128", "-1", "127"}},
        {"UInt16", 2, {0, 1000, 65535}, {"0", "1000", "65535"}},
        {"Int16", 2, {0x8000, 0xfffe, 300}, {"-32768", "-2", "300"}},
        {"UInt32", 4, {0, 123456, 4294967295u}, {"0", "123456", "4294967295"}},
        {"Int32", 4, {0x80000000u, 0xffffffffu, 2147483647}, {"-2147483648", "-1", "2147483647"}},
        {"UInt64", 8, {0, 1ull << 40, UINT64_MAX}, {"0", "1099511627776", "18446744073709551615"}},
        {"Int64", 8, {1ull << 63, UINT64_MAX, INT64_MAX}, {"-9223372036854775808", "-1", "9223372036854775807"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct bb b = {0};
        one_column(&b, cases[i].type, 3);
        for (int r = 0; r < 3; r++)
            bb_le(&b, cases[i].v[r], cases[i].w);
        check_column(&b, cases[i].want, 3, NULL);
        bb_free(&b);
    }
}

static void test_floats(void **state)
{
    static const struct {
        double v;
        const char *want;
    } f64[] = {
        {0.1, "0.1"},
        {1e20, "100000000000000000000"},
        {1e21, "1e21"},
        {1e-7, "1e-7"},
        {1e-6, "0.000001"},
        {1.2345e-5, "0.000012345"},
        {1.5e300, "1.5e300"},
        {-1e22, "-1e22"},
        {123.456, "123.456"},
        {1.0 / 3, "0.3333333333333333"},
        {123456789012345678.0, "123456789012345680"},
        {-0.0, "-0"},
        {0, "0"},
        {5e-324, "5e-324"},
        {-2.2250738585072014e-308, "-2.2250738585072014e-308"},
    };
    size_t n = sizeof f64 / sizeof *f64;
    const char *want[32];
    struct bb b = {0};
    one_column(&b, "Float64", n + 3);
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &f64[i].v, 8);
        bb_le(&b, u, 8);
        want[i] = f64[i].want;
    }
    double special[] = {NAN, INFINITY, -INFINITY};
    const char *swant[] = {"nan", "inf", "-inf"};
    for (int i = 0; i < 3; i++) {
        uint64_t u;
        memcpy(&u, &special[i], 8);
        bb_le(&b, u, 8);
        want[n + i] = swant[i];
    }
    check_column(&b, want, n + 3, NULL);
    bb_free(&b);

    static const struct {
        float v;
        const char *want;
    } f32[] = {
        {0.1f, "0.1"}, {16777216.0f, "16777216"}, {3.4e38f, "3.4e38"}, {1e-45f, "1e-45"},
        {0.3f, "0.3"}, {1e21f, "1e21"},           {-1.5f, "-1.5"},
    };
    n = sizeof f32 / sizeof *f32;
    one_column(&b, "Float32", n);
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &f32[i].v, 4);
        bb_le(&b, u, 4);
        want[i] = f32[i].want;
    }
    check_column(&b, want, n, NULL);
    bb_free(&b);
}

static void test_dates(void **state)
{
    struct bb b = {0};
    static const char *const dwant[] = {"1970-01-01", "1970-01-02", "2016-07-18", "2000-02-29", "2149-06-06"};
    one_column(&b, "Date", 5);
    bb_le(&b, 0, 2);
    bb_le(&b, 1, 2);
    bb_le(&b, 17000, 2);
    bb_le(&b, 11016, 2);
    bb_le(&b, 65535, 2);
    check_column(&b, dwant, 5, NULL);
    bb_free(&b);
    static const char *const twant[] = {"1970-01-01 00:00:00", "1970-01-01 00:00:01", "2017-07-14 02:40:00",
                                        "2038-01-19 03:14:08", "2106-02-07 06:28:15"};
    static const uint32_t secs[] = {0, 1, 1500000000, 2147483648u, 4294967295u};
    const char *types[] = {"DateTime", "DateTime('Europe/Moscow')"};
    for (int t = 0; t < 2; t++) {
        one_column(&b, types[t], 5);
        for (int i = 0; i < 5; i++)
            bb_le(&b, secs[i], 4);
        check_column(&b, twant, 5, NULL);
        bb_free(&b);
    }
}

static void test_strings(void **state)
{
    struct bb b = {0};
    static const char *const want[] = {"", "hello", "tab\there"};
    one_column(&b, "String", 3);
    for (int i = 0; i < 3; i++)
        bb_str(&b, want[i]);
    check_column(&b, want, 3, NULL);
    bb_free(&b);
    one_column(&b, "FixedString(3)", 2);
    bb_add(&b, "ab\0xyz", 6);
    struct ch_packet pkt;
    size_t used;
    assert_int_equal(ch_decode_packet(b.p, b.len, REV, &pkt, &used, err, sizeof err), CH_OK);
    assert_int_equal(pkt.u.block.cols[0].cells[0].len, 3);
    assert_memory_equal(pkt.u.block.cols[0].cells[0].p, "ab\0", 3);
    assert_str(pkt.u.block.cols[0].cells[1], "xyz");
    ch_packet_clear(&pkt);
    bb_free(&b);
}

static void test_nullable(void **state)
{
    struct bb b = {0};
    static const char *const swant[] = {"a", "", "c"};
    static const unsigned char nulls[] = {0, 1, 0};
    one_column(&b, "Nullable(String)", 3);
    bb_add(&b, "\0\1\0", 3);
    bb_str(&b, "a");
    bb_str(&b, "");
    bb_str(&b, "c");
    check_column(&b, swant, 3, nulls);
    bb_free(&b);
    static const char *const uwant[] = {"7", "", "4294967295"};
    one_column(&b, "Nullable(UInt32)", 3);
    bb_add(&b, "\0\1\0", 3);
    bb_le(&b, 7, 4);
    bb_le(&b, 0, 4);
    bb_le(&b, 4294967295u, 4);
    check_column(&b, uwant, 3, nulls);
    bb_free(&b);
    static const char *const dwant[] = {"2017-07-14 02:40:00", "", "1970-01-01 00:00:00"};
    one_column(&b, "Nullable(DateTime)", 3);
    bb_add(&b, "\0\1\0", 3);
    bb_le(&b, 1500000000, 4);
    bb_le(&b, 5, 4);
    bb_le(&b, 0, 4);
    check_column(&b, dwant, 3, nulls);
    bb_free(&b);
}

static void test_arrays(void **state)
{
    struct bb b = {0};
    /* Array(String): ['a','b'], [], ['it\'s \\ \n'] */
    static const char *const swant[] = {"['a','b']", "[]", "['it\\'s \\\\ \\n\\0\\b\\f\\r\\t\x01']"};
    one_column(&b, "Array(String)", 3);
    bb_le(&b, 2, 8);
    bb_le(&b, 2, 8);
    bb_le(&b, 3, 8);
    bb_str(&b, "a");
    bb_str(&b, "b");
    bb_strn(&b, "it's \\ \n\0\b\f\r\t\x01", 14);
    check_column(&b, swant, 3, NULL);
    bb_free(&b);
    /* Array(Nullable(String)) */
    static const char *const nwant[] = {"[NULL,'x']", "[NULL]"};
    one_column(&b, "Array(Nullable(String))", 2);
    bb_le(&b, 2, 8);
    bb_le(&b, 3, 8);
    bb_add(&b, "\1\0\1", 3);
    bb_str(&b, "");
    bb_str(&b, "x");
    bb_str(&b, "");
    check_column(&b, nwant, 2, NULL);
    bb_free(&b);
    /* Array(Array(UInt8)): [[1,2],[]], [], [[3]] */
    static const char *const awant[] = {"[[1,2],[]]", "[]", "[[3]]"};
    one_column(&b, "Array(Array(UInt8))", 3);
    bb_le(&b, 2, 8);
    bb_le(&b, 2, 8);
    bb_le(&b, 3, 8);
    bb_le(&b, 2, 8);
    bb_le(&b, 2, 8);
    bb_le(&b, 3, 8);
    bb_add(&b, "\1\2\3", 3);
    check_column(&b, awant, 3, NULL);
    bb_free(&b);
    /* dates, datetimes and FixedString are quoted; floats and nullable ints are not */
    static const char *const dwant[] = {"['2020-01-02']", "['1970-01-01 00:00:00']", "['ab\\0']", "[0.1,-inf]",
                                        "[NULL,5]"};
    static const char *const dtypes[] = {"Array(Date)", "Array(DateTime)", "Array(FixedString(3))", "Array(Float64)",
                                         "Array(Nullable(Int8))"};
    for (int i = 0; i < 5; i++) {
        one_column(&b, dtypes[i], 1);
        bb_le(&b, i >= 3 ? 2 : 1, 8);
        double f[2] = {0.1, -INFINITY};
        uint64_t u[2];
        memcpy(u, f, 16);
        switch (i) {
        case 0: bb_le(&b, 18263, 2); break;
        case 1: bb_le(&b, 0, 4); break;
        case 2: bb_add(&b, "ab\0", 3); break;
        case 3: bb_le(&b, u[0], 8), bb_le(&b, u[1], 8); break;
        case 4: bb_add(&b, "\1\0\0\5", 4); break;
        }
        check_column(&b, &dwant[i], 1, NULL);
        bb_free(&b);
    }
    /* all-empty arrays: nothing follows the offsets */
    static const char *const ewant[] = {"[]", "[]"};
    one_column(&b, "Array(Array(String))", 2);
    bb_le(&b, 0, 8);
    bb_le(&b, 0, 8);
    check_column(&b, ewant, 2, NULL);
    bb_free(&b);
}

static void test_multi_column_block(void **state)
{
    /* two columns, several rows, followed by another packet: consumed stops at the block */
    struct bb b = {0};
    bb_block(&b, 1, 2, 2);
    bb_str(&b, "name");
    bb_str(&b, "String");
    bb_str(&b, "alpha");
    bb_str(&b, "beta");
    bb_str(&b, "n");
    bb_str(&b, "UInt16");
    bb_le(&b, 1, 2);
    bb_le(&b, 2, 2);
    size_t block_len = b.len;
    bb_u8(&b, 5);
    struct ch_packet pkt;
    size_t used;
    check_prefixes(b.p, block_len, REV);
    assert_int_equal(ch_decode_packet(b.p, b.len, REV, &pkt, &used, err, sizeof err), CH_OK);
    assert_int_equal(used, block_len);
    assert_str(pkt.u.block.cols[0].cells[1], "beta");
    assert_str(pkt.u.block.cols[1].cells[1], "2");
    assert_str(pkt.u.block.cols[1].name, "n");
    ch_packet_clear(&pkt);
    bb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_floats),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_nullable),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_multi_column_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
