/* Safe files: reports via an exclusive temporary file in the target's directory, fsync and
 * renameat, never through a link; inputs opened only when regular. See safe_file.h. */
#include "util/safe_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "a FIFO", "a directory", …: what a path is when it is not a regular file. */
static const char *kind(mode_t m)
{
    if (S_ISLNK(m))
        return "a symbolic link";
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/* Refuses the existing last component `name` in dirfd unless it is a regular file (lstat: a link
 * is refused, not followed). 0 when absent or regular. */
static int check_target(int dirfd, const char *name, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return LS_SAFE_FILE_ERROR;
    }
    if (S_ISREG(st.st_mode))
        return 0;
    if (S_ISDIR(st.st_mode))
        snprintf(err, errlen, "cannot write '%s': it is a directory", path);
    else if (S_ISLNK(st.st_mode))
        snprintf(err, errlen,
                 "refusing to write '%s': it is a symbolic link (reports are never written through a link; "
                 "name the file itself)",
                 path);
    else
        snprintf(err, errlen, "refusing to write '%s': it is %s, not a regular file (use '-o -' for stdout)", path,
                 kind(st.st_mode));
    return LS_SAFE_FILE_REFUSED;
}

/* Creates ".NAME.XXXXXXXX" in dirfd: O_EXCL | O_NOFOLLOW, so never an existing file or a link. */
static int create_tmp(struct ls_safe_file *sf)
{
    size_t n = strlen(sf->name) + 16;
    if (!(sf->tmp = malloc(n)))
        return -1;
    for (int attempt = 0; attempt < 32; attempt++) {
        uint32_t rnd;
        if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
            rnd = (uint32_t)getpid() * 2654435761u ^ (uint32_t)time(NULL) ^ (uint32_t)attempt << 24;
        /* a long name keeps its first 200 bytes, so the temporary name still fits NAME_MAX */
        snprintf(sf->tmp, n, ".%.200s.%08x", sf->name, (unsigned)rnd);
        int fd = openat(sf->dirfd, sf->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

int ls_safe_file_open(struct ls_safe_file *sf, const char *path, char *err, size_t errlen)
{
    memset(sf, 0, sizeof *sf);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, *path ? "it names a directory" : "empty path");
        return LS_SAFE_FILE_REFUSED;
    }
    int rc = LS_SAFE_FILE_ERROR;
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    sf->path = strdup(path);
    sf->name = strdup(base);
    if (!dir || !sf->path || !sf->name) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    /* the directory is resolved once; the temporary file and the rename both happen inside it */
    sf->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sf->dirfd < 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    sf->have_dir = true;
    if ((rc = check_target(sf->dirfd, sf->name, path, err, errlen)) != 0)
        goto fail;
    rc = LS_SAFE_FILE_ERROR;
    int fd = create_tmp(sf); /* mode 0600: a report can name secrets */
    if (fd < 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, sf->tmp ? strerror(errno) : "out of memory");
        free(sf->tmp);
        sf->tmp = NULL;
        goto fail;
    }
    if (!(sf->f = fdopen(fd, "w"))) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        goto fail;
    }
    free(dir);
    return 0;
fail:
    free(dir);
    ls_safe_file_abort(sf);
    return rc;
}

int ls_safe_file_commit(struct ls_safe_file *sf, char *err, size_t errlen)
{
    int rc = 0;
    errno = 0;
    if (fflush(sf->f) != 0 || ferror(sf->f) || fsync(fileno(sf->f)) != 0) {
        snprintf(err, errlen, "writing '%s' failed: %s", sf->path, strerror(errno ? errno : EIO));
        rc = -1;
    }
    if (fclose(sf->f) != 0 && rc == 0) {
        snprintf(err, errlen, "writing '%s' failed: %s", sf->path, strerror(errno));
        rc = -1;
    }
    sf->f = NULL;
    /* renameat replaces the directory entry itself: a link planted under the name meanwhile is
     * replaced, its target never written */
    if (rc == 0 && renameat(sf->dirfd, sf->tmp, sf->dirfd, sf->name) != 0) {
        snprintf(err, errlen, "cannot write '%s': %s", sf->path, strerror(errno));
        rc = -1;
    }
    if (rc == 0) {
        (void)fsync(sf->dirfd); /* the rename itself survives a crash (best effort) */
        free(sf->tmp);
        sf->tmp = NULL;
    }
    ls_safe_file_abort(sf);
    return rc;
}

void ls_safe_file_abort(struct ls_safe_file *sf)
{
    if (sf->f)
        fclose(sf->f);
    if (sf->tmp && sf->have_dir)
        unlinkat(sf->dirfd, sf->tmp, 0);
    if (sf->have_dir)
        close(sf->dirfd);
    free(sf->tmp);
    free(sf->name);
    free(sf->path);
    memset(sf, 0, sizeof *sf);
}

int ls_safe_open_read(const char *path, char *why, size_t whylen)
{
    struct stat st;
    /* stat first: a device is never opened (opening one can have effects) */
    if (stat(path, &st) != 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        return -1;
    }
    int fd = -1;
    if (S_ISREG(st.st_mode)) {
        /* O_NONBLOCK: should the name have become a FIFO meanwhile, open returns at once; fstat on
         * the descriptor is then what decides */
        fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) != 0) {
            snprintf(why, whylen, "%s", strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
    }
    if (!S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            snprintf(why, whylen, "%s", strerror(EISDIR));
        else
            snprintf(why, whylen, "it is %s, not a regular file (only regular files and '-' for stdin are read)",
                     kind(st.st_mode));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}
