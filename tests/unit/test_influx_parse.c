/* Unit tests for the InfluxDB 1.x answer readers (src/engines/influxdb/influx_parse.c) and the
 * engine's first look (influx.c): /ping headers, /query results and series, point counts, cell
 * text, identifier quoting, subscription URLs and version comparison. The JSON samples are the
 * shapes influxd 1.6.7 answered in the lab. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <string.h>

#include "engines/engine.h"
#include "engines/influxdb/influx_parse.h"

static json_t *load(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    assert_non_null(j);
    return j;
}

static void add_header(struct ls_http_response *r, const char *name, const char *value)
{
    snprintf(r->headers[r->nheaders].name, sizeof r->headers[0].name, "%s", name);
    snprintf(r->headers[r->nheaders].value, sizeof r->headers[0].value, "%s", value);
    r->nheaders++;
}

static void test_ping(void **state)
{
    (void)state;
    struct ls_http_response r;
    char v[64], b[32];
    memset(&r, 0, sizeof r);
    add_header(&r, "Content-Type", "application/json");
    assert_false(ifx_ping_is_influx(204, &r, v, sizeof v, b, sizeof b)); /* a bare 204: a decoy */
    assert_string_equal(v, "");
    add_header(&r, "X-Influxdb-Build", "OSS");
    assert_false(ifx_ping_is_influx(204, &r, v, sizeof v, b, sizeof b)); /* no version */
    add_header(&r, "x-influxdb-version", "1.6.7~rc0");
    assert_true(ifx_ping_is_influx(204, &r, v, sizeof v, b, sizeof b));
    assert_string_equal(v, "1.6.7~rc0");
    assert_string_equal(b, "OSS");
    assert_false(ifx_ping_is_influx(404, &r, v, sizeof v, b, sizeof b));
    assert_false(ifx_ping_is_influx(204, NULL, v, sizeof v, b, sizeof b));
    char tiny[4];
    assert_true(ifx_ping_is_influx(204, &r, tiny, sizeof tiny, b, sizeof b));
    assert_string_equal(tiny, "1.6");
    struct ls_http_response e;
    memset(&e, 0, sizeof e);
    add_header(&e, "X-Influxdb-Version", "");
    assert_false(ifx_ping_is_influx(204, &e, v, sizeof v, b, sizeof b));
}

static void test_errors(void **state)
{
    (void)state;
    json_t *j = load("{\"error\":\"unable to parse authentication credentials\"}");
    assert_string_equal(ifx_top_error(j), "unable to parse authentication credentials");
    assert_null(ifx_result(j, 0));
    json_decref(j);
    j = load("{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}");
    assert_string_equal(ifx_top_error(j), "unauthorized access");
    json_decref(j);
    j = load("{\"error\":42}");
    assert_null(ifx_top_error(j));
    json_decref(j);
    j = load("[1,2]");
    assert_null(ifx_top_error(j));
    assert_null(ifx_result(j, 0));
    json_decref(j);
    j = load("{\"results\":[{\"statement_id\":0,\"error\":\"database not found: x\"}]}");
    assert_string_equal(ifx_result_error(ifx_result(j, 0)), "database not found: x");
    assert_int_equal(ifx_nseries(ifx_result(j, 0)), 0);
    json_decref(j);
}

static void test_series(void **state)
{
    (void)state;
    json_t *j = load("{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"measurements\",\"columns\":[\"name\"],"
                     "\"values\":[[\"cpu\"],[\"mem\"],[7],\"bad\"]}]},{\"statement_id\":1,\"series\":[{\"name\":\"m\","
                     "\"columns\":[\"fieldKey\",\"fieldType\"],\"values\":[[\"f\",\"float\"]]},\"junk\"]}]}");
    const json_t *r0 = ifx_result(j, 0);
    assert_non_null(r0);
    assert_null(ifx_result_error(r0));
    assert_int_equal(ifx_nseries(r0), 1);
    const json_t *s = ifx_series(r0, 0);
    assert_string_equal(ifx_series_name(s), "measurements");
    assert_int_equal(ifx_ncolumns(s), 1);
    assert_int_equal(ifx_column_index(s, "name"), 0);
    assert_int_equal(ifx_column_index(s, "nope"), -1);
    assert_int_equal(ifx_nrows(s), 4);
    assert_string_equal(ifx_cell_str(s, 0, 0), "cpu");
    assert_string_equal(ifx_cell_str(s, 1, 0), "mem");
    assert_null(ifx_cell_str(s, 2, 0)); /* a number */
    assert_null(ifx_cell(s, 3, 0));     /* a row that is not an array */
    assert_null(ifx_cell(s, 9, 0));
    assert_null(ifx_cell(s, 0, 5));
    const json_t *r1 = ifx_result(j, 1);
    assert_int_equal(ifx_nseries(r1), 2);
    assert_null(ifx_series(r1, 1)); /* not an object */
    assert_int_equal(ifx_column_index(ifx_series(r1, 0), "fieldType"), 1);
    assert_null(ifx_result(j, 2));
    assert_string_equal(ifx_series_name(NULL), "");
    assert_int_equal(ifx_nrows(NULL), 0);
    json_decref(j);
}

