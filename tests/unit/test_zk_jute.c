/* Unit tests for the ZooKeeper engine's bounded jute codec (src/engines/zookeeper/zk_jute.c) and
 * four-letter-word text parsing (zk_text.c), on bytes a Debian zookeeper 3.8.0 server sent. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdint.h>
#include <string.h>

#include "engines/zookeeper/zk_jute.h"
#include "engines/zookeeper/zk_text.h"

/* A ConnectResponse frame from the lab's open server: version 0, timeout 10000, a session id, a
 * 16-byte password, readOnly false. */
static const uint8_t connect_frame[] = {0x00, 0x00, 0x00, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x27,
                                        0x10, 0x01, 0x00, 0x00, 0xa6, 0x24, 0xf0, 0x00, 0x0e, 0x00, 0x00,
                                        0x00, 0x10, 0xa1, 0x1f, 0x69, 0x87, 0x07, 0xd6, 0xaa, 0xab, 0x24,
                                        0x55, 0x53, 0x39, 0x2c, 0x29, 0xeb, 0x6c, 0x00};

static void test_connect(void **state)
{
    (void)state;
    uint8_t req[64];
    assert_int_equal(zk_encode_connect(req, sizeof req, 10000), ZK_CONNECT_REQUEST_LEN);
    assert_memory_equal(req, "\x00\x00\x00\x2d\x00\x00\x00\x00", 8); /* 45-byte payload, version 0 */
    assert_int_equal(zk_encode_connect(req, 20, 10000), 0);          /* does not fit */

    size_t plen, used;
    assert_int_equal(zk_frame(connect_frame, sizeof connect_frame, 1 << 20, &plen, &used), ZK_FRAME_OK);
    assert_int_equal(plen, 37);
    assert_int_equal(used, sizeof connect_frame);
    struct zk_connect_response r;
    assert_true(zk_parse_connect_response(connect_frame + 4, plen, &r));
    assert_int_equal(r.timeout_ms, 10000);
    assert_false(r.read_only);
    assert_true(zk_parse_connect_response(connect_frame + 4, 36, &r)); /* without readOnly (3.4) */
    assert_false(zk_parse_connect_response(connect_frame + 4, 35, &r));
    uint8_t bad[37];
    memcpy(bad, connect_frame + 4, 37);
    bad[3] = 1; /* protocol version 1 */
    assert_false(zk_parse_connect_response(bad, 37, &r));
    memcpy(bad, connect_frame + 4, 37);
    bad[19] = 8; /* an 8-byte password */
    assert_false(zk_parse_connect_response(bad, 37, &r));
    assert_false(zk_parse_connect_response((const uint8_t *)"imok", 4, &r));
}

static void test_frame(void **state)
{
    (void)state;
    size_t plen, used;
    assert_int_equal(zk_frame(connect_frame, 3, 1 << 20, &plen, &used), ZK_FRAME_NEED_MORE);
    assert_int_equal(zk_frame(connect_frame, 10, 1 << 20, &plen, &used), ZK_FRAME_NEED_MORE);
    assert_int_equal(used, 41);
    assert_int_equal(zk_frame((const uint8_t *)"\xff\xff\xff\xff", 4, 1 << 20, &plen, &used), ZK_FRAME_BAD);
    assert_int_equal(zk_frame((const uint8_t *)"\x00\x20\x00\x00", 4, 1 << 20, &plen, &used), ZK_FRAME_BAD);
    /* "GET " as a length (what an HTTP client sends ZooKeeper) is far beyond any cap */
    assert_int_equal(zk_frame((const uint8_t *)"GET ", 4, 1 << 20, &plen, &used), ZK_FRAME_BAD);
}

