/* Unit tests for the bounded MySQL/MariaDB protocol parser (src/engines/mysql/mysql_proto.c), the
 * engine's SHOW GRANTS reading and identifier quoting, and that MySQL's own refusal text survives
 * the central redaction as the auth evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/textredact.h"
#include "engines/mysql/mysql_int.h"
#include "engines/mysql/mysql_proto.h"

/* A MariaDB 10.11 greeting payload as the lab server sends it. */
static size_t greeting(uint8_t *b)
{
    size_t n = 0;
    b[n++] = 10;
    const char *v = "5.5.5-10.11.6-MariaDB-0+deb12u1";
    memcpy(b + n, v, strlen(v) + 1);
    n += strlen(v) + 1;
    memcpy(b + n, "\x2a\x00\x00\x00", 4); /* connection id 42 */
    n += 4;
    memcpy(b + n, "abcdefgh", 8);
    n += 8;
    b[n++] = 0;
    b[n++] = 0xfe, b[n++] = 0xf7; /* caps low: PROTOCOL_41, SECURE_CONNECTION, … */
    b[n++] = 45;                  /* charset */
    b[n++] = 2, b[n++] = 0;       /* status */
    b[n++] = 0xff, b[n++] = 0x81; /* caps high: PLUGIN_AUTH, … */
    b[n++] = 21;                  /* auth data length */
    memset(b + n, 0, 10);
    n += 10;
    memcpy(b + n, "ijklmnopqrst", 12);
    n += 12;
    b[n++] = 0;
    memcpy(b + n, "mysql_native_password", 22);
    n += 22;
    return n;
}

static void test_handshake(void **state)
{
    (void)state;
    uint8_t b[256];
    size_t n = greeting(b);
    struct mysql_handshake h;
    char why[128];
    assert_true(mysql_parse_handshake(b, n, &h, why, sizeof why));
    assert_string_equal(h.version, "5.5.5-10.11.6-MariaDB-0+deb12u1");
    assert_int_equal(h.conn_id, 42);
    assert_int_equal(h.scramble_len, 20);
    assert_memory_equal(h.scramble, "abcdefghijklmnopqrst", 20);
    assert_string_equal(h.plugin, "mysql_native_password");
    assert_true(h.caps & MYSQL_CLIENT_PROTOCOL_41);
    assert_true(h.caps & MYSQL_CLIENT_PLUGIN_AUTH);
    /* every truncation is refused or parsed within bounds, never read past */
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = malloc(k ? k : 1);
        memcpy(c, b, k);
        mysql_parse_handshake(c, k, &h, why, sizeof why);
        free(c);
    }
    /* not MySQL: SSH banner, HTTP, a non-printable version, protocol 9 */
    const char *ssh = "SSH-2.0-OpenSSH_9.2\r\n";
    assert_false(mysql_parse_handshake((const uint8_t *)ssh, strlen(ssh), &h, why, sizeof why));
    const char *http = "HTTP/1.1 400 Bad Request\r\n\r\n";
    assert_false(mysql_parse_handshake((const uint8_t *)http, strlen(http), &h, why, sizeof why));
    b[3] = 0x01;
    assert_false(mysql_parse_handshake(b, n, &h, why, sizeof why));
    b[3] = '.';
    b[0] = 9;
    assert_false(mysql_parse_handshake(b, n, &h, why, sizeof why));
    /* an auth data length beyond the packet */
    b[0] = 10;
    uint8_t shortb[64];
    size_t sn = greeting(b);
    memcpy(shortb, b, 64);
    (void)sn;
    assert_false(mysql_parse_handshake(shortb, 64, &h, why, sizeof why)); /* cut inside part 2 */
}

static void test_frame(void **state)
{
    (void)state;
    struct mysql_packet pk;
    size_t used = 0;
    const uint8_t ok[] = {7, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0};
    assert_int_equal(mysql_frame(ok, sizeof ok, 1024, &pk, &used), MYSQL_DONE);
    assert_int_equal(used, 11);
    assert_int_equal(pk.seq, 2);
    assert_true(mysql_is_ok(pk.p, pk.len));
    assert_int_equal(mysql_frame(ok, 6, 1024, &pk, &used), MYSQL_MORE);
    assert_int_equal(used, 11);
    const uint8_t huge[] = {0xff, 0xff, 0xff, 0};
    assert_int_equal(mysql_frame(huge, 4, 1u << 30, &pk, &used), MYSQL_BAD); /* split packet */
    const uint8_t big[] = {0x00, 0x00, 0x10, 0};
    assert_int_equal(mysql_frame(big, 4, 4096, &pk, &used), MYSQL_BAD); /* over the cap */
}

