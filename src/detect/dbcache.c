/* The compiled-database cache (contract in dbcache.h). File layout: 8-byte magic, the 32-byte key,
 * SHA-256 of the payload, the payload length as 8 bytes little-endian, then the payload (the output
 * of hs_serialize_database). */
#include "detect/dbcache.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/safe_file.h"

static const unsigned char MAGIC[8] = {'L', 'S', 'H', 'S', 'D', 'B', '1', '\n'};
#define HDR (8 + LS_DBCACHE_KEY + 32 + 8)
#define MAX_FILE ((size_t)64 << 20)

static void sha256(const void *p, size_t n, unsigned char out[32])
{
    unsigned int len = 0;
    if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
        memset(out, 0, 32); /* cannot happen with a working libcrypto; never matches a real sum */
}

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
    bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
              EVP_DigestUpdate(c, "leakscan-hsdb-1", 16) == 1 && EVP_DigestUpdate(c, ver, strlen(ver) + 1) == 1 &&
              EVP_DigestUpdate(c, pf, sizeof pf) == 1 && EVP_DigestUpdate(c, &mode, sizeof mode) == 1 &&
              EVP_DigestUpdate(c, &n, sizeof n) == 1;
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

/* "<dir>/leakscan" (dir: $XDG_CACHE_HOME if absolute, else $HOME/.cache) into out; mkdir when asked. */
static int cache_dir(char *out, size_t n, bool create)
{
    const char *nc = getenv("LEAKSCAN_NO_CACHE");
    if (nc && *nc && strcmp(nc, "0") != 0)
        return -1;
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int w;
    if (x && x[0] == '/')
        w = snprintf(out, n, "%s", x);
    else if (home && home[0] == '/')
        w = snprintf(out, n, "%s/.cache", home);
    else
        return -1;
    if (w < 0 || (size_t)w + 10 >= n)
        return -1;
    if (create && mkdir(out, 0700) != 0 && errno != EEXIST)
        return -1;
    strcat(out, "/leakscan");
    if (create && mkdir(out, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int cache_path(const unsigned char key[LS_DBCACHE_KEY], char *out, size_t n, bool create)
{
    char dir[4096];
    if (!key_valid(key) || cache_dir(dir, sizeof dir, create) != 0)
        return -1;
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    int w = snprintf(out, n, "%s/hsdb-%s.bin", dir, hex);
    return w < 0 || (size_t)w >= n ? -1 : 0;
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
    sha256(buf + HDR, (size_t)n, sum);
    if (memcmp(sum, buf + 8 + LS_DBCACHE_KEY, 32) != 0)
        return -1;
    *payload = buf + HDR;
    *plen = (size_t)n;
    return 0;
}

/* Reads a whole regular file of at most MAX_FILE bytes owned by this user. */
static unsigned char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
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
    char path[4200];
    if (cache_path(key, path, sizeof path, false) != 0)
        return NULL;
    size_t len = 0;
    unsigned char *buf = read_file(path, &len);
    const unsigned char *p;
    size_t n;
    hs_database_t *db = NULL;
    if (buf && ls_dbcache_parse(buf, len, key, &p, &n) == 0 &&
        hs_deserialize_database((const char *)p, n, &db) != HS_SUCCESS)
        db = NULL;
    free(buf);
    return db;
}

void ls_dbcache_store(const unsigned char key[LS_DBCACHE_KEY], const hs_database_t *db)
{
    char path[4200], err[256];
    char *bytes = NULL;
    size_t n = 0;
    if (cache_path(key, path, sizeof path, true) != 0 || hs_serialize_database(db, &bytes, &n) != HS_SUCCESS)
        return;
    unsigned char hdr[HDR];
    memcpy(hdr, MAGIC, sizeof MAGIC);
    memcpy(hdr + 8, key, LS_DBCACHE_KEY);
    sha256(bytes, n, hdr + 8 + LS_DBCACHE_KEY);
    for (int i = 0; i < 8; i++)
        hdr[8 + LS_DBCACHE_KEY + 32 + i] = (unsigned char)((uint64_t)n >> (8 * i));
    struct ls_safe_file sf; /* temporary file 0600 in the same directory, renamed when complete */
    if (ls_safe_file_open(&sf, path, err, sizeof err) == 0) {
        if (fwrite(hdr, 1, sizeof hdr, sf.f) == sizeof hdr && fwrite(bytes, 1, n, sf.f) == n)
            ls_safe_file_commit(&sf, err, sizeof err);
        else
            ls_safe_file_abort(&sf);
    }
    free(bytes); /* hs_serialize_database allocates with the default allocator (malloc) */
}
