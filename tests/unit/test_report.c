/* Unit tests for the output layer: JSON Lines / JSON contract, formatting helpers, hostile input,
 * the writer contract (the text layout: test_report_text.c). */
#include "engines/catalog.h"
#include "report_fixtures.h"

/* ---- formatting helpers ---- */

static void test_format_parse(void **state)
{
    assert_int_equal(ls_format_parse("text"), LS_FORMAT_TEXT);
    assert_int_equal(ls_format_parse("jsonl"), LS_FORMAT_JSONL);
    assert_int_equal(ls_format_parse("json"), LS_FORMAT_JSON);
    assert_int_equal(ls_format_parse("JSONL"), LS_FORMAT_JSONL);
    assert_int_equal(ls_format_parse("html"), LS_FORMAT_HTML);
    assert_int_equal(ls_format_parse("sarif"), LS_FORMAT_SARIF);
    assert_int_equal(ls_format_parse("markdown"), LS_FORMAT_MARKDOWN);
    assert_int_equal(ls_format_parse("xml"), -1);
    assert_int_equal(ls_format_parse(""), -1);
    assert_int_equal(ls_format_parse(NULL), -1);
    assert_string_equal(ls_format_name(LS_FORMAT_JSONL), "jsonl");
    assert_null(ls_report_new((enum ls_format)42, stdout, NULL));
}

static void test_fmt_numbers(void **state)
{
    char b[LS_FMT_NUM];
    assert_string_equal(ls_fmt_thousands(0, b), "0");
    assert_string_equal(ls_fmt_thousands(999, b), "999");
    assert_string_equal(ls_fmt_thousands(1000, b), "1,000");
    assert_string_equal(ls_fmt_thousands(1102000, b), "1,102,000");
    assert_string_equal(ls_fmt_thousands(UINT64_MAX, b), "18,446,744,073,709,551,615");
    assert_string_equal(ls_fmt_bytes(0, b), "0 B");
    assert_string_equal(ls_fmt_bytes(1023, b), "1023 B");
    assert_string_equal(ls_fmt_bytes(1024, b), "1.0 KiB");
    assert_string_equal(ls_fmt_bytes(66979635, b), "63.9 MiB");
    assert_string_equal(ls_fmt_bytes(1048575, b), "1.0 MiB"); /* not "1024.0 KiB" */
    assert_string_equal(ls_fmt_bytes(UINT64_MAX, b), "16.0 EiB");
    assert_string_equal(ls_fmt_duration(850, b), "850 ms");
    assert_string_equal(ls_fmt_duration(1234, b), "1.2 s");
    assert_string_equal(ls_fmt_duration(125000, b), "2 min 5 s");
    assert_string_equal(ls_fmt_duration(3725000, b), "1 h 2 min");
}

