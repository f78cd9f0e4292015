/* Unit tests of the assessment pieces every engine shares (engines/assess_common.h): the classes
 * of sampled tables only, the severity that only goes up, and the data-exposure risks with the
 * ids, titles, evidence and severities the engines report (and the integration tests assert). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/assess_common.h"

static void test_sampled_classes(void **state)
{
    (void)state;
    struct ls_service svc = {0};
    struct ls_table *t = ls_service_add_table(&svc);
    assert_non_null(t);
    t->classes = LS_CLASS_SECRETS; /* e.g. credentials in a definition: nothing sampled */
    assert_int_equal(ls_sampled_classes(&svc), 0);
    t = ls_service_add_table(&svc);
    assert_non_null(t);
    t->classes = LS_CLASS_PII | LS_CLASS_CHAT;
    t->scanned_rows = 3;
    assert_int_equal(ls_sampled_classes(&svc), LS_CLASS_PII | LS_CLASS_CHAT);
    ls_service_free(&svc);
}

static void test_raise(void **state)
{
    (void)state;
    struct ls_service svc = {0};
    svc.severity = LS_SEV_HIGH;
    ls_raise_severity(&svc, LS_SEV_LOW);
    assert_int_equal(svc.severity, LS_SEV_HIGH);
    ls_raise_severity(&svc, LS_SEV_CRITICAL);
    assert_int_equal(svc.severity, LS_SEV_CRITICAL);
}

static void test_data_risks(void **state)
{
    (void)state;
    struct ls_service svc = {0};
    svc.severity = LS_SEV_LOW;
    assert_int_equal(ls_assess_data_risks(&svc, "X", "tables", "rows", LS_CLASS_LOGS), LS_SEV_INFO);
    assert_int_equal(svc.nrisks, 0);
    assert_int_equal(ls_assess_data_risks(&svc, "REDIS", "keys", "values", LS_CLASS_PII), LS_SEV_HIGH);
    assert_int_equal(
        ls_assess_data_risks(&svc, "PG", "tables", "rows", LS_CLASS_PII | LS_CLASS_CHAT | LS_CLASS_SECRETS),
        LS_SEV_CRITICAL);
    assert_int_equal(svc.severity, LS_SEV_LOW); /* the caller raises it */
    assert_int_equal(svc.nrisks, 4);
    assert_string_equal(svc.risks[0].id, "REDIS-PII-EXPOSED");
    assert_int_equal(svc.risks[0].severity, LS_SEV_HIGH);
    assert_string_equal(svc.risks[0].title, "Personal data (e-mail addresses, phone numbers) is readable");
    assert_string_equal(svc.risks[0].evidence, "the sampled values matched personal-data rules");
    assert_string_equal(svc.risks[1].id, "PG-SECRETS-EXPOSED");
    assert_int_equal(svc.risks[1].severity, LS_SEV_CRITICAL);
    assert_string_equal(svc.risks[1].title, "Credentials (API keys, tokens, passwords) are stored in readable tables");
    assert_string_equal(svc.risks[1].evidence, "the sampled rows matched secret rules; see the secret records");
    assert_string_equal(svc.risks[2].id, "PG-CHAT-EXPOSED");
    assert_int_equal(svc.risks[2].severity, LS_SEV_CRITICAL);
    assert_string_equal(svc.risks[2].title, "Chat histories are readable");
    assert_string_equal(svc.risks[2].evidence, "the sampled rows hold chat messages (role/content)");
    assert_string_equal(svc.risks[3].id, "PG-PII-EXPOSED");
    ls_service_free(&svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sampled_classes),
        cmocka_unit_test(test_raise),
        cmocka_unit_test(test_data_risks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
