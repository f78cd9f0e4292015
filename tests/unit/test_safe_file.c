/* Safe files (core/safe_file.h): a report is never written through a symlink, into a FIFO, a
 * device or a directory; the rename happens inside the directory resolved at open, so a link or
 * directory swapped in meanwhile is replaced, never followed; inputs that are not regular files are
 * refused at once (a FIFO without a writer cannot hang a run); file names in the scan's error
 * messages are terminal-safe. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect/detect.h"
#include "detect/filescan.h"
#include "util/safe_file.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/ls-safefile-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *at(const char *name)
{
    static char buf[8][256];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *get(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Entries of dir besides the listed ones (a temporary file left behind shows up here). */
static int count_entries(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static void test_regular_file_replaced_0600(void **state)
{
    (void)state;
    put(at("r.json"), "old\n");
    chmod(at("r.json"), 0644);
    struct ls_safe_file sf;
    char err[256];
    assert_int_equal(ls_safe_file_open(&sf, at("r.json"), err, sizeof err), 0);
    fputs("new\n", sf.f);
    assert_string_equal(get(at("r.json")), "old\n"); /* untouched until commit */
    assert_int_equal(ls_safe_file_commit(&sf, err, sizeof err), 0);
    assert_string_equal(get(at("r.json")), "new\n");
    struct stat st;
    assert_int_equal(stat(at("r.json"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(count_entries(), 1);

    /* abort: the old file stays, no temporary file */
    assert_int_equal(ls_safe_file_open(&sf, at("r.json"), err, sizeof err), 0);
    fputs("half", sf.f);
    ls_safe_file_abort(&sf);
    assert_string_equal(get(at("r.json")), "new\n");
    assert_int_equal(count_entries(), 1);
    unlink(at("r.json"));
}

static void test_symlink_refused(void **state)
{
    (void)state;
    put(at("victim"), "precious\n");
    assert_int_equal(symlink(at("victim"), at("link.json")), 0);
    assert_int_equal(symlink(at("nowhere"), at("dangling.json")), 0);
    struct ls_safe_file sf;
    char err[256];
    assert_int_equal(ls_safe_file_open(&sf, at("link.json"), err, sizeof err), LS_SAFE_FILE_REFUSED);
    assert_non_null(strstr(err, "symbolic link"));
    assert_non_null(strstr(err, "link.json"));
    assert_int_equal(ls_safe_file_open(&sf, at("dangling.json"), err, sizeof err), LS_SAFE_FILE_REFUSED);
    assert_string_equal(get(at("victim")), "precious\n");
    assert_null(get(at("nowhere")));
    assert_int_equal(count_entries(), 3); /* no temporary file */
    unlink(at("victim"));
    unlink(at("link.json"));
    unlink(at("dangling.json"));
}

static void test_non_regular_refused(void **state)
{
    (void)state;
    struct ls_safe_file sf;
    char err[256];
    assert_int_equal(mkfifo(at("fifo"), 0600), 0);
    /* a reader holds the FIFO open, so a build that opened it would not block here but succeed */
    int hold = open(at("fifo"), O_RDWR | O_NONBLOCK);
    assert_true(hold >= 0);
    assert_int_equal(ls_safe_file_open(&sf, at("fifo"), err, sizeof err), LS_SAFE_FILE_REFUSED);
    assert_non_null(strstr(err, "FIFO"));
    close(hold);
    assert_int_equal(ls_safe_file_open(&sf, "/dev/null", err, sizeof err), LS_SAFE_FILE_REFUSED);
    assert_non_null(strstr(err, "character device"));
    assert_int_equal(mkdir(at("d"), 0700), 0);
    assert_int_equal(ls_safe_file_open(&sf, at("d"), err, sizeof err), LS_SAFE_FILE_REFUSED);
    assert_non_null(strstr(err, "is a directory"));
    assert_int_equal(ls_safe_file_open(&sf, at("d/"), err, sizeof err), LS_SAFE_FILE_REFUSED);
    assert_int_equal(ls_safe_file_open(&sf, "", err, sizeof err), LS_SAFE_FILE_REFUSED);
    /* the system's refusals are errors, not refusals: exit 3, not 2 */
    assert_int_equal(ls_safe_file_open(&sf, at("no/such/r.json"), err, sizeof err), LS_SAFE_FILE_ERROR);
    assert_non_null(strstr(err, "no/such/r.json"));
    unlink(at("fifo"));
    rmdir(at("d"));
}

/* A link planted under the name after open is replaced by the rename, its target never written. */
static void test_link_planted_before_commit(void **state)
{
    (void)state;
    put(at("victim"), "precious\n");
    struct ls_safe_file sf;
    char err[256];
    assert_int_equal(ls_safe_file_open(&sf, at("r.json"), err, sizeof err), 0);
    fputs("report\n", sf.f);
    assert_int_equal(symlink(at("victim"), at("r.json")), 0);
    assert_int_equal(ls_safe_file_commit(&sf, err, sizeof err), 0);
    assert_string_equal(get(at("victim")), "precious\n");
    struct stat st;
    assert_int_equal(lstat(at("r.json"), &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_string_equal(get(at("r.json")), "report\n");
    unlink(at("victim"));
    unlink(at("r.json"));
}

/* The directory is resolved once: swapping it for a link to another directory between open and
 * commit does not move the report there. */
static void test_directory_swapped_before_commit(void **state)
{
    (void)state;
    assert_int_equal(mkdir(at("d"), 0700), 0);
    assert_int_equal(mkdir(at("elsewhere"), 0700), 0);
    put(at("elsewhere/r.json"), "precious\n");
    struct ls_safe_file sf;
    char err[256];
    assert_int_equal(ls_safe_file_open(&sf, at("d/r.json"), err, sizeof err), 0);
    fputs("report\n", sf.f);
    assert_int_equal(rename(at("d"), at("d2")), 0);
    assert_int_equal(symlink(at("elsewhere"), at("d")), 0);
    assert_int_equal(ls_safe_file_commit(&sf, err, sizeof err), 0);
    assert_string_equal(get(at("elsewhere/r.json")), "precious\n");
    assert_string_equal(get(at("d2/r.json")), "report\n");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_open_read_regular_only(void **state)
{
    (void)state;
    char why[160];
    put(at("in.txt"), "x\n");
    int fd = ls_safe_open_read(at("in.txt"), why, sizeof why);
    assert_true(fd >= 0);
    assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0); /* reads block as usual */
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
    assert_int_equal(symlink(at("in.txt"), at("in.link")), 0);
    fd = ls_safe_open_read(at("in.link"), why, sizeof why); /* a named link to a file is read */
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(mkfifo(at("in.fifo"), 0600), 0); /* no writer: open would block forever */
    assert_int_equal(ls_safe_open_read(at("in.fifo"), why, sizeof why), -1);
    assert_non_null(strstr(why, "FIFO"));
    assert_int_equal(ls_safe_open_read("/dev/zero", why, sizeof why), -1);
    assert_non_null(strstr(why, "character device"));
    assert_int_equal(ls_safe_open_read(dir, why, sizeof why), -1);
    assert_string_equal(why, strerror(EISDIR));
    assert_int_equal(ls_safe_open_read(at("missing"), why, sizeof why), -1);
    assert_string_equal(why, strerror(ENOENT));
    unlink(at("in.txt"));
    unlink(at("in.link"));
    unlink(at("in.fifo"));
}

struct errs {
    char msg[4][512];
    int n;
};

static int collect(void *ud, const struct ls_file_result *r)
{
    struct errs *e = ud;
    if (r->error && e->n < 4)
        snprintf(e->msg[e->n++], sizeof e->msg[0], "%s", r->error);
    return 0;
}

/* The scan's per-file messages name the file terminal-safe, and a FIFO argument is refused. */
static void test_filescan_messages(void **state)
{
    (void)state;
    char err[256];
    struct ls_detector *d = ls_detector_new(err, sizeof err);
    assert_non_null(d);
    char missing[256], fifo[256];
    snprintf(missing, sizeof missing, "%s/a\x1b]0;title\x07\x1b[2J\xc2\x9b\xe2\x80\xae", dir);
    snprintf(fifo, sizeof fifo, "%s/b.fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    char *argv[] = {missing, fifo};
    struct ls_path_list pl = {0};
    assert_int_equal(ls_paths_expand(&pl, argv, 2), 0);
    struct ls_filescan_opts o = {.skip_binary = true};
    struct errs e = {0};
    assert_int_equal(ls_filescan_paths(d, &pl, 1, &o, collect, &e), 0);
    assert_int_equal(e.n, 2);
    assert_null(strchr(e.msg[0], '\x1b'));
    assert_null(strchr(e.msg[0], '\x07'));
    assert_null(strstr(e.msg[0], "\xc2\x9b"));
    assert_null(strstr(e.msg[0], "\xe2\x80\xae"));
    assert_non_null(strstr(e.msg[0], "a\\x1b]0;title\\x07\\x1b[2J\\u009b\\u202e"));
    assert_non_null(strstr(e.msg[1], "FIFO"));
    ls_path_list_free(&pl);
    ls_detector_free(d);
    unlink(fifo);
}

int main(void)
{
    alarm(120); /* a FIFO opened for blocking I/O would hang the test: fail it instead */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_file_replaced_0600),
        cmocka_unit_test(test_symlink_refused),
        cmocka_unit_test(test_non_regular_refused),
        cmocka_unit_test(test_link_planted_before_commit),
        cmocka_unit_test(test_directory_swapped_before_commit),
        cmocka_unit_test(test_open_read_regular_only),
        cmocka_unit_test(test_filescan_messages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
