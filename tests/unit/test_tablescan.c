/* Table content analysis tests: per-rule counts and distinct values, one secret record per distinct
 * secret, fingerprints of the exact (JSON-unescaped) bytes, redaction, classes, bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/redact.h"
#include "detect/tablescan.h"

static struct ls_detector *det;

#define GHP1 "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"
#define GHP2 "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"
#define AWS_SECRET "p7O8QuKEh6D0JCk39QmJWikyFE/xzzdAIDhXzK2Q"

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

static void row(struct ls_tablescan *ts, const char *col, const char *val)
{
    ls_tablescan_cell(ts, col, val, strlen(val));
    ls_tablescan_row_end(ts);
}

static const struct ls_rule_tally *tally(const struct ls_table *t, const char *rule)
{
    for (size_t i = 0; i < t->ntallies; i++)
        if (strcmp(t->tallies[i].rule, rule) == 0)
            return &t->tallies[i];
    return NULL;
}

static const struct ls_secret *secret_with(const struct ls_table *t, const char *fp)
{
    for (size_t i = 0; i < t->nsecrets; i++)
        if (strcmp(t->secrets[i].fingerprint, fp) == 0)
            return &t->secrets[i];
    return NULL;
}

static void test_distinct_and_records(void **state)
{
    (void)state;
    struct ls_tablescan *ts = ls_tablescan_new(det, false);
    assert_non_null(ts);
    row(ts, "env", "GITHUB_TOKEN=" GHP1);
    row(ts, "message", "git clone https://" GHP1 "@github.com/acme/infra.git failed");
    row(ts, "message", "retry with " GHP1 " then " GHP2);
    row(ts, "message", "nothing here");
    struct ls_table t = {0};
    t.name = strdup("deploys");
    assert_int_equal(ls_tablescan_finish(ts, &t), 0);
    assert_int_equal(t.scanned_rows, 4);
    const struct ls_rule_tally *g = tally(&t, "github-classic-pat");
    assert_non_null(g);
    assert_string_equal(g->category, "secret");
    assert_int_equal(g->count, 4);
    assert_int_equal(g->distinct, 2);
    assert_int_equal(t.nsecrets, 2);
    char fp[72];
    ls_fingerprint(GHP1, strlen(GHP1), fp);
    const struct ls_secret *s1 = secret_with(&t, fp);
    assert_non_null(s1);
    assert_int_equal(s1->count, 3);
    assert_string_equal(s1->column, "env"); /* the first column it was seen in */
    assert_string_equal(s1->rule, "github-classic-pat");
    assert_string_equal(s1->category, "secret");
    assert_null(s1->raw);
    assert_string_equal(s1->redacted, "ghp_\xE2\x80\xA6"
                                      "1IL");
    ls_fingerprint(GHP2, strlen(GHP2), fp);
    assert_non_null(secret_with(&t, fp));
    assert_true(t.classes & LS_CLASS_SECRETS);
    assert_false(t.classes & (LS_CLASS_PII | LS_CLASS_CHAT | LS_CLASS_LOGS));
    ls_tablescan_free(ts);
    ls_table_free(&t);
}

/* Fingerprints hash the exact secret bytes: the capture (not the whole assignment), and inside
 * JSON text the unescaped value. The redacted form never shows the middle. */
static void test_fingerprints_exact_bytes(void **state)
{
    (void)state;
    struct ls_tablescan *ts = ls_tablescan_new(det, true);
    row(ts, "config", "aws_secret_access_key=" AWS_SECRET);
    row(ts, "body", "{\"SecretAccessKey\": \"p7O8QuKEh6D0JCk39QmJWikyFE\\/xzzdAIDhXzK2Q\"}");
    row(ts, "dsn", "postgres://svc_user:Gq59Pb2P1JJeE5bz@db-internal:5432/app");
    struct ls_table t = {0};
    assert_int_equal(ls_tablescan_finish(ts, &t), 0);
    assert_int_equal(t.nsecrets, 2);
    char fp[72];
    ls_fingerprint(AWS_SECRET, strlen(AWS_SECRET), fp);
    const struct ls_secret *s = secret_with(&t, fp);
    assert_non_null(s);
    assert_int_equal(s->count, 2); /* the escaped and the plain form are one secret */
    assert_string_equal(s->raw, AWS_SECRET);
    assert_string_equal(s->column, "config");
    assert_null(strstr(s->redacted, "QuKEh6D0JCk39Qm"));
    assert_true(strlen(s->redacted) <= 4 + 3 + 3);
    ls_fingerprint("Gq59Pb2P1JJeE5bz", 16, fp);
    s = secret_with(&t, fp);
    assert_non_null(s);
    assert_string_equal(s->rule, "database-url-password");
    assert_string_equal(s->raw, "Gq59Pb2P1JJeE5bz");
    for (size_t i = 0; i < t.nsecrets; i++) {
        const struct ls_secret *x = &t.secrets[i];
        size_t shown = strlen(x->redacted) - 3; /* minus the ellipsis */
        assert_true(shown <= 7);
        assert_true(shown * 3 <= strlen(x->raw));
        /* no window of 5 characters from the middle of the value appears in the redacted form */
        size_t n = strlen(x->raw);
        for (size_t k = 4; k + 5 + 3 <= n; k++) {
            char win[6];
            memcpy(win, x->raw + k, 5);
            win[5] = '\0';
            assert_null(strstr(x->redacted, win));
        }
    }
    ls_tablescan_free(ts);
    ls_table_free(&t);
}

