/* Unit tests for the HTML, SARIF, Markdown and text-summary writers: hostile server strings escaped, self-contained
 * page, SARIF API (file positions, rules declared once, stable fingerprints, result cap), no raw secret; likely
 * honeypots named by every document format (json, html, markdown, sarif) and by none when there are none. */
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
#include "model/file_secret.h"
#include "report/report.h"
#include "util/fmt.h"

#define RAW "ghp_RawValueThatMustNotAppearAnywhere0123"

static void hostile_service(struct ls_service *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->host, sizeof s->host, "<img src=x onerror=alert(1)>");
    snprintf(s->ip, sizeof s->ip, "127.77.3.20");
    s->port = 8123;
    s->engine = "clickhouse";
    s->interface = "http";
    snprintf(s->version, sizeof s->version, "1\"'&<\xff\xfe\x1b[31m");
    snprintf(s->display_name, sizeof s->display_name, "<svg onload=alert(2)>");
    s->auth = LS_AUTH_NONE;
    s->severity = LS_SEV_CRITICAL;
    s->ndatabases = 1;
    struct ls_table *t = ls_service_add_table(s);
    assert_non_null(t);
    t->database = strdup("default");
    t->name = strdup("</script><script>alert(3)</script>");
    t->storage = strdup("Memory");
    t->rows = 1234567;
    t->rows_known = true;
    t->secrets = calloc(1, sizeof *t->secrets);
    t->nsecrets = 1;
    t->secrets[0].rule = "github-classic-pat";
    t->secrets[0].category = "secret";
    t->secrets[0].column = strdup("<b>col</b>");
    snprintf(t->secrets[0].fingerprint, sizeof t->secrets[0].fingerprint, "sha256:%064d", 7);
    snprintf(t->secrets[0].redacted, sizeof t->secrets[0].redacted, "ghp_…<i>");
    t->secrets[0].raw = strdup(RAW);
    t->secrets[0].count = 2;
    assert_int_equal(ls_service_add_risk(s, "CH-NOAUTH", LS_SEV_CRITICAL, "No <password>", "said <script>x</script>"),
                     0);
    assert_int_equal(ls_service_add_remediation(s, "Set a password & restrict <networks>"), 0);
}

/* One service and the summary `sum` (NULL: plain totals, no suspect hosts) in format f. */
static char *render_sum(enum ls_format f, const struct ls_service *s, bool show, const struct ls_scan_summary *sum)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    struct ls_report_opts o = {.show_secrets = show};
    struct ls_report *r = ls_report_new(f, out, &o);
    assert_non_null(r);
    assert_int_equal(ls_report_service(r, s), 0);
    struct ls_scan_summary plain = {
        .targets = 1, .probes = 2, .open_ports = 1, .services = 1, .exposed = 1, .duration_ms = 1500};
    assert_int_equal(ls_report_summary(r, sum ? sum : &plain), 0);
    assert_int_equal(ls_report_close(r), 0);
    fclose(out);
    return buf;
}

