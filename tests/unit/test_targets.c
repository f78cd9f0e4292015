/* Unit tests for target and port-list parsing (src/core/targets.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/targets.h"

static char tmpdir[256];

static int setup_dir(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ls_test_targets.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Parses one argument into a fresh list and returns the result; the list is kept in *l. */
static int parse1(struct ls_target_list *l, const char *arg, char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    err[0] = '\0';
    return ls_targets_parse(l, arg, err, errlen);
}

static void expect_ok(const char *arg, enum ls_target_kind kind, int family)
{
    struct ls_target_list l;
    char err[256];
    int rc = parse1(&l, arg, err, sizeof err);
    if (rc != 0)
        print_error("unexpected error for '%s': %s\n", arg, err);
    assert_int_equal(rc, 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].kind, kind);
    assert_int_equal(l.v[0].family, family);
    ls_target_list_free(&l);
}

static void expect_err(const char *arg, const char *msg)
{
    struct ls_target_list l;
    char err[256];
    int rc = parse1(&l, arg, err, sizeof err);
    if (rc == 0)
        print_error("'%s' was accepted\n", arg);
    assert_int_equal(rc, -1);
    assert_int_equal(l.n, 0);
    assert_true(strlen(err) > 0);
    assert_null(strchr(err, '\n'));
    if (msg)
        assert_string_equal(err, msg);
    ls_target_list_free(&l);
}

/* The i-th address of t as text. */
static const char *addr_str(const struct ls_target *t, uint64_t i, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    if (ls_target_addr(t, i, &ss, &sl) != 0)
        return "(none)";
    if (ss.ss_family == AF_INET) {
        assert_int_equal(sl, sizeof(struct sockaddr_in));
        assert_int_equal(((struct sockaddr_in *)&ss)->sin_port, 0);
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf, (socklen_t)len);
    } else {
        assert_int_equal(sl, sizeof(struct sockaddr_in6));
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, (socklen_t)len);
    }
    return buf;
}

static void test_ipv4_ok(void **state)
{
    struct ls_target_list l;
    char err[256];
    assert_int_equal(parse1(&l, "127.77.3.14", err, sizeof err), 0);
    assert_int_equal(l.n, 1);
    const struct ls_target *t = &l.v[0];
    assert_int_equal(t->kind, LS_TARGET_ADDR);
    assert_int_equal(t->family, AF_INET);
    assert_int_equal(t->prefix, 32);
    assert_int_equal(t->port, 0);
    assert_memory_equal(t->addr, "\x7f\x4d\x03\x0e", 4);
    assert_string_equal(t->name, "127.77.3.14");
    assert_int_equal(ls_target_naddrs(t), 1);
    char buf[64];
    assert_string_equal(addr_str(t, 0, buf, sizeof buf), "127.77.3.14");
    assert_string_equal(addr_str(t, 1, buf, sizeof buf), "(none)");
    ls_target_list_free(&l);
    expect_ok("0.0.0.0", LS_TARGET_ADDR, AF_INET);
    expect_ok("255.255.255.255", LS_TARGET_ADDR, AF_INET);
    expect_ok("10.0.0.0", LS_TARGET_ADDR, AF_INET);
}

static void test_ipv4_bad(void **state)
{
    expect_err("300.1.1.1", "bad target '300.1.1.1': not an IPv4 address");
    expect_err("1.2.3", "bad target '1.2.3': not an IPv4 address");
    expect_err("256.1.1.1", "bad target '256.1.1.1': not an IPv4 address");
    expect_err("010.1.1.1", "bad target '010.1.1.1': not an IPv4 address (leading zeros are ambiguous)");
    expect_err("1.2.3.00", NULL);
    expect_err("1.2.3.4x", "bad target '1.2.3.4x': not an IPv4 address");
    expect_err("1.2.3.4 ", "bad target '1.2.3.4 ': not an IPv4 address");
    expect_err(" 1.2.3.4", NULL);
    expect_err("x1.2.3.4", NULL);
    expect_err("-1.2.3.4", NULL);
    expect_err("1.2.3.4.5", NULL);
    expect_err("1..2.3", NULL);
    expect_err("1.2.3.", NULL);
    expect_err(".1.2.3.4", NULL);
    expect_err("1.2.3.4.", NULL);
    expect_err("1234.1.1.1", NULL);
    expect_err("4294967295", NULL);
    expect_err("127.1", NULL);
    expect_err("0x7f.0.0.1", NULL);
    expect_err("", "bad target '': empty target");
}

