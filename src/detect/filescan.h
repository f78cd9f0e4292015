/* File scanning for `leakscan secrets`: one file (or stdin) streamed through the detector with
 * bounded memory (stream.h), one ls_file_secret per distinct (rule, value) per file with the line
 * and column of its first occurrence; directory walking; parallel scanning over files with one
 * scratch per thread and results delivered in input order; and the redacting copy filter. */
#ifndef LS_DETECT_FILESCAN_H
#define LS_DETECT_FILESCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detect/detect.h"
#include "model/file_secret.h"

#define LS_FILESCAN_MAX_DISTINCT 100000 /* distinct values tracked per file; further ones are counted */

struct ls_file_result {
    char *path;                     /* owned */
    struct ls_file_secret *secrets; /* first-occurrence order; each .path points at .path above */
    size_t nsecrets;
    uint64_t bytes;       /* input bytes read */
    bool binary;          /* skipped: a NUL byte in the first 8 KB */
    uint64_t raw_repeats; /* occurrences counted by their raw bytes alone, without decoding (statistics) */
    char *error;          /* "cannot open 'x': Permission denied", or NULL; owned; the path in it is
                           * terminal-safe (control bytes and bidi overrides escaped, see ls_text_clean) */
};

void ls_file_result_free(struct ls_file_result *r);

struct ls_filescan_opts {
    bool keep_raw;     /* keep raw values (only for --show-secrets) */
    bool skip_binary;  /* skip files whose first 8 KB hold a NUL byte */
    bool include_chat; /* report chat-marker rules too (default: secret and pii only) */
    size_t block;      /* stream block size, 0 = default */
};

/* Scans the open fd; `path` names it in records and messages. Fills *res (zeroed first). Returns 0,
 * or -1 when out of memory. Read errors end up in res->error, not in the return value. */
int ls_filescan_fd(const struct ls_detector *d, struct ls_detect_scratch *s, int fd, const char *path,
                   const struct ls_filescan_opts *o, struct ls_file_result *res);

/* Expands PATHs ("-" = stdin) into the list of inputs: regular files as named, directories walked
 * recursively (symlinks not followed inside directories, entries sorted by name). Paths that cannot
 * be opened or listed are kept in the list so the scan reports them; so are named FIFOs, devices
 * and sockets, which the scan refuses with a message (only regular files and "-" are read; inside
 * directories they are skipped). Returns 0, -1 on OOM. */
struct ls_path_list {
    char **v;
    size_t n, cap;
};
int ls_paths_expand(struct ls_path_list *out, char *const *paths, size_t npaths);
void ls_path_list_free(struct ls_path_list *l);

/* Scans every path with `threads` workers (0 = number of online CPUs), calling emit for each result
 * in list order as soon as it and all before it are done; the result is freed after emit returns.
 * emit returns non-zero to stop early. Returns 0, or -1 on OOM / thread failure. */
typedef int (*ls_filescan_emit_fn)(void *ud, const struct ls_file_result *r);
int ls_filescan_paths(const struct ls_detector *d, const struct ls_path_list *paths, unsigned threads,
                      const struct ls_filescan_opts *o, ls_filescan_emit_fn emit, void *ud);

/* The redacting filter: copies fd to out with every secret and personal-data value replaced by
 * "[REDACTED:<rule-id>]"; every other byte passes through unchanged (binary-safe). Memory is
 * bounded by the stream block (stream.h), whatever the line lengths. *nredacted (optional)
 * receives the number of replacements. Returns an LS_STREAM_* code; -3 (stopped) on a write error. */
int ls_redact_fd(const struct ls_detector *d, struct ls_detect_scratch *s, int fd, FILE *out, size_t block,
                 uint64_t *nredacted, int *err_no);

/* Test hook: entries of the per-file fingerprint map (default LS_FILESCAN_MAX_DISTINCT); records
 * past it are found by a scan of those records instead (the path of a refused entry). */
extern size_t ls_filescan_fp_entries;

#endif
