/* Redaction at the model boundary (issue: a hostile server must never unmask a secret): credential
 * shapes in free text are hidden and ordinary server text is left alone (ls_redact_text); and a
 * service whose every server-controlled string holds a planted credential reaches no output format
 * and no history row raw once ls_service_redact has run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/service_redact.h"
#include "detect/detect.h"
#include "detect/textredact.h"
#include "engines/catalog.h"
#include "model/model.h"
#include "render_one.h"
#include "report/report.h"
#include "store/store.h"

static struct ls_detector *det;

static int setup(void **state)
{
    (void)state;
    char err[256];
    det = ls_detector_new(err, sizeof err);
    return det ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ls_detector_free(det);
    return 0;
}

static char *redact(const char *text)
{
    struct ls_detect_scratch *s = ls_detect_scratch_new(det);
    assert_non_null(s);
    char *r = ls_redact_text(det, s, text, strlen(text), NULL);
    ls_detect_scratch_free(s);
    assert_non_null(r);
    return r;
}

/* The secret parts of the examples: each must be gone from the redacted text. */
static const struct {
    const char *text, *secret;
} hidden[] = {
    {"URL engine reading from https://api.partner.example/feed.csv?format=csv&api_key=k3yV4lue9911ZZtopQ",
     "k3yV4lue9911ZZtopQ"},
    {"URL engine reading from https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Zx9Qw8Er7Ty6Ui5Op4As3Df2",
     "Zx9Qw8Er7Ty6Ui5Op4As3Df2"},
    {"S3 engine reading from https://bucket.s3.amazonaws.com/k.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
     "X-Amz-Credential=AKIAZ7Q4MNB2XK3LP5RT%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature="
     "3f1c9e0a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
     "3f1c9e0a7b6d5c4e3f2a1b0c9d8e7f6a"},
    {"S3 engine reading from https://bucket.s3.amazonaws.com/k.csv?X-Amz-Credential=AKIAZ7Q4MNB2XK3LP5RT%2F2025",
     "AKIAZ7Q4MNB2XK3LP5RT"},
    {"PostgreSQL engine reading from etl:PgPassw0rd-771@db.internal:5432", "PgPassw0rd-771"},
    {"ENGINE = PostgreSQL('etl:PgPassw0rd-771@db.internal:5432', 'dw', 'orders')", "PgPassw0rd-771"},
    {"users_dict from HTTP: http://loader:Dict-Pw-5521@10.9.8.7/users.tsv", "Dict-Pw-5521"},
    {"tokens from Executable: /opt/bin/export --format TSV --token tk_live_Ab12Cd34Ef56Gh78",
     "tk_live_Ab12Cd34Ef56Gh78"},
    {"tokens from Executable: /opt/bin/export --password=Exp0rt-Pw-17", "Exp0rt-Pw-17"},
    {"Server=db;Database=app;User Id=sa;Password = \"Odbc Pw 9911\";", "Odbc Pw 9911"},
    {"{\"password\": \"Js0nPw-0042\", \"user\": \"etl\"}", "Js0nPw-0042"},
    {"curl -H 'Authorization: Bearer eyJraWQiOiJ4In0.c2VjcmV0.c2lnbmF0dXJl'", "eyJraWQiOiJ4In0.c2VjcmV0"},
    {"https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r.git",
     "ghs_16C7e42F292c6912E7710c838347Ae178B4a"},
    {"https://storage.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&srt=o&sp=r&sig=Qm9vZ3llTWFuU2lnbmF0dXJlMTIz%3D",
     "Qm9vZ3llTWFuU2lnbmF0dXJlMTIz"},
};

/* Ordinary server text, byte for byte unchanged. */
static const char *const kept[] = {
    "Code: 194. DB::Exception: Password required for user default. (REQUIRED_PASSWORD)",
    "Code: 60, e.displayText() = DB::Exception: Table system.grants doesn't exist., e.what() = DB::Exception",
    "profile readonly=0, allow_ddl=1; no system.grants (pre-RBAC server: no per-source grants)",
    "MySQL engine reading from 127.77.4.250:3306; not read (the server would connect out)",
    "URL engine reading from http://127.77.4.250:8080/feed.csv; not read",
    "lab_shards: 127.77.4.251:9000, 127.77.4.252:9000",
    "replica=ch-ext-01.lab.internal, shard=01",
    "default: 119 queries in 30 days",
    "passwordless: analyst (no password, from ::/0)",
    "user 'default' with an empty password ran SELECT version() over the http interface and got 18.16.1",
    "default.log_stream (1,100,000 rows), analytics.page_views (10,000 rows)",
    "Rotate the credentials found, by rule and fingerprint: openai-api-key sha256:0123456789ab… in default.users.",
    "mail admin@example.com about it",
};