static void test_ipv6(void **state)
{
    struct ls_target_list l;
    char err[256], buf[64];
    assert_int_equal(parse1(&l, "::1", err, sizeof err), 0);
    assert_int_equal(l.v[0].kind, LS_TARGET_ADDR);
    assert_int_equal(l.v[0].family, AF_INET6);
    assert_int_equal(l.v[0].prefix, 128);
    assert_string_equal(addr_str(&l.v[0], 0, buf, sizeof buf), "::1");
    ls_target_list_free(&l);

    static const struct {
        const char *in, *out;
    } ok[] = {
        {"::", "::"},
        {"2001:db8::1", "2001:db8::1"},
        {"2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"},
        {"2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
        {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
        {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
        {"fe80::", "fe80::"},
        {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
        {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
        {"[::1]", "::1"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(parse1(&l, ok[i].in, err, sizeof err), 0);
        assert_int_equal(l.v[0].family, AF_INET6);
        assert_string_equal(addr_str(&l.v[0], 0, buf, sizeof buf), ok[i].out);
        ls_target_list_free(&l);
    }

    assert_int_equal(parse1(&l, "[2001:db8::5]:8123", err, sizeof err), 0);
    assert_int_equal(l.v[0].port, 8123);
    assert_string_equal(l.v[0].name, "2001:db8::5");
    ls_target_list_free(&l);

    expect_err("fe80::1%eth0", "bad target 'fe80::1%eth0': IPv6 zone ids ('%') are not supported");
    expect_err("[fe80::1%eth0]:80", NULL);
    expect_err("1::2::3", "bad target '1::2::3': not an IPv6 address");
    expect_err("12345::1", NULL);
    expect_err(":1:2", NULL);
    expect_err("1:2:", NULL);
    expect_err(":::", NULL);
    expect_err("1:2:3:4:5:6:7:8:9", NULL);
    expect_err("1:2:3:4:5:6:7:8::", NULL);
    expect_err("1:2:3:4:5:6:7", NULL);
    expect_err("::g", NULL);
    expect_err("::1.2.3", NULL);
    expect_err("::ffff:01.2.3.4", NULL);
    expect_err("1:2:3:4:5:6:7:1.2.3.4", NULL);
    expect_err("[::1", "bad target '[::1': missing ']'");
    expect_err("[::1]x", NULL);
    expect_err("[::1]:", "bad target '[::1]:': missing port after ':'");
    expect_err("[::1]:0", "bad target '[::1]:0': port must be 1-65535");
    expect_err("[1.2.3.4]:80", "bad target '[1.2.3.4]:80': brackets are only for IPv6 addresses");
    expect_err("[db.local]", NULL);
    expect_err("[]", NULL);
}

static void test_cidr_v4(void **state)
{
    struct ls_target_list l;
    char err[256], buf[64];
    assert_int_equal(parse1(&l, "127.77.3.14/16", err, sizeof err), 0);
    const struct ls_target *t = &l.v[0];
    assert_int_equal(t->kind, LS_TARGET_CIDR);
    assert_int_equal(t->prefix, 16);
    assert_memory_equal(t->addr, "\x7f\x4d\x00\x00", 4); /* host bits cleared */
    assert_int_equal(ls_target_naddrs(t), 65536);
    assert_string_equal(addr_str(t, 0, buf, sizeof buf), "127.77.0.0");
    assert_string_equal(addr_str(t, 65535, buf, sizeof buf), "127.77.255.255");
    assert_string_equal(addr_str(t, 258, buf, sizeof buf), "127.77.1.2");
    assert_string_equal(addr_str(t, 65536, buf, sizeof buf), "(none)");
    ls_target_list_free(&l);

    assert_int_equal(parse1(&l, "192.168.7.77/27", err, sizeof err), 0);
    assert_memory_equal(l.v[0].addr, "\xc0\xa8\x07\x40", 4);
    assert_int_equal(ls_target_naddrs(&l.v[0]), 32);
    assert_string_equal(addr_str(&l.v[0], 31, buf, sizeof buf), "192.168.7.95");
    ls_target_list_free(&l);

    assert_int_equal(parse1(&l, "10.1.2.3/8", err, sizeof err), 0); /* exactly the limit */
    assert_int_equal(ls_target_naddrs(&l.v[0]), LS_MAX_EXPANDED_ADDRS);
    assert_string_equal(addr_str(&l.v[0], LS_MAX_EXPANDED_ADDRS - 1, buf, sizeof buf), "10.255.255.255");
    ls_target_list_free(&l);

    assert_int_equal(parse1(&l, "1.2.3.4/32", err, sizeof err), 0);
    assert_int_equal(ls_target_naddrs(&l.v[0]), 1);
    assert_string_equal(addr_str(&l.v[0], 0, buf, sizeof buf), "1.2.3.4");
    ls_target_list_free(&l);

    assert_int_equal(parse1(&l, "127.0.0.1/24:8123", err, sizeof err), 0);
    assert_int_equal(l.v[0].kind, LS_TARGET_CIDR);
    assert_int_equal(l.v[0].port, 8123);
    assert_string_equal(l.v[0].name, "127.0.0.1/24");
    ls_target_list_free(&l);

    expect_err("1.2.3.4/33", "bad target '1.2.3.4/33': prefix length must be 1-32");
    expect_err("0.0.0.0/0", "bad target '0.0.0.0/0': prefix /0 is not allowed");
    expect_err("10.0.0.0/7", "bad target '10.0.0.0/7': 2^25 addresses exceeds the limit of 16777216");
    expect_err("1.2.3.4/", NULL);
    expect_err("1.2.3.4/08", NULL);
    expect_err("1.2.3.4/x", NULL);
    expect_err("1.2.3.4/24/24", NULL);
    expect_err("1.2.3/24", NULL);
    expect_err("db.local/24", "bad target 'db.local/24': not an IPv4 address");
}

static void test_cidr_v6(void **state)
{
    struct ls_target_list l;
    char err[256], buf[64];
    assert_int_equal(parse1(&l, "2001:db8::ff/120", err, sizeof err), 0);
    const struct ls_target *t = &l.v[0];
    assert_int_equal(t->kind, LS_TARGET_CIDR);
    assert_int_equal(t->family, AF_INET6);
    assert_int_equal(t->prefix, 120);
    assert_int_equal(ls_target_naddrs(t), 256);
    assert_string_equal(addr_str(t, 0, buf, sizeof buf), "2001:db8::");
    assert_string_equal(addr_str(t, 255, buf, sizeof buf), "2001:db8::ff");
    assert_string_equal(addr_str(t, 256, buf, sizeof buf), "(none)");
    ls_target_list_free(&l);

    assert_int_equal(parse1(&l, "2001:db8:1:2:3:4:5aa:6/104", err, sizeof err), 0);
    t = &l.v[0];
    assert_int_equal(ls_target_naddrs(t), 1u << 24);
    assert_string_equal(addr_str(t, 0, buf, sizeof buf), "2001:db8:1:2:3:4:500:0");
    assert_string_equal(addr_str(t, 0x10000, buf, sizeof buf), "2001:db8:1:2:3:4:501:0");
    assert_string_equal(addr_str(t, (1u << 24) - 1, buf, sizeof buf), "2001:db8:1:2:3:4:5ff:ffff");
    assert_string_equal(addr_str(t, 1u << 24, buf, sizeof buf), "(none)");
    ls_target_list_free(&l);

    assert_int_equal(parse1(&l, "[2001:db8::/126]:9000", err, sizeof err), 0);
    assert_int_equal(l.v[0].port, 9000);
    assert_int_equal(ls_target_naddrs(&l.v[0]), 4);
    assert_string_equal(addr_str(&l.v[0], 3, buf, sizeof buf), "2001:db8::3");
    ls_target_list_free(&l);

    assert_int_equal(parse1(&l, "::1/128", err, sizeof err), 0);
    assert_int_equal(ls_target_naddrs(&l.v[0]), 1);
    ls_target_list_free(&l);

    expect_err("::1/129", "bad target '::1/129': prefix length must be 1-128");
    expect_err("::/0", "bad target '::/0': prefix /0 is not allowed");
    expect_err("2001:db8::/64", "bad target '2001:db8::/64': 2^64 addresses exceeds the limit of 16777216");
    expect_err("2001:db8::/103", NULL);
    expect_err("2001:db8::/", NULL);
}

static void test_naddrs_saturates(void **state)
{
    struct ls_target t;
    memset(&t, 0, sizeof t);
    t.kind = LS_TARGET_CIDR;
    t.family = AF_INET6;
    t.prefix = 32;
    assert_true(ls_target_naddrs(&t) == UINT64_MAX);
    struct sockaddr_storage ss;
    socklen_t sl;
    assert_int_equal(ls_target_addr(&t, UINT64_MAX - 1, &ss, &sl), 0);
    t.kind = LS_TARGET_NAME;
    assert_int_equal(ls_target_naddrs(&t), 1);
    assert_int_equal(ls_target_addr(&t, 0, &ss, &sl), -1);
}

static void test_host_port(void **state)
{
    struct ls_target_list l;
    char err[256];
    assert_int_equal(parse1(&l, "127.0.0.1:8123", err, sizeof err), 0);
    assert_int_equal(l.v[0].kind, LS_TARGET_ADDR);
    assert_int_equal(l.v[0].port, 8123);
    assert_string_equal(l.v[0].name, "127.0.0.1");
    ls_target_list_free(&l);
    assert_int_equal(parse1(&l, "db.example.internal:5432", err, sizeof err), 0);
    assert_int_equal(l.v[0].kind, LS_TARGET_NAME);
    assert_int_equal(l.v[0].port, 5432);
    assert_string_equal(l.v[0].name, "db.example.internal");
    ls_target_list_free(&l);
    assert_int_equal(parse1(&l, "h:65535", err, sizeof err), 0);
    assert_int_equal(l.v[0].port, 65535);
    ls_target_list_free(&l);
    assert_int_equal(parse1(&l, "h:01", err, sizeof err), 0);
    assert_int_equal(l.v[0].port, 1);
    ls_target_list_free(&l);

    expect_err("h:0", "bad target 'h:0': port must be 1-65535");
    expect_err("h:65536", "bad target 'h:65536': port must be 1-65535");
    expect_err("h:99999999999999999999", NULL);
    expect_err("h:8x", NULL);
    expect_err("h:-1", NULL);
    expect_err("h:", "bad target 'h:': missing port after ':'");
    expect_err(":80", "bad target ':80': missing host before ':'");
    expect_err("1.2.3.4:80:", NULL);
    expect_err("300.1.1.1:80", "bad target '300.1.1.1:80': not an IPv4 address");
}

static void test_names(void **state)
{
    struct ls_target_list l;
    char err[512];
    expect_ok("localhost", LS_TARGET_NAME, 0);
    expect_ok("db.example.internal", LS_TARGET_NAME, 0);
    expect_ok("db.example.internal.", LS_TARGET_NAME, 0);
    expect_ok("DB-1.Example.COM", LS_TARGET_NAME, 0);
    expect_ok("10.0.0.1.nip.io", LS_TARGET_NAME, 0);
    expect_ok("3com", LS_TARGET_NAME, 0);
    expect_ok("xn--bcher-kva.example", LS_TARGET_NAME, 0);

    assert_int_equal(parse1(&l, "db.example.internal", err, sizeof err), 0);
    assert_string_equal(l.v[0].name, "db.example.internal");
    assert_int_equal(l.v[0].port, 0);
    assert_int_equal(ls_target_naddrs(&l.v[0]), 1);
    struct sockaddr_storage ss;
    socklen_t sl;
    assert_int_equal(ls_target_addr(&l.v[0], 0, &ss, &sl), -1); /* names are never resolved here */
    ls_target_list_free(&l);

    char name[300];
    memset(name, 'a', 63);
    strcpy(name + 63, ".com");
    expect_ok(name, LS_TARGET_NAME, 0);
    memset(name, 'a', 64);
    strcpy(name + 64, ".com");
    expect_err(name, NULL);

    /* 253 bytes: 63+1+63+1+63+1+61 */
    memset(name, 'a', 253);
    name[63] = name[127] = name[191] = '.';
    name[253] = '\0';
    expect_ok(name, LS_TARGET_NAME, 0);
    strcpy(name + 253, ".");
    expect_ok(name, LS_TARGET_NAME, 0); /* plus the optional trailing dot */
    name[253] = 'a';
    name[254] = '\0';
    expect_err(name, NULL);

    expect_err("my_db", "bad target 'my_db': '_' is not allowed in host names");
    expect_err("_srv.example.com", NULL);
    expect_err("-db.local", "bad target '-db.local': host name label starts or ends with '-'");
    expect_err("db-.local", NULL);
    expect_err("db..local", "bad target 'db..local': empty label in host name");
    expect_err(".", NULL);
    expect_err("a b", "bad target 'a b': invalid character ' ' in host name");
    expect_err("db!", NULL);
    expect_err("x.123", NULL);
    expect_err("caf\xc3\xa9.example", "bad target 'caf??.example': invalid byte 0xc3 in host name");
    expect_err("line\nbreak", NULL);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_file_good(void **state)
{
    char path[300], arg[310], err[512];
    snprintf(path, sizeof path, "%s/targets.txt", tmpdir);
    snprintf(arg, sizeof arg, "@%s", path);
    write_file(path, "# lab hosts\n"
                     "127.77.3.14\n"
                     "\n"
                     "   10.1.0.0/24   \n"
                     "\t[::1]:8123 # inline comment\r\n"
                     "db.example.internal:5432\r\n"
                     "   # indented comment\n"
                     "localhost"); /* no final newline */
    struct ls_target_list l;
    assert_int_equal(parse1(&l, arg, err, sizeof err), 0);
    assert_int_equal(l.n, 5);
    assert_int_equal(l.v[0].kind, LS_TARGET_ADDR);
    assert_int_equal(l.v[1].kind, LS_TARGET_CIDR);
    assert_int_equal(ls_target_naddrs(&l.v[1]), 256);
    assert_int_equal(l.v[2].family, AF_INET6);
    assert_int_equal(l.v[2].port, 8123);
    assert_string_equal(l.v[3].name, "db.example.internal");
    assert_int_equal(l.v[3].port, 5432);
    assert_string_equal(l.v[4].name, "localhost");
    /* appending to an existing list */
    assert_int_equal(ls_targets_parse(&l, "1.1.1.1", err, sizeof err), 0);
    assert_int_equal(l.n, 6);
    ls_target_list_free(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
}

static void test_file_errors(void **state)
{
    char path[300], arg[310], err[512], want[700];
    struct ls_target_list l;
    snprintf(path, sizeof path, "%s/targets.txt", tmpdir);
    snprintf(arg, sizeof arg, "@%s", path);

    write_file(path, "127.0.0.1\n# two\nx_y\n10.0.0.1\n");
    assert_int_equal(parse1(&l, "9.9.9.9", err, sizeof err), 0);
    assert_int_equal(ls_targets_parse(&l, arg, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: bad target 'x_y': '_' is not allowed in host names", path);
    assert_string_equal(err, want);
    assert_int_equal(l.n, 1); /* the list is as before the call */
    ls_target_list_free(&l);

    write_file(path, "1.2.3.4\n  300.1.1.1  \n");
    assert_int_equal(parse1(&l, arg, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: bad target '300.1.1.1': not an IPv4 address", path);
    assert_string_equal(err, want);

    write_file(path, "# nothing here\n\n   \n");
    assert_int_equal(parse1(&l, arg, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: no targets", path);
    assert_string_equal(err, want);

    write_file(path, "");
    assert_int_equal(parse1(&l, arg, err, sizeof err), -1);
    assert_string_equal(err, want);

    write_file(path, "1.2.3.4\n@other.txt\n");
    assert_int_equal(parse1(&l, arg, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: bad target '@other.txt': @file is not allowed inside a target file", path);
    assert_string_equal(err, want);

    char *big = malloc(4200);
    assert_non_null(big);
    strcpy(big, "1.2.3.4\n");
    memset(big + 8, 'a', 4097);
    strcpy(big + 8 + 4097, "\n");
    write_file(path, big);
    free(big);
    assert_int_equal(parse1(&l, arg, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: line longer than 4096 bytes", path);
    assert_string_equal(err, want);

    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("1.2.3.4\n5.6\0.7.8\n", 1, 17, f);
    fclose(f);
    assert_int_equal(parse1(&l, arg, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: NUL byte in line", path);
    assert_string_equal(err, want);

    char missing[320], marg[330];
    snprintf(missing, sizeof missing, "%s/missing.txt", tmpdir);
    snprintf(marg, sizeof marg, "@%s", missing);
    assert_int_equal(parse1(&l, marg, err, sizeof err), -1);
    snprintf(want, sizeof want, "cannot read target file '%s': No such file or directory", missing);
    assert_string_equal(err, want);

    snprintf(marg, sizeof marg, "@%s", tmpdir); /* a directory */
    assert_int_equal(parse1(&l, marg, err, sizeof err), -1);
    assert_non_null(strstr(err, tmpdir));

    assert_int_equal(parse1(&l, "@", err, sizeof err), -1);
    assert_string_equal(err, "bad target '@': missing file name");
    unlink(path);
}

static void test_total_limit(void **state)
{
    struct ls_target_list l;
    char err[256];
    assert_int_equal(parse1(&l, "10.0.0.0/9", err, sizeof err), 0);
    assert_int_equal(ls_targets_parse(&l, "11.0.0.0/9", err, sizeof err), 0);
    assert_int_equal(ls_targets_parse(&l, "12.0.0.1", err, sizeof err), -1);
    assert_string_equal(err, "bad target '12.0.0.1': the target list would exceed 16777216 addresses");
    assert_int_equal(l.n, 2);
    ls_target_list_free(&l);
}

static void test_err_null_and_long(void **state)
{
    struct ls_target_list l;
    memset(&l, 0, sizeof l);
    assert_int_equal(ls_targets_parse(&l, "300.1.1.1", NULL, 0), -1);
    char tiny[8];
    assert_int_equal(ls_targets_parse(&l, "300.1.1.1", tiny, sizeof tiny), -1);
    assert_int_equal(strlen(tiny), 7);
    char big[2000], err[256];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(ls_targets_parse(&l, big, err, sizeof err), -1);
    assert_true(strlen(err) < 200); /* the quoted value is shortened */
    assert_non_null(strstr(err, "...'"));
    assert_int_equal(l.n, 0);
    ls_target_list_free(&l);
}

/* ---- ports ---- */

static void expect_ports(const char *spec, const uint16_t *want, size_t n)
{
    struct ls_port_list pl;
    char err[256] = "";
    int rc = ls_ports_parse(&pl, spec, err, sizeof err);
    if (rc != 0)
        print_error("ports '%s': %s\n", spec, err);
    assert_int_equal(rc, 0);
    assert_int_equal(pl.n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pl.v[i], want[i]);
    ls_port_list_free(&pl);
}

static void expect_ports_err(const char *spec, const char *msg)
{
    struct ls_port_list pl;
    char err[256] = "";
    assert_int_equal(ls_ports_parse(&pl, spec, err, sizeof err), -1);
    assert_null(pl.v);
    assert_int_equal(pl.n, 0);
    assert_true(strlen(err) > 0);
    if (msg)
        assert_string_equal(err, msg);
}

static void test_ports(void **state)
{
    expect_ports("8123", (const uint16_t[]){8123}, 1);
    expect_ports("9000,8123,8123", (const uint16_t[]){8123, 9000}, 2);
    expect_ports("9000-9003", (const uint16_t[]){9000, 9001, 9002, 9003}, 4);
    expect_ports("5-5,1", (const uint16_t[]){1, 5}, 2);
    expect_ports(" 80 , 443 ", (const uint16_t[]){80, 443}, 2);
    expect_ports("65535,1", (const uint16_t[]){1, 65535}, 2);

    struct ls_port_list pl, def;
    char err[256];
    assert_int_equal(ls_ports_parse(&pl, "-", err, sizeof err), 0);
    assert_int_equal(pl.n, 65535);
    assert_int_equal(pl.v[0], 1);
    assert_int_equal(pl.v[65534], 65535);
    ls_port_list_free(&pl);
    assert_int_equal(ls_ports_parse(&pl, "22,-,db", err, sizeof err), 0);
    assert_int_equal(pl.n, 65535);
    ls_port_list_free(&pl);

    assert_int_equal(ls_ports_default(&def), 0);
    assert_int_equal(ls_ports_parse(&pl, "db", err, sizeof err), 0);
    assert_int_equal(pl.n, def.n);
    assert_memory_equal(pl.v, def.v, def.n * sizeof def.v[0]);
    ls_port_list_free(&pl);

    assert_int_equal(ls_ports_parse(&pl, "1-3,db,8123,99", err, sizeof err), 0);
    assert_int_equal(pl.n, def.n + 4);
    assert_int_equal(pl.v[0], 1);
    assert_int_equal(pl.v[3], 99);
    ls_port_list_free(&pl);
    ls_port_list_free(&def);

    expect_ports_err("70000", "bad port '70000': must be 1-65535");
    expect_ports_err("0", "bad port '0': must be 1-65535");
    expect_ports_err("9010-9000", "bad port range '9010-9000': start is after end");
    expect_ports_err("8123,,9000", "bad port list '8123,,9000': empty item");
    expect_ports_err("abc", "bad port 'abc': not a number");
    expect_ports_err("", "bad port list '': empty");
    expect_ports_err(",", NULL);
    expect_ports_err("8123,", NULL);
    expect_ports_err("1-", "bad port range '1-': missing end");
    expect_ports_err("-5", "bad port range '-5': missing start");
    expect_ports_err("1-70000", "bad port '70000': must be 1-65535");
    expect_ports_err("1-2-3", NULL);
    expect_ports_err("80 80", NULL);
    expect_ports_err("+80", NULL);
    expect_ports_err("dbx", NULL);
    expect_ports_err("99999999999999999999999", "bad port '99999999999999999999999': must be 1-65535");
}

static void test_ports_default(void **state)
{
    static const uint16_t want[] = {8123, 8443, 9000,  9440, 9004, 9005, 9009,  9363, 9200,  5601,
                                    6379, 6380, 27017, 5432, 3306, 1433, 5984,  9042, 11211, 2379,
                                    8086, 9090, 7474,  7687, 9092, 2181, 15672, 5672};
    struct ls_port_list def;
    assert_int_equal(ls_ports_default(&def), 0);
    assert_int_equal(def.n, sizeof want / sizeof want[0]);
    for (size_t i = 1; i < def.n; i++)
        assert_true(def.v[i - 1] < def.v[i]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        bool found = false;
        for (size_t k = 0; k < def.n; k++)
            found |= def.v[k] == want[i];
        assert_true(found);
    }
    ls_port_list_free(&def);
    assert_null(def.v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_ok),     cmocka_unit_test(test_ipv4_bad),
        cmocka_unit_test(test_ipv6),        cmocka_unit_test(test_cidr_v4),
        cmocka_unit_test(test_cidr_v6),     cmocka_unit_test(test_naddrs_saturates),
        cmocka_unit_test(test_host_port),   cmocka_unit_test(test_names),
        cmocka_unit_test(test_file_good),   cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_total_limit), cmocka_unit_test(test_err_null_and_long),
        cmocka_unit_test(test_ports),       cmocka_unit_test(test_ports_default),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