static void test_request(void **state)
{
    (void)state;
    uint8_t b[64];
    size_t n = zk_encode_request(b, sizeof b, 7, ZK_OP_GET_DATA, "/ab");
    assert_int_equal(n, 4 + 8 + 4 + 3 + 1);
    assert_memory_equal(b, "\x00\x00\x00\x10\x00\x00\x00\x07\x00\x00\x00\x04\x00\x00\x00\x03/ab\x00", n);
    n = zk_encode_request(b, sizeof b, 8, ZK_OP_GET_ACL, "/ab"); /* no watch flag */
    assert_int_equal(n, 4 + 8 + 4 + 3);
    n = zk_encode_request(b, sizeof b, 9, ZK_OP_CLOSE_SESSION, NULL);
    assert_int_equal(n, 12);
    assert_memory_equal(b + 8, "\xff\xff\xff\xf5", 4);
    assert_int_equal(zk_encode_request(b, 10, 1, ZK_OP_GET_DATA, "/ab"), 0);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static size_t put_str(uint8_t *p, const char *s)
{
    put32(p, (uint32_t)strlen(s));
    memcpy(p + 4, s, strlen(s));
    return 4 + strlen(s);
}

static void on_name(void *ud, const uint8_t *name, size_t len)
{
    char *out = ud;
    strncat(out, (const char *)name, len);
    strcat(out, ";");
}

static void test_children_and_acl(void **state)
{
    (void)state;
    uint8_t body[256] = {0};
    size_t n = 0;
    put32(body, 2), n = 4;
    n += put_str(body + n, "services");
    n += put_str(body + n, "zookeeper");
    memset(body + n, 0, ZK_STAT_LEN);
    put32(body + n + 52, 17); /* dataLength */
    put32(body + n + 56, 2);  /* numChildren */
    n += ZK_STAT_LEN;
    char names[64] = "";
    size_t count;
    struct zk_stat st;
    assert_true(zk_parse_children2(body, n, 10, on_name, names, &count, &st));
    assert_string_equal(names, "services;zookeeper;");
    assert_int_equal(count, 2);
    assert_int_equal(st.data_length, 17);
    assert_int_equal(st.num_children, 2);
    assert_false(zk_parse_children2(body, n - 1, 10, on_name, names, &count, &st)); /* stat cut */
    put32(body, 0x7fffffff);                                                        /* a count no body can hold */
    assert_false(zk_parse_children2(body, n, 10, on_name, names, &count, &st));

    n = 0;
    put32(body, 2), n = 4;
    put32(body + n, 31), n += 4;
    n += put_str(body + n, "world");
    n += put_str(body + n, "anyone");
    put32(body + n, 1), n += 4;
    n += put_str(body + n, "digest");
    n += put_str(body + n, "admin:x2pWb5Hf1Vb2k2Ze9kqQ2yq9m0E=");
    memset(body + n, 0, ZK_STAT_LEN);
    n += ZK_STAT_LEN;
    char acl[160];
    int32_t world;
    assert_true(zk_parse_acl_list(body, n, acl, sizeof acl, &world));
    assert_string_equal(acl, "world:anyone:cdrwa, digest:admin:…:r");
    assert_null(strstr(acl, "x2pWb5"));
    assert_int_equal(world, 31);
    assert_false(zk_parse_acl_list(body, n - ZK_STAT_LEN - 1, acl, sizeof acl, &world));
}

static void test_reader(void **state)
{
    (void)state;
    struct zk_reader r;
    const uint8_t *p;
    size_t len;
    zk_reader_init(&r, "\xff\xff\xff\xff\x00\x00\x00\x09xy", 10);
    assert_true(zk_read_buffer(&r, &p, &len)); /* -1: null */
    assert_null(p);
    assert_false(zk_read_buffer(&r, &p, &len)); /* 9 bytes announced, 2 there */
    assert_true(r.bad);
    assert_int_equal(zk_read_int(&r), 0); /* sticky */
    zk_reader_init(&r, "\xff\xff\xff\xfe", 4);
    assert_false(zk_read_buffer(&r, &p, &len)); /* -2 */
    char perms[8];
    zk_perms_text(ZK_PERM_READ | ZK_PERM_ADMIN, perms);
    assert_string_equal(perms, "ra");
}

static void test_text(void **state)
{
    (void)state;
    const char *srvr = "Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\n"
                       "Latency min/avg/max: 0/0.0/0\nReceived: 1\nSent: 0\nConnections: 1\nOutstanding: 0\n"
                       "Zxid: 0x0\nMode: standalone\nNode count: 5\n";
    char v[64], build[160], f[64];
    assert_true(zk_srvr_parse(srvr, strlen(srvr), v, sizeof v, build, sizeof build));
    assert_string_equal(v, "3.8.0");
    assert_string_equal(build, "3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC");
    assert_true(zk_text_field(srvr, strlen(srvr), "Mode", ':', f, sizeof f));
    assert_string_equal(f, "standalone");
    assert_true(zk_text_field(srvr, strlen(srvr), "Node count", ':', f, sizeof f));
    assert_string_equal(f, "5");
    assert_false(zk_srvr_parse("Zookeeper version: 3.8.0\n", 25, v, sizeof v, build, sizeof build)); /* no Mode */
    assert_false(zk_srvr_parse("imok", 4, v, sizeof v, build, sizeof build));
    const char *refused = "mntr is not executed because it is not in the whitelist.\n";
    assert_true(zk_4lw_refused(refused, strlen(refused), "mntr"));
    assert_false(zk_4lw_refused(refused, strlen(refused), "envi"));
    assert_false(zk_4lw_refused("mntr", 4, "mntr"));
    const char *mntr = "zk_version\t3.8.0\nzk_znode_count\t71\nzk_server_state\tstandalone\n";
    assert_true(zk_text_field(mntr, strlen(mntr), "zk_znode_count", '\t', f, sizeof f));
    assert_string_equal(f, "71");
    const char *envi = "Environment:\nuser.name=zookeeper\nhost.name=zk-1.internal\n";
    assert_true(zk_text_field(envi, strlen(envi), "user.name", '=', f, sizeof f));
    assert_string_equal(f, "zookeeper");
    assert_false(zk_text_field(envi, strlen(envi), "user.home", '=', f, sizeof f));
    assert_true(zk_version_at_least("3.8.0", 3, 6));
    assert_true(zk_version_at_least("4.0", 3, 6));
    assert_false(zk_version_at_least("3.5.9", 3, 6));
    assert_false(zk_version_at_least("x", 3, 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect), cmocka_unit_test(test_frame), cmocka_unit_test(test_request),
        cmocka_unit_test(test_reader),  cmocka_unit_test(test_text),  cmocka_unit_test(test_children_and_acl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
