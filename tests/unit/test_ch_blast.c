/* Unit tests of the ClickHouse blast-radius pieces that need no server: CVE matching against
 * full and partial versions (ch_cves.c) and credentials pulled out of engine arguments and URLs
 * in DDL texts (ch_blast.c), which must come out redacted and fingerprinted, never raw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/redact.h"
#include "engines/clickhouse/ch_blast.h"
#include "engines/clickhouse/ch_cves.h"

static const struct ls_cve *cve(const char *id)
{
    size_t n;
    const struct ls_cve *c = ch_cves(&n);
    for (size_t i = 0; i < n; i++)
        if (strncmp(c[i].ids, id, strlen(id)) == 0)
            return &c[i];
    fail_msg("no %s in the table", id);
    return NULL;
}

static enum ch_cve_match m(const char *id, const char *version)
{
    char why[200];
    return ch_cve_match(cve(id), version, why, sizeof why);
}

static void test_version_parse(void **state)
{
    (void)state;
    long v[4];
    assert_int_equal(ch_version_parse("22.8.3.13", v), 4);
    assert_int_equal(v[0], 22);
    assert_int_equal(v[3], 13);
    assert_int_equal(ch_version_parse("18.16", v), 2);
    assert_int_equal(ch_version_parse("18.16.1+ds", v), 3);
    assert_int_equal(ch_version_parse("default", v), 0);
    assert_int_equal(ch_version_parse("", v), 0);
}

static void test_cve_single_fix(void **state)
{
    (void)state;
    assert_int_equal(m("CVE-2019-16535", "18.16.1"), CH_CVE_AFFECTED);
    assert_int_equal(m("CVE-2019-16535", "18.16"), CH_CVE_AFFECTED); /* partial, but an older branch */
    assert_int_equal(m("CVE-2019-16535", "19.14.3.2"), CH_CVE_AFFECTED);
    assert_int_equal(m("CVE-2019-16535", "19.14.3.3"), CH_CVE_NOT_AFFECTED);
    assert_int_equal(m("CVE-2019-16535", "19.14"), CH_CVE_POSSIBLY); /* patch level unknown */
    assert_int_equal(m("CVE-2019-16535", "20.3.1"), CH_CVE_NOT_AFFECTED);
    assert_int_equal(m("CVE-2021-43304", "21.10.2.15"), CH_CVE_NOT_AFFECTED);
    assert_int_equal(m("CVE-2021-43304", "21.10.2.14"), CH_CVE_AFFECTED);
    assert_int_equal(m("CVE-2021-43304", "21.9.5"), CH_CVE_AFFECTED);
}

static void test_cve_backports(void **state)
{
    (void)state;
    /* fixed on 22.3, 22.6, 22.7, 22.8, 22.9 */
    assert_int_equal(m("CVE-2022-44010", "22.8.2.11"), CH_CVE_NOT_AFFECTED);
    assert_int_equal(m("CVE-2022-44010", "22.8.2.10"), CH_CVE_AFFECTED);
    assert_int_equal(m("CVE-2022-44010", "22.3.20.1"), CH_CVE_NOT_AFFECTED);
    assert_int_equal(m("CVE-2022-44010", "22.4.5.9"), CH_CVE_AFFECTED); /* no fix on its branch */
    assert_int_equal(m("CVE-2022-44010", "22.10.1.1"), CH_CVE_NOT_AFFECTED);
    assert_int_equal(m("CVE-2022-44010", "22.8"), CH_CVE_POSSIBLY);
    assert_int_equal(m("CVE-2022-44010", "22"), CH_CVE_POSSIBLY);
    assert_int_equal(m("CVE-2022-44010", "18.16.1"), CH_CVE_AFFECTED);
    assert_int_equal(m("CVE-2022-44010", "25.1.1"), CH_CVE_NOT_AFFECTED);
}

