/* Counts a server sends: strict parsing (overflow is unknown, not 2^64-1), saturating totals that
 * the text and JSON reports print alike, and reports over empty lists (no tables, no secrets),
 * which once passed qsort a NULL array and aborted sanitizer builds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/catalog.h"
#include "model/model.h"
#include "render_one.h"
#include "report/report.h"
#include "util/num.h"

static void test_parse_count(void **state)
{
    (void)state;
    uint64_t v;
    assert_true(ls_parse_count("0", 1, &v));
    assert_int_equal(v, 0);
    assert_true(ls_parse_count("1100000", 7, &v));
    assert_int_equal(v, 1100000);
    assert_true(ls_parse_count("18446744073709551615", 20, &v)); /* fits: clamped for the model */
    assert_true(v == LS_COUNT_MAX);
    assert_false(ls_parse_count("18446744073709551616", 20, &v)); /* 2^64: overflow is unknown */
    assert_int_equal(v, 0);
    assert_false(ls_parse_count("99999999999999999999999", 23, &v));
    assert_false(ls_parse_count("", 0, &v));
    assert_false(ls_parse_count("-1", 2, &v));
    assert_false(ls_parse_count("12a", 3, &v));
    assert_false(ls_parse_count(" 12", 3, &v));
    assert_true(ls_count_add(LS_COUNT_MAX, 1) == LS_COUNT_MAX);
    assert_true(ls_count_add(UINT64_MAX, UINT64_MAX) == LS_COUNT_MAX);
    assert_int_equal(ls_count_add(2, 3), 5);
}

static void service(struct ls_service *s, size_t ntables, uint64_t rows)
{
    memset(s, 0, sizeof *s);
    snprintf(s->host, sizeof s->host, "127.77.3.14");
    snprintf(s->ip, sizeof s->ip, "127.77.3.14");
    s->port = 8123;
    s->engine = "clickhouse";
    s->interface = "http";
    s->auth = LS_AUTH_NONE;
    s->severity = LS_SEV_HIGH;
    for (size_t i = 0; i < ntables; i++) {
        struct ls_table *t = ls_service_add_table(s);
        assert_non_null(t);
        t->database = strdup("default");
        t->name = strdup(i ? "b" : "a");
        t->storage = strdup("MergeTree");
        t->rows = rows;
        t->bytes = rows;
        t->rows_known = true;
    }
}

static void test_huge_totals_agree(void **state)
{
    (void)state;
    struct ls_service s;
    service(&s, 2, LS_COUNT_MAX); /* two tables of ~2^63 rows once summed to "0 rows" */
    assert_true(ls_service_rows(&s) == LS_COUNT_MAX);
    char *text = render_one(LS_FORMAT_TEXT, &s, NULL), *jsonl = render_one(LS_FORMAT_JSONL, &s, NULL);
    assert_null(strstr(text, " 0 rows"));
    assert_non_null(strstr(text, "9,223,372,036,854,775,807 rows"));
    assert_non_null(strstr(jsonl, "\"rows\":9223372036854775807"));
    assert_null(strstr(jsonl, "\"rows\":-"));
    free(text);
    free(jsonl);
    ls_service_free(&s);
}

static void test_empty_service_every_format(void **state)
{
    (void)state;
    static const enum ls_format formats[] = {LS_FORMAT_TEXT, LS_FORMAT_JSONL,    LS_FORMAT_JSON,
                                             LS_FORMAT_HTML, LS_FORMAT_MARKDOWN, LS_FORMAT_SARIF};
    struct ls_service s;
    service(&s, 0, 0);
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        char *out = render_one(formats[f], &s, NULL);
        assert_true(strlen(out) > 0);
        free(out);
    }
    ls_service_free(&s);
}

int main(void)
{
    ls_model_set_engine_display(ls_engine_display); /* as the CLI does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_count),
        cmocka_unit_test(test_huge_totals_agree),
        cmocka_unit_test(test_empty_service_every_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