static char *render(enum ls_format f, const struct ls_service *s, bool show)
{
    return render_sum(f, s, show, NULL);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_html_escapes_hostile_strings(void **state)
{
    (void)state;
    struct ls_service s;
    hostile_service(&s);
    char *html = render(LS_FORMAT_HTML, &s, false);
    assert_true(ls_utf8_valid(html, strlen(html)));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "<svg onload"));
    assert_null(strstr(html, "<b>col"));
    assert_null(strstr(html, "<i>"));
    assert_int_equal(count(html, "<script>"), 1); /* only the sorter */
    assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;"));
    assert_non_null(strstr(html, "&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert_non_null(strstr(html, "1&quot;&#39;&amp;&lt;\xEF\xBF\xBD"));
    assert_null(strchr(html, '\x1b'));
    assert_non_null(strstr(html, "1,234,567"));
    assert_non_null(strstr(html, "default-src 'none'"));
    assert_null(strstr(html, RAW));
    free(html);
    /* --show-secrets shows the value in the HTML, still escaped like everything else */
    html = render(LS_FORMAT_HTML, &s, true);
    assert_non_null(strstr(html, RAW));
    free(html);
    ls_service_free(&s);
}

static json_t *sarif_of(const struct ls_service *s)
{
    char *text = render(LS_FORMAT_SARIF, s, true);
    json_error_t e;
    json_t *doc = json_loads(text, 0, &e);
    assert_non_null(doc);
    assert_null(strstr(text, RAW)); /* never, not even with --show-secrets */
    free(text);
    return doc;
}

static void test_sarif_scan_report(void **state)
{
    (void)state;
    struct ls_service s;
    hostile_service(&s);
    json_t *doc = sarif_of(&s), *again = sarif_of(&s);
    assert_string_equal(json_string_value(json_object_get(doc, "version")), "2.1.0");
    json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
    json_t *res = json_object_get(run, "results");
    assert_int_equal(json_array_size(res), 2); /* the risk and the secret */
    json_t *sec = json_array_get(res, 1);
    assert_string_equal(json_string_value(json_object_get(sec, "ruleId")), "github-classic-pat");
    const char *uri = json_string_value(json_object_get(
        json_object_get(json_object_get(json_array_get(json_object_get(sec, "locations"), 0), "physicalLocation"),
                        "artifactLocation"),
        "uri"));
    /* names percent-encoded into a valid URI */
    assert_string_equal(uri,
                        "clickhouse://127.77.3.20:8123/default/%3C%2Fscript%3E%3Cscript%3Ealert%283%29%3C%2Fscript%3E");
    json_t *a = json_object_get(json_object_get(sec, "partialFingerprints"), "leakscanResult/v1");
    json_t *b = json_object_get(
        json_object_get(
            json_array_get(json_object_get(json_array_get(json_object_get(again, "runs"), 0), "results"), 1),
            "partialFingerprints"),
        "leakscanResult/v1");
    assert_non_null(a);
    assert_string_equal(json_string_value(a), json_string_value(b));
    assert_int_equal(strlen(json_string_value(a)), 64);
    json_decref(doc);
    json_decref(again);
    ls_service_free(&s);
}

static void test_sarif_api_files_and_cap(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct ls_sarif *w = ls_sarif_new(out);
    assert_non_null(w);
    struct ls_secret sec = {.rule = "aws-access-key-id", .category = "secret", .count = 1, .raw = (char *)RAW};
    snprintf(sec.redacted, sizeof sec.redacted, "AKIA…XYZ");
    for (int i = 0; i < LS_SARIF_MAX_RESULTS + 3; i++) {
        snprintf(sec.fingerprint, sizeof sec.fingerprint, "sha256:%064d", i);
        struct ls_secret_location loc = {.uri = "config/app.env", .line = 3, .column = 5, .end_column = 25};
        assert_int_equal(ls_sarif_add_secret(w, &sec, &loc), 0);
    }
    struct ls_secret_location none = {0};
    assert_int_equal(ls_sarif_add_secret(w, &sec, &none), -1); /* uri is required */
    assert_int_equal(ls_sarif_close(w), 0);
    fclose(out);
    assert_null(strstr(buf, RAW));
    json_t *doc = json_loads(buf, 0, NULL);
    free(buf);
    assert_non_null(doc);
    json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
    json_t *res = json_object_get(run, "results");
    assert_int_equal(json_array_size(res), LS_SARIF_MAX_RESULTS);
    assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules")),
                     1);
    json_t *region = json_object_get(
        json_object_get(json_array_get(json_object_get(json_array_get(res, 0), "locations"), 0), "physicalLocation"),
        "region");
    assert_int_equal(json_integer_value(json_object_get(region, "startLine")), 3);
    assert_int_equal(json_integer_value(json_object_get(region, "startColumn")), 5);
    assert_int_equal(json_integer_value(json_object_get(region, "endColumn")), 25);
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    const char *note = json_string_value(json_object_get(
        json_object_get(json_array_get(json_object_get(inv, "toolExecutionNotifications"), 0), "message"), "text"));
    assert_non_null(note);
    assert_non_null(strstr(note, "3 more results"));
    /* different secrets at the same place have different fingerprints */
    assert_string_not_equal(json_string_value(json_object_get(
                                json_object_get(json_array_get(res, 0), "partialFingerprints"), "leakscanResult/v1")),
                            json_string_value(json_object_get(
                                json_object_get(json_array_get(res, 1), "partialFingerprints"), "leakscanResult/v1")));
    json_decref(doc);
}