static void test_cve_introduced(void **state)
{
    (void)state;
    /* the codec did not exist in 18.16 */
    assert_int_equal(m("CVE-2023-47118", "18.16.1"), CH_CVE_NOT_AFFECTED);
    assert_int_equal(m("CVE-2023-47118", "22.8.3.13"), CH_CVE_AFFECTED);
    assert_int_equal(m("CVE-2023-47118", "23.8.6.16"), CH_CVE_NOT_AFFECTED);
    char why[200];
    ch_cve_match(cve("CVE-2019-18657"), "18.16.1", why, sizeof why);
    assert_non_null(strstr(why, "19.13.6.1"));
    assert_int_equal(m("CVE-2019-18657", "not a version"), CH_CVE_NOT_AFFECTED);
}

/* ---- credentials in definitions ---- */

static struct ls_scan_limits limits;
static struct ls_session session = {.limits = &limits};

static const struct ls_secret *secret_for(const struct ls_table *t, const char *value)
{
    char fp[72];
    ls_fingerprint(value, strlen(value), fp);
    for (size_t i = 0; i < t->nsecrets; i++)
        if (strcmp(t->secrets[i].fingerprint, fp) == 0)
            return &t->secrets[i];
    return NULL;
}

static void test_engine_credentials(void **state)
{
    (void)state;
    struct ls_table t = {0};
    const char *mysql = "CREATE TABLE default.orders_mirror ( id UInt32) ENGINE = MySQL('10.1.2.3:3306', 'shop', "
                        "'orders', 'shop_ro', 'Mysql-Lab-Pw-7731')";
    assert_int_equal(ch_engine_credentials(&session, &t, "create_table_query", mysql, strlen(mysql)), 1);
    const struct ls_secret *sec = secret_for(&t, "Mysql-Lab-Pw-7731");
    assert_non_null(sec);
    assert_string_equal(sec->rule, "clickhouse-engine-credentials");
    assert_string_equal(sec->column, "create_table_query");
    assert_null(sec->raw);
    assert_null(strstr(sec->redacted, "Lab-Pw"));
    assert_true(t.classes & LS_CLASS_SECRETS);

    const char *url = "ENGINE = URL('http://feed:UrlLabPw-4410@10.1.2.3:8080/feed.csv', CSV)";
    assert_int_equal(ch_engine_credentials(&session, &t, "create_table_query", url, strlen(url)), 1);
    assert_non_null(secret_for(&t, "UrlLabPw-4410"));

    const char *s3 = "ENGINE = S3('https://bucket.s3.amazonaws.com/x.csv', 'AKIAIOSFODNN7EXAMPLE', "
                     "'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'CSV')";
    assert_int_equal(ch_engine_credentials(&session, &t, "create_table_query", s3, strlen(s3)), 1);
    assert_non_null(secret_for(&t, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

    /* the same MySQL password again: counted, not duplicated */
    size_t before = t.nsecrets;
    ch_engine_credentials(&session, &t, "create_table_query", mysql, strlen(mysql));
    assert_int_equal(t.nsecrets, before);
    assert_int_equal(secret_for(&t, "Mysql-Lab-Pw-7731")->count, 2);

    /* nothing to find: no URL password, S3 without keys, MySQL with too few arguments */
    const char *none = "ENGINE = URL('http://10.1.2.3/feed.csv', CSV) S3('https://b/x.csv', 'CSV') MySQL('h', 'db')";
    assert_int_equal(ch_engine_credentials(&session, &t, "q", none, strlen(none)), 0);
    assert_int_equal(t.nsecrets, before);
    ls_table_free(&t);
}

static void test_external_engines(void **state)
{
    (void)state;
    assert_true(ch_is_external_engine("MySQL"));
    assert_true(ch_is_external_engine("Kafka"));
    assert_true(ch_is_external_engine("URL"));
    assert_false(ch_is_external_engine("MergeTree"));
    assert_false(ch_is_external_engine("TinyLog"));
    assert_false(ch_is_external_engine(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_parse),      cmocka_unit_test(test_cve_single_fix),
        cmocka_unit_test(test_cve_backports),      cmocka_unit_test(test_cve_introduced),
        cmocka_unit_test(test_engine_credentials), cmocka_unit_test(test_external_engines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
