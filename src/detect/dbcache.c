/* The compiled-database cache (contract in dbcache.h). File layout: 8-byte magic, the 32-byte key,
 * SHA-256 of the payload, the payload length as 8 bytes little-endian, then the payload (the output
 * of hs_serialize_database). */
#include "detect/dbcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "detect/redact.h"
#include "util/num.h"

static const unsigned char MAGIC[8] = {'L', 'S', 'H', 'S', 'D', 'B', '1', '\n'};
#define HDR (8 + LS_DBCACHE_KEY + 32 + 8)
#define MAX_FILE ((size_t)64 << 20)
#define KEEP 8          /* database files kept: the most recently used */
#define TMP_STALE 3600  /* seconds after which a temporary file is a crashed writer's */
#define PRUNE_SCAN 4096 /* directory entries looked at per prune */

void ls_dbcache_key(const char *const *exprs, const unsigned *flags, const unsigned *ids, unsigned n, unsigned mode,
                    unsigned char key[LS_DBCACHE_KEY])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned int len = 0;
    hs_platform_info_t plat;
    memset(&plat, 0, sizeof plat);
    hs_populate_platform(&plat);
    unsigned long long pf[4] = {plat.tune, plat.cpu_features, plat.reserved1, plat.reserved2};
    const char *ver = hs_version();
    bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(c, "leakscan-hsdb-1", 16) == 1 &&
              EVP_DigestUpdate(c, ver, strlen(ver) + 1) == 1 && EVP_DigestUpdate(c, pf, sizeof pf) == 1 &&
              EVP_DigestUpdate(c, &mode, sizeof mode) == 1 && EVP_DigestUpdate(c, &n, sizeof n) == 1;
    for (unsigned i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(c, exprs[i], strlen(exprs[i]) + 1) == 1 &&
             EVP_DigestUpdate(c, &flags[i], sizeof flags[i]) == 1 && EVP_DigestUpdate(c, &ids[i], sizeof ids[i]) == 1;
    if (!ok || EVP_DigestFinal_ex(c, key, &len) != 1 || len != LS_DBCACHE_KEY)
        memset(key, 0, LS_DBCACHE_KEY); /* all-zero key: never stored or loaded */
    EVP_MD_CTX_free(c);
}

static bool key_valid(const unsigned char key[LS_DBCACHE_KEY])
{
    for (size_t i = 0; i < LS_DBCACHE_KEY; i++)
        if (key[i])
            return true;
    return false;
}

/* The cache directory "<dir>/leakscan" (dir: $XDG_CACHE_HOME if absolute, else $HOME/.cache),
 * created 0700 when asked, opened without following a symlink and trusted only if it is a
 * directory of this user that nobody else can write or read: the cached bytes go to Vectorscan's
 * deserializer, which checks no more than a checksum, so nobody else may be able to plant a file or
 * a symlink there (a shared XDG_CACHE_HOME, or root running with another user's HOME). Everything
 * below works relative to the returned descriptor, so the directory cannot be swapped meanwhile.
 * Returns the descriptor or -1 (then the cache is simply not used). */
