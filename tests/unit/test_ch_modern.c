/* Unit tests of what a modern ClickHouse (22.12+, verified on 26.7 through the chdb lab) answers
 * differently from 18.16: definitions show secrets as [HIDDEN] (no credential to report),
 * dictionaries appear as tables of engine Dictionary (reading one loads it from its source, so it
 * is never sampled), and list notes (ch_note.h) keep a separator between entries and count the
 * entries that no longer fit instead of dropping them silently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/clickhouse/ch_blast.h"
#include "engines/clickhouse/ch_note.h"

static struct ls_scan_limits limits;
static struct ls_session session = {.limits = &limits};

static void test_hidden_is_not_a_credential(void **state)
{
    (void)state;
    struct ls_table t = {0};
    /* create_table_query as ClickHouse 26.7 returns it (chdb lab) */
    const char *mysql = "CREATE TABLE integrations.orders_mirror (`id` UInt32, `total` Float64) ENGINE = "
                        "MySQL('127.77.17.19:3306', 'shop', 'orders', 'shop_ro', '[HIDDEN]')";
    const char *url = "CREATE TABLE integrations.partner_feed (`sku` String) ENGINE = "
                      "URL('http://feed:[HIDDEN]@127.77.17.19:8080/feed.csv', 'CSV')";
    assert_int_equal(ch_engine_credentials(&session, &t, "create_table_query", mysql, strlen(mysql)), 0);
    assert_int_equal(ch_engine_credentials(&session, &t, "create_table_query", url, strlen(url)), 0);
    assert_int_equal(t.nsecrets, 0);
    assert_false(t.classes & LS_CLASS_SECRETS);
    /* a real password beside it still counts */
    const char *pg = "ENGINE = PostgreSQL('127.77.17.19:5432', 'dw', 'events', 'etl', 'Pg-Chdb-Pw-7733')";
    assert_int_equal(ch_engine_credentials(&session, &t, "create_table_query", pg, strlen(pg)), 1);
    assert_int_equal(t.nsecrets, 1);
    ls_table_free(&t);
}

static void test_dictionary_is_external(void **state)
{
    (void)state;
    assert_true(ch_is_external_engine("Dictionary"));
    assert_true(ch_is_external_engine("MySQL"));
    assert_false(ch_is_external_engine("MergeTree"));
}

/* fourteen passwordless accounts as the chdb lab has them: every one is either listed or
 * counted, and entries never run together */
static void test_list_note(void **state)
{
    (void)state;
    struct ls_table t = {0};
    char entry[80];
    const unsigned total = 14;
    for (unsigned i = 0; i < total; i++) {
        snprintf(entry, sizeof entry, "account_%02u (no password, from ::/0)", i);
        ch_note_list_add(&t, "passwordless: ", entry);
    }
    assert_non_null(t.note);
    assert_true(strlen(t.note) <= CH_NOTE_LIST_MAX);
    assert_int_equal(strncmp(t.note, "passwordless: account_00 (", 26), 0);
    assert_null(strstr(t.note, ")account_"));
    unsigned listed = 0;
    for (const char *p = strstr(t.note, "account_"); p; p = strstr(p + 1, "account_"))
        listed++;
    const char *more = strstr(t.note, ", and ");
    assert_non_null(more);
    unsigned n = 0;
    assert_int_equal(sscanf(more, ", and %u more", &n), 1);
    assert_int_equal(listed + n, total);
    assert_true(listed >= 10);
    ls_table_free(&t);
}

static void test_list_note_short_and_huge(void **state)
{
    (void)state;
    struct ls_table t = {0};
    ch_note_list_add(&t, NULL, "a");
    ch_note_list_add(&t, NULL, "b");
    assert_string_equal(t.note, "a, b");
    char big[CH_NOTE_LIST_MAX * 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ch_note_list_add(&t, NULL, big);
    ch_note_list_add(&t, NULL, "c");
    assert_string_equal(t.note, "a, b, and 2 more");
    ls_table_free(&t);
    ch_note_list_add(&t, "p: ", big);
    assert_string_equal(t.note, "p: , and 1 more");
    ls_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hidden_is_not_a_credential),
        cmocka_unit_test(test_dictionary_is_external),
        cmocka_unit_test(test_list_note),
        cmocka_unit_test(test_list_note_short_and_huge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
