/* Unit tests for address sets (--scope, --exclude, built-in never-scan ranges), the default scope
 * (LEAKSCAN_SCOPE, $XDG_CONFIG_HOME/leakscan/scope) and the per-target checks made before the first
 * probe (src/core/scope.c, src/core/scope_default.c, src/core/scan_check.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/scan_check.h"
#include "core/scope.h"
#include "core/scope_default.h"

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
    const char *never[] = {"0.0.0.0",       "0.1.2.3",         "224.0.0.1", "239.255.255.250",
                           "240.0.0.1",     "255.255.255.255", "192.0.2.9", "198.51.100.1",
                           "203.0.113.200", "2001:db8::1",     "::",        "ff02::1"};
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
    assert_int_equal(ls_targets_parse(&tl, "192.0.0.0/22", err, sizeof err), 0); /* holds 192.0.2.0/24 */
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

/* A temporary XDG_CONFIG_HOME (and HOME) for the default-scope tests. */
static char cfgdir[256], scope_file[320];

static int setup_config(void **state)
{
    (void)state;
    snprintf(cfgdir, sizeof cfgdir, "/tmp/ls_test_scope.XXXXXX");
    if (!mkdtemp(cfgdir))
        return -1;
    snprintf(scope_file, sizeof scope_file, "%s/leakscan/scope", cfgdir);
    setenv("XDG_CONFIG_HOME", cfgdir, 1);
    setenv("HOME", "/nonexistent-home", 1);
    unsetenv(LS_SCOPE_ENV);
    return 0;
}