static void test_utf8(void **state)
{
    assert_true(ls_utf8_valid("plain ascii", 11));
    assert_true(ls_utf8_valid("h\xC3\xA9 \xE2\x80\xA6 \xF0\x9F\x98\x80", 12));
    assert_false(ls_utf8_valid("\xC0\x80", 2));         /* overlong NUL */
    assert_false(ls_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(ls_utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(ls_utf8_valid("\xE2\x80", 2));         /* truncated */
    assert_false(ls_utf8_valid("\xFF", 1));
    char *s = ls_utf8_sanitize("a\xFF"
                               "b\xE2\x80"
                               "c",
                               6);
    assert_string_equal(s, "a\xEF\xBF\xBD"
                           "b\xEF\xBF\xBD"
                           "c"); /* maximal subpart -> one U+FFFD */
    free(s);
    s = ls_text_clean("x\033[31my\r\n\xC2\x9B\xE2\x80\xAEz", 15, 0);
    assert_string_equal(s, "x\\x1b[31my\\x0d\\x0a\\u009b\\u202ez");
    free(s);
    s = ls_text_clean("a\tb\nc", 5, LS_CLEAN_SPACE);
    assert_string_equal(s, "a b c");
    free(s);
    assert_int_equal(ls_text_width("ghp_\xE2\x80\xA6"
                                   "3Xk"),
                     8);
    assert_int_equal(ls_text_width("\033[1;31mCRITICAL\033[0m"), 8);
    assert_int_equal(ls_text_width("\xE4\xB8\xAD\xE6\x96\x87"), 4); /* two wide CJK characters */
}

static void test_wrap(void **state)
{
    struct ls_buf b = {0};
    ls_buf_wrap(&b, "  - ", 4, 4, "one two three four five six seven eight nine ten", 20);
    assert_string_equal(b.p, "  - one two three\n    four five six\n    seven eight nine\n    ten\n");
    ls_buf_free(&b);
    ls_buf_wrap(&b, "", 0, 2, "a averyveryveryverylongword b", 10);
    assert_string_equal(b.p, "a\n  averyveryveryverylongword\n  b\n");
    ls_buf_free(&b);
}

/* ---- JSON Lines ---- */

static void check_service_record(json_t *svc)
{
    static const char *const keys[] = {"type",      "host",    "ip",           "port",        "tls",  "engine",
                                       "interface", "version", "display_name", "timezone",    "auth", "severity",
                                       "exposure",  "tables",  "risks",        "remediation", NULL};
    assert_keys(svc, keys);
    assert_str(svc, "type", "service");
    assert_str(svc, "host", "127.77.3.14");
    assert_str(svc, "ip", "127.77.3.14");
    assert_int(svc, "port", 8123);
    assert_true(json_is_false(json_object_get(svc, "tls")));
    assert_str(svc, "engine", "clickhouse");
    assert_str(svc, "interface", "http");
    assert_str(svc, "version", "18.16.1");
    assert_str(svc, "display_name", "ch-lab");
    assert_str(svc, "timezone", "UTC");
    assert_str(svc, "auth", "none");
    assert_str(svc, "severity", "critical");

    json_t *exp = json_object_get(svc, "exposure");
    static const char *const exp_keys[] = {"databases", "tables", "rows", "bytes", NULL};
    assert_keys(exp, exp_keys);
    assert_int(exp, "databases", 2);
    assert_int(exp, "tables", 3);
    assert_int(exp, "rows", 1102000);
    assert_int(exp, "bytes", 66979635);

    json_t *tables = json_object_get(svc, "tables");
    assert_true(json_is_array(tables));
    assert_int_equal(json_array_size(tables), 3);
    json_t *t = json_array_get(tables, 0);
    static const char *const table_keys[] = {"database", "name",    "engine",       "rows",     "bytes",
                                             "columns",  "classes", "scanned_rows", "findings", NULL};
    assert_keys(t, table_keys);
    assert_str(t, "database", "default");
    assert_str(t, "name", "log_stream");
    assert_str(t, "engine", "MergeTree");
    assert_int(t, "rows", 1100000);
    assert_int(t, "bytes", 66871345);
    assert_int(t, "scanned_rows", 1000);
    json_t *cols = json_object_get(t, "columns");
    assert_int_equal(json_array_size(cols), 2);
    static const char *const col_keys[] = {"name", "type", NULL};
    assert_keys(json_array_get(cols, 0), col_keys);
    assert_str(json_array_get(cols, 1), "name", "message");
    assert_str(json_array_get(cols, 1), "type", "String");
    json_t *classes = json_object_get(t, "classes");
    assert_true(json_is_array(classes));
    assert_int_equal(json_array_size(classes), 3);
    assert_string_equal(json_string_value(json_array_get(classes, 0)), "logs");
    assert_string_equal(json_string_value(json_array_get(classes, 1)), "chat");
    assert_string_equal(json_string_value(json_array_get(classes, 2)), "secrets");
    json_t *findings = json_object_get(t, "findings");
    assert_int_equal(json_array_size(findings), 2);
    json_t *f = json_array_get(findings, 1);
    static const char *const finding_keys[] = {"rule", "category", "count", "distinct", NULL};
    assert_keys(f, finding_keys);
    assert_str(f, "rule", "github-classic-pat");
    assert_str(f, "category", "secret");
    assert_int(f, "count", 3);
    assert_int(f, "distinct", 2);
    /* A table without classes has an empty array, not a missing key. */
    json_t *t3 = json_array_get(tables, 2);
    assert_true(json_is_array(json_object_get(t3, "classes")));
    assert_int_equal(json_array_size(json_object_get(t3, "classes")), 0);
    assert_int(t3, "rows", 500);

    json_t *risks = json_object_get(svc, "risks");
    assert_int_equal(json_array_size(risks), 1);
    static const char *const risk_keys[] = {"id", "severity", "title", "evidence", NULL};
    assert_keys(json_array_get(risks, 0), risk_keys);
    assert_str(json_array_get(risks, 0), "id", "CH-NOAUTH");
    assert_str(json_array_get(risks, 0), "severity", "critical");
    json_t *rem = json_object_get(svc, "remediation");
    assert_int_equal(json_array_size(rem), 2);
    assert_true(json_is_string(json_array_get(rem, 0)));
}

static void check_summary_record(json_t *sum)
{
    static const char *const keys[] = {"type",     "targets", "probes",      "open_ports",
                                       "services", "exposed", "duration_ms", NULL};
    assert_keys(sum, keys);
    assert_str(sum, "type", "summary");
    assert_int(sum, "targets", 3);
    assert_int(sum, "probes", 24);
    assert_int(sum, "open_ports", 6);
    assert_int(sum, "services", 5);
    assert_int(sum, "exposed", 2);
    assert_int(sum, "duration_ms", 1234);
}

static void test_jsonl_contract(void **state)
{
    struct ls_service s;
    example_service(&s);
    struct ls_report_opts o = {0};
    size_t len;
    char *out = render(LS_FORMAT_JSONL, &o, &s, 1, &example_sum, &len);
    assert_int_equal(strlen(out), len);
    assert_null(memmem(out, len, RAW_SECRET, strlen(RAW_SECRET))); /* never, anywhere */
    assert_null(memmem(out, len, "R4wS3cret", 9));
    assert_null(strstr(out, "\"value\":"));
    assert_null(strstr(out, ", ")); /* compact */

    json_t *recs[8];
    size_t n = parse_lines(out, recs, 8);
    assert_int_equal(n, 3);
    check_service_record(recs[0]);

    static const char *const secret_keys[] = {"type", "host",     "port",        "database", "table", "column",
                                              "rule", "category", "fingerprint", "redacted", "count", NULL};
    assert_keys(recs[1], secret_keys);
    assert_str(recs[1], "type", "secret");
    assert_str(recs[1], "host", "127.77.3.14");
    assert_int(recs[1], "port", 8123);
    assert_str(recs[1], "database", "default");
    assert_str(recs[1], "table", "log_stream");
    assert_str(recs[1], "column", "message");
    assert_str(recs[1], "rule", "github-classic-pat");
    assert_str(recs[1], "category", "secret");
    assert_int_equal(strlen(json_string_value(json_object_get(recs[1], "fingerprint"))), 71);
    assert_str(recs[1], "redacted", "ghp_…3Xk");
    assert_int(recs[1], "count", 4);

    check_summary_record(recs[n - 1]); /* summary last */
    free_recs(recs, n);
    free(out);
    ls_service_free(&s);
}

static void test_jsonl_show_secrets(void **state)
{
    struct ls_service s;
    example_service(&s);
    struct ls_report_opts o = {.show_secrets = true};
    char *out = render(LS_FORMAT_JSONL, &o, &s, 1, &example_sum, NULL);
    json_t *recs[8];
    size_t n = parse_lines(out, recs, 8);
    assert_int_equal(n, 3);
    assert_str(recs[1], "value", RAW_SECRET);
    assert_string_equal(json_object_iter_key(json_object_iter_at(recs[1], "value")), "value");
    /* The service record itself never carries raw values. */
    char *svc = json_dumps(recs[0], JSON_COMPACT);
    assert_null(strstr(svc, RAW_SECRET));
    free(svc);
    free_recs(recs, n);
    free(out);

    /* show_secrets without a kept raw value: no "value" key. */
    free(s.tables[0].secrets[0].raw);
    s.tables[0].secrets[0].raw = NULL;
    out = render(LS_FORMAT_JSONL, &o, &s, 1, NULL, NULL);
    assert_null(strstr(out, "\"value\":"));
    free(out);
    ls_service_free(&s);
}

static void test_jsonl_optional_fields(void **state)
{
    struct ls_service s;
    example_service(&s);
    s.version[0] = '\0';
    s.display_name[0] = '\0';
    s.timezone[0] = '\0';
    s.host[0] = '\0'; /* falls back to the address */
    s.auth_evidence = strdup("Code: 516. DB::Exception: default: Authentication failed");
    s.error = strdup("inventory timed out");
    s.inventory_truncated = true;
    s.tables[2].rows_known = false;
    s.tables[2].error = strdup("SELECT failed: Code: 60");
    json_t *rec = ls_json_service(&s);
    assert_non_null(rec);
    static const char *const keys[] = {"type",      "host",
                                       "ip",        "port",
                                       "tls",       "engine",
                                       "interface", "version",
                                       "auth",      "auth_evidence",
                                       "severity",  "exposure",
                                       "tables",    "inventory_truncated",
                                       "risks",     "remediation",
                                       "error",     NULL};
    assert_keys(rec, keys);
    assert_str(rec, "host", "127.77.3.14");
    assert_true(json_is_null(json_object_get(rec, "version")));
    assert_true(json_is_true(json_object_get(rec, "inventory_truncated")));
    assert_str(rec, "error", "inventory timed out");
    json_t *t3 = json_array_get(json_object_get(rec, "tables"), 2);
    assert_true(json_is_null(json_object_get(t3, "rows")));
    assert_str(t3, "error", "SELECT failed: Code: 60");
    json_decref(rec);
    ls_service_free(&s);
}

static void test_jsonl_auth_required(void **state)
{
    struct ls_service s;
    basic_service(&s, "127.77.3.15", "127.77.3.15", 9000, "clickhouse", LS_AUTH_REQUIRED, LS_SEV_LOW);
    s.interface = "native";
    char *out = render(LS_FORMAT_JSONL, NULL, &s, 1, NULL, NULL);
    json_t *recs[2];
    size_t n = parse_lines(out, recs, 2);
    assert_int_equal(n, 1);
    assert_str(recs[0], "auth", "required");
    assert_str(recs[0], "severity", "low");
    assert_int_equal(json_array_size(json_object_get(recs[0], "tables")), 0);
    assert_int(json_object_get(recs[0], "exposure"), "rows", 0);
    free_recs(recs, n);
    free(out);
}

/* ---- JSON document ---- */

static void test_json_document(void **state)
{
    struct ls_service s[2];
    example_service(&s[0]);
    example_service(&s[1]);
    s[1].port = 9000;
    s[1].interface = "native";
    size_t len;
    char *doc = render(LS_FORMAT_JSON, NULL, s, 2, &example_sum, &len);
    assert_null(memmem(doc, len, RAW_SECRET, strlen(RAW_SECRET)));
    json_error_t err;
    json_t *root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        fail_msg("not one JSON document: %s", err.text);
    static const char *const keys[] = {"services", "secrets", "summary", NULL};
    assert_keys(root, keys);
    json_t *svcs = json_object_get(root, "services"), *secs = json_object_get(root, "secrets");
    assert_int_equal(json_array_size(svcs), 2);
    assert_int_equal(json_array_size(secs), 2);
    check_service_record(json_array_get(svcs, 0));
    check_summary_record(json_object_get(root, "summary"));

    /* The same records as JSON Lines, built by the same code. */
    char *lines = render(LS_FORMAT_JSONL, NULL, s, 2, &example_sum, NULL);
    json_t *recs[8];
    size_t n = parse_lines(lines, recs, 8);
    assert_int_equal(n, 5); /* service, secret, service, secret, summary */
    assert_true(json_equal(recs[0], json_array_get(svcs, 0)));
    assert_true(json_equal(recs[1], json_array_get(secs, 0)));
    assert_true(json_equal(recs[2], json_array_get(svcs, 1)));
    assert_true(json_equal(recs[3], json_array_get(secs, 1)));
    assert_true(json_equal(recs[4], json_object_get(root, "summary")));
    free_recs(recs, n);
    free(lines);
    json_decref(root);
    free(doc);

    /* Nothing reported at all is still a valid document. */
    doc = render(LS_FORMAT_JSON, NULL, NULL, 0, NULL, &len);
    root = json_loadb(doc, len, 0, &err);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "services")), 0);
    assert_true(json_is_null(json_object_get(root, "summary")));
    json_decref(root);
    free(doc);
    ls_service_free(&s[0]);
    ls_service_free(&s[1]);
}