static void test_pii_and_chat_are_tallies_only(void **state)
{
    (void)state;
    struct ls_tablescan *ts = ls_tablescan_new(det, false);
    row(ts, "customer", "Maria <maria.garcia@gmail.com>");
    row(ts, "customer", "maria.garcia@gmail.com");
    row(ts, "customer", "wchen@proton.me, sms verification code sent to +14155550123");
    row(ts, "prompt", "{\"role\":\"user\",\"content\":\"hello there\"}");
    row(ts, "prompt", "{\"role\":\"assistant\",\"content\":\"hi\"}");
    struct ls_table t = {0};
    assert_int_equal(ls_tablescan_finish(ts, &t), 0);
    assert_int_equal(t.nsecrets, 0);
    const struct ls_rule_tally *e = tally(&t, "email");
    assert_non_null(e);
    assert_string_equal(e->category, "pii");
    assert_int_equal(e->count, 3);
    assert_int_equal(e->distinct, 2);
    assert_non_null(tally(&t, "phone"));
    const struct ls_rule_tally *c = tally(&t, "chat-message");
    assert_non_null(c);
    assert_string_equal(c->category, "chat");
    assert_int_equal(c->count, 2);
    assert_int_equal(c->distinct, 2);
    assert_int_equal(t.classes, LS_CLASS_PII | LS_CLASS_CHAT);
    ls_tablescan_free(ts);
    ls_table_free(&t);
}

static unsigned classes_of(const char *name, const char *const *cols, const char *const *types, size_t ncols,
                           const char *const *cells, size_t nrows)
{
    struct ls_tablescan *ts = ls_tablescan_new(det, false);
    struct ls_table t = {0};
    t.name = name ? strdup(name) : NULL;
    if (ncols) {
        t.columns = calloc(ncols, sizeof *t.columns);
        t.ncolumns = ncols;
        for (size_t i = 0; i < ncols; i++) {
            t.columns[i].name = strdup(cols[i]);
            t.columns[i].type = strdup(types[i]);
        }
    }
    for (size_t i = 0; i < nrows; i++)
        row(ts, "c", cells[i]);
    assert_int_equal(ls_tablescan_finish(ts, &t), 0);
    unsigned c = t.classes;
    ls_tablescan_free(ts);
    ls_table_free(&t);
    return c;
}

static void test_log_classes(void **state)
{
    (void)state;
    /* by name */
    assert_int_equal(classes_of("log_stream", NULL, NULL, 0, NULL, 0), LS_CLASS_LOGS);
    assert_int_equal(classes_of("access_log", NULL, NULL, 0, NULL, 0), LS_CLASS_LOGS);
    assert_int_equal(classes_of("AuditEvents", NULL, NULL, 0, NULL, 0), LS_CLASS_LOGS);
    assert_int_equal(classes_of("otel_traces", NULL, NULL, 0, NULL, 0), LS_CLASS_LOGS);
    assert_int_equal(classes_of("querylog", NULL, NULL, 0, NULL, 0), LS_CLASS_LOGS);
    assert_int_equal(classes_of("catalog", NULL, NULL, 0, NULL, 0), 0);
    assert_int_equal(classes_of("blog_posts", NULL, NULL, 0, NULL, 0), 0);
    assert_int_equal(classes_of("changelog", NULL, NULL, 0, NULL, 0), 0);
    assert_int_equal(classes_of("users", NULL, NULL, 0, NULL, 0), 0);
    /* by columns: a timestamp-like column plus a message/level/trace-like one */
    const char *c1[] = {"ts", "service", "message"}, *t1[] = {"UInt64", "String", "String"};
    assert_int_equal(classes_of("stream", c1, t1, 3, NULL, 0), LS_CLASS_LOGS);
    const char *c2[] = {"created", "spanName", "payload"}, *t2[] = {"DateTime64(3)", "String", "String"};
    assert_int_equal(classes_of("stream", c2, t2, 3, NULL, 0), LS_CLASS_LOGS);
    const char *c3[] = {"id", "message"}, *t3[] = {"UInt64", "String"};
    assert_int_equal(classes_of("stream", c3, t3, 2, NULL, 0), 0);
    const char *c4[] = {"created_at", "name", "price"}, *t4[] = {"DateTime", "String", "Decimal(10,2)"};
    assert_int_equal(classes_of("products", c4, t4, 3, NULL, 0), 0);
    /* by content: at least 30% of scanned rows look like log lines */
    const char *rows[] = {
        "2025-01-06T10:00:00.123Z INFO request served path=/api/v1/items status=200",
        "plain value",
        "{\"level\":\"warn\",\"msg\":\"slow query\",\"ms\":812}",
        "another plain value",
        "Jan  6 10:00:01 web-1 sshd[812]: Accepted publickey for deploy",
        "x",
    };
    assert_int_equal(classes_of("stream", NULL, NULL, 0, rows, 6), LS_CLASS_LOGS);
    const char *few[] = {"ERROR: connection refused by upstream", "a", "b", "c", "d", "e", "f", "g"};
    assert_int_equal(classes_of("stream", NULL, NULL, 0, few, 8), 0); /* 1 of 8 */
    const char *none[] = {"2024-01-15", "10.0.0.1", "1736121600", "INFO"};
    assert_int_equal(classes_of("stream", NULL, NULL, 0, none, 4), 0);
}

