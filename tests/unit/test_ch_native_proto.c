/* Unit tests for the ClickHouse native protocol codec: encoders, server packets, bounds and partial input. */
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

static uint8_t *hex(const char *h, size_t *n)
{
    uint8_t *out = malloc(strlen(h) / 2 + 1);
    size_t k = 0;
    unsigned v;
    while (*h) {
        if (*h == ' ') {
            h++;
            continue;
        }
        assert_int_equal(sscanf(h, "%2x", &v), 1);
        out[k++] = (uint8_t)v;
        h += 2;
    }
    *n = k;
    return out;
}

/* ---- decode helpers ----------------------------------------------------------------------- */

static const uint64_t REV = 54412;
static char err[256];

/* Decodes exactly one whole packet (after checking its prefixes). */
static void decode_ok(const uint8_t *p, size_t len, uint64_t rev, struct ch_packet *pkt)
{
    check_prefixes(p, len, rev);
    uint8_t *cp = malloc(len);
    memcpy(cp, p, len);
    size_t used = 0;
    enum ch_status st = ch_decode_packet(cp, len, rev, pkt, &used, err, sizeof err);
    if (st != CH_OK)
        fail_msg("decode: status %d (%s)", st, err);
    assert_int_equal(used, len);
    free(cp); /* cells may point into cp: callers only look at rendered/owned data or copy first */
}

static enum ch_status decode_status(const uint8_t *p, size_t len, uint64_t rev)
{
    struct ch_packet pkt;
    size_t used;
    err[0] = 0;
    enum ch_status st = ch_decode_packet(p, len, rev, &pkt, &used, err, sizeof err);
    if (st == CH_OK)
        ch_packet_clear(&pkt);
    return st;
}

static void assert_str(struct ch_str s, const char *want)
{
    if (s.len != strlen(want) || memcmp(s.p, want, s.len) != 0)
        fail_msg("got '%.*s', want '%s'", (int)s.len, s.p ? s.p : "", want);
}

/* Decodes a single-column block built by the caller and checks the rendered cells. */
/* ---- primitives and encoders -------------------------------------------------------------- */

static void test_varuint(void **state)
{
    static const uint64_t vals[] = {0, 1, 127, 128, 16383, 16384, 54401, 1ull << 63, UINT64_MAX};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        struct evbuffer *e = evbuffer_new();
        assert_int_equal(ch_write_varuint(e, vals[i]), 0);
        size_t n = evbuffer_get_length(e), pos = 0;
        uint8_t *p = evbuffer_pullup(e, -1);
        uint64_t v;
        assert_int_equal(ch_read_varuint(p, n, &pos, &v), CH_OK);
        assert_int_equal(pos, n);
        assert_true(v == vals[i]);
        for (size_t k = 0; k < n; k++) {
            pos = 0;
            assert_int_equal(ch_read_varuint(p, k, &pos, &v), CH_NEED_MORE);
            assert_int_equal(pos, 0);
        }
        evbuffer_free(e);
    }
    uint8_t over[11];
    memset(over, 0x80, sizeof over);
    over[10] = 0;
    size_t pos = 0;
    uint64_t v;
    assert_int_equal(ch_read_varuint(over, 11, &pos, &v), CH_ERROR); /* 11 bytes */
    over[9] = 0x02;
    assert_int_equal(ch_read_varuint(over, 10, &pos, &v), CH_ERROR); /* above 2^64 */
    over[9] = 0x01;
    assert_int_equal(ch_read_varuint(over, 10, &pos, &v), CH_OK);
    assert_true(v == 1ull << 63);
}

static void test_read_string(void **state)
{
    const uint8_t ok[] = {3, 'a', 'b', 'c', 9};
    size_t pos = 0;
    struct ch_str s;
    assert_int_equal(ch_read_string(ok, sizeof ok, &pos, &s), CH_OK);
    assert_int_equal(pos, 4);
    assert_str(s, "abc");
    assert_int_equal(ch_read_string(ok, sizeof ok, &pos, &s), CH_NEED_MORE);
    assert_int_equal(pos, 4);
    const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    pos = 0;
    assert_int_equal(ch_read_string(huge, sizeof huge, &pos, &s), CH_ERROR);
}

