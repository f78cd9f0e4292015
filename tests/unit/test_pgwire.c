/* Unit tests for the bounded PostgreSQL v3 wire parser and builders (src/engines/postgres/pgwire.c):
 * framing and its refusals (an HTTP answer, a bad length), authentication requests, ErrorResponse
 * fields, ParameterStatus, RowDescription, DataRow with NULLs and truncation, and the frontend
 * messages and identifier quoting. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdint.h>
#include <string.h>

#include "engines/postgres/pgwire.h"

/* Builds a backend message type + length + body into out; returns its size. */
static size_t mk(char *out, char type, const char *body, size_t len)
{
    out[0] = type;
    uint32_t l = (uint32_t)len + 4;
    out[1] = (char)(l >> 24), out[2] = (char)(l >> 16), out[3] = (char)(l >> 8), out[4] = (char)l;
    memcpy(out + 5, body, len);
    return len + 5;
}

static enum pgw_status frame(const char *buf, size_t n, struct pgw_msg *m, size_t *used)
{
    char err[120];
    return pgw_frame(buf, n, 1 << 20, m, used, err, sizeof err);
}

static void test_frame(void **state)
{
    (void)state;
    char buf[64];
    struct pgw_msg m;
    size_t used;
    size_t n = mk(buf, 'Z', "I", 1);
    assert_int_equal(frame(buf, n, &m, &used), PGW_OK);
    assert_int_equal(m.type, 'Z');
    assert_int_equal(m.len, 1);
    assert_int_equal(used, 6);
    assert_int_equal(frame(buf, 3, &m, &used), PGW_NEED_MORE);
    assert_int_equal(frame(buf, 5, &m, &used), PGW_NEED_MORE);
    assert_int_equal(used, 6);
    /* an HTTP server's answer is not a v3 message */
    const char *http = "HTTP/1.1 400 Bad Request\r\n\r\n";
    assert_int_equal(frame(http, strlen(http), &m, &used), PGW_BAD);
    /* a known type byte with an absurd length (an echo of "E" + text) */
    const char *echo = "ERROR whatever";
    assert_int_equal(frame(echo, strlen(echo), &m, &used), PGW_BAD);
    /* length below 4 */
    char small[5] = {'R', 0, 0, 0, 3};
    assert_int_equal(frame(small, 5, &m, &used), PGW_BAD);
    /* our own StartupMessage echoed back starts with a NUL */
    char startup[128];
    const char *kv[] = {"user", "postgres"};
    size_t sl = pgw_startup(startup, sizeof startup, kv, 1);
    assert_true(sl > 0);
    assert_int_equal(frame(startup, sl, &m, &used), PGW_BAD);
}

static void test_auth(void **state)
{
    (void)state;
    char buf[128];
    struct pgw_msg m;
    size_t used;
    struct pgw_auth a;
    size_t n = mk(buf, 'R', "\0\0\0\0", 4);
    assert_int_equal(frame(buf, n, &m, &used), PGW_OK);
    assert_int_equal(pgw_parse_auth(&m, &a), 0);
    assert_int_equal(a.code, PGW_AUTH_OK);
    static const char sasl[] = "\0\0\0\x0aSCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0";
    n = mk(buf, 'R', sasl, sizeof sasl); /* sizeof includes the final empty name's NUL */
    assert_int_equal(frame(buf, n, &m, &used), PGW_OK);
    assert_int_equal(pgw_parse_auth(&m, &a), 0);
    assert_string_equal(a.mechs, "SCRAM-SHA-256-PLUS, SCRAM-SHA-256");
    assert_string_equal(pgw_auth_method(&a), "a password (SCRAM-SHA-256)");
    n = mk(buf, 'R', "\0\0\0\x05salt", 8);
    assert_int_equal(frame(buf, n, &m, &used), PGW_OK);
    assert_int_equal(pgw_parse_auth(&m, &a), 0);
    assert_string_equal(pgw_auth_method(&a), "a password (MD5)");
    /* MD5 without its salt, an unknown code, SASL without the terminating empty name */
    n = mk(buf, 'R', "\0\0\0\x05", 4);
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_auth(&m, &a), -1);
    n = mk(buf, 'R', "\0\0\0\x63", 4);
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_auth(&m, &a), -1);
    n = mk(buf, 'R', "\0\0\0\x0aSCRAM", 9);
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_auth(&m, &a), -1);
}

