/* Unit tests for address sets (--scope, --exclude, built-in never-scan ranges) and the
 * per-target checks made before the first probe (src/core/scope.c, src/core/scan_check.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "core/scan_check.h"
#include "core/scope.h"

static struct sockaddr_storage sa_of(const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (strchr(ip, ':')) {
        ss.ss_family = AF_INET6;
        inet_pton(AF_INET6, ip, &((struct sockaddr_in6 *)&ss)->sin6_addr);
    } else {
        ss.ss_family = AF_INET;
        inet_pton(AF_INET, ip, &((struct sockaddr_in *)&ss)->sin_addr);
    }
    return ss;
}

static bool in(const struct ls_scope *s, const char *ip)
{
    struct sockaddr_storage ss = sa_of(ip);
    return ls_scope_contains(s, (struct sockaddr *)&ss);
}

static void test_builtin(void **state)
{
    (void)state;
    struct ls_scope s = {0};
    assert_int_equal(ls_scope_add_builtin(&s), 0);
    const char *never[] = {"0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
                           "192.0.2.9", "198.51.100.1", "203.0.113.200", "2001:db8::1", "::", "ff02::1"};
    const char *fine[] = {"127.0.0.1", "127.77.3.14", "10.0.0.1", "192.0.3.1", "223.255.255.255", "::1", "2001:db9::1"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        assert_true(in(&s, never[i]));
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
        assert_false(in(&s, fine[i]));
    ls_scope_free(&s);
}

static void test_user_sets(void **state)
{
    (void)state;
    struct ls_scope s = {0};
    char err[256];
    assert_int_equal(ls_scope_add(&s, "--exclude", "10.0.0.0/4", err, sizeof err), 0); /* no size limit */
    assert_int_equal(ls_scope_add(&s, "--exclude", "127.1.0.5-127.1.0.9", err, sizeof err), 0);
    assert_true(in(&s, "15.255.255.255"));
    assert_false(in(&s, "16.0.0.0"));
    assert_true(in(&s, "127.1.0.9"));
    assert_false(in(&s, "127.1.0.10"));
    assert_int_equal(ls_scope_add(&s, "--exclude", "db.example", err, sizeof err), -1);
    assert_non_null(strstr(err, "--exclude: bad value 'db.example'"));
    assert_int_equal(ls_scope_add(&s, "--scope", "10.0.0.0/0", err, sizeof err), -1);
    assert_int_equal(ls_scope_add(&s, "--scope", "127.0.0.1:80", err, sizeof err), -1);
    ls_scope_free(&s);
}

static void test_checks(void **state)
{
    (void)state;
    struct ls_target_list tl = {0};
    char err[256];
    assert_int_equal(ls_targets_parse(&tl, "192.0.0.0/22", err, sizeof err), 0);   /* holds 192.0.2.0/24 */
    assert_int_equal(ls_targets_parse(&tl, "127.5.0.0/24", err, sizeof err), 0);
    assert_int_equal(ls_targets_parse(&tl, "127.6.0.0/24", err, sizeof err), 0);
    struct ls_resolved res[3] = {{0}};
    struct ls_scope excl = {0};
    assert_int_equal(ls_scope_add(&excl, "--exclude", "127.6.0.0/16", err, sizeof err), 0);
    struct ls_check c;
    assert_int_equal(ls_check_init(&c, &tl, res, NULL, &excl, err, sizeof err), 0);
    assert_false(ls_check_fully_excluded(&c, 0));
    struct sockaddr_storage a = sa_of("192.0.2.77"), b = sa_of("192.0.3.1"), d = sa_of("127.5.0.1");
    assert_true(ls_check_excluded(&c, 0, (struct sockaddr *)&a));
    assert_false(ls_check_excluded(&c, 0, (struct sockaddr *)&b));
    assert_false(ls_check_excluded(&c, 1, (struct sockaddr *)&d));
    assert_true(ls_check_fully_excluded(&c, 2));
    ls_check_free(&c);

    struct ls_scope scope = {0};
    assert_int_equal(ls_scope_add(&scope, "--scope", "127.5.0.0/16", err, sizeof err), 0);
    assert_int_equal(ls_check_init(&c, &tl, res, &scope, NULL, err, sizeof err), 2);
    assert_string_equal(err, "target '192.0.0.0/22' is outside --scope");
    ls_check_free(&c);
    ls_target_list_free(&tl);
    assert_int_equal(ls_targets_parse(&tl, "203.0.113.5", err, sizeof err), 0);
    assert_int_equal(ls_check_init(&c, &tl, res, NULL, NULL, err, sizeof err), 2);
    assert_string_equal(err, "target '203.0.113.5' lies in 203.0.113.0/24, a range leakscan never scans");
    ls_check_free(&c);
    ls_target_list_free(&tl);
    ls_scope_free(&scope);
    ls_scope_free(&excl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_user_sets),
        cmocka_unit_test(test_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
