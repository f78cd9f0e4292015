/* Unit tests for the bounded memcached reply parser (src/engines/memcached/mc_proto.c): one-line
 * replies and errors, STAT blocks, get's VALUE blocks, metadump lines (kept, skipped, cut at the
 * byte cap), binary responses, every prefix of a reply asking for more, and the caps. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <string.h>

#include "engines/memcached/mc_proto.h"

static enum mc_status parse(const char *s, enum mc_kind kind, const struct mc_limits *lim, struct mc_reply *r,
                            size_t *used)
{
    char err[128];
    return mc_parse(s, strlen(s), kind, lim, r, used, err, sizeof err);
}

static void test_lines(void **state)
{
    (void)state;
    struct mc_reply r;
    size_t used;
    assert_int_equal(parse("VERSION 1.6.18\r\nSTAT", MC_LINE, NULL, &r, &used), MC_OK);
    assert_false(r.error);
    assert_int_equal(r.len, 14);
    assert_memory_equal(r.line, "VERSION 1.6.18", 14);
    assert_int_equal(used, 16);
    assert_int_equal(parse("CLIENT_ERROR unauthenticated\r\n", MC_LINE, NULL, &r, &used), MC_OK);
    assert_true(r.error);
    assert_int_equal(parse("VERSION 1.6", MC_LINE, NULL, &r, &used), MC_NEED_MORE);
    assert_int_equal(used, 12);
    /* an error where a block was expected is a reply of its own */
    assert_int_equal(parse("ERROR\r\n", MC_STATS, NULL, &r, &used), MC_OK);
    assert_true(r.error);
    assert_int_equal(parse("SERVER_ERROR out of memory\r\n", MC_VALUES, NULL, &r, &used), MC_OK);
    assert_true(r.error);
    assert_int_equal(parse("BUSY currently processing crawler request\r\n", MC_DUMP, NULL, &r, &used), MC_OK);
    assert_true(r.error);
}

static void test_stats(void **state)
{
    (void)state;
    const char *s = "STAT pid 25403\r\nSTAT uptime 4\r\nSTAT version 1.6.18\r\nSTAT inter 127.77.11.9\r\n"
                    "STAT ssl_chain_cert (null)\r\nSTAT items:3:number 205\r\nEND\r\nVERSION";
    struct mc_reply r;
    size_t used;
    assert_int_equal(parse(s, MC_STATS, NULL, &r, &used), MC_OK);
    assert_int_equal(r.nfields, 6);
    assert_int_equal(used, strlen(s) - 7);
    uint64_t n;
    assert_true(mc_stat_count(&r, "pid", &n));
    assert_int_equal(n, 25403);
    const char *v;
    size_t vl;
    assert_true(mc_stat(&r, "version", &v, &vl));
    assert_int_equal(vl, 6);
    assert_memory_equal(v, "1.6.18", 6);
    assert_false(mc_stat_count(&r, "version", &n)); /* not digits only */
    assert_false(mc_stat(&r, "absent", &v, &vl));
    unsigned cls;
    const char *field;
    size_t flen;
    assert_true(mc_items_name(r.fields[5].name, r.fields[5].nlen, &cls, &field, &flen));
    assert_int_equal(cls, 3);
    assert_int_equal(flen, 6);
    assert_false(mc_items_name("items::number", 13, &cls, &field, &flen));
    assert_false(mc_items_name("items:3", 7, &cls, &field, &flen));
    mc_reply_free(&r);
    /* a decoy's VERSION where STAT lines belong is not a stats reply */
    assert_int_equal(parse("VERSION 1.6.18\r\n", MC_STATS, NULL, &r, &used), MC_BAD);
    assert_int_equal(parse("STAT pid 1\r\nhello\r\nEND\r\n", MC_STATS, NULL, &r, &used), MC_BAD);
    /* every proper prefix asks for more */
    for (size_t k = 0; k < strlen(s) - 7; k++) {
        char err[64];
        assert_int_equal(mc_parse(s, k, MC_STATS, NULL, &r, &used, err, sizeof err), MC_NEED_MORE);
        assert_true(used > k);
    }
}

