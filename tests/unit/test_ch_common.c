/* Unit tests of the ClickHouse helpers shared by both engines: error codes of old and RBAC-era
 * servers, version leaks in error bodies, and the sampling projection (quoting, types). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/clickhouse/ch_common.h"

static void test_error_codes(void **state)
{
    (void)state;
    const char *old = "Code: 194, e.displayText() = DB::Exception: Password required for user default, e.what() = "
                      "DB::Exception\n";
    const char *rbac = "Code: 516. DB::Exception: default: Authentication failed: password is incorrect, or there "
                       "is no user with such name. (AUTHENTICATION_FAILED) (version 22.8.3.13 (official build))\n";
    assert_int_equal(ch_error_code(old, strlen(old)), 194);
    assert_int_equal(ch_error_code(rbac, strlen(rbac)), 516);
    assert_int_equal(ch_error_code("Ok.\n", 4), 0);
    assert_int_equal(ch_error_code("Code: abc", 9), 0);
    assert_int_equal(ch_error_code("Code: 12", 8), 0); /* cut short: no separator */
    assert_true(ch_is_auth_error(192) && ch_is_auth_error(193) && ch_is_auth_error(194));
    assert_true(ch_is_auth_error(195) && ch_is_auth_error(516));
    assert_false(ch_is_auth_error(164) || ch_is_auth_error(60));
    char v[64];
    assert_true(ch_error_version(rbac, strlen(rbac), v, sizeof v));
    assert_string_equal(v, "22.8.3.13");
    assert_false(ch_error_version(old, strlen(old), v, sizeof v));
    const char *trace = "0. libclickhouse.so.18.16(StackTrace::StackTrace()+0x16) [0x7f]\n";
    assert_true(ch_stack_version(trace, strlen(trace), v, sizeof v));
    assert_string_equal(v, "18.16");
    assert_false(ch_stack_version("libclickhouse.so.", 17, v, sizeof v));
    assert_false(ch_stack_version("", 0, v, sizeof v));
    char sum[40];
    ch_error_summary(old, strlen(old), sum, sizeof sum);
    assert_int_equal(strlen(sum), sizeof sum - 1);
    assert_memory_equal(sum, "Code: 194, e.displayText()", 26);
}

static void test_sample_sql(void **state)
{
    (void)state;
    struct ls_column cols[] = {
        {"timestamp", "DateTime"}, {"span_name", "String"},        {"string.values", "Array(String)"},
        {"n", "Array(Float64)"},   {"we`ird", "Nullable(String)"}, {"lc", "LowCardinality(String)"},
        {"bad\nname", "String"},
    };
    struct ls_table t = {.database = "default", .name = "log_stream", .columns = cols, .ncolumns = 7};
    const char **names;
    size_t n;
    char *sql = ch_sample_sql(&t, 1000, &names, &n);
    assert_non_null(sql);
    assert_int_equal(n, 4);
    assert_string_equal(names[0], "span_name");
    assert_string_equal(names[1], "string.values");
    assert_string_equal(names[2], "we`ird");
    assert_string_equal(names[3], "lc");
    assert_non_null(strstr(sql, "ifNull(toString(`span_name`), '')"));
    assert_non_null(strstr(sql, "arrayStringConcat(arrayMap(x -> ifNull(toString(x), ''), `string.values`), '\\n')"));
    assert_non_null(strstr(sql, "`we\\`ird`"));
    assert_null(strstr(sql, "bad\n"));
    assert_non_null(strstr(sql, " FROM `default`.`log_stream` LIMIT 1000"));
    free(sql);
    free(names);

    struct ls_column numeric[] = {{"x", "UInt64"}};
    struct ls_table t2 = {.database = "d", .name = "n", .columns = numeric, .ncolumns = 1};
    assert_null(ch_sample_sql(&t2, 10, &names, &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_codes),
        cmocka_unit_test(test_sample_sql),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
