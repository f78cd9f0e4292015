/* Safe report files: temp file in the target's directory, fsync, rename. */
#include "core/safe_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ls_safe_file_open(struct ls_safe_file *sf, const char *path, char *err, size_t errlen)
{
    memset(sf, 0, sizeof *sf);
    struct stat sb, lsb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "cannot write '%s': it is a directory", path);
        return -1;
    }
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        /* /dev/stdout, a FIFO, a terminal: write in place (renaming over a device would replace it). */
        if (!(sf->path = strdup(path)) || !(sf->f = fopen(path, "we"))) {
            snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            ls_safe_file_abort(sf);
            return -1;
        }
        return 0;
    }
    char *real = NULL;
    if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode) && (real = realpath(path, NULL)))
        path = real; /* replace the file the link points to, not the link */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = strlen(path) + 16;
    sf->path = strdup(path);
    sf->tmp = malloc(n);
    if (!sf->path || !sf->tmp) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    snprintf(sf->tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
    free(real);
    real = NULL;
    int fd = mkostemp(sf->tmp, O_CLOEXEC); /* mode 0600: a report can name secrets */
    if (fd < 0) {
        snprintf(err, errlen, "cannot write '%s': %s", sf->path, strerror(errno));
        free(sf->tmp);
        sf->tmp = NULL;
        goto fail;
    }
    if (!(sf->f = fdopen(fd, "w"))) {
        snprintf(err, errlen, "cannot write '%s': %s", sf->path, strerror(errno));
        close(fd);
        goto fail;
    }
    return 0;
fail:
    free(real);
    ls_safe_file_abort(sf);
    return -1;
}

int ls_safe_file_commit(struct ls_safe_file *sf, char *err, size_t errlen)
{
    int rc = 0;
    errno = 0;
    if (fflush(sf->f) != 0 || ferror(sf->f) || (sf->tmp && fsync(fileno(sf->f)) != 0)) {
        snprintf(err, errlen, "writing '%s' failed: %s", sf->path, strerror(errno ? errno : EIO));
        rc = -1;
    }
    if (fclose(sf->f) != 0 && rc == 0) {
        snprintf(err, errlen, "writing '%s' failed: %s", sf->path, strerror(errno));
        rc = -1;
    }
    sf->f = NULL;
    if (rc == 0 && sf->tmp && rename(sf->tmp, sf->path) != 0) {
        snprintf(err, errlen, "cannot write '%s': %s", sf->path, strerror(errno));
        rc = -1;
    }
    if (rc == 0) {
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
    if (sf->tmp)
        unlink(sf->tmp);
    free(sf->tmp);
    free(sf->path);
    memset(sf, 0, sizeof *sf);
}