/* ---- hostile input ---- */

static void hostile_service(struct ls_service *s)
{
    example_service(s);
    free(s->tables[0].name);
    s->tables[0].name = strdup("log\xFF\xFE_\xC0\x80stream\033[2J\xC2\x9B"
                               "31m");
    free(s->tables[0].columns[0].name);
    s->tables[0].columns[0].name = strdup("span\xED\xA0\x80name");
    free(s->tables[0].secrets[0].column);
    s->tables[0].secrets[0].column = strdup("col\xF8\x88\x80\x80\x80");
    strcpy(s->version, "18.16\xE2\x80");
    strcpy(s->display_name, "evil\033]0;pwned\007\xE2\x80\xAEtxt.exe");
    s->auth_evidence = strdup("bad \xFF bytes\nand a newline");
}

static void test_invalid_utf8(void **state)
{
    struct ls_service s;
    hostile_service(&s);
    size_t len;
    char *out = render(LS_FORMAT_JSONL, NULL, &s, 1, &example_sum, &len);
    assert_true(ls_utf8_valid(out, len));
    json_t *recs[8];
    size_t n = parse_lines(out, recs, 8); /* jansson's loader rejects invalid UTF-8 */
    assert_int_equal(n, 3);
    json_t *t = json_array_get(json_object_get(recs[0], "tables"), 0);
    const char *name = json_string_value(json_object_get(t, "name"));
    assert_non_null(name);
    assert_non_null(strstr(name, "\xEF\xBF\xBD"));
    assert_non_null(strstr(name, "stream"));
    assert_non_null(strstr(json_string_value(json_object_get(recs[0], "version")), "\xEF\xBF\xBD"));
    assert_string_equal(json_string_value(json_object_get(recs[1], "table")), name);
    free_recs(recs, n);
    free(out);

    out = render(LS_FORMAT_JSON, NULL, &s, 1, &example_sum, &len);
    json_error_t err;
    json_t *root = json_loadb(out, len, 0, &err);
    if (!root)
        fail_msg("invalid JSON document: %s", err.text);
    json_decref(root);
    free(out);

    /* Text: valid UTF-8 and no escape sequence from the server reaches the terminal. */
    out = render(LS_FORMAT_TEXT, NULL, &s, 1, &example_sum, &len);
    assert_true(ls_utf8_valid(out, len));
    assert_null(memchr(out, '\033', len));
    assert_null(memchr(out, '\007', len));
    assert_null(strstr(out, "\xC2\x9B"));
    assert_null(strstr(out, "\xE2\x80\xAE"));
    assert_non_null(strstr(out, "\\x1b[2J"));
    free(out);
    ls_service_free(&s);
}

