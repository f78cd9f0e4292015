/* Unit tests for @file target lists as resources (src/core/targets.c): the memory a list holds is
 * proportional to the text read (about 48 bytes plus the text per target, not a fixed name buffer
 * each), a failed parse gives its memory back, and a list that is not a regular file (a FIFO
 * without a writer, a device, a directory) is refused at once instead of blocking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/targets.h"

static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ls_test_targets_files.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes n lines made by line(i) into tmpdir/name; returns the bytes written. */
static size_t write_list(const char *name, size_t n, void (*line)(size_t i, char *buf, size_t len), char *arg,
                         size_t arglen)
{
    char path[300], buf[300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    snprintf(arg, arglen, "@%s", path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        line(i, buf, sizeof buf);
        bytes += (size_t)fprintf(f, "%s\n", buf);
    }
    assert_int_equal(fclose(f), 0);
    return bytes;
}

static void v4_line(size_t i, char *buf, size_t len)
{
    snprintf(buf, len, "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
}

static void name_line(size_t i, char *buf, size_t len)
{
    snprintf(buf, len, "host-%06zu.%s", i,
             "a-rather-long-label-for-a-database-server.in-some-internal-zone.example.com");
}

/* 200,000 numeric targets: the list holds about 48 bytes plus the text each (it was about 310). */
static void test_numeric_list_is_compact(void **state)
{
    (void)state;
    enum { N = 200000 };
    char arg[310], err[512];
    size_t text = write_list("v4.txt", N, v4_line, arg, sizeof arg);
    struct ls_target_list l = {0};
    assert_int_equal(ls_targets_parse(&l, arg, err, sizeof err), 0);
    assert_int_equal(l.n, N);
    assert_string_equal(l.v[N - 1].name, "10.3.13.63");
    assert_string_equal(l.v[0].name, "10.0.0.0");
    size_t bytes = ls_target_list_bytes(&l);
    double per = (double)bytes / N;
    print_message("%zu numeric targets (%zu bytes of text): %zu bytes held, %.1f per target\n", (size_t)N, text, bytes,
                  per);
    assert_true(per < 64.0);
    assert_true(bytes <= (size_t)N * sizeof(struct ls_target) + text + text / 16 + 65536);
    ls_target_list_free(&l);
    assert_int_equal(ls_target_list_bytes(&l), 0);
}

/* Host names: the text as given plus the fixed part, whatever their length. */
static void test_name_list_is_proportional(void **state)
{
    (void)state;
    enum { N = 20000 };
    char arg[310], err[512];
    size_t text = write_list("names.txt", N, name_line, arg, sizeof arg);
    struct ls_target_list l = {0};
    assert_int_equal(ls_targets_parse(&l, arg, err, sizeof err), 0);
    assert_int_equal(l.n, N);
    assert_int_equal(l.v[7].kind, LS_TARGET_NAME);
    assert_non_null(strstr(l.v[7].name, "host-000007.a-rather-long-label"));
    size_t bytes = ls_target_list_bytes(&l);
    assert_true(bytes <= (size_t)N * sizeof(struct ls_target) + text + text / 16 + 65536);
    ls_target_list_free(&l);
}

/* Names stay valid while the list grows over many arena blocks and through appends. */
static void test_names_survive_growth(void **state)
{
    (void)state;
    char arg[310], err[512], want[300];
    write_list("grow.txt", 5000, name_line, arg, sizeof arg);
    struct ls_target_list l = {0};
    assert_int_equal(ls_targets_parse(&l, "first.example", err, sizeof err), 0);
    const char *first = l.v[0].name;
    for (int k = 0; k < 3; k++)
        assert_int_equal(ls_targets_parse(&l, arg, err, sizeof err), 0);
    assert_int_equal(ls_targets_parse(&l, "127.0.0.1:8123", err, sizeof err), 0);
    assert_int_equal(l.n, 1 + 3 * 5000 + 1);
    assert_ptr_equal(l.v[0].name, first);
    assert_string_equal(l.v[0].name, "first.example");
    for (size_t i = 1; i + 1 < l.n; i++) {
        name_line((i - 1) % 5000, want, sizeof want);
        assert_string_equal(l.v[i].name, want);
    }
    assert_string_equal(l.v[l.n - 1].name, "127.0.0.1");
    ls_target_list_free(&l);
}

/* A bad line late in a big file gives back everything that file added. */
static void test_failed_parse_gives_memory_back(void **state)
{
    (void)state;
    char path[300], arg[310], err[512];
    snprintf(path, sizeof path, "%s/bad.txt", tmpdir);
    snprintf(arg, sizeof arg, "@%s", path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 30000; i++)
        fprintf(f, "db-%05d.example.internal\n", i);
    fputs("not_a_host\n", f);
    assert_int_equal(fclose(f), 0);

    struct ls_target_list l = {0};
    assert_int_equal(ls_targets_parse(&l, "keep.example", err, sizeof err), 0);
    size_t used = l.name_used, alloc = l.name_alloc;
    assert_int_equal(ls_targets_parse(&l, arg, err, sizeof err), -1);
    assert_non_null(strstr(err, ":30001: bad target 'not_a_host'"));
    assert_int_equal(l.n, 1);
    assert_int_equal(l.name_used, used);
    assert_int_equal(l.name_alloc, alloc);
    assert_string_equal(l.v[0].name, "keep.example");
    assert_int_equal(ls_targets_parse(&l, "after.example", err, sizeof err), 0);
    assert_string_equal(l.v[1].name, "after.example");
    ls_target_list_free(&l);

    memset(&l, 0, sizeof l); /* a fresh list stays unallocated after a failure */
    assert_int_equal(ls_targets_parse(&l, arg, err, sizeof err), -1);
    assert_null(l.v);
    assert_null(l.names);
    assert_int_equal(ls_target_list_bytes(&l), 0);
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "blocked on a non-regular target file\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(1);
}

static void expect_refused(const char *path, const char *kind)
{
    char arg[310], err[512];
    snprintf(arg, sizeof arg, "@%s", path);
    struct ls_target_list l = {0};
    signal(SIGALRM, on_alarm);
    alarm(10);
    int rc = ls_targets_parse(&l, arg, err, sizeof err);
    alarm(0);
    assert_int_equal(rc, -1);
    print_message("%s\n", err);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, kind));
    assert_non_null(strstr(err, "not a regular file"));
    assert_null(strchr(err, '\n'));
    assert_int_equal(l.n, 0);
    /* the same for address sets (--scope @FILE, --exclude @FILE) */
    alarm(10);
    rc = ls_targets_parse_set(&l, arg, err, sizeof err);
    alarm(0);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "not a regular file"));
}