static void test_values(void **state)
{
    (void)state;
    const char *s = "VALUE a 0 5\r\nhello\r\nVALUE key:2 4294967295 3 77\r\nx\ry\r\nEND\r\n";
    struct mc_reply r;
    size_t used;
    assert_int_equal(parse(s, MC_VALUES, NULL, &r, &used), MC_OK);
    assert_int_equal(r.nitems, 2);
    assert_int_equal(r.items[0].dlen, 5);
    assert_memory_equal(r.items[0].data, "hello", 5);
    assert_int_equal(r.items[1].flags, 4294967295u);
    assert_int_equal(r.items[1].klen, 5);
    assert_memory_equal(r.items[1].data, "x\ry", 3);
    assert_int_equal(used, strlen(s));
    mc_reply_free(&r);
    assert_int_equal(parse("END\r\n", MC_VALUES, NULL, &r, &used), MC_OK);
    assert_int_equal(r.nitems, 0);
    /* the data block's length tells exactly how much is needed */
    assert_int_equal(parse("VALUE a 0 100\r\nabc", MC_VALUES, NULL, &r, &used), MC_NEED_MORE);
    assert_int_equal(used, 15 + 102);
    assert_int_equal(parse("VALUE a 0 3\r\nabcd\r\nEND\r\n", MC_VALUES, NULL, &r, &used), MC_BAD);
    assert_int_equal(parse("VALUE a 4294967296 3\r\nabc\r\nEND\r\n", MC_VALUES, NULL, &r, &used), MC_BAD);
    assert_int_equal(parse("VALUE a 0 -1\r\n", MC_VALUES, NULL, &r, &used), MC_BAD);
    assert_int_equal(parse("VALUE a 0 18446744073709551615\r\n", MC_VALUES, NULL, &r, &used), MC_BAD);
    const struct mc_limits small = {.max_line = 64, .max_items = 1, .max_value = 4, .max_total = 256};
    assert_int_equal(parse("VALUE a 0 5\r\nhello\r\nEND\r\n", MC_VALUES, &small, &r, &used), MC_BAD);
    assert_int_equal(parse("VALUE a 0 1\r\nh\r\nVALUE b 0 1\r\nh\r\nEND\r\n", MC_VALUES, &small, &r, &used), MC_BAD);
}

static void test_dump(void **state)
{
    (void)state;
    const char *s = "key=sess%3A1 exp=-1 la=1796693359 cas=2 fetch=no cls=3 size=72\r\n"
                    "key=k2 exp=1800000000 la=1 cas=3 fetch=yes cls=3 size=66\r\n"
                    "key=k3 exp=-1 la=1 cas=4 fetch=no cls=3 size=66\r\nEND\r\n";
    struct mc_reply r;
    size_t used;
    const struct mc_limits two = {.max_line = 4096, .max_items = 2, .max_value = 0, .max_total = 1 << 20};
    assert_int_equal(parse(s, MC_DUMP, &two, &r, &used), MC_OK);
    assert_int_equal(r.nfields, 2);
    assert_true(r.truncated); /* the third line was read and dropped */
    assert_false(r.cut);
    assert_int_equal(used, strlen(s));
    struct mc_dump_entry e;
    assert_true(mc_dump_entry(r.fields[0].name, r.fields[0].nlen, &e));
    assert_string_equal(e.key, "sess:1");
    assert_int_equal(e.cls, 3);
    assert_int_equal(e.size, 72);
    assert_false(e.expires);
    assert_true(mc_dump_entry(r.fields[1].name, r.fields[1].nlen, &e));
    assert_true(e.expires);
    mc_reply_free(&r);
    /* cut at the byte cap: the lines so far, the rest unread */
    const struct mc_limits tiny = {.max_line = 4096, .max_items = 100, .max_value = 0, .max_total = 130};
    assert_int_equal(parse(s, MC_DUMP, &tiny, &r, &used), MC_OK);
    assert_true(r.cut);
    assert_int_equal(r.nfields, 2);
    assert_int_equal(used, strlen("key=sess%3A1 exp=-1 la=1796693359 cas=2 fetch=no cls=3 size=72\r\n"
                                  "key=k2 exp=1800000000 la=1 cas=3 fetch=yes cls=3 size=66\r\n"));
    mc_reply_free(&r);
    assert_int_equal(parse("END\r\n", MC_DUMP, NULL, &r, &used), MC_OK);
    assert_int_equal(r.nfields, 0);
    assert_int_equal(parse("key=a cls=1\r\nbogus\r\nEND\r\n", MC_DUMP, NULL, &r, &used), MC_BAD);
    /* keys the text protocol cannot ask for */
    assert_false(mc_dump_entry("key=a%20b cls=1", 15, &e));
    assert_false(mc_dump_entry("key=a%0 cls=1", 13, &e));
    assert_false(mc_dump_entry("key=a%zz cls=1", 14, &e));
    assert_false(mc_dump_entry("exp=-1 cls=1", 12, &e));
    char longkey[600];
    snprintf(longkey, sizeof longkey, "key=%0300d cls=1", 0);
    assert_false(mc_dump_entry(longkey, strlen(longkey), &e));
}