static void expect_buffer(struct evbuffer *e, const char *want_hex)
{
    size_t n;
    uint8_t *want = hex(want_hex, &n);
    assert_int_equal(evbuffer_get_length(e), n);
    assert_memory_equal(evbuffer_pullup(e, -1), want, n);
    free(want);
}

static void test_encode_hello(void **state)
{
    struct evbuffer *e = evbuffer_new();
    assert_int_equal(ch_encode_hello(e, "probe", "default", ""), 0);
    expect_buffer(e, "00 05 70726f6265 01 01 81a903 00 07 64656661756c74 00");
    evbuffer_free(e);
}

static void test_encode_query(void **state)
{
    struct evbuffer *e = evbuffer_new();
    assert_int_equal(ch_encode_query(e, "", "SELECT version()", NULL, 0), 0);
    expect_buffer(e, "01 00 00 00 02 00 10 53454c4543542076657273696f6e2829"
                     "02 00 01 00 02 ffffffff 00 00 00");
    evbuffer_drain(e, evbuffer_get_length(e));
    const char *const settings[][2] = {{"readonly", "1"}, {"result_overflow_mode", "break"}, {"max_block_size", "300"}};
    assert_int_equal(ch_encode_query(e, "q1", "SELECT 1", settings, 3), 0);
    expect_buffer(e, "01 02 7131 00"
                     "08 726561646f6e6c79 01"
                     "14 726573756c745f6f766572666c6f775f6d6f6465 05 627265616b"
                     "0e 6d61785f626c6f636b5f73697a65 ac02"
                     "00 02 00 08 53454c4543542031"
                     "02 00 01 00 02 ffffffff 00 00 00");
    evbuffer_drain(e, evbuffer_get_length(e));
    const char *const bad[][2] = {{"", "1"}};
    assert_int_equal(ch_encode_query(e, "", "SELECT 1", bad, 1), -1);
    assert_int_equal(evbuffer_get_length(e), 0);
    assert_int_equal(ch_encode_ping(e), 0);
    expect_buffer(e, "04");
    evbuffer_free(e);
}

/* ---- server packets ----------------------------------------------------------------------- */

static void test_server_hello(void **state)
{
    size_t n, used;
    uint8_t *p = hex("00 0a 436c69636b486f757365 12 10 8ca903 07 4574632f555443 0c 636862726965662d74657374 01", &n);
    struct ch_packet pkt;
    check_prefixes(p, n, 0);
    assert_int_equal(ch_decode_packet(p, n, 0, &pkt, &used, err, sizeof err), CH_OK);
    assert_int_equal(used, n);
    assert_int_equal(pkt.type, CH_SRV_HELLO);
    assert_str(pkt.u.hello.name, "ClickHouse");
    assert_int_equal(pkt.u.hello.major, 18);
    assert_int_equal(pkt.u.hello.minor, 16);
    assert_int_equal(pkt.u.hello.revision, 54412);
    assert_str(pkt.u.hello.timezone, "Etc/UTC");
    assert_str(pkt.u.hello.display_name, "chbrief-test");
    assert_int_equal(pkt.u.hello.patch, 1);
    ch_packet_clear(&pkt);
    free(p);
}

static void test_server_hello_old_revisions(void **state)
{
    struct {
        uint64_t rev;
        int tz, display;
    } cases[] = {{54000, 0, 0}, {54058, 1, 0}, {54372, 1, 1}};
    for (size_t i = 0; i < 3; i++) {
        struct bb b = {0};
        bb_vu(&b, 0);
        bb_str(&b, "ClickHouse");
        bb_vu(&b, 1);
        bb_vu(&b, 1);
        bb_vu(&b, cases[i].rev);
        if (cases[i].tz)
            bb_str(&b, "UTC");
        if (cases[i].display)
            bb_str(&b, "host");
        struct ch_packet pkt;
        size_t used;
        check_prefixes(b.p, b.len, 0);
        assert_int_equal(ch_decode_packet(b.p, b.len, 0, &pkt, &used, err, sizeof err), CH_OK);
        assert_int_equal(used, b.len);
        assert_int_equal(pkt.u.hello.revision, cases[i].rev);
        assert_int_equal(pkt.u.hello.timezone.len, cases[i].tz ? 3 : 0);
        assert_int_equal(pkt.u.hello.display_name.len, cases[i].display ? 4 : 0);
        assert_int_equal(pkt.u.hello.patch, 0);
        ch_packet_clear(&pkt);
        bb_free(&b);
    }
}