static void test_error(void **state)
{
    (void)state;
    char buf[256], text[300];
    struct pgw_msg m;
    size_t used;
    struct pgw_error e;
    static const char body[] = "SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"postgres\"\0"
                               "Fauth.c\0\0";
    size_t n = mk(buf, 'E', body, sizeof body - 1);
    assert_int_equal(frame(buf, n, &m, &used), PGW_OK);
    assert_int_equal(pgw_parse_error(&m, &e), 0);
    assert_string_equal(e.code, "28P01");
    pgw_error_text(&e, text, sizeof text);
    assert_string_equal(text, "FATAL: password authentication failed for user \"postgres\" (28P01)");
    /* no SQLSTATE, a bad SQLSTATE, an unterminated field */
    static const char nocode[] = "SFATAL\0Mhello\0\0";
    n = mk(buf, 'E', nocode, sizeof nocode - 1);
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_error(&m, &e), -1);
    static const char badcode[] = "SFATAL\0Cab;de\0Mhello\0\0";
    n = mk(buf, 'E', badcode, sizeof badcode - 1);
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_error(&m, &e), -1);
    static const char unterminated[] = "SFATAL\0C28000\0Mhel";
    n = mk(buf, 'E', unterminated, sizeof unterminated - 1);
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_error(&m, &e), -1);
}

static void test_rows(void **state)
{
    (void)state;
    char buf[256];
    struct pgw_msg m;
    size_t used;
    const char *name, *value;
    static const char ps[] = "server_version\00015.18\0";
    size_t n = mk(buf, 'S', ps, sizeof ps - 1);
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_param(&m, &name, &value), 0);
    assert_string_equal(name, "server_version");
    assert_string_equal(value, "15.18");
    /* RowDescription: 1 column "email" + 18 bytes of attributes */
    char rd[64] = {0, 1};
    memcpy(rd + 2, "email", 6);
    n = mk(buf, 'T', rd, 2 + 6 + 18);
    frame(buf, n, &m, &used);
    const char *names[4];
    size_t nc;
    assert_int_equal(pgw_parse_rowdesc(&m, 4, names, &nc), 0);
    assert_int_equal(nc, 1);
    assert_string_equal(names[0], "email");
    n = mk(buf, 'T', rd, 2 + 6 + 17); /* attributes cut short */
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_rowdesc(&m, 4, names, &nc), -1);
    /* DataRow: "ab", NULL, "" */
    static const char dr[] = "\0\3\0\0\0\2ab\xff\xff\xff\xff\0\0\0\0";
    n = mk(buf, 'D', dr, sizeof dr - 1);
    frame(buf, n, &m, &used);
    char scratch[64];
    char *cells[4];
    size_t lens[4];
    assert_int_equal(pgw_parse_datarow(&m, 4, scratch, sizeof scratch, cells, lens, &nc), 0);
    assert_int_equal(nc, 3);
    assert_string_equal(cells[0], "ab");
    assert_null(cells[1]);
    assert_string_equal(cells[2], "");
    assert_int_equal(pgw_parse_datarow(&m, 2, scratch, sizeof scratch, cells, lens, &nc), -1); /* too many */
    static const char longcell[] = "\0\1\0\0\0\x64short";
    n = mk(buf, 'D', longcell, sizeof longcell - 1);
    frame(buf, n, &m, &used);
    assert_int_equal(pgw_parse_datarow(&m, 4, scratch, sizeof scratch, cells, lens, &nc), -1);
}

static void test_builders(void **state)
{
    (void)state;
    char out[128];
    const char *kv[] = {"user", "postgres", "database", "postgres"};
    size_t n = pgw_startup(out, sizeof out, kv, 2);
    assert_int_equal(n, 8 + 5 + 9 + 9 + 9 + 1);
    assert_memory_equal(out, "\0\0\0\x29\0\3\0\0user\0postgres\0", 22);
    assert_int_equal(out[n - 1], 0);
    assert_int_equal(pgw_startup(out, 10, kv, 2), 0);
    n = pgw_query(out, sizeof out, "SELECT 1");
    assert_int_equal(n, 14);
    assert_memory_equal(out, "Q\0\0\0\x0dSELECT 1\0", 14);
    assert_int_equal(pgw_ssl_request(out, sizeof out), 8);
    assert_memory_equal(out, "\0\0\0\x08\x04\xd2\x16\x2f", 8);
    size_t pos = 0;
    assert_true(pgw_quote_ident(out, sizeof out, &pos, "we\"ird"));
    assert_string_equal(out, "\"we\"\"ird\"");
    pos = 0;
    assert_false(pgw_quote_ident(out, 6, &pos, "abcdef"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame), cmocka_unit_test(test_auth),     cmocka_unit_test(test_error),
        cmocka_unit_test(test_rows),  cmocka_unit_test(test_builders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
