/* Compiled-database cache tests: a second detector loads the stored database (the file is not
 * rewritten) and finds the same matches; the file is 0600 in a 0700 directory; truncated, flipped
 * or foreign files are ignored (and replaced); a symlink in the cache is replaced, never followed;
 * a directory others can enter is not used; a store prunes old files, never through a symlink;
 * LEAKSCAN_NO_CACHE stores nothing; any change of a pattern, flag or id changes the key; the
 * header parser rejects bad input. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* The cache file's inode: a store writes a new file and renames it, so an unchanged inode after
 * a build means the database came from the cache. 0 when there is no file. */
static ino_t cache_ino(void)
{
    char f[600];
    struct stat st;
    cache_file(f, sizeof f);
    return f[0] && lstat(f, &st) == 0 ? st.st_ino : 0;
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
    ino_t ino = cache_ino();
    assert_int_equal(build_and_scan(), first);
    assert_true(ino != 0 && cache_ino() == ino); /* loaded from the cache, not compiled and stored */
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
        ino_t damaged = cache_ino();
        assert_int_equal(build_and_scan(), want);
        ino_t rewritten = cache_ino();
        assert_true(rewritten != 0 && rewritten != damaged); /* ignored and replaced */
        assert_int_equal(build_and_scan(), want);
        assert_true(cache_ino() == rewritten); /* the rewritten file loads */
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

/* A symlink planted under the cache file's name (to a file of the user's, or a FIFO that would
 * block a reader) is neither read nor written through: the store replaces the link itself. */
static void test_symlink_not_followed(void **state)
{
    (void)state;
    rm_cache();
    assert_true(build_and_scan() >= 3);
    char f[600], victim[400], fifo[400];
    cache_file(f, sizeof f);
    assert_true(f[0] != '\0');
    snprintf(victim, sizeof victim, "%s/victim", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    FILE *v = fopen(victim, "w");
    assert_non_null(v);
    fputs("precious", v);
    fclose(v);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const char *targets[] = {victim, fifo};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(unlink(f), 0);
        assert_int_equal(symlink(targets[i], f), 0);
        assert_true(build_and_scan() >= 3); /* returns: the FIFO is never opened */
        struct stat st;
        assert_int_equal(lstat(f, &st), 0);
        assert_true(S_ISREG(st.st_mode)); /* the link was replaced by a real cache file */
    }
    char buf[16] = {0};
    v = fopen(victim, "r");
    assert_non_null(v);
    assert_non_null(fgets(buf, sizeof buf, v));
    fclose(v);
    assert_string_equal(buf, "precious");
    unlink(victim);
    unlink(fifo);
}

/* A cache directory others can read or write, or one owned by a symlink, is not used at all. */
static void test_untrusted_dir_unused(void **state)
{
    (void)state;
    rm_cache();
    char sub[300], moved[300];
    snprintf(sub, sizeof sub, "%s/leakscan", dir);
    snprintf(moved, sizeof moved, "%s/elsewhere", dir);
    assert_int_equal(chmod(sub, 0755), 0);
    assert_true(build_and_scan() >= 3);
    assert_true(cache_ino() == 0);
    assert_int_equal(chmod(sub, 0700), 0);
    assert_int_equal(rename(sub, moved), 0);
    assert_int_equal(symlink(moved, sub), 0);
    assert_true(build_and_scan() >= 3);
    DIR *dh = opendir(moved);
    assert_non_null(dh);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(dh)))
        files += strncmp(e->d_name, "hsdb-", 5) == 0;
    closedir(dh);
    assert_int_equal(files, 0); /* nothing stored through the symlinked directory */
    assert_int_equal(unlink(sub), 0);
    assert_int_equal(rename(moved, sub), 0);
}