static void build_exception(struct bb *b, int32_t code, const char *msg, int nested)
{
    bb_vu(b, 2);
    for (int i = 0; i <= nested; i++) {
        bb_le(b, (uint32_t)(i ? 1000 + i : code), 4);
        bb_str(b, "DB::Exception");
        bb_str(b, i ? "DB::Exception: inner" : msg);
        bb_str(b, i ? "" : "0. libclickhouse.so.18.16(StackTrace::StackTrace()+0x16) [0x7f]\n");
        bb_u8(b, i < nested);
    }
}

static void test_exception(void **state)
{
    static const struct {
        int32_t code;
        const char *msg;
        int nested;
    } cases[] = {
        {194, "DB::Exception: Password required for user secured", 0},
        {193, "DB::Exception: Wrong password for user secured", 1},
        {192, "DB::Exception: Unknown user nosuch", 3},
        {516, "default: Authentication failed: password is incorrect, or there is no user with such name.", 0},
        {-1, "negative code", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct bb b = {0};
        build_exception(&b, cases[i].code, cases[i].msg, cases[i].nested);
        for (int rev = 0; rev < 2; rev++) {
            struct ch_packet pkt;
            size_t used;
            check_prefixes(b.p, b.len, rev ? REV : 0);
            assert_int_equal(ch_decode_packet(b.p, b.len, rev ? REV : 0, &pkt, &used, err, sizeof err), CH_OK);
            assert_int_equal(used, b.len);
            assert_int_equal(pkt.type, CH_SRV_EXCEPTION);
            assert_int_equal(pkt.u.exception.code, cases[i].code);
            assert_str(pkt.u.exception.name, "DB::Exception");
            assert_str(pkt.u.exception.message, cases[i].msg);
            assert_int_equal(pkt.u.exception.nested, cases[i].nested);
            assert_non_null(
                memmem(pkt.u.exception.stack_trace.p, pkt.u.exception.stack_trace.len, "libclickhouse.so.18.16", 22));
            ch_packet_clear(&pkt);
        }
        bb_free(&b);
    }
    /* two 16 MiB strings cannot fit in one packet: refused once the second length is read */
    struct bb big = {0};
    bb_vu(&big, 2);
    bb_le(&big, 1, 4);
    bb_str(&big, "DB::Exception");
    bb_vu(&big, CH_MAX_STRING);
    size_t at = big.len;
    bb_add(&big, NULL, CH_MAX_STRING);
    memset(big.p + at, 'x', CH_MAX_STRING);
    assert_int_equal(decode_status(big.p, big.len, 0), CH_NEED_MORE);
    bb_vu(&big, CH_MAX_STRING);
    assert_int_equal(decode_status(big.p, big.len, 0), CH_ERROR);
    assert_non_null(strstr(err, "larger than"));
    bb_free(&big);
    struct bb deep = {0};
    build_exception(&deep, 1, "deep", 100);
    assert_int_equal(decode_status(deep.p, deep.len, 0), CH_ERROR);
    assert_non_null(strstr(err, "nested"));
    bb_free(&deep);
}

/* The transcript's response to SELECT version(), packet by packet. */
static const char *const transcript[] = {
    "01 00 01 00 02 ffffffff 00 01 00 09 76657273696f6e2829 06 537472696e67",
    "01 00 01 00 02 ffffffff 00 01 01 09 76657273696f6e2829 06 537472696e67 07 31382e31362e31",
    "06 01 01 18 00 00 01",
    "03 01 01 00",
    "01 00 01 00 02 ffffffff 00 00 00",
    "05",
    "04",
};

static void test_transcript_stream(void **state)
{
    /* packet by packet, with prefixes */
    for (size_t i = 0; i < sizeof transcript / sizeof *transcript; i++) {
        size_t n;
        uint8_t *p = hex(transcript[i], &n);
        struct ch_packet pkt;
        decode_ok(p, n, REV, &pkt);
        ch_packet_clear(&pkt);
        free(p);
    }
    /* and as one stream */
    struct bb all = {0};
    for (size_t i = 0; i < sizeof transcript / sizeof *transcript; i++) {
        size_t n;
        uint8_t *p = hex(transcript[i], &n);
        bb_add(&all, p, n);
        free(p);
    }
    static const enum ch_server_packet types[] = {
        CH_SRV_DATA, CH_SRV_DATA, CH_SRV_PROFILE_INFO, CH_SRV_PROGRESS, CH_SRV_DATA, CH_SRV_END_OF_STREAM, CH_SRV_PONG};
    size_t off = 0;
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        struct ch_packet pkt;
        size_t used;
        assert_int_equal(ch_decode_packet(all.p + off, all.len - off, REV, &pkt, &used, err, sizeof err), CH_OK);
        assert_int_equal(pkt.type, types[i]);
        if (i == 0) {
            assert_int_equal(pkt.u.block.ncols, 1);
            assert_int_equal(pkt.u.block.nrows, 0);
            assert_str(pkt.u.block.cols[0].name, "version()");
            assert_str(pkt.u.block.cols[0].type, "String");
            assert_null(pkt.u.block.cols[0].cells);
        } else if (i == 1) {
            assert_int_equal(pkt.u.block.nrows, 1);
            assert_str(pkt.u.block.cols[0].cells[0], "18.16.1");
        } else if (i == 3) {
            assert_int_equal(pkt.u.progress.rows, 1);
            assert_int_equal(pkt.u.progress.bytes, 1);
            assert_int_equal(pkt.u.progress.total_rows, 0);
        } else if (i == 4) {
            assert_int_equal(pkt.u.block.ncols, 0);
            assert_int_equal(pkt.u.block.nrows, 0);
        }
        ch_packet_clear(&pkt);
        off += used;
    }
    assert_int_equal(off, all.len);
    /* Data before the Hello is refused */
    assert_int_equal(decode_status(all.p, all.len, 0), CH_ERROR);
    assert_non_null(strstr(err, "before its Hello"));
    /* Totals and Extremes share the Data layout */
    all.p[0] = CH_SRV_TOTALS;
    assert_int_equal(decode_status(all.p, all.len, REV), CH_OK);
    all.p[0] = CH_SRV_EXTREMES;
    assert_int_equal(decode_status(all.p, all.len, REV), CH_OK);
    bb_free(&all);
}

