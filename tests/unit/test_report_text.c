/* Unit tests for the text report: the lab example laid out in 80 columns, colours, required
 * authentication, many secrets and wrapping, quiet mode and the summary, other access paths. */
#include "engines/catalog.h"
#include "report_fixtures.h"

/* ---- text ---- */

/* Columns of one line (code points; the tests use no wide characters). */
static size_t columns(const char *p, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)p[i] & 0xC0) != 0x80;
    return w;
}

/* Every line but each service's headline (the line after a blank line or the first) fits in 80. */
static void assert_fits_80(const char *out, const char *const *headlines)
{
    for (const char *p = out; *p;) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        size_t n = (size_t)(nl - p);
        bool headline = false;
        for (size_t i = 0; headlines && headlines[i]; i++)
            headline |= n >= strlen(headlines[i]) && memcmp(p, headlines[i], strlen(headlines[i])) == 0;
        if (!headline && columns(p, n) > 80)
            fail_msg("line over 80 columns: %.*s", (int)n, p);
        p = nl + 1;
    }
}

static void test_text_example(void **state)
{
    struct ls_service s;
    example_service(&s);
    struct ls_report_opts o = {0};
    size_t len;
    char *out = render(LS_FORMAT_TEXT, &o, &s, 1, &example_sum, &len);
    const char *nl = strchr(out, '\n');
    assert_non_null(nl);
    char *first = strndup(out, (size_t)(nl - out));
    assert_string_equal(first, HEADLINE);
    free(first);
    assert_null(memchr(out, '\033', len)); /* no colour without opts.color */
    const char *heads[] = {"127.77.3.14:8123", NULL};
    assert_fits_80(out, heads);
    assert_non_null(strstr(out, "\n  CRITICAL  http interface, no TLS, 2 databases, 63.9 MiB"));
    assert_non_null(strstr(out, "default.log_stream"));
    assert_non_null(strstr(out, "1,100,000"));
    assert_non_null(strstr(out, "63.8 MiB"));
    assert_non_null(strstr(out, "logs, chat, secrets"));
    assert_non_null(strstr(out, "(1,000 rows sampled)"));
    assert_non_null(strstr(out, "github-classic-pat × 3  2 distinct"));
    /* Findings are listed most frequent first. */
    assert_true(strstr(out, "github-classic-pat ×") < strstr(out, "aws-access-key-id  ×"));
    assert_non_null(strstr(out, "- ghp_…3Xk (github-classic-pat in message, seen 4 times)"));
    assert_null(strstr(out, RAW_SECRET));
    assert_non_null(strstr(out, "  Risks\n  - CRITICAL CH-NOAUTH: The default user"));
    assert_non_null(strstr(out, "  Remediation\n  - Set a password"));
    assert_non_null(strstr(out, "Scanned 3 hosts (24 probes, 6 open ports) in 1.2 s: 5 services, 2 exposed\n"
                                "(critical).\n") ||
                    strstr(out, "Scanned 3 hosts (24 probes, 6 open ports) in 1.2 s: 5 services, 2 exposed "
                                "(critical).\n"));
    free(out);

    o.show_secrets = true;
    out = render(LS_FORMAT_TEXT, &o, &s, 1, NULL, NULL);
    assert_non_null(strstr(out, "- " RAW_SECRET " (github-classic-pat"));
    free(out);
    ls_service_free(&s);
}

static void test_text_color(void **state)
{
    struct ls_service s;
    example_service(&s);
    struct ls_report_opts o = {.color = true};
    char *out = render(LS_FORMAT_TEXT, &o, &s, 1, &example_sum, NULL);
    assert_non_null(strstr(out, "\033[1;31mNO PASSWORD\033[0m"));
    assert_non_null(strstr(out, "\033[1;31mCRITICAL\033[0m"));
    free(out);
    ls_service_free(&s);
}

static void test_text_auth_required(void **state)
{
    struct ls_service s;
    basic_service(&s, "127.77.3.15", "127.77.3.15", 9000, "clickhouse", LS_AUTH_REQUIRED, LS_SEV_LOW);
    s.interface = "native";
    strcpy(s.version, "23.8.2");
    strcpy(s.display_name, "ch-prod-1");
    s.auth_evidence = strdup("Code: 516. DB::Exception: default: Authentication failed: password is incorrect, "
                             "or there is no user with such name.");
    char *out = render(LS_FORMAT_TEXT, NULL, &s, 1, NULL, NULL);
    assert_true(strncmp(out,
                        "127.77.3.15:9000  ClickHouse 23.8.2  password required  display name \"ch-prod-1\" "
                        "leaked\n",
                        strlen("127.77.3.15:9000  ClickHouse 23.8.2  password required  display name "
                               "\"ch-prod-1\" leaked\n")) == 0);
    assert_null(strstr(out, "TABLE"));
    assert_null(strstr(out, "exposed"));
    assert_non_null(strstr(out, "  LOW  native interface, no TLS"));
    assert_non_null(strstr(out, "  server said: Code: 516."));
    const char *heads[] = {"127.77.3.15:9000", NULL};
    assert_fits_80(out, heads);
    free(out);
    ls_service_free(&s);
}