/* A FIFO with no writer used to block open() forever; a device or directory is no list either. */
static void test_non_regular_files_refused(void **state)
{
    (void)state;
    char fifo[300];
    snprintf(fifo, sizeof fifo, "%s/targets.fifo", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_refused(fifo, "a FIFO");
    expect_refused("/dev/null", "a character device");
    expect_refused(tmpdir, "a directory");
    unlink(fifo);
}

/* A symlink to a regular file is fine (what counts is the file opened). */
static void test_symlink_to_regular_file(void **state)
{
    (void)state;
    char path[300], link[300], arg[310], err[512];
    snprintf(path, sizeof path, "%s/real.txt", tmpdir);
    snprintf(link, sizeof link, "%s/link.txt", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("127.0.0.1\n", f);
    fclose(f);
    assert_int_equal(symlink(path, link), 0);
    snprintf(arg, sizeof arg, "@%s", link);
    struct ls_target_list l = {0};
    assert_int_equal(ls_targets_parse(&l, arg, err, sizeof err), 0);
    assert_int_equal(l.n, 1);
    ls_target_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric_list_is_compact),   cmocka_unit_test(test_name_list_is_proportional),
        cmocka_unit_test(test_names_survive_growth),      cmocka_unit_test(test_failed_parse_gives_memory_back),
        cmocka_unit_test(test_non_regular_files_refused), cmocka_unit_test(test_symlink_to_regular_file),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
