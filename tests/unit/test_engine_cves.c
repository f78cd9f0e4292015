/* The shared CVE matcher (engines/cve.c) on the Redis, PostgreSQL and MySQL/MariaDB tables:
 * versions just below, at and above each branch's fix, partial versions, branches without a fix,
 * distribution builds ("possibly"), and the risks added to a service. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engines/cve.h"
#include "engines/mysql/mysql_cves.h"
#include "engines/postgres/pg_cves.h"
#include "engines/redis/redis_cves.h"

static const struct ls_cve *find(const struct ls_cve *t, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(t[i].ids, id, strlen(id)) == 0)
            return &t[i];
    fail_msg("no %s", id);
    return NULL;
}

static enum ls_cve_verdict pg(const char *id, const char *v)
{
    size_t n;
    const struct ls_cve *t = pg_cves(&n);
    char why[300];
    return ls_cve_match(find(t, n, id), v, PG_CVE_FLAGS, why, sizeof why);
}

static enum ls_cve_verdict rd(const char *id, const char *v, unsigned flags)
{
    size_t n;
    const struct ls_cve *t = redis_cves(&n);
    char why[300];
    return ls_cve_match(find(t, n, id), v, flags, why, sizeof why);
}

static enum ls_cve_verdict my(bool maria, const char *id, const char *v)
{
    size_t n;
    const struct ls_cve *t = my_cves(maria, &n);
    char why[300];
    return ls_cve_match(find(t, n, id), v, 0, why, sizeof why);
}

static void test_every_entry_has_a_source(void **state)
{
    (void)state;
    size_t n;
    const struct ls_cve *tabs[4];
    size_t ns[4];
    tabs[0] = redis_cves(&ns[0]);
    tabs[1] = pg_cves(&ns[1]);
    tabs[2] = my_cves(true, &ns[2]);
    tabs[3] = my_cves(false, &ns[3]);
    for (int k = 0; k < 4; k++) {
        assert_true(ns[k] >= 1);
        for (n = 0; n < ns[k]; n++) {
            assert_non_null(tabs[k][n].source);
            assert_true(strncmp(tabs[k][n].source, "https://", 8) == 0);
            assert_non_null(tabs[k][n].fixed[0]);
        }
    }
}

static void test_distro_marks(void **state)
{
    (void)state;
    assert_string_equal(ls_version_distro("15.18 (Debian 15.18-0+deb12u1)"), "Debian");
    assert_string_equal(ls_version_distro("10.11.19-MariaDB-0+deb12u1"), "Debian");
    assert_string_equal(ls_version_distro("8.0.36-0ubuntu0.22.04.1"), "Ubuntu");
    assert_null(ls_version_distro("15.18"));
    assert_null(ls_version_distro("10.11.19-MariaDB"));
    assert_null(ls_version_distro("7.0.15"));
}

static void test_postgres(void **state)
{
    (void)state;
    /* CVE-2026-6479: fixed 14.23, 15.18, 16.14, 17.10, 18.4 (major branches) */
    assert_int_equal(pg("CVE-2026-6479", "15.17"), LS_CVE_AFFECTED);
    assert_int_equal(pg("CVE-2026-6479", "15.18"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(pg("CVE-2026-6479", "15.19"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(pg("CVE-2026-6479", "17.9"), LS_CVE_AFFECTED);
    assert_int_equal(pg("CVE-2026-6479", "17.10"), LS_CVE_NOT_AFFECTED); /* 17.10 > 17.9, not a string compare */
    assert_int_equal(pg("CVE-2026-6479", "13.20"), LS_CVE_AFFECTED);     /* EOL major, no fix */
    assert_int_equal(pg("CVE-2026-6479", "19.0"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(pg("CVE-2026-6479", "15"), LS_CVE_POSSIBLY); /* minor unknown */
    /* the lab's Debian build: at the fix, whatever the suffix */
    assert_int_equal(pg("CVE-2026-6479", "15.18 (Debian 15.18-0+deb12u1)"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(pg("CVE-2026-6479", "15.17 (Debian 15.17-0+deb12u1)"), LS_CVE_POSSIBLY);
    assert_int_equal(pg("CVE-2026-2006", "15.15"), LS_CVE_AFFECTED);
    assert_int_equal(pg("CVE-2026-2006", "15.16"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(pg("CVE-2024-10979", "15.8"), LS_CVE_AFFECTED);
    assert_int_equal(pg("CVE-2024-10979", "15.9"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(pg("CVE-2023-5869", "16.0"), LS_CVE_AFFECTED);
    assert_int_equal(pg("CVE-2023-5869", "16.1"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(pg("CVE-2023-5869", "9.6.24"), LS_CVE_AFFECTED);
    assert_int_equal(pg("CVE-2024-0985", "17.0"), LS_CVE_NOT_AFFECTED); /* newer than every fixed branch */
}

static void test_redis(void **state)
{
    (void)state;
    /* upstream verdicts (no backport flag): 7.0 is end of life, no 7.0 fix exists */
    assert_int_equal(rd("CVE-2025-49844", "7.0.15", 0), LS_CVE_AFFECTED);
    assert_int_equal(rd("CVE-2025-49844", "7.2.10", 0), LS_CVE_AFFECTED);
    assert_int_equal(rd("CVE-2025-49844", "7.2.11", 0), LS_CVE_NOT_AFFECTED);
    assert_int_equal(rd("CVE-2025-49844", "8.2.2", 0), LS_CVE_NOT_AFFECTED);
    assert_int_equal(rd("CVE-2025-49844", "8.4.0", 0), LS_CVE_NOT_AFFECTED);
    assert_int_equal(rd("CVE-2025-49844", "7.4", 0), LS_CVE_POSSIBLY);
    assert_int_equal(rd("CVE-2024-31449", "6.2.15", 0), LS_CVE_AFFECTED);
    assert_int_equal(rd("CVE-2024-31449", "6.2.16", 0), LS_CVE_NOT_AFFECTED);
    assert_int_equal(rd("CVE-2022-24834", "7.0.11", 0), LS_CVE_AFFECTED);
    assert_int_equal(rd("CVE-2022-24834", "7.0.12", 0), LS_CVE_NOT_AFFECTED);
    assert_int_equal(rd("CVE-2022-24834", "7.0.15", 0), LS_CVE_NOT_AFFECTED);
    assert_int_equal(rd("CVE-2022-24834", "7.2.0", 0), LS_CVE_NOT_AFFECTED);
    /* what the engine reports: INFO shows no distribution, which may have backported the fix */
    assert_int_equal(rd("CVE-2025-49844", "7.0.15", REDIS_CVE_FLAGS), LS_CVE_POSSIBLY);
    assert_int_equal(rd("CVE-2025-48367", "7.0.15", REDIS_CVE_FLAGS), LS_CVE_POSSIBLY);
    assert_int_equal(rd("CVE-2022-24834", "7.0.15", REDIS_CVE_FLAGS), LS_CVE_NOT_AFFECTED);
    assert_int_equal(rd("CVE-2025-49844", "8.2.2", REDIS_CVE_FLAGS), LS_CVE_NOT_AFFECTED);
}

static void test_mysql_mariadb(void **state)
{
    (void)state;
    assert_int_equal(my(true, "CVE-2012-2122", "5.5.22-MariaDB"), LS_CVE_AFFECTED);
    assert_int_equal(my(true, "CVE-2012-2122", "5.5.23-MariaDB"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(my(true, "CVE-2012-2122", "10.11.19-MariaDB-0+deb12u1"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(my(false, "CVE-2012-2122", "5.5.23"), LS_CVE_AFFECTED); /* MySQL's fix is 5.5.24 */
    assert_int_equal(my(false, "CVE-2012-2122", "5.5.24"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(my(false, "CVE-2012-2122", "8.0.36"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(my(false, "CVE-2012-2122", "5.0.96"), LS_CVE_NOT_AFFECTED); /* before 5.1 */
    assert_int_equal(my(true, "CVE-2021-27928", "10.5.8-MariaDB"), LS_CVE_AFFECTED);
    assert_int_equal(my(true, "CVE-2021-27928", "10.5.9-MariaDB"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(my(true, "CVE-2021-27928", "10.1.48-MariaDB"), LS_CVE_NOT_AFFECTED); /* before 10.2 */
    assert_int_equal(my(true, "CVE-2021-27928", "10.11.19-MariaDB-0+deb12u1"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(my(true, "CVE-2026-49261", "10.11.17-MariaDB"), LS_CVE_AFFECTED);
    assert_int_equal(my(true, "CVE-2026-49261", "10.11.17-MariaDB-0+deb12u1"), LS_CVE_POSSIBLY);
    assert_int_equal(my(true, "CVE-2026-49261", "10.11.18-MariaDB"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(my(true, "CVE-2026-49261", "10.11.19-MariaDB-0+deb12u1"), LS_CVE_NOT_AFFECTED);
    assert_int_equal(my(true, "CVE-2026-49261", "10.5.29-MariaDB"), LS_CVE_NOT_AFFECTED); /* before 10.6.1 */
    assert_int_equal(my(true, "CVE-2026-49261", "10.11"), LS_CVE_POSSIBLY);
}

static void test_risks_on_a_service(void **state)
{
    (void)state;
    struct ls_service svc;
    memset(&svc, 0, sizeof svc);
    svc.auth = LS_AUTH_NONE;
    snprintf(svc.version, sizeof svc.version, "%s", "7.0.15");
    redis_cve_risks(&svc);
    bool lua = false, cjson = false;
    for (size_t i = 0; i < svc.nrisks; i++) {
        if (strcmp(svc.risks[i].id, "REDIS-CVE-2025-49844") == 0) {
            lua = true;
            assert_non_null(strstr(svc.risks[i].title, "(possibly)"));
            assert_non_null(strstr(svc.risks[i].evidence, "GHSA-4789-qfc9-5f9q"));
            assert_int_equal(svc.risks[i].severity, LS_SEV_MEDIUM); /* high, one step down for "possibly" */
        }
        cjson |= strcmp(svc.risks[i].id, "REDIS-CVE-2022-24834") == 0;
    }
    assert_true(lua);
    assert_false(cjson);
    ls_service_free(&svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_entry_has_a_source),
        cmocka_unit_test(test_distro_marks),
        cmocka_unit_test(test_postgres),
        cmocka_unit_test(test_redis),
        cmocka_unit_test(test_mysql_mariadb),
        cmocka_unit_test(test_risks_on_a_service),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