/* Text: the same server on two interfaces is one line in the closing summary, its rows once. */
static void test_text_summary_collapses_interfaces(void **state)
{
    (void)state;
    struct ls_service a, b;
    hostile_service(&a);
    hostile_service(&b);
    b.interface = "native";
    b.port = 9000;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct ls_report *r = ls_report_new(LS_FORMAT_TEXT, out, &(struct ls_report_opts){.quiet = true});
    assert_int_equal(ls_report_service(r, &a), 0);
    assert_int_equal(ls_report_service(r, &b), 0);
    struct ls_scan_summary sum = {
        .targets = 1, .probes = 2, .open_ports = 2, .services = 2, .exposed = 2, .duration_ms = 10};
    assert_int_equal(ls_report_summary(r, &sum), 0);
    assert_int_equal(ls_report_close(r), 0);
    fclose(out);
    const char *blk = strstr(buf, "Summary\n  127.77.3.20  ClickHouse ");
    assert_non_null(blk);
    assert_non_null(strstr(blk, "NO PASSWORD\n    http :8123, native :9000, 1,234,567 rows\n"));
    assert_null(strchr(buf, '\x1b'));      /* no colour unless asked, hostile version made inert */
    for (const char *line = buf; *line;) { /* 80 columns, except the grep-able headlines */
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        char *one = strndup(line, n);
        if (strncmp(one, "<img src=x", 10) != 0) /* the host name of the headline */
            assert_true(ls_text_width(one) <= 80);
        free(one);
        line += n + (nl != NULL);
    }
    free(buf);
    ls_service_free(&a);
    ls_service_free(&b);
}

static void test_markdown_escapes_and_redacts(void **state)
{
    (void)state;
    struct ls_service s;
    hostile_service(&s);
    free(s.tables[0].name);
    s.tables[0].name = strdup("a|b](http://evil)*x*`y`<script>");
    char *out = render(LS_FORMAT_MARKDOWN, &s, true);
    assert_true(ls_utf8_valid(out, strlen(out)));
    assert_null(strstr(out, RAW)); /* never raw, even with --show-secrets */
    assert_null(strstr(out, "<script"));
    assert_null(strstr(out, "<img"));
    assert_null(strchr(out, '\x1b'));
    assert_non_null(strstr(out, "a\\|b\\](http://evil)\\*x\\*\\`y\\`&lt;script&gt;"));
    /* the table row keeps its 5 columns: 6 unescaped pipes */
    const char *row = strstr(out, "| default.a");
    assert_non_null(row);
    size_t pipes = 0;
    for (const char *p = row; *p && *p != '\n'; p++)
        pipes += *p == '|' && p[-1] != '\\';
    assert_int_equal(pipes, 6);
    assert_non_null(strstr(out, "1,234,567"));
    free(out);
    ls_service_free(&s);
}

/* The direct JSONL writer of `leakscan secrets` records gives the bytes jansson's compact dump
 * gives for the same values: escapes, control characters, invalid UTF-8, non-ASCII. */
static json_t *ref_str(const char *s)
{
    if (!s)
        return json_null();
    if (ls_utf8_display_safe(s, strlen(s)))
        return json_string(s);
    char *c = ls_utf8_display_sanitize(s, strlen(s));
    json_t *j = json_string(c);
    free(c);
    return j;
}

