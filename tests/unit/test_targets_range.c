/* Unit tests for address ranges (A-B, v4 and v6) and the "-" (stdin) target list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/targets.h"

static int parse1(struct ls_target_list *l, const char *arg, char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    err[0] = '\0';
    return ls_targets_parse(l, arg, err, errlen);
}

static const char *addr_str(const struct ls_target *t, uint64_t i, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    if (ls_target_addr(t, i, &ss, &sl) != 0)
        return "(none)";
    const void *a = ss.ss_family == AF_INET ? (const void *)&((struct sockaddr_in *)&ss)->sin_addr
                                            : (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
    inet_ntop(ss.ss_family, a, buf, (socklen_t)len);
    return buf;
}

static void expect_range(const char *arg, uint64_t n, const char *first, const char *last, uint16_t port)
{
    struct ls_target_list l;
    char err[256], buf[64];
    int rc = parse1(&l, arg, err, sizeof err);
    if (rc != 0)
        print_error("'%s': %s\n", arg, err);
    assert_int_equal(rc, 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].kind, LS_TARGET_RANGE);
    assert_true(ls_target_naddrs(&l.v[0]) == n);
    assert_string_equal(addr_str(&l.v[0], 0, buf, sizeof buf), first);
    assert_string_equal(addr_str(&l.v[0], n - 1, buf, sizeof buf), last);
    assert_string_equal(addr_str(&l.v[0], n, buf, sizeof buf), "(none)");
    assert_int_equal(l.v[0].port, port);
    ls_target_list_free(&l);
}

static void expect_err(const char *arg, const char *needle)
{
    struct ls_target_list l;
    char err[256];
    int rc = parse1(&l, arg, err, sizeof err);
    if (rc == 0)
        print_error("'%s' was accepted\n", arg);
    assert_int_equal(rc, -1);
    assert_int_equal(l.n, 0);
    if (!strstr(err, needle))
        print_error("'%s': error '%s' lacks '%s'\n", arg, err, needle);
    assert_non_null(strstr(err, needle));
    assert_null(strchr(err, '\n'));
}

static void test_ranges_ok(void **state)
{
    (void)state;
    expect_range("10.0.0.1-10.0.0.9", 9, "10.0.0.1", "10.0.0.9", 0);
    expect_range("10.0.0.5-10.0.0.5", 1, "10.0.0.5", "10.0.0.5", 0);
    expect_range("10.0.0.250-10.0.1.3", 10, "10.0.0.250", "10.0.1.3", 0);
    expect_range("127.0.0.1-127.0.0.3:8123", 3, "127.0.0.1", "127.0.0.3", 8123);
    expect_range("::1-::ff", 255, "::1", "::ff", 0);
    expect_range("[2001:db9::fffe-2001:db9::1:1]:80", 4, "2001:db9::fffe", "2001:db9::1:1", 80);
    expect_range("2001:db9::ffff:ffff-2001:db9::1:0:1", 3, "2001:db9::ffff:ffff", "2001:db9::1:0:1", 0);
    expect_range("0.0.0.1-1.0.0.0", 1u << 24, "0.0.0.1", "1.0.0.0", 0);
}

static void test_ranges_bad(void **state)
{
    (void)state;
    expect_err("10.0.0.9-10.0.0.1", "range start is after its end");
    expect_err("::9-::1", "range start is after its end");
    expect_err("10.0.0.1-::1", "'10.0.0.1-::1'");
    expect_err("10.0.0.1-", "both sides");
    expect_err("10.0.0.1-10.0.0.300", "10.0.0.300");
    expect_err("10.0.0.0/24-10.0.1.0", "'10.0.0.0/24-10.0.1.0'");
    expect_err("0.0.0.0-1.0.0.0", "range of more than");
    expect_err("::-::1:0:0", "range of more than");
    expect_err("2001:db9::-2001:dba::", "range of more than");
}

static void test_names_with_dashes_stay_names(void **state)
{
    (void)state;
    const char *names[] = {"db-1.example.com", "10-x.example.com", "a-b"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct ls_target_list l;
        char err[256];
        assert_int_equal(parse1(&l, names[i], err, sizeof err), 0);
        assert_int_equal(l.v[0].kind, LS_TARGET_NAME);
        ls_target_list_free(&l);
    }
}

/* Parses "-" with text as standard input. */
static int parse_stdin(const char *text, struct ls_target_list *l, char *err, size_t errlen)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fputs(text, f);
    rewind(f);
    int saved = dup(0);
    assert_true(dup2(fileno(f), 0) == 0);
    clearerr(stdin);
    int rc = parse1(l, "-", err, errlen);
    dup2(saved, 0);
    close(saved);
    fclose(f);
    return rc;
}

static void test_stdin(void **state)
{
    (void)state;
    struct ls_target_list l;
    char err[256];
    int rc = parse_stdin("# from a pipe\n127.0.0.1\n10.0.0.1-10.0.0.3 # a range\n\n[::1]:80\n", &l, err, sizeof err);
    assert_int_equal(rc, 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[1].kind, LS_TARGET_RANGE);
    assert_int_equal(l.v[2].port, 80);
    ls_target_list_free(&l);
}

static void test_stdin_empty(void **state)
{
    (void)state;
    struct ls_target_list l;
    char err[256];
    int rc = parse_stdin("# nothing\n\n", &l, err, sizeof err);
    assert_int_equal(rc, -1);
    assert_string_equal(err, "stdin: no targets");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges_ok),
        cmocka_unit_test(test_ranges_bad),
        cmocka_unit_test(test_names_with_dashes_stay_names),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_stdin_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