static void test_bad_packets(void **state)
{
    struct bb b = {0};
    /* unknown and unsupported packet types */
    static const uint8_t t10[] = {10, 0}, t99[] = {99}, http[] = "HTTP/1.0 400 Bad Request";
    assert_int_equal(decode_status(t10, sizeof t10, REV), CH_ERROR);
    assert_non_null(strstr(err, "Log"));
    assert_int_equal(decode_status(t99, sizeof t99, REV), CH_ERROR);
    assert_int_equal(decode_status(http, sizeof http - 1, 0), CH_ERROR);
    /* over-long VarUInt as the row count */
    bb_block(&b, 1, 1, 0);
    b.len -= 1;
    for (int i = 0; i < 11; i++)
        bb_u8(&b, 0x81);
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    assert_non_null(strstr(err, "VarUInt"));
    bb_free(&b);
    /* absurd row and column counts */
    bb_block(&b, 1, 1, CH_MAX_ROWS + 1);
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    assert_non_null(strstr(err, "rows"));
    bb_free(&b);
    bb_block(&b, 1, CH_MAX_COLUMNS + 1, 1);
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    assert_non_null(strstr(err, "columns"));
    bb_free(&b);
    bb_block(&b, 1, CH_MAX_COLUMNS, CH_MAX_ROWS); /* each value takes a byte: > CH_MAX_PACKET */
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    bb_free(&b);
    /* oversized string length (column name) */
    bb_block(&b, 1, 1, 1);
    bb_vu(&b, (uint64_t)CH_MAX_STRING + 1);
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    assert_non_null(strstr(err, "limit"));
    bb_free(&b);
    /* strings that together overflow CH_MAX_PACKET */
    bb_block(&b, 1, 1, 3);
    bb_str(&b, "s");
    bb_str(&b, "String");
    bb_vu(&b, CH_MAX_STRING);
    assert_int_equal(decode_status(b.p, b.len, REV), CH_NEED_MORE);
    bb_free(&b);
    bb_block(&b, 1, 1, 3);
    bb_str(&b, "s");
    bb_str(&b, "FixedString(16777216)");
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    assert_non_null(strstr(err, "larger than"));
    bb_free(&b);
    /* unknown column type, named in the reason (non-printables masked) */
    static const char *const types[] = {"UUID",
                                        "LowCardinality(String)",
                                        "Decimal(9, 2)",
                                        "Nullable(Array(String))",
                                        "Array(Array(Array(Array(Array(Array(Array(Array(Array(UInt8)))))))))",
                                        "FixedString(0)",
                                        "FixedString(DateTime('UTC'))",
                                        "Nullable(Nullable(UInt8))",
                                        "Enum8('a' = 1)",
                                        "Str\x01ng"};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        bb_block(&b, 1, 1, 1);
        bb_str(&b, "c");
        bb_str(&b, types[i]);
        bb_u8(&b, 0);
        assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
        if (i < 3)
            assert_non_null(strstr(err, types[i]));
        if (i == 9)
            assert_non_null(strstr(err, "'Str?ng'"));
        bb_free(&b);
    }
    /* unknown BlockInfo field */
    bb_vu(&b, 1);
    bb_str(&b, "");
    bb_vu(&b, 3);
    bb_u8(&b, 0);
    bb_vu(&b, 0);
    bb_vu(&b, 0);
    bb_vu(&b, 0);
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    assert_non_null(strstr(err, "BlockInfo"));
    bb_free(&b);
    /* endless BlockInfo */
    bb_vu(&b, 1);
    bb_str(&b, "");
    for (int i = 0; i < 40; i++) {
        bb_vu(&b, 1);
        bb_u8(&b, 0);
    }
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    bb_free(&b);
    /* decreasing array offsets; an offset claiming far more elements than could fit */
    bb_block(&b, 1, 1, 2);
    bb_str(&b, "a");
    bb_str(&b, "Array(UInt8)");
    bb_le(&b, 2, 8);
    bb_le(&b, 1, 8);
    bb_u8(&b, 1);
    bb_u8(&b, 2);
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    assert_non_null(strstr(err, "decrease"));
    bb_free(&b);
    bb_block(&b, 1, 1, 1);
    bb_str(&b, "a");
    bb_str(&b, "Array(String)");
    bb_le(&b, 1ull << 40, 8);
    assert_int_equal(decode_status(b.p, b.len, REV), CH_ERROR);
    bb_free(&b);
    /* Hello with revision 0 */
    bb_vu(&b, 0);
    bb_str(&b, "ClickHouse");
    bb_vu(&b, 1);
    bb_vu(&b, 1);
    bb_vu(&b, 0);
    assert_int_equal(decode_status(b.p, b.len, 0), CH_ERROR);
    bb_free(&b);
}