/* Past the first 1024 rows the log-line share is estimated from one row in 16. */
static unsigned classes_of_many(size_t rows, size_t log_every)
{
    struct ls_tablescan *ts = ls_tablescan_new(det, false);
    for (size_t i = 0; i < rows; i++)
        row(ts, "c", i % log_every == 0 ? "2025-01-06T10:00:00Z INFO request served status=200" : "plain");
    struct ls_table t = {0};
    assert_int_equal(ls_tablescan_finish(ts, &t), 0);
    assert_int_equal(t.scanned_rows, rows);
    unsigned c = t.classes;
    ls_tablescan_free(ts);
    ls_table_free(&t);
    return c;
}

static void test_log_share_on_deep_scans(void **state)
{
    (void)state;
    assert_int_equal(classes_of_many(20000, 1), LS_CLASS_LOGS);
    assert_int_equal(classes_of_many(20000, 2), LS_CLASS_LOGS);
    assert_int_equal(classes_of_many(20000, 5), 0);
}

static void test_finish_adds_to_what_is_there(void **state)
{
    (void)state;
    struct ls_table t = {0};
    for (int pass = 0; pass < 2; pass++) {
        struct ls_tablescan *ts = ls_tablescan_new(det, false);
        row(ts, "a", "token " GHP1);
        row(ts, "a", pass ? "token " GHP2 : "x");
        assert_int_equal(ls_tablescan_finish(ts, &t), 0);
        /* a second finish on the same scanner adds nothing twice */
        assert_int_equal(ls_tablescan_finish(ts, &t), 0);
        ls_tablescan_free(ts);
    }
    assert_int_equal(t.scanned_rows, 4);
    const struct ls_rule_tally *g = tally(&t, "github-classic-pat");
    assert_int_equal(g->count, 3);
    assert_int_equal(t.nsecrets, 2);
    char fp[72];
    ls_fingerprint(GHP1, strlen(GHP1), fp);
    assert_int_equal(secret_with(&t, fp)->count, 2);
    ls_table_free(&t);
}

static void test_distinct_is_bounded(void **state)
{
    (void)state;
    struct ls_tablescan *ts = ls_tablescan_new(det, false);
    size_t n = LS_TABLESCAN_MAX_DISTINCT + 50;
    for (size_t i = 0; i < n; i++) {
        char v[64];
        snprintf(v, sizeof v, "user%zu@gmail.com", i);
        row(ts, "email", v);
    }
    row(ts, "email", "user7@gmail.com");
    struct ls_table t = {0};
    assert_int_equal(ls_tablescan_finish(ts, &t), 0);
    const struct ls_rule_tally *e = tally(&t, "email");
    assert_int_equal(e->count, n + 1);
    assert_int_equal(e->distinct, LS_TABLESCAN_MAX_DISTINCT);
    ls_tablescan_free(ts);
    ls_table_free(&t);
}

static void test_null_and_empty(void **state)
{
    (void)state;
    ls_tablescan_cell(NULL, "a", "b", 1);
    ls_tablescan_row_end(NULL);
    ls_tablescan_free(NULL);
    struct ls_tablescan *ts = ls_tablescan_new(det, false);
    ls_tablescan_cell(ts, NULL, "", 0);
    ls_tablescan_cell(ts, NULL, "AKIAI3R2WYOJFLJOOA7L", 20); /* no column name */
    ls_tablescan_row_end(ts);
    struct ls_table t = {0};
    assert_int_equal(ls_tablescan_finish(ts, &t), 0);
    assert_int_equal(t.nsecrets, 1);
    assert_null(t.secrets[0].column);
    ls_tablescan_free(ts);
    ls_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distinct_and_records),          cmocka_unit_test(test_fingerprints_exact_bytes),
        cmocka_unit_test(test_pii_and_chat_are_tallies_only), cmocka_unit_test(test_log_classes),
        cmocka_unit_test(test_log_share_on_deep_scans),       cmocka_unit_test(test_finish_adds_to_what_is_there),
        cmocka_unit_test(test_distinct_is_bounded),           cmocka_unit_test(test_null_and_empty),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
