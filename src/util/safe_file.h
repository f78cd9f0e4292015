/* Safe files. Reports are written to a temporary file next to the target and renamed over it only
 * when complete, so a reader never sees half a report and a failed run leaves the old file intact.
 * A report is never written through a link leakscan did not create, nor into a FIFO, device or
 * directory: leakscan often runs as root, and a link planted under the report's name in a shared
 * directory must not turn it into a tool that overwrites any file. Inputs are opened only when they
 * are regular files, so a FIFO without a writer or a device cannot hang or disturb a run. */
#ifndef LS_UTIL_SAFE_FILE_H
#define LS_UTIL_SAFE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ls_safe_file {
    FILE *f;    /* write here */
    char *path; /* the final name, as given (for messages) */
    char *name; /* its last component, inside dirfd */
    char *tmp;  /* ".NAME.XXXXXXXX" inside dirfd, created O_EXCL, mode 0600 */
    int dirfd;  /* the target's directory, valid while have_dir */
    bool have_dir;
};

/* ls_safe_file_open's failures. */
enum {
    LS_SAFE_FILE_ERROR = -1,   /* the system refused: directory missing, not writable, … (exit 3) */
    LS_SAFE_FILE_REFUSED = -2, /* leakscan refuses the path: a symbolic link, a directory, a FIFO,
                                * a device or a socket (a bad value: exit 2) */
};

/* Creates the temporary file in PATH's directory. 0, or LS_SAFE_FILE_ERROR / LS_SAFE_FILE_REFUSED
 * with a one-line reason naming the path in err. The path's directory part is resolved once, here;
 * its last component must be absent or a regular file (never followed if it is a link). */
int ls_safe_file_open(struct ls_safe_file *sf, const char *path, char *err, size_t errlen);
/* Flushes, fsyncs, closes and renames the temporary file over the final name (in the directory
 * opened by ls_safe_file_open; rename replaces a link put there meanwhile, never its target).
 * 0, or -1 with err set (then the temporary file is removed and the final path untouched). Frees
 * sf's contents either way. */
int ls_safe_file_commit(struct ls_safe_file *sf, char *err, size_t errlen);
/* Closes and removes the temporary file; the final path is untouched. Safe on a zeroed struct. */
void ls_safe_file_abort(struct ls_safe_file *sf);

/* Opens an input for reading: a regular file (a symlink to one is fine) and nothing else. Never
 * blocks on a FIFO without a writer and never opens a device (checked before opening, and again
 * on the opened descriptor). Returns the descriptor (blocking, close-on-exec), or -1 with a short
 * reason in why ("No such file or directory", "it is a FIFO, not a regular file (…)", …). */
int ls_safe_open_read(const char *path, char *why, size_t whylen);

#endif