static void test_jsonl_file_secret_matches_jansson(void **state)
{
    (void)state;
    static const char *const hostile[] = {
        "plain.log",
        "we\"ird\\pa\th\n\r\b\f\x01\x1f\x7f.txt",
        "caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x94\x91",
        "bad \xff\xfe utf8 \xc3",
        "/a/b/c",
        "",
        NULL,
        /* long ones: escapes and bad bytes on both sides of 8- and 16-byte steps */
        "/var/log/some-service/2026/01/05/x\"y\\z\x01/\x1f\x7f/app.log",
        "/var/log/some-service/\xc3\xa9t\xc3\xa9/ok/then \xff bad and \xe2\x80 cut at the end \xf0\x9f",
        "0123456789abcdef0123456789abcdef\"",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        for (int show = 0; show < 2; show++) {
            struct ls_file_secret fs;
            memset(&fs, 0, sizeof fs);
            fs.path = hostile[i] ? hostile[i] : "-";
            fs.line = 12345678901ull;
            fs.column = i + 1;
            fs.sec.rule = "github-classic-pat";
            fs.sec.category = hostile[i] ? "secret" : NULL;
            snprintf(fs.sec.fingerprint, sizeof fs.sec.fingerprint, "sha256:%064d", (int)i);
            snprintf(fs.sec.redacted, sizeof fs.sec.redacted, "gh\xe2\x80\xa6%s", hostile[i] ? "\"q\"" : "x");
            fs.sec.count = (uint64_t)-1; /* clamped to INT64_MAX like jint() */
            fs.sec.raw = (char *)(uintptr_t)hostile[i];
            json_t *o = json_object();
            json_object_set_new(o, "type", json_string("secret"));
            json_object_set_new(o, "path", ref_str(fs.path));
            json_object_set_new(o, "line", json_integer((json_int_t)fs.line));
            json_object_set_new(o, "column", json_integer((json_int_t)fs.column));
            json_object_set_new(o, "rule", ref_str(fs.sec.rule));
            json_object_set_new(o, "category", ref_str(fs.sec.category));
            json_object_set_new(o, "fingerprint", ref_str(fs.sec.fingerprint));
            json_object_set_new(o, "redacted", ref_str(fs.sec.redacted));
            json_object_set_new(o, "count", json_integer(INT64_MAX));
            if (show && fs.sec.raw)
                json_object_set_new(o, "value", ref_str(fs.sec.raw));
            char *want = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            struct ls_buf b = {0};
            ls_jsonl_file_secret(&b, &fs, show);
            ls_buf_add(&b, "", 1);
            assert_false(b.oom);
            assert_string_equal(b.p, want);
            json_t *parsed = ls_json_file_secret(&fs, show);
            char *again = json_dumps(parsed, JSON_COMPACT | JSON_PRESERVE_ORDER);
            assert_string_equal(again, want);
            free(again);
            json_decref(parsed);
            ls_buf_free(&b);
            free(want);
            json_decref(o);
        }
    }
}

/* ---- likely honeypots (hosts open on the ports of many engines) in the document formats ---- */

static const struct ls_suspect_host suspects[] = {
    {.ip = "127.66.8.9",
     .open_db_ports = 9,
     .nengines = 9,
     .engines = {"clickhouse", "elasticsearch", "kibana", "redis", "mongodb", "postgresql", "mysql", "couchdb",
                 "cassandra"}},
    {.ip = "fd00::<b>7</b>", .open_db_ports = 3, .nengines = 2, .engines = {"redis", "postgresql"}},
};

static const struct ls_scan_summary suspect_sum = {.targets = 256,
                                                   .probes = 6912,
                                                   .open_ports = 12,
                                                   .services = 1,
                                                   .exposed = 1,
                                                   .duration_ms = 900,
                                                   .suspects = suspects,
                                                   .nsuspects = 2,
                                                   .suspects_omitted = 2};

#define SUSPECT_TEXT                                                                                                   \
    "open on the default ports of 9 database engines at once (clickhouse, elasticsearch, kibana, "                     \
    "redis, mongodb, postgresql, mysql, couchdb, cassandra), 9 open database ports"