static void test_text_shapes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
        char *r = redact(hidden[i].text);
        if (strstr(r, hidden[i].secret))
            fail_msg("not hidden: %s\n  -> %s", hidden[i].text, r);
        free(r);
    }
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        char *r = redact(kept[i]);
        if (strcmp(r, kept[i]) != 0)
            fail_msg("changed: %s\n  -> %s", kept[i], r);
        free(r);
    }
}

static void test_fixed_buffer_cut_on_boundary(void **state)
{
    (void)state;
    char buf[40];
    snprintf(buf, sizeof buf, "x?api_key=Qq1Ww2Ee3Rr4Tt5Yy6Uu7Ii8");
    assert_true(ls_redact_text_buf(det, NULL, buf, sizeof buf));
    assert_null(strstr(buf, "Qq1Ww2Ee3Rr4Tt5"));
    char plain[16] = "readonly=1";
    assert_false(ls_redact_text_buf(NULL, NULL, plain, sizeof plain));
    assert_string_equal(plain, "readonly=1");
}

/* ---- a service whose every server-controlled string carries a credential --------------------- */

#define GHP "sk_live_Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1"
#define PGPW "Pg-Plant-Pw-6612"
#define APIKEY "ApiKeyPlant77Zz99Qq"
static const char *const planted[] = {GHP, PGPW, APIKEY};

static char *plant(const char *what)
{
    static unsigned k;
    char buf[512];
    switch (k++ % 3) {
    case 0: snprintf(buf, sizeof buf, "%s " GHP, what); break;
    case 1: snprintf(buf, sizeof buf, "%s postgresql://etl:" PGPW "@db.internal/dw", what); break;
    default: snprintf(buf, sizeof buf, "%s https://feed.example/x?api_key=" APIKEY, what); break;
    }
    char *r = strdup(buf);
    assert_non_null(r);
    return r;
}

static void plant_table(struct ls_table *t)
{
    free(t->database), free(t->name), free(t->storage); /* a sysobj comes named */
    t->database = plant("db");
    t->name = plant("tbl");
    t->storage = plant("URL");
    t->error = plant("error");
    t->note = plant("note");
    t->columns = calloc(1, sizeof *t->columns);
    assert_non_null(t->columns);
    t->ncolumns = 1;
    t->columns[0].name = plant("col");
    t->columns[0].type = plant("String");
    t->secrets = calloc(1, sizeof *t->secrets);
    assert_non_null(t->secrets);
    t->nsecrets = 1;
    t->secrets[0] = (struct ls_secret){.rule = "stripe-secret-key", .category = "secret", .count = 1};
    t->secrets[0].column = plant("create_table_query");
    snprintf(t->secrets[0].fingerprint, sizeof t->secrets[0].fingerprint, "sha256:%064d", 0);
    snprintf(t->secrets[0].redacted, sizeof t->secrets[0].redacted, "sk_l…Lk1");
}

