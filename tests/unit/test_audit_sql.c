/* Unit tests for the PostgreSQL (pg_audit.c) and MySQL/MariaDB (mysql_audit.c) auditors. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include "audit_fixture.h"

static void test_pg_hba(void **state)
{
    (void)state;
    struct ls_audit a;
    audit_text(&a, "pg_hba.conf",
               "local all postgres peer\nhost all all 127.0.0.1/32 trust\n"
               "host all all 10.0.0.0 255.0.0.0 password\nhost all all 0.0.0.0/0 trust # open\n",
               LS_AUDIT_POSTGRES);
    const struct ls_config_finding *f = find_rule(&a, "PG-HBA-TRUST");
    assert_non_null(f);
    assert_int_equal(f->line, 4); /* loopback trust is not reported */
    assert_int_equal(f->column, 24);
    assert_int_equal(f->severity, LS_SEV_MEDIUM); /* exposure unknown from pg_hba.conf alone */
    assert_int_equal(find_rule(&a, "PG-HBA-CLEARTEXT")->line, 3);
    assert_non_null(find_rule(&a, "PG-HBA-ANY-ADDRESS"));
    ls_audit_free(&a);
}

static void test_mysql(void **state)
{
    (void)state;
    struct ls_audit a;
    audit_text(&a, "my.cnf",
               "[client]\nbind-address = 0.0.0.0\n[mysqld]\nbind-address = 127.0.0.1\nskip_grant_tables\n",
               LS_AUDIT_MYSQL);
    assert_null(find_rule(&a, "MYSQL-BIND-ALL")); /* [client] does not count */
    const struct ls_config_finding *f = find_rule(&a, "MYSQL-SKIP-GRANT-TABLES");
    assert_non_null(f);
    assert_int_equal(f->severity, LS_SEV_MEDIUM);
    ls_audit_free(&a);
    audit_text(&a, "my.cnf", "[mariadb-10.11]\nbind-address=*\nskip-grant-tables=1\nsecure_file_priv=\"\"\n",
               LS_AUDIT_MYSQL);
    assert_int_equal(find_rule(&a, "MYSQL-SKIP-GRANT-TABLES")->severity, LS_SEV_CRITICAL);
    assert_int_equal(find_rule(&a, "MYSQL-BIND-ALL")->line, 2);
    assert_non_null(find_rule(&a, "MYSQL-SECURE-FILE-PRIV-EMPTY"));
    ls_audit_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pg_hba),
        cmocka_unit_test(test_mysql),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