static void test_json_document_names_suspects(void **state)
{
    (void)state;
    struct ls_service s;
    hostile_service(&s);
    for (int with = 0; with < 2; with++) {
        char *text = render_sum(LS_FORMAT_JSON, &s, false, with ? &suspect_sum : NULL);
        json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
        assert_non_null(doc);
        json_t *sum = json_object_get(doc, "summary"), *hp = json_object_get(sum, "honeypots");
        assert_string_equal(json_string_value(json_object_get(sum, "type")), "summary");
        assert_int_equal(json_integer_value(json_object_get(sum, "targets")), with ? 256 : 1);
        if (!with) { /* none: the summary is the contract's, nothing added */
            assert_null(hp);
            assert_null(json_object_get(sum, "honeypots_omitted"));
            assert_int_equal(json_object_size(sum), 7);
        } else {
            assert_int_equal(json_array_size(hp), 2);
            json_t *a = json_array_get(hp, 0), *b = json_array_get(hp, 1);
            assert_string_equal(json_string_value(json_object_get(a, "ip")), "127.66.8.9");
            assert_int_equal(json_integer_value(json_object_get(a, "open_db_ports")), 9);
            assert_int_equal(json_array_size(json_object_get(a, "engines")), 9);
            assert_string_equal(json_string_value(json_array_get(json_object_get(a, "engines"), 8)), "cassandra");
            assert_string_equal(json_string_value(json_object_get(b, "ip")), "fd00::<b>7</b>");
            assert_string_equal(json_string_value(json_array_get(json_object_get(b, "engines"), 1)), "postgresql");
            assert_int_equal(json_integer_value(json_object_get(sum, "honeypots_omitted")), 2);
        }
        json_decref(doc);
        free(text);
    }
    /* JSON Lines keeps its summary record as it is: suspects are records of their own there */
    char *lines = render_sum(LS_FORMAT_JSONL, &s, false, &suspect_sum);
    assert_null(strstr(lines, "honeypot"));
    free(lines);
    ls_service_free(&s);
}

static void test_html_warns_of_suspects(void **state)
{
    (void)state;
    struct ls_service s;
    hostile_service(&s);
    char *html = render_sum(LS_FORMAT_HTML, &s, false, &suspect_sum);
    assert_true(ls_utf8_valid(html, strlen(html)));
    const char *warn = strstr(html, "<section id=honeypots class=warn role=alert>");
    assert_non_null(warn);
    assert_non_null(strstr(warn, "Likely honeypots or tarpits: 4 hosts"));
    assert_non_null(strstr(warn, "<li><strong>127.66.8.9</strong>: " SUSPECT_TEXT));
    assert_non_null(strstr(warn, "<li><strong>fd00::&lt;b&gt;7&lt;/b&gt;</strong>: "));
    assert_null(strstr(html, "<b>7"));
    assert_non_null(strstr(warn, "2 more not listed"));
    const char *svc = strstr(html, "<section class=\"svc");
    assert_non_null(svc);
    assert_true(warn < svc); /* above the services, where it is seen */
    free(html);
    html = render_sum(LS_FORMAT_HTML, &s, false, NULL);
    assert_null(strstr(html, "id=honeypots"));
    assert_null(strstr(html, "127.66.8.9"));
    free(html);
    ls_service_free(&s);
}

static void test_markdown_lists_suspects(void **state)
{
    (void)state;
    struct ls_service s;
    hostile_service(&s);
    char *md = render_sum(LS_FORMAT_MARKDOWN, &s, false, &suspect_sum);
    const char *warn = strstr(md, "\n## Warning. Likely honeypots or tarpits: 4 hosts\n");
    assert_non_null(warn);
    assert_non_null(strstr(warn, "\n- **127.66.8.9**: " SUSPECT_TEXT));
    assert_non_null(strstr(warn, "\n- **fd00::&lt;b&gt;7&lt;/b&gt;**: open on the default ports of 2 database engines "
                                 "at once (redis, postgresql), 3 open database ports"));
    assert_null(strstr(md, "<b>"));
    assert_non_null(strstr(warn, "\n2 more not listed.\n"));
    assert_true(warn < strstr(md, "\n---\n")); /* before the totals */
    free(md);
    md = render_sum(LS_FORMAT_MARKDOWN, &s, false, NULL);
    assert_null(strstr(md, "honeypot"));
    free(md);
    ls_service_free(&s);
}

/* The results of rule `id` in a SARIF run. */
static size_t results_of(json_t *run, const char *id, json_t **first)
{
    size_t n = 0;
    json_t *res = json_object_get(run, "results");
    for (size_t i = 0; i < json_array_size(res); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(res, i), "ruleId")), id) == 0 && !n++)
            *first = json_array_get(res, i);
    return n;
}