static void planted_service(struct ls_service *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->host, sizeof s->host, "127.77.3.14");
    snprintf(s->ip, sizeof s->ip, "127.77.3.14");
    s->port = 8123;
    s->engine = "clickhouse";
    s->interface = "http";
    s->auth = LS_AUTH_NONE;
    s->severity = LS_SEV_CRITICAL;
    snprintf(s->version, sizeof s->version, "18.16.1 " GHP);
    snprintf(s->display_name, sizeof s->display_name, "name postgresql://etl:" PGPW "@h/db");
    snprintf(s->timezone, sizeof s->timezone, "UTC?api_key=" APIKEY);
    s->auth_evidence = plant("Code: 194.");
    s->error = plant("error");
    s->version_source = plant("SELECT version()");
    s->compromised = true;
    s->compromise_evidence = plant("ransom");
    plant_table(ls_service_add_table(s));
    plant_table(ls_service_add_sysobj(s, "system", "dictionaries"));
    char *a = plant("title"), *b = plant("evidence"), *c = plant("remediation"), *u1 = plant("what"),
         *u2 = plant("reason"), *h = plant("reason");
    assert_int_equal(ls_service_add_risk(s, "CH-X", LS_SEV_HIGH, a, b), 0);
    assert_int_equal(ls_service_add_remediation(s, c), 0);
    assert_int_equal(ls_service_add_unknown(s, u1, u2), 0);
    assert_int_equal(ls_strv_add(&s->honeypot.reasons, &s->honeypot.nreasons, h), 0);
    s->honeypot.suspected = true;
    free(a), free(b), free(c), free(u1), free(u2), free(h);
    struct ls_access *p = &s->access;
    assert_int_equal(ls_access_user(p, "etl:" PGPW "@h"), 0);
    assert_int_equal(ls_access_fact_int(p, "readonly", true, 0), 0);
    char *tf = plant("url"), *st = plant("setting="), *ev = plant("evidence "), *tx = plant("fact ");
    assert_int_equal(ls_access_fact_list_add(p, "table_functions", tf), 0);
    assert_int_equal(ls_access_fact_list_add(p, "settings", st), 0);
    assert_int_equal(ls_access_cap(p, LS_CAP_REACH_HOSTS, LS_TRI_YES, ev), 0);
    assert_int_equal(ls_access_fact_text(p, "master_host", tx), 0);
    free(tf), free(st), free(ev), free(tx);
    char *basis = plant("basis");
    assert_int_equal(ls_access_basis(p, basis), 0);
    free(basis);
}

static void assert_clean(const char *what, const char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof planted / sizeof planted[0]; i++)
        if (memmem(buf, len, planted[i], strlen(planted[i])))
            fail_msg("%s holds the planted secret %s raw", what, planted[i]);
}

static void test_every_field_every_format(void **state)
{
    (void)state;
    struct ls_service s;
    planted_service(&s);
    /* the fixture really is dirty: without the pass, the jsonl record carries the secrets */
    static const enum ls_format formats[] = {LS_FORMAT_TEXT, LS_FORMAT_JSONL,    LS_FORMAT_JSON,
                                             LS_FORMAT_HTML, LS_FORMAT_MARKDOWN, LS_FORMAT_SARIF};
    assert_int_equal(ls_service_redact(&s, det), 0);
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        size_t len;
        char *buf = render_one(formats[f], &s, &len);
        assert_true(len > 0);
        assert_clean(ls_format_name(formats[f]), buf, len);
        free(buf);
    }
    /* the history: the whole database file, byte for byte */
    char path[] = "/tmp/ls-redact-hist-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct ls_store *st = NULL;
    char err[256];
    assert_int_equal(ls_store_open(path, &st, err, sizeof err), LS_STORE_OK);
    int64_t id;
    assert_int_equal(ls_store_scan_begin(st, "127.77.3.14", &id, err, sizeof err), 0);
    assert_int_equal(ls_store_add_service(st, id, &s, err, sizeof err), 0);
    struct ls_scan_summary sum = {.targets = 1, .services = 1};
    assert_int_equal(ls_store_scan_end(st, id, &sum, err, sizeof err), 0);
    ls_store_close(st);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char db[1 << 20];
    size_t n = fread(db, 1, sizeof db, f);
    fclose(f);
    unlink(path);
    assert_true(n > 0);
    assert_clean("history", db, n);
    ls_service_free(&s);
}

/* The same fixture without the pass does leak (so the test above can fail). */
static void test_fixture_is_dirty(void **state)
{
    (void)state;
    struct ls_service s;
    planted_service(&s);
    size_t len;
    char *buf = render_one(LS_FORMAT_JSONL, &s, &len);
    for (size_t i = 0; i < sizeof planted / sizeof planted[0]; i++)
        assert_non_null(memmem(buf, len, planted[i], strlen(planted[i])));
    free(buf);
    ls_service_free(&s);
}

int main(void)
{
    ls_model_set_engine_display(ls_engine_display); /* as the CLI does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_shapes),
        cmocka_unit_test(test_fixed_buffer_cut_on_boundary),
        cmocka_unit_test(test_every_field_every_format),
        cmocka_unit_test(test_fixture_is_dirty),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
