/* Unit tests for the Prometheus API parsers (src/engines/prometheus/prom_parse.c): build
 * information (and look-alikes that are not Prometheus), the line-based configuration scan
 * (jobs, hosts, URLs, masked and clear credentials), URL host and password redaction, targets,
 * flags, the TSDB series count and label texts. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <string.h>

#include "engines/prometheus/prom_parse.h"
#include "util/strbuf.h"

static json_t *js(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    assert_non_null(j);
    return j;
}

static void test_buildinfo(void **state)
{
    (void)state;
    char v[64];
    json_t *ok = js("{\"status\":\"success\",\"data\":{\"version\":\"2.42.0+ds\",\"revision\":\"2.42.0+ds-5\","
                    "\"branch\":\"debian/sid\",\"goVersion\":\"go1.19.8\"}}");
    assert_true(prom_buildinfo(ok, v, sizeof v));
    assert_string_equal(v, "2.42.0+ds");
    json_decref(ok);
    /* look-alikes: a JSON API that answers success to everything, an error, no goVersion */
    static const char *const not [] = {
        "{\"status\":\"success\",\"data\":{\"version\":\"2.42.0\"}}",
        "{\"status\":\"error\",\"data\":{\"version\":\"2\",\"revision\":\"x\",\"goVersion\":\"go1\"}}",
        "{\"status\":\"success\",\"data\":{\"version\":\"2\",\"revision\":\"x\",\"goVersion\":\"1.19\"}}",
        "{\"status\":\"success\",\"data\":[]}",
        "[1,2]",
    };
    for (size_t i = 0; i < sizeof not / sizeof not [0]; i++) {
        json_t *j = js(not [i]);
        assert_false(prom_buildinfo(j, v, sizeof v));
        json_decref(j);
    }
    assert_false(prom_buildinfo(NULL, v, sizeof v));
}

static const char config[] = "global:\n"
                             "  external_labels:\n"
                             "    owner: sre@gmx.net\n"
                             "scrape_configs:\n"
                             "- job_name: node\n"
                             "  static_configs:\n"
                             "  - targets:\n"
                             "    - 10.0.4.7:9100\n"
                             "    - 'db-1.internal:9187'\n"
                             "- job_name: api\n"
                             "  basic_auth:\n"
                             "    username: monitor\n"
                             "    password: <secret>\n"
                             "  authorization:\n"
                             "    credentials: <secret>\n"
                             "  params:\n"
                             "    token:\n"
                             "    - abc\n"
                             "remote_write:\n"
                             "- url: http://writer:xxxxx@10.0.9.1:9201/api/v1/write\n"
                             "  headers:\n"
                             "    X-Api-Key: k\n"
                             "- url: https://u:hunter2@metrics.example.net/push?tok=1\n"
                             "  bearer_token: plain-token\n";

static void test_config_scan(void **state)
{
    (void)state;
    struct prom_config c = {0};
    prom_config_scan(config, strlen(config), &c);
    assert_int_equal(c.lines, 24);
    assert_int_equal(c.jobs.n, 2);
    assert_string_equal(c.jobs.items[0], "node");
    assert_string_equal(c.jobs.items[1], "api");
    assert_int_equal(c.masked, 2);
    assert_int_equal(c.masked_urls, 1);
    assert_int_equal(c.plain_secrets, 1);
    assert_int_equal(c.plain_url_creds, 1);
    assert_int_equal(c.hosts.n, 4);
    assert_string_equal(c.hosts.items[0], "10.0.4.7:9100");
    assert_string_equal(c.hosts.items[1], "db-1.internal:9187");
    assert_string_equal(c.hosts.items[2], "10.0.9.1:9201");
    assert_string_equal(c.hosts.items[3], "metrics.example.net");
    assert_int_equal(c.urls.n, 2);
    assert_string_equal(c.urls.items[1], "https://u:***@metrics.example.net/push"); /* no query, no password */
    assert_int_equal(prom_config_masks(&c), LS_TRI_NO);
    prom_config_free(&c);

    struct prom_config m = {0};
    const char *masked = "- job_name: a\n  basic_auth:\n    password: <secret>\n";
    prom_config_scan(masked, strlen(masked), &m);
    assert_int_equal(prom_config_masks(&m), LS_TRI_YES);
    prom_config_free(&m);
    struct prom_config none = {0};
    prom_config_scan("global: {}", 10, &none);
    assert_int_equal(none.lines, 1);
    assert_int_equal(prom_config_masks(&none), LS_TRI_UNKNOWN);
    prom_config_free(&none);
}