static void make_aged(const char *path, time_t age, int kind) /* 0 file, 1 directory */
{
    if (kind == 1) {
        assert_int_equal(mkdir(path, 0700), 0);
    } else {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("old", f);
        fclose(f);
    }
    struct timespec ts[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* A store prunes the cache: the 8 most recently used database files stay (the new one among
 * them), older ones go, as does a symlink named like one (its target survives); a directory so
 * named stays; a temporary file an hour old goes, a fresh one stays. A load refreshes a file's
 * time, so a database in use is not pruned. */
static void test_prune_old_files(void **state)
{
    (void)state;
    rm_cache();
    char sub[300], p[600], victim[400];
    snprintf(sub, sizeof sub, "%s/leakscan", dir);
    mkdir(sub, 0700);
    const time_t day = 86400;
    for (int i = 0; i < 12; i++) {
        snprintf(p, sizeof p, "%s/hsdb-%032x.bin", sub, i + 1);
        make_aged(p, (i + 1) * day, 0);
    }
    snprintf(victim, sizeof victim, "%s/victim", dir);
    make_aged(victim, 0, 0);
    snprintf(p, sizeof p, "%s/hsdb-%032x.bin", sub, 100);
    assert_int_equal(symlink(victim, p), 0);
    struct timespec old[2] = {{time(NULL) - 100 * day, 0}, {time(NULL) - 100 * day, 0}};
    assert_int_equal(utimensat(AT_FDCWD, p, old, AT_SYMLINK_NOFOLLOW), 0);
    snprintf(p, sizeof p, "%s/hsdb-%032x.bin", sub, 200);
    make_aged(p, 200 * day, 1);
    snprintf(p, sizeof p, "%s/hsdb-%032x.bin.1.tmp", sub, 1);
    make_aged(p, 7200, 0);
    snprintf(p, sizeof p, "%s/hsdb-%032x.bin.2.tmp", sub, 2);
    make_aged(p, 0, 0);

    assert_true(build_and_scan() >= 3); /* compiles and stores: the store prunes */

    for (int i = 0; i < 12; i++) {
        snprintf(p, sizeof p, "%s/hsdb-%032x.bin", sub, i + 1);
        assert_int_equal(exists(p), i < 7); /* 7 newest old files + the new one = 8 */
    }
    snprintf(p, sizeof p, "%s/hsdb-%032x.bin", sub, 100);
    assert_false(exists(p));
    assert_true(exists(victim));
    snprintf(p, sizeof p, "%s/hsdb-%032x.bin", sub, 200);
    assert_true(exists(p));
    assert_int_equal(rmdir(p), 0);
    snprintf(p, sizeof p, "%s/hsdb-%032x.bin.1.tmp", sub, 1);
    assert_false(exists(p));
    snprintf(p, sizeof p, "%s/hsdb-%032x.bin.2.tmp", sub, 2);
    assert_true(exists(p));
    assert_int_equal(unlink(p), 0);
    for (int i = 0; i < 7; i++) {
        snprintf(p, sizeof p, "%s/hsdb-%032x.bin", sub, i + 1);
        assert_int_equal(unlink(p), 0);
    }
    unlink(victim);

    /* only the new database is left; aged, then loaded, it is fresh again */
    char f[600];
    cache_file(f, sizeof f);
    assert_true(f[0] != '\0');
    struct timespec month[2] = {{time(NULL) - 30 * day, 0}, {time(NULL) - 30 * day, 0}};
    assert_int_equal(utimensat(AT_FDCWD, f, month, 0), 0);
    ino_t ino = cache_ino();
    assert_true(build_and_scan() >= 3);
    assert_true(cache_ino() == ino); /* loaded, not rewritten */
    struct stat st;
    assert_int_equal(stat(f, &st), 0);
    assert_true(st.st_mtime >= time(NULL) - 60);
}

/* Every input of the compiled database is part of the key. */
static void test_key_covers_inputs(void **state)
{
    (void)state;
    const char *e1[] = {"ghp_", "AKIA"}, *e2[] = {"ghp_", "AKIB"};
    unsigned f1[] = {0, 0}, f2[] = {0, 1}, i1[] = {0, 1}, i2[] = {0, 2};
    unsigned char k[5][LS_DBCACHE_KEY];
    ls_dbcache_key(e1, f1, i1, 2, 1, k[0]);
    ls_dbcache_key(e2, f1, i1, 2, 1, k[1]);
    ls_dbcache_key(e1, f2, i1, 2, 1, k[2]);
    ls_dbcache_key(e1, f1, i2, 2, 1, k[3]);
    ls_dbcache_key(e1, f1, i1, 1, 1, k[4]);
    for (int a = 0; a < 5; a++)
        for (int b = a + 1; b < 5; b++)
            assert_true(memcmp(k[a], k[b], LS_DBCACHE_KEY) != 0);
    unsigned char again[LS_DBCACHE_KEY];
    ls_dbcache_key(e1, f1, i1, 2, 1, again);
    assert_memory_equal(again, k[0], LS_DBCACHE_KEY);
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
        cmocka_unit_test(test_symlink_not_followed),
        cmocka_unit_test(test_untrusted_dir_unused),
        cmocka_unit_test(test_prune_old_files),
        cmocka_unit_test(test_key_covers_inputs),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
