/* Unit tests for the PostgreSQL password answers (--default-credentials): cleartext and MD5 against
 * a vector computed independently (Python hashlib), SCRAM's first message, and requests that are not
 * answered (no SCRAM mechanism, a server nonce that is not ours, too many PBKDF2 rounds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engines/postgres/pg_password.h"
#include "engines/postgres/pgwire.h"

static void test_cleartext_and_md5(void **state)
{
    (void)state;
    struct pg_scram st = {0};
    char out[512];
    const char *why = NULL;
    int n = pg_password_answer(PGW_AUTH_CLEARTEXT, "", 0, "postgres", "password", &st, out, sizeof out, &why);
    assert_int_equal(n, 1 + 4 + 9);
    assert_memory_equal(out, "p\0\0\0\15password", 14);
    n = pg_password_answer(PGW_AUTH_MD5, "\1\2\3\4", 4, "postgres", "postgres", &st, out, sizeof out, &why);
    assert_int_equal(n, 1 + 4 + 36);
    assert_memory_equal(out + 5, "md568be9ed08db75f318087ab337aaea044", 36);
}

static void test_scram(void **state)
{
    (void)state;
    struct pg_scram st = {0};
    char out[512], srv[200];
    const char *why = NULL;
    static const char mechs[] = "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0";
    int n = pg_password_answer(PGW_AUTH_SASL, mechs, sizeof mechs, "postgres", "pw", &st, out, sizeof out, &why);
    assert_true(n > 0);
    assert_int_equal(strlen(st.cnonce), PG_SCRAM_NONCE);
    assert_memory_equal(out + 5, "SCRAM-SHA-256\0", 14);
    assert_memory_equal(out + 5 + 14 + 4, "n,,n=,r=", 8);
    /* a server nonce that does not extend ours, then a PBKDF2 count over the cap */
    int l = snprintf(srv, sizeof srv, "r=someoneelse,s=c2FsdA==,i=4096");
    assert_int_equal(
        pg_password_answer(PGW_AUTH_SASL_CONT, srv, (size_t)l, "postgres", "pw", &st, out, sizeof out, &why), -1);
    l = snprintf(srv, sizeof srv, "r=%sxyz,s=c2FsdA==,i=100000000", st.cnonce);
    assert_int_equal(
        pg_password_answer(PGW_AUTH_SASL_CONT, srv, (size_t)l, "postgres", "pw", &st, out, sizeof out, &why), -1);
    l = snprintf(srv, sizeof srv, "r=%sxyz,s=c2FsdA==,i=4096", st.cnonce);
    n = pg_password_answer(PGW_AUTH_SASL_CONT, srv, (size_t)l, "postgres", "pw", &st, out, sizeof out, &why);
    assert_true(n > 0);
    assert_memory_equal(out + 5, "c=biws,r=", 9);
    assert_int_equal(pg_password_answer(PGW_AUTH_SASL_FINAL, "v=x", 3, "postgres", "pw", &st, out, sizeof out, &why),
                     0);
}

static void test_unanswered(void **state)
{
    (void)state;
    struct pg_scram st = {0};
    char out[512];
    const char *why = NULL;
    static const char mechs[] = "SCRAM-SHA-256-PLUS\0";
    assert_int_equal(
        pg_password_answer(PGW_AUTH_SASL, mechs, sizeof mechs, "postgres", "pw", &st, out, sizeof out, &why), -1);
    assert_non_null(strstr(why, "SCRAM-SHA-256"));
    assert_int_equal(pg_password_answer(PGW_AUTH_GSS, "", 0, "postgres", "pw", &st, out, sizeof out, &why), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cleartext_and_md5),
        cmocka_unit_test(test_scram),
        cmocka_unit_test(test_unanswered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