static void test_config_caps(void **state)
{
    (void)state;
    char text[PROM_MAX_HOSTS * 40 + 64];
    struct ls_strbuf b;
    ls_sb_init(&b, text, sizeof text);
    for (int i = 0; i < PROM_MAX_HOSTS + 10; i++)
        ls_sb_printf(&b, "- 10.1.%d.%d:9100\n", i / 250, i % 250);
    assert_false(b.truncated);
    size_t n = b.len;
    struct prom_config c = {0};
    prom_config_scan(text, n, &c);
    assert_int_equal(c.hosts.n, PROM_MAX_HOSTS);
    assert_true(c.hosts.truncated);
    prom_config_free(&c);
}

static void test_url(void **state)
{
    (void)state;
    char out[128];
    bool masked;
    assert_true(prom_url_host("http://u:p@h.example:1/x", 24, out, sizeof out));
    assert_string_equal(out, "h.example:1");
    assert_true(prom_url_host("https://[::1]:9090?x", 20, out, sizeof out));
    assert_string_equal(out, "[::1]:9090");
    assert_false(prom_url_host("no-scheme:9090", 14, out, sizeof out));
    assert_false(prom_url_host("http://", 7, out, sizeof out));
    assert_true(prom_url_redact("http://a:b@h/p", 14, out, sizeof out, &masked));
    assert_string_equal(out, "http://a:***@h/p");
    assert_false(masked);
    assert_false(prom_url_redact("http://a:xxxxx@h/p", 18, out, sizeof out, &masked));
    assert_true(masked);
    assert_false(prom_url_redact("http://a@h/p@q", 14, out, sizeof out, &masked));
    assert_string_equal(out, "http://a@h/p@q");
}

static void test_targets_flags_tsdb(void **state)
{
    (void)state;
    json_t *t = js("{\"activeTargets\":[{\"labels\":{\"job\":\"node\",\"instance\":\"a:1\"},\"scrapeUrl\":"
                   "\"http://10.0.0.5:9100/metrics\",\"health\":\"up\"},{\"labels\":{},\"scrapePool\":\"api\","
                   "\"scrapeUrl\":\"http://10.0.0.6:80/m?token=x\",\"health\":\"down\"},{\"health\":\"unknown\"}],"
                   "\"droppedTargets\":[{}, {}]}");
    struct prom_targets tg = {0};
    assert_true(prom_targets_scan(t, &tg));
    assert_int_equal(tg.active, 3);
    assert_int_equal(tg.up, 1);
    assert_int_equal(tg.down, 1);
    assert_int_equal(tg.dropped, 2);
    assert_int_equal(tg.hosts.n, 2);
    assert_string_equal(tg.hosts.items[1], "10.0.0.6:80");
    assert_int_equal(tg.jobs.n, 2);
    assert_string_equal(tg.jobs.items[1], "api");
    prom_targets_free(&tg);
    json_decref(t);
    struct prom_targets none = {0};
    assert_false(prom_targets_scan(NULL, &none));

    json_t *f = js("{\"web.enable-admin-api\":\"true\",\"web.enable-lifecycle\":\"false\",\"enable-feature\":"
                   "\"remote-write-receiver\",\"web.config.file\":\"\",\"storage.tsdb.retention.time\":\"15d\"}");
    struct prom_flags fl = {0};
    assert_true(prom_flags_scan(f, &fl));
    assert_int_equal(fl.admin_api, LS_TRI_YES);
    assert_int_equal(fl.lifecycle, LS_TRI_NO);
    assert_int_equal(fl.remote_write_receiver, LS_TRI_YES);
    assert_int_equal(fl.otlp_receiver, LS_TRI_UNKNOWN);
    assert_int_equal(fl.web_config, LS_TRI_NO);
    assert_string_equal(fl.retention, "15d");
    json_decref(f);

    uint64_t n = 0;
    json_t *d = js("{\"headStats\":{\"numSeries\":28}}");
    assert_true(prom_tsdb_series(d, &n));
    assert_int_equal(n, 28);
    json_decref(d);
    d = js("{\"headStats\":{\"numSeries\":-1}}");
    assert_false(prom_tsdb_series(d, &n));
    json_decref(d);
}

static void test_labels_text(void **state)
{
    (void)state;
    json_t *l = js("{\"__name__\":\"up\",\"job\":\"node\",\"token\":\"t1\",\"n\":5}");
    static const char *const skip[] = {"__name__", NULL};
    char out[64];
    size_t n = prom_labels_text(l, skip, out, sizeof out);
    assert_string_equal(out, "job=\"node\", token=\"t1\"");
    assert_int_equal(n, strlen(out));
    char tiny[8];
    n = prom_labels_text(l, NULL, tiny, sizeof tiny);
    assert_true(n < sizeof tiny);
    json_decref(l);
    assert_int_equal(prom_labels_text(NULL, NULL, out, sizeof out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buildinfo), cmocka_unit_test(test_config_scan),        cmocka_unit_test(test_config_caps),
        cmocka_unit_test(test_url),       cmocka_unit_test(test_targets_flags_tsdb), cmocka_unit_test(test_labels_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