static void test_text_many_secrets_and_wrapping(void **state)
{
    struct ls_service s;
    example_service(&s);
    strcpy(s.host, "db.example.internal");
    struct ls_table *t = &s.tables[0];
    for (int i = 0; i < 12; i++)
        add_secret(t, "aws-access-key-id", "message", "AKIA…XYZ", "AKIAEXAMPLEEXAMPLE12", 1 + (uint64_t)i * 1000);
    free(s.tables[1].name);
    s.tables[1].name = strdup("a_table_with_a_really_long_name_that_will_not_fit_the_column");
    free(s.tables[2].storage);
    s.tables[2].storage = strdup("ReplicatedReplacingMergeTree");
    assert_int_equal(ls_service_add_remediation(
                         &s, "Put the server behind a firewall. "
                             "See https://clickhouse.example/docs/en/operations/settings/settings-users/"
                             "#user-namenetworks-and-a-very-long-fragment-that-cannot-be-broken for details."),
                     0);
    char *out = render(LS_FORMAT_TEXT, NULL, &s, 1, &example_sum, NULL);
    assert_true(strncmp(out, "db.example.internal:8123 (127.77.3.14)  ClickHouse 18.16.1  NO PASSWORD", 71) == 0);
    assert_non_null(strstr(out, "    … and 3 more\n")); /* 13 secrets: 10 listed */
    assert_non_null(strstr(out, "seen 8,001 times"));
    assert_non_null(strstr(out, "ReplicatedRepla…"));
    assert_null(strstr(out, "AKIAEXAMPLEEXAMPLE12"));
    /* Lines over 80 are only the headline and the unbreakable URL and table name. */
    for (const char *p = strchr(out, '\n') + 1; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = (size_t)(nl - p);
        if (columns(p, n) > 80 && !memmem(p, n, "https://", 8) && !memmem(p, n, "really_long", 11))
            fail_msg("line over 80 columns: %.*s", (int)n, p);
        p = nl + 1;
    }
    free(out);
    ls_service_free(&s);
}

static void test_text_quiet_and_summary(void **state)
{
    struct ls_service s;
    example_service(&s);
    struct ls_report_opts o = {.quiet = true};
    struct ls_scan_summary sum = {
        .targets = 1, .probes = 1, .open_ports = 1, .services = 1, .exposed = 1, .duration_ms = 850};
    char *out = render(LS_FORMAT_TEXT, &o, &s, 1, &sum, NULL);
    assert_string_equal(out, HEADLINE "\nScanned 1 host (1 probe, 1 open port) in 850 ms: 1 service, 1 exposed\n"
                                      "(critical).\n");
    free(out);
    struct ls_scan_summary none = {
        .targets = 65536, .probes = 131072, .open_ports = 0, .services = 0, .exposed = 0, .duration_ms = 125000};
    out = render(LS_FORMAT_TEXT, &o, NULL, 0, &none, NULL);
    assert_string_equal(out, "Scanned 65,536 hosts (131,072 probes, 0 open ports) in 2 min 5 s: no database\n"
                             "services found.\n");
    free(out);
    ls_service_free(&s);
}

static void test_text_other_access(void **state)
{
    struct ls_service s[2];
    basic_service(&s[0], "::1", "::1", 5432, "postgresql", LS_AUTH_DEFAULT_CREDENTIALS, LS_SEV_HIGH);
    basic_service(&s[1], "", "10.0.0.5", 6379, "redis", LS_AUTH_UNKNOWN, LS_SEV_INFO);
    struct ls_table *t = add_table(&s[0], "app", "users", "heap", 12, 4096, LS_CLASS_PII);
    t = add_table(&s[0], "app", "events", "heap", 0, 0, LS_CLASS_LOGS);
    t->rows_known = false;
    s[1].error = strdup("connection reset during handshake");
    char *out = render(LS_FORMAT_TEXT, NULL, s, 2, NULL, NULL);
    assert_non_null(strstr(out, "[::1]:5432  PostgreSQL  DEFAULT CREDENTIALS  2 tables, 12+ rows, personal data "
                                "and logs exposed\n"));
    assert_non_null(strstr(out, "\n10.0.0.5:6379  Redis  access unknown\n"));
    assert_non_null(strstr(out, "\n  error: connection reset during handshake\n"));
    free(out);
    ls_service_free(&s[0]);
    ls_service_free(&s[1]);
}

int main(void)
{
    ls_model_set_engine_display(ls_engine_display); /* as the CLI does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_example),           cmocka_unit_test(test_text_color),
        cmocka_unit_test(test_text_auth_required),     cmocka_unit_test(test_text_many_secrets_and_wrapping),
        cmocka_unit_test(test_text_quiet_and_summary), cmocka_unit_test(test_text_other_access),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