static void test_binary(void **state)
{
    (void)state;
    unsigned char req[24];
    mc_binary_request(req, MC_BIN_VERSION);
    assert_int_equal(req[0], 0x80);
    assert_int_equal(req[1], 0x0b);
    /* STAT refused: status 0x20, body "Auth failure." */
    const unsigned char resp[] = "\x81\x10\x00\x00\x00\x00\x00\x20\x00\x00\x00\x0d"
                                 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                                 "Auth failure.";
    struct mc_reply r;
    size_t used;
    char err[64];
    assert_int_equal(mc_parse((const char *)resp, sizeof resp - 1, MC_BINARY, NULL, &r, &used, err, sizeof err), MC_OK);
    assert_int_equal(r.opcode, MC_BIN_STAT);
    assert_int_equal(r.status, 0x20);
    assert_true(r.error);
    assert_int_equal(r.len, 13);
    assert_int_equal(used, 37);
    assert_int_equal(mc_parse((const char *)resp, 30, MC_BINARY, NULL, &r, &used, err, sizeof err), MC_NEED_MORE);
    assert_int_equal(used, 37);
    assert_int_equal(mc_parse("VERSION 1.6.18\r\n", 16, MC_BINARY, NULL, &r, &used, err, sizeof err), MC_BAD);
    /* a body length of 2^32-1 breaks the cap at once */
    const unsigned char huge[] = "\x81\x0b\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff"
                                 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    assert_int_equal(mc_parse((const char *)huge, 24, MC_BINARY, NULL, &r, &used, err, sizeof err), MC_BAD);
}

static void test_caps(void **state)
{
    (void)state;
    const struct mc_limits small = {.max_line = 16, .max_items = 2, .max_value = 4, .max_total = 64};
    struct mc_reply r;
    size_t used;
    char line[64];
    memset(line, 'A', 40);
    line[40] = '\0';
    assert_int_equal(parse(line, MC_LINE, &small, &r, &used), MC_BAD); /* no end of line within the cap */
    assert_int_equal(parse("STAT a 1\r\nSTAT b 2\r\nSTAT c 3\r\nEND\r\n", MC_STATS, &small, &r, &used), MC_BAD);
    char endless[200];
    for (size_t i = 0; i + 10 < sizeof endless; i += 10)
        memcpy(endless + i, "STAT a 1\r\n", 10);
    endless[190] = '\0';
    const struct mc_limits many = {.max_line = 16, .max_items = 1000, .max_value = 4, .max_total = 64};
    assert_int_equal(parse(endless, MC_STATS, &many, &r, &used), MC_BAD); /* total cap */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines), cmocka_unit_test(test_stats),  cmocka_unit_test(test_values),
        cmocka_unit_test(test_dump),  cmocka_unit_test(test_binary), cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
