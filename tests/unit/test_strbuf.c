/* The bounded string builder, and the report strings built with it from server-sent names: long
 * `database.table` names once pushed rotation_list's `pos += snprintf` past its stack buffer
 * (a stack-buffer-overflow under ASan, SIGSEGV with 1 MiB names in a release build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/catalog.h"
#include "engines/clickhouse/ch_blast.h"
#include "util/strbuf.h"

static void test_bounded_and_terminated(void **state)
{
    (void)state;
    char buf[16];
    struct ls_strbuf b;
    ls_sb_init(&b, buf, sizeof buf);
    ls_sb_printf(&b, "%s", "0123456789");
    assert_false(b.truncated);
    ls_sb_printf(&b, "%s", "abcdefghij");
    assert_true(b.truncated);
    assert_int_equal(b.len, 15);
    assert_string_equal(buf, "0123456789abcde");
    ls_sb_printf(&b, "more");
    assert_string_equal(buf, "0123456789abcde");
    ls_sb_mark_cut(&b, ", …"); /* 5 bytes */
    assert_string_equal(buf, "0123456789, …");
    struct ls_strbuf z;
    ls_sb_init(&z, NULL, 0); /* a zero capacity never writes */
    ls_sb_printf(&z, "x");
    ls_sb_append(&z, "y");
    assert_int_equal(z.len, 0);
}

static void test_cut_on_utf8_boundary(void **state)
{
    (void)state;
    char buf[6];
    struct ls_strbuf b;
    ls_sb_init(&b, buf, sizeof buf);
    ls_sb_append(&b, "abc\xE2\x80\xA6"); /* "abc…": the ellipsis would end past byte 5 */
    assert_true(b.truncated);
    assert_string_equal(buf, "abc");
    ls_sb_init(&b, buf, sizeof buf);
    ls_sb_printf(&b, "ab%s", "\xC3\xA9\xC3\xA9"); /* "abéé" = 6 bytes, room for 5 */
    assert_string_equal(buf, "ab\xC3\xA9");
    assert_int_equal(ls_utf8_cut("a\xF0\x9F\x98", 4), 1);
    assert_int_equal(ls_utf8_cut("a\xF0\x9F\x98\x80", 5), 5);
}

/* ---- rotation list and the other evidence lists of ch_assess_blast ---- */

static struct ls_scan_limits limits;

static void add_named_table(struct ls_service *svc, size_t namelen, unsigned k, size_t nsecrets, const char *rule)
{
    struct ls_table *t = ls_service_add_table(svc);
    assert_non_null(t);
    t->database = malloc(namelen + 1);
    t->name = malloc(namelen + 1);
    assert_non_null(t->database);
    assert_non_null(t->name);
    memset(t->database, 'd', namelen);
    memset(t->name, 't', namelen);
    t->database[namelen] = t->name[namelen] = '\0';
    t->name[0] = (char)('a' + k % 26);
    t->storage = strdup("MergeTree");
    t->secrets = calloc(nsecrets, sizeof *t->secrets);
    assert_non_null(t->secrets);
    for (size_t i = 0; i < nsecrets; i++) {
        struct ls_secret *s = &t->secrets[t->nsecrets++];
        s->rule = rule;
        s->category = "secret";
        s->count = 1;
        memset(s->fingerprint, '0', 71);
        s->fingerprint[71] = '\0';
        char head[24];
        snprintf(head, sizeof head, "sha256:%02x%06x", k & 0xffu, (unsigned)i);
        memcpy(s->fingerprint, head, strlen(head));
        snprintf(s->redacted, sizeof s->redacted, "sk-…%03u", (unsigned)(i % 1000));
    }
}

static const char *remediation_with(const struct ls_service *svc, const char *prefix)
{
    for (size_t i = 0; i < svc->nremediation; i++)
        if (strncmp(svc->remediation[i], prefix, strlen(prefix)) == 0)
            return svc->remediation[i];
    return NULL;
}

static void assess(struct ls_session *s)
{
    s->limits = &limits;
    s->svc.engine = "clickhouse";
    s->svc.auth = LS_AUTH_NONE;
    ch_assess_blast(s);
}

static void test_rotation_list_long_names(void **state)
{
    (void)state;
    static const size_t lens[] = {200, 1 << 20};
    for (size_t l = 0; l < 2; l++) {
        struct ls_session s = {0};
        for (unsigned k = 0; k < 12; k++)
            add_named_table(&s.svc, lens[l], k, 2, "openai-api-key");
        assess(&s);
        const char *r = remediation_with(&s.svc, "Rotate the credentials found");
        assert_non_null(r);
        assert_true(strlen(r) < 1200);
        ls_service_free(&s.svc);
    }
}

static void test_rotation_list_summarises_many(void **state)
{
    (void)state;
    struct ls_session s = {0};
    add_named_table(&s.svc, 7, 0, 2000, "deepseek-api-key");
    free(s.svc.tables[0].database);
    free(s.svc.tables[0].name);
    s.svc.tables[0].database = strdup("default");
    s.svc.tables[0].name = strdup("api_users");
    add_named_table(&s.svc, 4, 1, 2, "stripe-secret-key");
    assess(&s);
    const char *r = remediation_with(&s.svc, "Rotate the credentials found");
    assert_non_null(r);
    assert_non_null(strstr(r, "2,000 deepseek-api-key values in default.api_users"));
    assert_non_null(strstr(r, "stripe-secret-key sha256:010000000000… in dddd.bttt"));
    assert_non_null(strstr(r, "stripe-secret-key sha256:010000010000… in dddd.bttt"));
    ls_service_free(&s.svc);
}

/* table functions and honeypot reasons: many long entries stay inside their evidence buffers */
static void test_evidence_lists_bounded(void **state)
{
    (void)state;
    struct ls_session s = {0};
    char name[300];
    memset(name, 'f', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    for (int i = 0; i < 40; i++) {
        name[0] = (char)('a' + i % 26);
        name[1] = (char)('a' + i / 26);
        assert_int_equal(ls_access_fact_list_add(&s.svc.access, "table_functions", name), 0);
        assert_int_equal(ls_strv_add(&s.svc.honeypot.reasons, &s.svc.honeypot.nreasons, name), 0);
    }
    s.svc.honeypot.suspected = true;
    assess(&s);
    size_t seen = 0;
    for (size_t i = 0; i < s.svc.nrisks; i++) {
        assert_true(strlen(s.svc.risks[i].evidence) < 600);
        seen += strcmp(s.svc.risks[i].id, "CH-TABLE-FUNCTIONS") == 0 || strcmp(s.svc.risks[i].id, "CH-HONEYPOT") == 0;
    }
    assert_int_equal(seen, 2);
    ls_service_free(&s.svc);
}

int main(void)
{
    ls_model_set_engine_display(ls_engine_display); /* as the CLI does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounded_and_terminated),   cmocka_unit_test(test_cut_on_utf8_boundary),
        cmocka_unit_test(test_rotation_list_long_names), cmocka_unit_test(test_rotation_list_summarises_many),
        cmocka_unit_test(test_evidence_lists_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