static int teardown_config(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cfgdir);
    unsetenv(LS_SCOPE_ENV);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_scope_file(const char *text)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/leakscan", cfgdir);
    mkdir(dir, 0700);
    unlink(scope_file);
    FILE *f = fopen(scope_file, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int load(struct ls_scope *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    err[0] = '\0';
    return ls_scope_load_default(s, err, errlen);
}

static void test_default_path(void **state)
{
    (void)state;
    char path[512], want[512];
    assert_int_equal(ls_scope_default_path(path, sizeof path), 0);
    assert_string_equal(path, scope_file);
    setenv("XDG_CONFIG_HOME", "relative/dir", 1); /* ignored, as the XDG spec says */
    setenv("HOME", cfgdir, 1);
    assert_int_equal(ls_scope_default_path(path, sizeof path), 0);
    snprintf(want, sizeof want, "%s/.config/leakscan/scope", cfgdir);
    assert_string_equal(path, want);
    unsetenv("XDG_CONFIG_HOME");
    assert_int_equal(ls_scope_default_path(path, sizeof path), 0);
    assert_string_equal(path, want);
    unsetenv("HOME");
    assert_int_equal(ls_scope_default_path(path, sizeof path), 1); /* nowhere to look */
    assert_int_equal(ls_scope_default_path(path, 10), 1);
    setenv("HOME", cfgdir, 1);
    assert_int_equal(ls_scope_default_path(path, 10), -1); /* does not fit */
    setenv("XDG_CONFIG_HOME", cfgdir, 1);
    setenv("HOME", "/nonexistent-home", 1);
}

/* No variable, no file: no scope. */
static void test_default_none(void **state)
{
    (void)state;
    struct ls_scope s;
    char err[512];
    unlink(scope_file);
    assert_int_equal(load(&s, err, sizeof err), 0);
    assert_int_equal(s.n, 0);
    assert_string_equal(ls_scope_origin(&s), "--scope");
    setenv(LS_SCOPE_ENV, "  ", 1); /* empty counts as unset */
    assert_int_equal(load(&s, err, sizeof err), 0);
    assert_int_equal(s.n, 0);
    unsetenv(LS_SCOPE_ENV);
}

static void test_default_file(void **state)
{
    (void)state;
    struct ls_scope s;
    char err[512];
    write_scope_file("# the lab only\n127.1.0.0/16   # lab a\n\n::1\n127.9.0.1-127.9.0.9\n");
    assert_int_equal(load(&s, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    assert_true(in(&s, "127.1.200.3"));
    assert_true(in(&s, "::1"));
    assert_true(in(&s, "127.9.0.9"));
    assert_false(in(&s, "127.2.0.1"));
    assert_non_null(strstr(ls_scope_origin(&s), scope_file));
    assert_non_null(strstr(ls_scope_origin(&s), "default scope"));

    /* a target outside it is refused, the message naming the target and the file */
    struct ls_target_list tl = {0};
    struct ls_resolved res[1] = {{0}};
    struct ls_check c;
    char want[700];
    assert_int_equal(ls_targets_parse(&tl, "127.2.0.1", err, sizeof err), 0);
    assert_int_equal(ls_check_init(&c, &tl, res, &s, NULL, err, sizeof err), 2);
    snprintf(want, sizeof want, "target '127.2.0.1' is outside the default scope of %s (override with --scope)",
             scope_file);
    assert_string_equal(err, want);
    ls_check_free(&c);
    ls_target_list_free(&tl);
    ls_scope_free(&s);
    assert_string_equal(ls_scope_origin(&s), "--scope");
    unlink(scope_file);
}

/* The variable beats the file (which is then not even read); "any" turns the file off. */
static void test_default_env_beats_file(void **state)
{
    (void)state;
    struct ls_scope s;
    char err[512];
    write_scope_file("127.1.0.0/16\nnot_an_address\n");
    setenv(LS_SCOPE_ENV, " 127.0.0.0/8 , ::1,10.0.0.1-10.0.0.5", 1);
    assert_int_equal(load(&s, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    assert_true(in(&s, "127.2.0.1"));
    assert_true(in(&s, "10.0.0.5"));
    assert_false(in(&s, "10.0.0.6"));
    assert_string_equal(ls_scope_origin(&s), "the default scope of LEAKSCAN_SCOPE (override with --scope)");
    ls_scope_free(&s);

    setenv(LS_SCOPE_ENV, "any", 1);
    assert_int_equal(load(&s, err, sizeof err), 0);
    assert_int_equal(s.n, 0);
    unsetenv(LS_SCOPE_ENV);
    unlink(scope_file);
}

static void expect_env_error(const char *value, const char *msg)
{
    struct ls_scope s;
    char err[512];
    setenv(LS_SCOPE_ENV, value, 1);
    assert_int_equal(load(&s, err, sizeof err), -1);
    if (!strstr(err, msg))
        print_error("LEAKSCAN_SCOPE='%s': got '%s', want '%s'\n", value, err, msg);
    assert_non_null(strstr(err, msg));
    assert_null(strchr(err, '\n'));
    assert_int_equal(s.n, 0);
    assert_null(s.v);
    unsetenv(LS_SCOPE_ENV);
}

static void test_default_env_errors(void **state)
{
    (void)state;
    expect_env_error("127.0.0.0/8,,10.0.0.0/8", "LEAKSCAN_SCOPE: empty entry in '127.0.0.0/8,,10.0.0.0/8'");
    expect_env_error("127.0.0.0/8,", "LEAKSCAN_SCOPE: empty entry");
    expect_env_error("10.0.0.0/0", "LEAKSCAN_SCOPE: bad target '10.0.0.0/0': prefix /0 is not allowed");
    expect_env_error("db.example", "LEAKSCAN_SCOPE: bad value 'db.example': only addresses");
    expect_env_error("127.0.0.1:80", "LEAKSCAN_SCOPE: bad value '127.0.0.1'");
    expect_env_error("@/etc/hosts", "LEAKSCAN_SCOPE: bad value '@/etc/hosts'");
    expect_env_error("-", "LEAKSCAN_SCOPE: bad value '-'");
    expect_env_error("any,10.0.0.0/8", "('any' stands alone)");
}

static void expect_file_error(const char *text, const char *msg)
{
    struct ls_scope s;
    char err[512], want[700];
    if (text)
        write_scope_file(text);
    assert_int_equal(load(&s, err, sizeof err), -1);
    snprintf(want, sizeof want, msg, scope_file, scope_file);
    if (!strstr(err, want))
        print_error("got '%s', want '%s'\n", err, want);
    assert_non_null(strstr(err, want));
    assert_int_equal(s.n, 0);
    assert_null(s.v);
}

/* A malformed scope file is an error, never skipped. */
static void test_default_file_errors(void **state)
{
    (void)state;
    expect_file_error("127.1.0.0/16\nx_y\n",
                      "default scope (%s): %s:2: bad target 'x_y': '_' is not allowed in host names");
    expect_file_error("127.1.0.0/16\ndb.example\n", "default scope (%s): bad value 'db.example'");
    expect_file_error("# nothing yet\n\n", "default scope (%s): %s: no targets");
    expect_file_error("", "default scope (%s): %s: no targets");
    expect_file_error("@other\n", "@file is not allowed inside a target file");
    unlink(scope_file);
    assert_int_equal(mkdir(scope_file, 0700), 0); /* a directory where the file should be */
    expect_file_error(NULL, "default scope (%s): cannot read target file '%s': a directory, not a regular file");
    rmdir(scope_file);
    assert_int_equal(mkfifo(scope_file, 0600), 0); /* never blocks on a FIFO */
    expect_file_error(NULL, "default scope (%s): cannot read target file '%s': a FIFO, not a regular file");
    unlink(scope_file);
    write_scope_file("127.1.0.0/16\n");
    if (geteuid() != 0) { /* root reads it anyway */
        chmod(scope_file, 0);
        expect_file_error(NULL, "default scope (%s): cannot read target file '%s': Permission denied");
    }
    unlink(scope_file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_user_sets),
        cmocka_unit_test(test_checks),
        cmocka_unit_test_setup_teardown(test_default_path, setup_config, teardown_config),
        cmocka_unit_test_setup_teardown(test_default_none, setup_config, teardown_config),
        cmocka_unit_test_setup_teardown(test_default_file, setup_config, teardown_config),
        cmocka_unit_test_setup_teardown(test_default_env_beats_file, setup_config, teardown_config),
        cmocka_unit_test_setup_teardown(test_default_env_errors, setup_config, teardown_config),
        cmocka_unit_test_setup_teardown(test_default_file_errors, setup_config, teardown_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