static void test_need_more_hint(void **state)
{
    struct bb b = {0};
    bb_block(&b, 1, 1, 1000);
    bb_str(&b, "n");
    bb_str(&b, "UInt64");
    size_t data_at = b.len;
    for (int i = 0; i < 1000; i++)
        bb_le(&b, (uint64_t)i, 8);
    struct ch_packet pkt;
    size_t used;
    /* cut inside the fixed-width data: the hint is the exact end */
    assert_int_equal(ch_decode_packet(b.p, data_at + 100, REV, &pkt, &used, err, sizeof err), CH_NEED_MORE);
    assert_int_equal(used, b.len);
    bb_free(&b);
    /* strings: at least one byte per remaining row */
    bb_block(&b, 1, 1, 1000);
    bb_str(&b, "s");
    bb_str(&b, "String");
    for (int i = 0; i < 1000; i++)
        bb_str(&b, "abcdefgh");
    assert_int_equal(ch_decode_packet(b.p, b.len / 2, REV, &pkt, &used, err, sizeof err), CH_NEED_MORE);
    assert_true(used > b.len / 2 + 400 && used <= b.len);
    bb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varuint),      cmocka_unit_test(test_read_string),
        cmocka_unit_test(test_encode_hello), cmocka_unit_test(test_encode_query),
        cmocka_unit_test(test_server_hello), cmocka_unit_test(test_server_hello_old_revisions),
        cmocka_unit_test(test_exception),    cmocka_unit_test(test_transcript_stream),
        cmocka_unit_test(test_bad_packets),  cmocka_unit_test(test_need_more_hint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
