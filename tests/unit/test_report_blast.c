/* Unit tests of the blast-radius fields in the report writers (README "Blast radius of an
 * exposed ClickHouse"): privileges with unknown values as null, system objects, unknown steps,
 * the honeypot flag and compromise evidence in JSON Lines; secret records for system objects;
 * the text section; and that engines which do not assess the blast radius add no such fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <cmocka.h>

#include "engines/catalog.h"
#include "report/report.h"

#define RAW "Pg-Unit-Pw-4242"

static void blast_service(struct ls_service *s)
{
    memset(s, 0, sizeof *s);
    strcpy(s->ip, "127.77.4.12");
    s->port = 9000;
    s->engine = "clickhouse";
    s->interface = "native";
    s->auth = LS_AUTH_NONE;
    s->severity = LS_SEV_CRITICAL;
    strcpy(s->version, "18.16.1");
    s->version_source = strdup("SELECT version()");
    s->uptime_known = true;
    s->uptime_s = 4711;
    struct ls_access *p = &s->access;
    assert_int_equal(ls_access_user(p, "default"), 0);
    assert_int_equal(ls_access_fact_int(p, "readonly", true, 0), 0);
    assert_int_equal(ls_access_fact_int(p, "allow_ddl", false, 0), 0);
    assert_int_equal(ls_access_cap(p, LS_CAP_WRITE, LS_TRI_YES, "readonly=0"), 0);
    assert_int_equal(ls_access_cap(p, LS_CAP_SCHEMA, LS_TRI_UNKNOWN, NULL), 0);
    assert_int_equal(ls_access_cap(p, LS_CAP_RUN_CODE, LS_TRI_NO, NULL), 0);
    assert_int_equal(ls_access_fact_list_add(p, "table_functions", "url"), 0);
    assert_int_equal(ls_access_fact_list_add(p, "table_functions", "file"), 0);
    assert_int_equal(ls_access_fact_list_add(p, "table_functions", "url"), 0); /* no duplicate */
    assert_int_equal(ls_access_fact_bool(p, "superuser", LS_TRI_NO), 0);
    assert_int_equal(ls_access_fact_text(p, "role", "master"), 0);
    assert_int_equal(ls_access_fact_int(p, "user", true, 1), -1); /* reserved key */
    struct ls_table *q = ls_service_add_sysobj(s, "system", "query_log");
    assert_non_null(q);
    q->rows = 217;
    q->rows_known = true;
    q->note = strdup("default: 217 queries");
    q->secrets = calloc(1, sizeof *q->secrets);
    q->nsecrets = 1;
    q->secrets[0].rule = "database-url-password";
    q->secrets[0].category = "secret";
    q->secrets[0].column = strdup("query");
    strcpy(q->secrets[0].fingerprint, "sha256:00ff");
    strcpy(q->secrets[0].redacted, "Pg…42");
    q->secrets[0].raw = strdup(RAW);
    q->secrets[0].count = 4;
    assert_ptr_equal(ls_service_sysobj(s, "system", "query_log"), q);
    assert_null(ls_service_sysobj(s, "system", "clusters"));
    assert_int_equal(ls_service_add_unknown(s, "grants", "Code: 60. Table system.grants doesn't exist."), 0);
    s->compromised = true;
    s->compromise_evidence = strdup("README.README; first row: pay us");
}

static char *render(enum ls_format f, const struct ls_service *s, bool show)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    struct ls_report_opts o = {.show_secrets = show};
    struct ls_report *r = ls_report_new(f, out, &o);
    assert_non_null(r);
    assert_int_equal(ls_report_service(r, s), 0);
    assert_int_equal(ls_report_close(r), 0);
    assert_int_equal(fclose(out), 0);
    return buf;
}

static void test_jsonl_blast_fields(void **state)
{
    (void)state;
    struct ls_service s;
    blast_service(&s);
    char *out = render(LS_FORMAT_JSONL, &s, false);
    char *nl = strchr(out, '\n');
    assert_non_null(nl);
    json_error_t err;
    json_t *svc = json_loadb(out, (size_t)(nl - out), 0, &err);
    assert_non_null(svc);
    json_t *p = json_object_get(svc, "privileges");
    assert_string_equal(json_string_value(json_object_get(p, "user")), "default");
    assert_int_equal(json_integer_value(json_object_get(p, "readonly")), 0);
    assert_true(json_is_null(json_object_get(p, "allow_ddl")));
    assert_true(json_is_true(json_object_get(p, "can_write")));
    assert_true(json_is_null(json_object_get(p, "can_ddl")));
    assert_int_equal(json_array_size(json_object_get(p, "table_functions")), 2);
    /* capabilities: value and evidence; unset ones null; engine facts under their own keys */
    json_t *caps = json_object_get(p, "capabilities");
    assert_int_equal(json_object_size(caps), LS_CAP_COUNT);
    assert_true(json_is_true(json_object_get(json_object_get(caps, "write"), "can")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(caps, "write"), "evidence")), "readonly=0");
    assert_true(json_is_false(json_object_get(json_object_get(caps, "run_code"), "can")));
    assert_true(json_is_null(json_object_get(json_object_get(caps, "reach_hosts"), "can")));
    assert_true(json_is_false(json_object_get(p, "superuser")));
    assert_string_equal(json_string_value(json_object_get(p, "role")), "master");
    json_t *so = json_array_get(json_object_get(svc, "system_objects"), 0);
    assert_string_equal(json_string_value(json_object_get(so, "name")), "system.query_log");
    assert_int_equal(json_integer_value(json_object_get(so, "entries")), 217);
    json_t *u = json_array_get(json_object_get(svc, "unknown"), 0);
    assert_string_equal(json_string_value(json_object_get(u, "what")), "grants");
    assert_true(json_is_false(json_object_get(json_object_get(svc, "honeypot"), "suspected")));
    assert_true(json_is_true(json_object_get(svc, "compromised")));
    assert_int_equal(json_integer_value(json_object_get(svc, "uptime_s")), 4711);
    json_decref(svc);
    /* the secret in the system object is an ordinary secret record, redacted */
    json_t *sec = json_loads(nl + 1, JSON_DISABLE_EOF_CHECK, &err);
    assert_non_null(sec);
    assert_string_equal(json_string_value(json_object_get(sec, "type")), "secret");
    assert_string_equal(json_string_value(json_object_get(sec, "database")), "system");
    assert_string_equal(json_string_value(json_object_get(sec, "table")), "query_log");
    assert_null(json_object_get(sec, "value"));
    json_decref(sec);
    assert_null(strstr(out, RAW));
    free(out);
    out = render(LS_FORMAT_JSONL, &s, true);
    assert_non_null(strstr(out, RAW)); /* --show-secrets only */
    free(out);
    ls_service_free(&s);
}