/* ---- writer contract ---- */

static void test_call_order(void **state)
{
    struct ls_service s;
    example_service(&s);
    for (int f = LS_FORMAT_TEXT; f <= LS_FORMAT_JSON; f++) {
        char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);
        struct ls_report *r = ls_report_new((enum ls_format)f, out, NULL);
        assert_int_equal(ls_report_service(r, &s), 0);
        assert_int_equal(ls_report_summary(r, &example_sum), 0);
        assert_int_equal(ls_report_summary(r, &example_sum), -1); /* once */
        assert_int_equal(ls_report_service(r, &s), -1);           /* summary is last */
        assert_int_equal(ls_report_close(r), 0);
        fclose(out);
        free(buf);
    }
    assert_int_equal(ls_report_close(NULL), 0);
    ls_service_free(&s);
}

static void test_write_error(void **state)
{
    struct ls_service s;
    example_service(&s);
    for (int f = LS_FORMAT_TEXT; f <= LS_FORMAT_JSON; f++) {
        FILE *out = fopen("/dev/full", "w");
        if (!out)
            skip();
        struct ls_report *r = ls_report_new((enum ls_format)f, out, NULL);
        ls_report_service(r, &s);
        ls_report_summary(r, &example_sum);
        assert_int_equal(ls_report_close(r), -1);
        fclose(out);
    }
    ls_service_free(&s);
}

int main(void)
{
    ls_model_set_engine_display(ls_engine_display); /* as the CLI does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_fmt_numbers),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_jsonl_contract),
        cmocka_unit_test(test_jsonl_show_secrets),
        cmocka_unit_test(test_jsonl_optional_fields),
        cmocka_unit_test(test_jsonl_auth_required),
        cmocka_unit_test(test_json_document),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_call_order),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