static void test_counts(void **state)
{
    (void)state;
    uint64_t n;
    bool uneven;
    json_t *j = load("{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"time\",\"count_f\","
                     "\"count_g\"],\"values\":[[\"1970-01-01T00:00:00Z\",120,120]]}]},"
                     "{\"statement_id\":1,\"series\":[{\"name\":\"d\",\"columns\":[\"time\",\"count_notes\","
                     "\"count_version\"],\"values\":[[\"1970-01-01T00:00:00Z\",6,10]]}]},"
                     "{\"statement_id\":2},"
                     "{\"statement_id\":3,\"error\":\"shard not found\"},"
                     "{\"statement_id\":4,\"series\":[{\"columns\":[\"time\",\"count_x\"],\"values\":[[0,\"7\"]]}]},"
                     "{\"statement_id\":5,\"series\":[{\"columns\":[\"time\",\"count_x\"],\"values\":[[0,-3]]}]},"
                     "{\"statement_id\":6,\"series\":[{\"columns\":[\"time\",\"count_x\",\"count_y\"],"
                     "\"values\":[[0,null,4]]}]},"
                     "{\"statement_id\":7,\"series\":[{\"columns\":[\"time\",\"mean\"],\"values\":[[0,4]]}]}]}");
    assert_true(ifx_count_points(ifx_result(j, 0), &n, &uneven));
    assert_int_equal(n, 120);
    assert_false(uneven);
    assert_true(ifx_count_points(ifx_result(j, 1), &n, &uneven));
    assert_int_equal(n, 10);
    assert_true(uneven);
    assert_true(ifx_count_points(ifx_result(j, 2), &n, &uneven)); /* no series: empty */
    assert_int_equal(n, 0);
    assert_false(ifx_count_points(ifx_result(j, 3), &n, &uneven));
    assert_false(ifx_count_points(ifx_result(j, 4), &n, &uneven)); /* a string */
    assert_false(ifx_count_points(ifx_result(j, 5), &n, &uneven)); /* negative */
    assert_true(ifx_count_points(ifx_result(j, 6), &n, &uneven));  /* null skipped */
    assert_int_equal(n, 4);
    assert_false(uneven);
    assert_false(ifx_count_points(ifx_result(j, 7), &n, &uneven)); /* not a count */
    assert_false(ifx_count_points(NULL, &n, &uneven));
    json_decref(j);
}

static void test_cell_text(void **state)
{
    (void)state;
    char out[64];
    json_t *j = load("[\"ghp_x\",42,-7,1.5,true,false,null,[\"http://a\",3,\"http://b\"],{\"k\":1}]");
    const char *want[] = {"ghp_x", "42", "-7", "1.5", "true", "false", "", "http://a, http://b", ""};
    for (size_t i = 0; i < 9; i++) {
        size_t n = ifx_cell_text(json_array_get(j, i), out, sizeof out);
        assert_string_equal(out, want[i]);
        assert_int_equal(n, strlen(want[i]));
    }
    char small[4];
    assert_int_equal(ifx_cell_text(json_array_get(j, 0), small, sizeof small), 3);
    assert_string_equal(small, "ghp");
    assert_int_equal(ifx_cell_text(NULL, out, sizeof out), 0);
    json_decref(j);
}