static void test_text_blast_section(void **state)
{
    (void)state;
    struct ls_service s;
    blast_service(&s);
    s.honeypot.suspected = true;
    assert_int_equal(ls_strv_add(&s.honeypot.reasons, &s.honeypot.nreasons, "computed 2*3 wrongly"), 0);
    char *out = render(LS_FORMAT_TEXT, &s, false);
    assert_non_null(strstr(out, "Blast radius"));
    assert_non_null(strstr(out, "account: default"));
    assert_non_null(strstr(out, "can: write data\n"));
    assert_non_null(strstr(out, "write data: readonly=0"));
    assert_non_null(strstr(out, "cannot: run code\n"));
    assert_non_null(strstr(out, "not known: read data, change schema, read server files, reach other hosts"));
    assert_non_null(strstr(out, "table functions: url, file"));
    assert_non_null(strstr(out, "allow ddl: unknown"));
    assert_non_null(strstr(out, "superuser: no"));
    assert_non_null(strstr(out, "system.query_log: 217 entries"));
    assert_non_null(strstr(out, "honeypot suspected: computed 2*3 wrongly"));
    assert_non_null(strstr(out, "COMPROMISED"));
    assert_non_null(strstr(out, "unknown: grants: Code: 60"));
    assert_non_null(strstr(out, "Pg…42"));
    assert_null(strstr(out, RAW));
    free(out);
    ls_service_free(&s);
}

/* The document formats show the same capabilities and facts as the text report. */
static void test_html_markdown_access(void **state)
{
    (void)state;
    struct ls_service s;
    blast_service(&s);
    char *html = render(LS_FORMAT_HTML, &s, false);
    assert_non_null(strstr(html, "<h3>What this access allows</h3>"));
    assert_non_null(strstr(html, "<tr><td>write data</td><td><strong>yes</strong></td><td>readonly=0</td></tr>"));
    assert_non_null(strstr(html, "<tr><td>run code</td><td>no</td><td></td></tr>"));
    assert_non_null(strstr(html, "<dt>table functions</dt><dd>url, file</dd>"));
    assert_non_null(strstr(html, "<dt>Account</dt><dd>default</dd>"));
    free(html);
    char *md = render(LS_FORMAT_MARKDOWN, &s, false);
    assert_non_null(strstr(md, "**What this access allows** (account default)"));
    assert_non_null(strstr(md, "| write data | yes | readonly=0 |"));
    assert_non_null(strstr(md, "| reach other hosts | unknown |  |"));
    assert_non_null(strstr(md, "- table functions: url, file"));
    assert_non_null(strstr(md, "- allow ddl: unknown"));
    free(md);
    ls_service_free(&s);
}

static void test_no_blast_fields_when_not_assessed(void **state)
{
    (void)state;
    struct ls_service s;
    memset(&s, 0, sizeof s);
    strcpy(s.ip, "127.0.0.1");
    s.port = 6379;
    s.engine = "redis";
    s.auth = LS_AUTH_REQUIRED;
    char *out = render(LS_FORMAT_JSONL, &s, false);
    static const char *const absent[] = {"privileges", "system_objects", "honeypot", "compromised",
                                         "unknown",    "uptime_s",       NULL};
    for (int i = 0; absent[i]; i++) {
        char key[40];
        snprintf(key, sizeof key, "\"%s\"", absent[i]);
        assert_null(strstr(out, key));
    }
    free(out);
    out = render(LS_FORMAT_TEXT, &s, false);
    assert_null(strstr(out, "Blast radius"));
    free(out);
    ls_service_free(&s);
}

int main(void)
{
    ls_model_set_engine_display(ls_engine_display); /* as the CLI does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_blast_fields),
        cmocka_unit_test(test_text_blast_section),
        cmocka_unit_test(test_html_markdown_access),
        cmocka_unit_test(test_no_blast_fields_when_not_assessed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