static void test_sarif_result_per_suspect(void **state)
{
    (void)state;
    struct ls_service s;
    hostile_service(&s);
    for (int with = 0; with < 2; with++) {
        char *text = render_sum(LS_FORMAT_SARIF, &s, false, with ? &suspect_sum : NULL);
        json_t *doc = json_loads(text, 0, NULL);
        free(text);
        assert_non_null(doc);
        json_t *run = json_array_get(json_object_get(doc, "runs"), 0), *hp = NULL;
        json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
        size_t nrule = 0;
        for (size_t i = 0; i < json_array_size(rules); i++)
            nrule += strcmp(json_string_value(json_object_get(json_array_get(rules, i), "id")), "likely-honeypot") == 0;
        assert_int_equal(nrule, with); /* declared once, only when used */
        assert_int_equal(results_of(run, "likely-honeypot", &hp), with ? 2 : 0);
        assert_int_equal(json_array_size(json_object_get(run, "results")), with ? 4 : 2); /* + risk and secret */
        if (with) {
            assert_string_equal(json_string_value(json_object_get(hp, "level")), "warning");
            assert_string_equal(json_string_value(json_object_get(json_object_get(hp, "message"), "text")),
                                "127.66.8.9 is " SUSPECT_TEXT ": likely a honeypot or tarpit.");
            json_t *loc = json_object_get(
                json_object_get(json_array_get(json_object_get(hp, "locations"), 0), "physicalLocation"),
                "artifactLocation");
            assert_string_equal(json_string_value(json_object_get(loc, "uri")), "host://127.66.8.9");
            assert_int_equal(strlen(json_string_value(
                                 json_object_get(json_object_get(hp, "partialFingerprints"), "leakscanResult/v1"))),
                             64);
            assert_int_equal(json_integer_value(json_object_get(hp, "ruleIndex")),
                             json_array_size(rules) - 1); /* points at its rule */
        }
        json_decref(doc);
    }
    ls_service_free(&s);
}

/* At the results cap, the likely-honeypot results are kept (they qualify every other result): the
 * last findings make room; the notifications count what was left out and the unlisted hosts. */
static void test_sarif_suspects_survive_the_cap(void **state)
{
    (void)state;
    struct ls_service s;
    hostile_service(&s);
    struct ls_table *t = &s.tables[0];
    struct ls_secret *many = realloc(t->secrets, LS_SARIF_MAX_RESULTS * sizeof *many);
    assert_non_null(many);
    t->secrets = many;
    for (size_t i = 1; i < LS_SARIF_MAX_RESULTS; i++) {
        many[i] = many[0];
        many[i].column = NULL;
        many[i].raw = NULL;
        snprintf(many[i].fingerprint, sizeof many[i].fingerprint, "sha256:%064zu", i + 100);
    }
    t->nsecrets = LS_SARIF_MAX_RESULTS; /* with the service's risk: one result over the cap */
    char *text = render_sum(LS_FORMAT_SARIF, &s, false, &suspect_sum);
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(doc);
    json_t *run = json_array_get(json_object_get(doc, "runs"), 0), *hp = NULL;
    assert_int_equal(json_array_size(json_object_get(run, "results")), LS_SARIF_MAX_RESULTS);
    assert_int_equal(results_of(run, "likely-honeypot", &hp), 2);
    json_t *notes =
        json_object_get(json_array_get(json_object_get(run, "invocations"), 0), "toolExecutionNotifications");
    assert_int_equal(json_array_size(notes), 2);
    assert_non_null(
        strstr(json_string_value(json_object_get(json_object_get(json_array_get(notes, 0), "message"), "text")),
               "3 more results"));
    assert_non_null(
        strstr(json_string_value(json_object_get(json_object_get(json_array_get(notes, 1), "message"), "text")),
               "2 more likely honeypots"));
    json_decref(doc);
    ls_service_free(&s);
}

int main(void)
{
    ls_model_set_engine_display(ls_engine_display); /* as the CLI does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escapes_hostile_strings),
        cmocka_unit_test(test_sarif_scan_report),
        cmocka_unit_test(test_sarif_api_files_and_cap),
        cmocka_unit_test(test_sarif_suspects_survive_the_cap),
        cmocka_unit_test(test_text_summary_collapses_interfaces),
        cmocka_unit_test(test_markdown_escapes_and_redacts),
        cmocka_unit_test(test_jsonl_file_secret_matches_jansson),
        cmocka_unit_test(test_json_document_names_suspects),
        cmocka_unit_test(test_html_warns_of_suspects),
        cmocka_unit_test(test_markdown_lists_suspects),
        cmocka_unit_test(test_sarif_result_per_suspect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
