/* Unit tests for the redis.conf auditor (src/audit/redis_audit.c): exposure decides severity. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include "audit_fixture.h"

static void test_shipped_is_low(void **state)
{
    (void)state;
    struct ls_audit a;
    audit_text(&a, "redis.conf", "# Debian\nbind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\n", LS_AUDIT_REDIS);
    const struct ls_config_finding *f = find_rule(&a, "REDIS-NO-PASSWORD");
    assert_non_null(f);
    assert_int_equal(f->severity, LS_SEV_LOW);
    assert_non_null(strstr(f->evidence, "would expose"));
    assert_null(find_rule(&a, "REDIS-BIND-ALL"));
    assert_true(ls_audit_worst(&a) < LS_SEV_HIGH);
    ls_audit_free(&a);
}

static void test_open_is_critical(void **state)
{
    (void)state;
    struct ls_audit a;
    audit_text(&a, "redis.conf", "bind 127.0.0.1\n  bind 0.0.0.0 ::\nprotected-mode no\n", LS_AUDIT_REDIS);
    const struct ls_config_finding *f = find_rule(&a, "REDIS-BIND-ALL");
    assert_non_null(f);
    assert_int_equal(f->line, 2); /* the last bind wins */
    assert_int_equal(f->column, 3);
    assert_int_equal(f->severity, LS_SEV_HIGH);
    f = find_rule(&a, "REDIS-NO-PASSWORD");
    assert_non_null(f);
    assert_int_equal(f->severity, LS_SEV_CRITICAL);
    assert_int_equal(f->line, 3);
    ls_audit_free(&a);
}

static void test_password_and_acl(void **state)
{
    (void)state;
    struct ls_audit a;
    audit_text(&a, "redis.conf", "bind 0.0.0.0\nprotected-mode no\nrequirepass \"longsecretvalue\"\n", LS_AUDIT_REDIS);
    assert_null(find_rule(&a, "REDIS-NO-PASSWORD"));
    assert_int_equal(find_rule(&a, "REDIS-BIND-ALL")->severity, LS_SEV_MEDIUM);
    ls_audit_free(&a);
    audit_text(&a, "redis.conf", "user default on nopass ~* +@all\nuser app on >pw ~* +@read\n", LS_AUDIT_REDIS);
    const struct ls_config_finding *f = find_rule(&a, "REDIS-ACL-NOPASS");
    assert_non_null(f);
    assert_int_equal(f->line, 1);
    /* no bind: every interface, protected mode still on */
    assert_int_equal(find_rule(&a, "REDIS-NO-PASSWORD")->severity, LS_SEV_MEDIUM);
    assert_null(find_rule(&a, "REDIS-DANGEROUS-COMMANDS")); /* ACL users decide what clients may run */
    ls_audit_free(&a);
}

static void test_module_command(void **state)
{
    (void)state;
    struct ls_audit a;
    audit_text(&a, "r.conf", "bind *\nprotected-mode no\nenable-module-command yes\n", LS_AUDIT_REDIS);
    assert_int_equal(find_rule(&a, "REDIS-MODULE-COMMAND")->severity, LS_SEV_CRITICAL);
    ls_audit_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_is_low),
        cmocka_unit_test(test_open_is_critical),
        cmocka_unit_test(test_password_and_acl),
        cmocka_unit_test(test_module_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