static void test_lenenc(void **state)
{
    (void)state;
    uint64_t v = 0;
    size_t pos = 0;
    const uint8_t a[] = {0xfa};
    assert_int_equal(mysql_lenenc_int(a, 1, &pos, &v), 0);
    assert_int_equal(v, 250);
    const uint8_t b[] = {0xfc, 0x34, 0x12};
    pos = 0;
    assert_int_equal(mysql_lenenc_int(b, 3, &pos, &v), 0);
    assert_int_equal(v, 0x1234);
    assert_int_equal(pos, 3);
    const uint8_t c[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    pos = 0;
    assert_int_equal(mysql_lenenc_int(c, 9, &pos, &v), 0);
    assert_true(v == UINT64_MAX);
    pos = 0;
    const uint8_t *s;
    size_t len;
    assert_int_equal(mysql_lenenc_str(c, 9, &pos, &s, &len), -1); /* 2^64-1 bytes in 0 */
    pos = 0;
    assert_int_equal(mysql_lenenc_int(c, 5, &pos, &v), -1); /* truncated */
    const uint8_t nul[] = {0xfb};
    pos = 0;
    assert_int_equal(mysql_lenenc_str(nul, 1, &pos, &s, &len), 1);
    const uint8_t ff[] = {0xff};
    pos = 0;
    assert_int_equal(mysql_lenenc_int(ff, 1, &pos, &v), -1);
}

static void test_err(void **state)
{
    (void)state;
    struct mysql_err e;
    const char *p41 = "\xff\x15\x04#28000Access denied for user 'root'@'127.0.0.1' (using password: NO)";
    assert_true(mysql_parse_err((const uint8_t *)p41, strlen(p41), &e));
    assert_int_equal(e.code, 1045);
    assert_string_equal(e.state, "28000");
    assert_string_equal(e.msg, "Access denied for user 'root'@'127.0.0.1' (using password: NO)");
    const char *pre = "\xff\x6a\x04Host '10.0.0.9' is not allowed to connect to this MariaDB server";
    assert_true(mysql_parse_err((const uint8_t *)pre, strlen(pre), &e));
    assert_int_equal(e.code, 1130);
    assert_string_equal(e.state, "");
    assert_false(mysql_parse_err((const uint8_t *)"\xff\x01", 2, &e));
    char plugin[64];
    const uint8_t *data;
    size_t dlen;
    const char *sw = "\xfe"
                     "caching_sha2_password\0"
                     "0123456789abcdefghij";
    assert_true(mysql_parse_auth_switch((const uint8_t *)sw, 43, plugin, sizeof plugin, &data, &dlen));
    assert_string_equal(plugin, "caching_sha2_password");
    assert_int_equal(dlen, 20);
    assert_false(mysql_parse_auth_switch((const uint8_t *)"\xfe", 1, plugin, sizeof plugin, &data, &dlen));
}

/* Column definition packet with name `name`. */
static size_t coldef(uint8_t *b, const char *name)
{
    size_t n = 0;
    const char *parts[] = {"def", "shop", "users", "users", name, name};
    for (int i = 0; i < 6; i++) {
        b[n++] = (uint8_t)strlen(parts[i]);
        memcpy(b + n, parts[i], strlen(parts[i]));
        n += strlen(parts[i]);
    }
    b[n++] = 0x0c;
    memset(b + n, 0, 12);
    return n + 12;
}

static void test_resultset(void **state)
{
    (void)state;
    struct mysql_rs rs;
    uint8_t b[128];
    mysql_rs_init(&rs, 16);
    const uint8_t two[] = {2};
    assert_int_equal(mysql_rs_feed(&rs, two, 1), MYSQL_RS_CONT);
    assert_int_equal(mysql_rs_feed(&rs, b, coldef(b, "email")), MYSQL_RS_CONT);
    assert_int_equal(mysql_rs_feed(&rs, b, coldef(b, "api_key")), MYSQL_RS_CONT);
    const uint8_t eof[] = {0xfe, 0, 0, 2, 0};
    assert_int_equal(mysql_rs_feed(&rs, eof, sizeof eof), MYSQL_RS_CONT);
    assert_string_equal(rs.names[1], "api_key");
    const uint8_t row[] = {3, 'a', '@', 'b', 0xfb};
    assert_int_equal(mysql_rs_feed(&rs, row, sizeof row), MYSQL_RS_ROW);
    assert_int_equal(rs.ncells, 2);
    assert_int_equal(rs.lens[0], 3);
    assert_null(rs.cells[1]);
    const uint8_t shortrow[] = {5, 'a', 'b'};
    assert_int_equal(mysql_rs_feed(&rs, shortrow, sizeof shortrow), MYSQL_RS_BAD);
    mysql_rs_free(&rs);

    mysql_rs_init(&rs, 16);
    assert_int_equal(mysql_rs_feed(&rs, two, 1), MYSQL_RS_CONT);
    assert_int_equal(mysql_rs_feed(&rs, b, coldef(b, "a")), MYSQL_RS_CONT);
    assert_int_equal(mysql_rs_feed(&rs, b, coldef(b, "b")), MYSQL_RS_CONT);
    assert_int_equal(mysql_rs_feed(&rs, eof, sizeof eof), MYSQL_RS_CONT);
    const uint8_t err[] = {0xff, 0x7e, 0x04, '#', 'H', 'Y', '0', '0', '0', 'x'};
    assert_int_equal(mysql_rs_feed(&rs, err, sizeof err), MYSQL_RS_ERR);
    assert_int_equal(rs.err.code, 1150);
    mysql_rs_free(&rs);

    /* an OK (SET …), a LOCAL INFILE request (refused), absurd column counts */
    const uint8_t ok[] = {0, 0, 0, 2, 0, 0, 0};
    mysql_rs_init(&rs, 16);
    assert_int_equal(mysql_rs_feed(&rs, ok, sizeof ok), MYSQL_RS_END);
    mysql_rs_free(&rs);
    const uint8_t infile[] = {0xfb, '/', 'e', 't', 'c'};
    mysql_rs_init(&rs, 16);
    assert_int_equal(mysql_rs_feed(&rs, infile, sizeof infile), MYSQL_RS_BAD);
    mysql_rs_free(&rs);
    const uint8_t many[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    mysql_rs_init(&rs, 16);
    assert_int_equal(mysql_rs_feed(&rs, many, sizeof many), MYSQL_RS_BAD);
    mysql_rs_free(&rs);
    const uint8_t seventeen[] = {17};
    mysql_rs_init(&rs, 16);
    assert_int_equal(mysql_rs_feed(&rs, seventeen, 1), MYSQL_RS_BAD);
    mysql_rs_free(&rs);
}

static void test_build(void **state)
{
    (void)state;
    uint8_t b[256];
    uint32_t caps = MYSQL_CLIENT_PROTOCOL_41 | MYSQL_CLIENT_SECURE_CONNECTION | MYSQL_CLIENT_PLUGIN_AUTH;
    size_t n = mysql_build_login(b, sizeof b, caps, 45, "root", NULL, 0, "mysql_native_password");
    assert_int_equal(n, 4 + 32 + 5 + 1 + 22);
    assert_int_equal(b[3], 1);          /* sequence 1 */
    assert_int_equal(b[4 + 32 + 5], 0); /* empty auth response */
    uint32_t sent = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
    assert_int_equal(sent, caps);
    assert_int_equal(mysql_build_login(b, 40, caps, 45, "root", NULL, 0, "x"), 0);
    size_t qn = 0;
    uint8_t *q = mysql_build_query("SELECT 1 LIMIT 1", &qn);
    assert_non_null(q);
    assert_int_equal(qn, 4 + 1 + 16);
    assert_int_equal(q[4], 0x03);
    free(q);
}

static void test_grants(void **state)
{
    (void)state;
    struct my_posture p;
    memset(&p, 0, sizeof p);
    my_parse_grant(&p, "GRANT USAGE ON *.* TO `app`@`%`");
    my_parse_grant(&p, "GRANT SELECT, INSERT ON `shop`.* TO `app`@`%`");
    assert_true(p.priv_write);
    assert_false(p.priv_file);
    assert_string_equal(p.grants_global, "");
    my_parse_grant(&p, "GRANT FILE, PROCESS,SUPER ON *.* TO `app`@`%` WITH GRANT OPTION");
    assert_true(p.priv_file);
    assert_true(p.priv_super);
    assert_true(p.priv_process);
    assert_true(p.priv_grant);
    assert_false(p.priv_all);
    assert_string_equal(p.grants_global, "FILE, PROCESS, SUPER, GRANT OPTION");
    memset(&p, 0, sizeof p);
    my_parse_grant(&p, "GRANT ALL PRIVILEGES ON *.* TO `root`@`127.%` WITH GRANT OPTION");
    my_parse_grant(&p, "GRANT PROXY ON ''@'%' TO 'root'@'127.%' WITH GRANT OPTION");
    assert_true(p.priv_all);
    assert_string_equal(p.grants_global, "ALL PRIVILEGES, GRANT OPTION");
}

static void test_quote(void **state)
{
    (void)state;
    char buf[64];
    struct ls_strbuf b;
    ls_sb_init(&b, buf, sizeof buf);
    assert_true(my_quote_ident(&b, "we`ird"));
    assert_string_equal(buf, "`we``ird`");
    ls_sb_init(&b, buf, sizeof buf);
    assert_false(my_quote_ident(&b, ""));
}

/* The server's refusal is the auth evidence, word for word, after the central redaction. */
static void test_evidence_not_redacted(void **state)
{
    (void)state;
    const char *t = "Access denied for user 'root'@'127.0.0.1' (using password: NO)";
    bool changed = true;
    char *r = ls_redact_text(NULL, NULL, t, strlen(t), &changed);
    assert_string_equal(r, t);
    assert_false(changed);
    free(r);
    const char *secret = "login failed (password: Hunter2Wx9q)";
    r = ls_redact_text(NULL, NULL, secret, strlen(secret), &changed);
    assert_true(changed);
    assert_null(strstr(r, "Hunter2Wx9q"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_lenenc),
        cmocka_unit_test(test_err),
        cmocka_unit_test(test_resultset),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_grants),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_evidence_not_redacted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
