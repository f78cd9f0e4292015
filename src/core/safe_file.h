/* Safe report files: written to a temporary file next to the target and renamed over it only when
 * complete, so a reader never sees half a report and a failed run leaves the old file intact. */
#ifndef LS_CORE_SAFE_FILE_H
#define LS_CORE_SAFE_FILE_H

#include <stddef.h>
#include <stdio.h>

struct ls_safe_file {
    FILE *f;    /* write here */
    char *path; /* the final name */
    char *tmp;  /* ".NAME.XXXXXX" in the same directory, mode 0600 */
};

/* Creates the temporary file. 0, or -1 with a one-line reason naming the path in err (directory
 * missing or not writable, path is a directory, …). */
int ls_safe_file_open(struct ls_safe_file *sf, const char *path, char *err, size_t errlen);
/* Flushes, fsyncs, closes and renames over the final path. 0, or -1 with err set (then the
 * temporary file is removed and the final path untouched). Frees sf's contents either way. */
int ls_safe_file_commit(struct ls_safe_file *sf, char *err, size_t errlen);
/* Closes and removes the temporary file; the final path is untouched. Safe on a zeroed struct. */
void ls_safe_file_abort(struct ls_safe_file *sf);

#endif