static void test_quote_ident(void **state)
{
    (void)state;
    char out[32];
    assert_true(ifx_quote_ident("cpu", out, sizeof out));
    assert_string_equal(out, "\"cpu\"");
    assert_true(ifx_quote_ident("a\"b\\c", out, sizeof out));
    assert_string_equal(out, "\"a\\\"b\\\\c\"");
    assert_true(ifx_quote_ident("", out, sizeof out));
    assert_string_equal(out, "\"\"");
    assert_false(ifx_quote_ident("abcdefghijklmnopqrstuvwxyz0123456789", out, sizeof out));
    assert_false(ifx_quote_ident("a", out, 2));
    char exact[6];
    assert_true(ifx_quote_ident("abc", exact, sizeof exact));
    assert_false(ifx_quote_ident("abcd", exact, sizeof exact));
}

static void test_userinfo(void **state)
{
    (void)state;
    char out[128];
    bool had;
    ifx_strip_userinfo("http://kapacitor:Kp4ss@127.77.14.9:9092/write", out, sizeof out, &had);
    assert_string_equal(out, "http://127.77.14.9:9092/write");
    assert_true(had);
    ifx_strip_userinfo("udp://10.0.0.5:9100", out, sizeof out, &had);
    assert_string_equal(out, "udp://10.0.0.5:9100");
    assert_false(had);
    ifx_strip_userinfo("http://h:1/path@x", out, sizeof out, &had); /* '@' after the host: kept */
    assert_string_equal(out, "http://h:1/path@x");
    assert_false(had);
    ifx_strip_userinfo("u:p@host", out, sizeof out, &had);
    assert_string_equal(out, "host");
    assert_true(had);
    ifx_strip_userinfo("http://a\nb", out, sizeof out, &had);
    assert_string_equal(out, "http://a?b");
}

static void test_version(void **state)
{
    (void)state;
    bool below;
    assert_true(ifx_version_below("1.6.7~rc0", 1, 7, 6, &below));
    assert_true(below);
    assert_true(ifx_version_below("1.7.6", 1, 7, 6, &below));
    assert_false(below);
    assert_true(ifx_version_below("1.8.10", 1, 7, 6, &below));
    assert_false(below);
    assert_true(ifx_version_below("1.7", 1, 7, 6, &below));
    assert_true(below);
    assert_true(ifx_version_below("0.13.0", 1, 7, 6, &below));
    assert_true(below);
    assert_true(ifx_version_below("2.7.1", 1, 7, 6, &below));
    assert_false(below);
    assert_true(ifx_version_below("v1", 1, 7, 6, &below) == false);
    assert_false(ifx_version_below("", 1, 7, 6, &below));
    assert_false(ifx_version_below(NULL, 1, 7, 6, &below));
    assert_true(ifx_version_below("99999999999999999999.1", 1, 7, 6, &below));
    assert_false(below);
}

static void test_first_look(void **state)
{
    (void)state;
    const struct ls_engine *e = ls_engine_find("influxdb", "http");
    assert_non_null(e);
    assert_non_null(e->first_look);
    const char *influx = "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         "X-Influxdb-Build: OSS\r\nX-Influxdb-Version: 1.6.7~rc0\r\n\r\n404 page not found\n";
    assert_true(e->first_look((const unsigned char *)influx, strlen(influx), true));
    const char *lower = "HTTP/1.1 404 Not Found\r\nx-influxdb-version: 1.8.10\r\n\r\n";
    assert_true(e->first_look((const unsigned char *)lower, strlen(lower), true));
    const char *decoy = "HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\n\r\n";
    assert_false(e->first_look((const unsigned char *)decoy, strlen(decoy), true));
    const char *body = "HTTP/1.1 200 OK\r\n\r\nX-Influxdb-Version:"; /* in the body, after a blank line */
    assert_false(e->first_look((const unsigned char *)body, strlen(body), true));
    const char *resp = "-ERR unknown command\r\n";
    assert_false(e->first_look((const unsigned char *)resp, strlen(resp), false));
    assert_false(e->first_look((const unsigned char *)"", 0, true));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping),     cmocka_unit_test(test_errors),    cmocka_unit_test(test_series),
        cmocka_unit_test(test_counts),   cmocka_unit_test(test_cell_text), cmocka_unit_test(test_quote_ident),
        cmocka_unit_test(test_userinfo), cmocka_unit_test(test_version),   cmocka_unit_test(test_first_look),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