static int cache_dirfd(bool create)
{
    const char *nc = getenv("LEAKSCAN_NO_CACHE");
    if (nc && *nc && strcmp(nc, "0") != 0)
        return -1;
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[4096];
    int w;
    if (x && x[0] == '/')
        w = snprintf(dir, sizeof dir, "%s", x);
    else if (home && home[0] == '/')
        w = snprintf(dir, sizeof dir, "%s/.cache", home);
    else
        return -1;
    if (w < 0 || (size_t)w + 10 >= sizeof dir)
        return -1;
    if (create && mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    strcat(dir, "/leakscan");
    if (create && mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* "hsdb-<first 16 bytes of the key in hex>.bin" */
static int cache_name(const unsigned char key[LS_DBCACHE_KEY], char *out, size_t n)
{
    if (!key_valid(key) || n < 4 + 1 + 32 + 4 + 1)
        return -1;
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    snprintf(out, n, "hsdb-%s.bin", hex);
    return 0;
}

int ls_dbcache_parse(const unsigned char *buf, size_t len, const unsigned char key[LS_DBCACHE_KEY],
                     const unsigned char **payload, size_t *plen)
{
    if (!buf || len < HDR || memcmp(buf, MAGIC, sizeof MAGIC) != 0 || memcmp(buf + 8, key, LS_DBCACHE_KEY) != 0)
        return -1;
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = n << 8 | buf[8 + LS_DBCACHE_KEY + 32 + i];
    if (n == 0 || n != len - HDR)
        return -1;
    unsigned char sum[32];
    ls_sha256(buf + HDR, (size_t)n, sum);
    if (memcmp(sum, buf + 8 + LS_DBCACHE_KEY, 32) != 0)
        return -1;
    *payload = buf + HDR;
    *plen = (size_t)n;
    return 0;
}

/* Reads a whole regular file of at most MAX_FILE bytes owned by this user (no symlink). */
static unsigned char *read_file(int dfd, const char *name, size_t *len)
{
    int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    unsigned char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_size > 0 &&
        (size_t)st.st_size <= MAX_FILE && (buf = malloc((size_t)st.st_size))) {
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (got != (size_t)st.st_size) {
            free(buf);
            buf = NULL;
        }
        *len = got;
    }
    close(fd);
    return buf;
}

hs_database_t *ls_dbcache_load(const unsigned char key[LS_DBCACHE_KEY])
{
    char name[64];
    if (cache_name(key, name, sizeof name) != 0)
        return NULL;
    int dfd = cache_dirfd(false);
    if (dfd < 0)
        return NULL;
    size_t len = 0;
    unsigned char *buf = read_file(dfd, name, &len);
    const unsigned char *p;
    size_t n;
    hs_database_t *db = NULL;
    if (buf && ls_dbcache_parse(buf, len, key, &p, &n) == 0 &&
        hs_deserialize_database((const char *)p, n, &db) != HS_SUCCESS)
        db = NULL;
    if (db) /* used now: pruning keeps the most recently used files */
        utimensat(dfd, name, NULL, AT_SYMLINK_NOFOLLOW);
    close(dfd);
    free(buf);
    return db;
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

/* "hsdb-" + 32 hex digits + ".bin" (a database file), or with a temporary suffix. */
#define DB_NAME_LEN (5 + 32 + 4)
static bool is_db_name(const char *n)
{
    if (strncmp(n, "hsdb-", 5) != 0 || strlen(n) != DB_NAME_LEN || strcmp(n + 37, ".bin") != 0)
        return false;
    for (int i = 5; i < 37; i++)
        if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
            return false;
    return true;
}

static bool is_tmp_name(const char *n)
{
    size_t l = strlen(n);
    return strncmp(n, "hsdb-", 5) == 0 && l > 4 && strcmp(n + l - 4, ".tmp") == 0;
}

struct aged {
    char name[48];
    struct timespec mtime;
};

static int newer_first(const void *a, const void *b)
{
    const struct aged *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec > y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec > y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* After a store: removes temporary files older than TMP_STALE (a writer that died) and all but
 * the KEEP most recently used database files (`fresh`, just written, always stays). Entries are
 * examined without following symlinks and removed relative to the directory's descriptor, so a
 * symlink is removed itself, never its target; directories and other names are left alone. */
static void prune(int dfd, const char *fresh)
{
    int d2 = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
    DIR *dh = d2 >= 0 ? fdopendir(d2) : NULL;
    struct aged *dbs = malloc(PRUNE_SCAN * sizeof *dbs);
    if (!dh || !dbs) {
        if (dh)
            closedir(dh);
        else if (d2 >= 0)
            close(d2);
        free(dbs);
        return;
    }
    size_t ndb = 0, seen = 0;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(dh)) && seen++ < PRUNE_SCAN) {
        bool db = is_db_name(e->d_name), tmp = !db && is_tmp_name(e->d_name);
        struct stat st;
        if ((!db && !tmp) || strcmp(e->d_name, fresh) == 0 || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
            continue;
        if (tmp) {
            if (now - st.st_mtim.tv_sec > TMP_STALE)
                unlinkat(dfd, e->d_name, 0);
            continue;
        }
        memcpy(dbs[ndb].name, e->d_name, DB_NAME_LEN + 1); /* is_db_name: exactly that long */
        dbs[ndb++].mtime = st.st_mtim;
    }
    closedir(dh);
    ls_sort(dbs, ndb, sizeof *dbs, newer_first);
    for (size_t i = KEEP - 1; i < ndb; i++) /* KEEP - 1 others besides the fresh one */
        unlinkat(dfd, dbs[i].name, 0);
    free(dbs);
}

void ls_dbcache_store(const unsigned char key[LS_DBCACHE_KEY], const hs_database_t *db)
{
    char name[64], tmp[96];
    char *bytes = NULL;
    size_t n = 0;
    if (cache_name(key, name, sizeof name) != 0)
        return;
    int dfd = cache_dirfd(true);
    if (dfd < 0)
        return;
    if (hs_serialize_database(db, &bytes, &n) != HS_SUCCESS) {
        close(dfd);
        return;
    }
    unsigned char hdr[HDR];
    memcpy(hdr, MAGIC, sizeof MAGIC);
    memcpy(hdr + 8, key, LS_DBCACHE_KEY);
    ls_sha256(bytes, n, hdr + 8 + LS_DBCACHE_KEY);
    for (int i = 0; i < 8; i++)
        hdr[8 + LS_DBCACHE_KEY + 32 + i] = (unsigned char)((uint64_t)n >> (8 * i));
    /* a new file 0600 (O_EXCL: never an existing file or symlink), renamed over the name when
     * complete; rename replaces a symlink itself, never its target */
    /* pid and a random number: a file a dead process left under a reused pid, or another thread's,
     * never blocks this store (stale ones are pruned after TMP_STALE) */
    unsigned rnd = 0;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&rnd;
    snprintf(tmp, sizeof tmp, "%s.%ld.%08x.tmp", name, (long)getpid(), rnd);
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        bool ok = write_all(fd, hdr, sizeof hdr) && write_all(fd, bytes, n);
        ok = close(fd) == 0 && ok;
        if (!ok || renameat(dfd, tmp, dfd, name) != 0)
            unlinkat(dfd, tmp, 0);
        else
            prune(dfd, name);
    }
    close(dfd);
    free(bytes); /* hs_serialize_database allocates with the default allocator (malloc) */
}
