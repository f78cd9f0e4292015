/* Compiled-database cache tests: a second detector loads the stored database and finds the same
 * matches; the file is 0600 in a 0700 directory; truncated, flipped or foreign files are ignored
 * (and replaced); LEAKSCAN_NO_CACHE stores nothing; the header parser rejects bad input. */
#include <dirent.h>
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

#include "detect/dbcache.h"
#include "detect/detect.h"

static char dir[256];

static int count_cb_n;
static void count_cb(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    (void)ud, (void)m, (void)buf, (void)len;
    count_cb_n++;
}

static const char TEXT[] = "token ghp_R3aLTok3nAbCdEfGhIjKlMnOpQrStUvWx2bsT9i and mail maria.garcia@gmail.com, "
                           "AKIAZ5CT6MZ7P4QRHV3D, tel: (415) 555-0123";

/* Builds a detector, scans TEXT, returns the match count (or -1). */
static int build_and_scan(void)
{
    char err[256];
    struct ls_detector *d = ls_detector_new(err, sizeof err);
    if (!d)
        return -1;
    struct ls_detect_scratch *s = ls_detect_scratch_new(d);
    count_cb_n = 0;
    ls_detect_scan(d, s, TEXT, sizeof TEXT - 1, count_cb, NULL);
    ls_detect_scratch_free(s);
    ls_detector_free(d);
    return count_cb_n;
}

/* Path of the only cache file, or "" when there is none. */
static void cache_file(char *out, size_t n)
{
    char sub[300];
    snprintf(sub, sizeof sub, "%s/leakscan", dir);
    out[0] = '\0';
    DIR *dh = opendir(sub);
    if (!dh)
        return;
    struct dirent *e;
    while ((e = readdir(dh)))
        if (strncmp(e->d_name, "hsdb-", 5) == 0)
            snprintf(out, n, "%s/%s", sub, e->d_name);
    closedir(dh);
}

static void rm_cache(void)
{
    char f[600];
    cache_file(f, sizeof f);
    if (f[0])
        unlink(f);
}

static void test_store_and_load(void **state)
{
    (void)state;
    rm_cache();
    int first = build_and_scan();
    assert_true(first >= 3);
    char f[600];
    cache_file(f, sizeof f);
    assert_true(f[0] != '\0');
    struct stat st;
    assert_int_equal(stat(f, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/leakscan", dir);
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(build_and_scan(), first); /* from the cache */
}

static void damage(long at, int truncate_it)
{
    char f[600];
    cache_file(f, sizeof f);
    assert_true(f[0] != '\0');
    FILE *fp = fopen(f, "r+b");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    if (truncate_it) {
        fclose(fp);
        assert_int_equal(truncate(f, size / 2), 0);
        return;
    }
    fseek(fp, at < 0 ? size + at : at, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, at < 0 ? size + at : at, SEEK_SET);
    fputc(c ^ 0x5a, fp);
    fclose(fp);
}

static void test_corrupt_ignored(void **state)
{
    (void)state;
    rm_cache();
    int want = build_and_scan();
    long where[] = {0, 10, 50, 90, -1, -5000};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        damage(where[i], 0);
        assert_int_equal(build_and_scan(), want);
        assert_int_equal(build_and_scan(), want); /* the rewritten file loads */
    }
    damage(0, 1);
    assert_int_equal(build_and_scan(), want);
}

static void test_disabled(void **state)
{
    (void)state;
    rm_cache();
    setenv("LEAKSCAN_NO_CACHE", "1", 1);
    int n = build_and_scan();
    unsetenv("LEAKSCAN_NO_CACHE");
    assert_true(n >= 3);
    char f[600];
    cache_file(f, sizeof f);
    assert_string_equal(f, "");
}

static void test_parse(void **state)
{
    (void)state;
    unsigned char key[LS_DBCACHE_KEY] = {1, 2, 3}, other[LS_DBCACHE_KEY] = {9};
    const unsigned char *p;
    size_t n;
    assert_int_equal(ls_dbcache_parse(NULL, 0, key, &p, &n), -1);
    unsigned char junk[200] = "LSHSDB1\n";
    assert_int_equal(ls_dbcache_parse(junk, sizeof junk, key, &p, &n), -1);
    memcpy(junk + 8, key, sizeof key);
    assert_int_equal(ls_dbcache_parse(junk, sizeof junk, key, &p, &n), -1); /* length and sum wrong */
    assert_int_equal(ls_dbcache_parse(junk, sizeof junk, other, &p, &n), -1);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/ls-dbcache-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    setenv("XDG_CACHE_HOME", dir, 1);
    unsetenv("LEAKSCAN_NO_CACHE");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char sub[300];
    rm_cache();
    snprintf(sub, sizeof sub, "%s/leakscan", dir);
    rmdir(sub);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_and_load),
        cmocka_unit_test(test_corrupt_ignored),
        cmocka_unit_test(test_disabled),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
