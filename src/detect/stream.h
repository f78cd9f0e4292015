/* Streaming detection over a file descriptor with bounded memory: input is read in blocks, each
 * scanned together with the bytes around it that a confirmation can read (the detector's reach,
 * before and after), so a secret that straddles a block boundary, or whose rule context lies far
 * before it, is reported exactly once, as in a scan of the whole input, and a 100 MB line needs no
 * more memory than any other input. Memory per stream: block + overlap + context.
 * Used by `leakscan secrets` (file scanning) and the `--redact` filter. */
#ifndef LS_DETECT_STREAM_H
#define LS_DETECT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"

#define LS_STREAM_BLOCK ((size_t)2 << 20) /* default bytes read per block */
#define LS_STREAM_SNIFF 8192              /* binary sniffing window: a NUL byte here = binary */

/* A match, offsets relative to `buf` (which holds input bytes [base, base + len)). Called once per
 * confirmed match, in input order, each match exactly once over the whole stream. */
typedef void (*ls_stream_match_fn)(void *ud, const struct ls_match *m, const char *buf, size_t len, uint64_t base);
/* Input bytes buf[0, upto) (absolute [base, base + upto)) are final: no later match starts before
 * base + upto. Bytes already passed are handed again (the overlap); callers track what they
 * consumed by absolute offset. Return non-zero to stop (e.g. a write error). */
typedef int (*ls_stream_final_fn)(void *ud, const char *buf, size_t upto, uint64_t base);

struct ls_stream_opts {
    size_t block;       /* bytes per read block; 0 = LS_STREAM_BLOCK (test hook: tiny blocks) */
    bool sniff_binary;  /* stop with LS_STREAM_BINARY if the first 8 KB hold a NUL byte */
    uint64_t max_bytes; /* stop after this many input bytes (0 = no limit); result LS_STREAM_CAPPED */
};

enum {
    LS_STREAM_OK = 0,
    LS_STREAM_BINARY = 1,
    LS_STREAM_CAPPED = 2,
    LS_STREAM_READ_ERROR = -1,
    LS_STREAM_NOMEM = -2,
    LS_STREAM_STOPPED = -3
};

/* The overlap the detector needs after a block's last accepted match start (its longest confirm
 * window), so that every match reported from the block is complete. */
size_t ls_stream_overlap(const struct ls_detector *d);
/* The context a block keeps before its first accepted match start (the detector's reach plus what
 * lookbehinds and validators read), so that a match deferred from the previous block because its
 * value starts past that block's end is confirmed with all of its context, however far before the
 * value the rule's context lies. */
size_t ls_stream_context(const struct ls_detector *d);

/* Regular files are mapped rather than read; a file truncated while it is scanned ends with
 * LS_STREAM_READ_ERROR / EIO (a process-wide SIGBUS handler is installed on first use; it only
 * acts for accesses made by these scans). */
/* Reads fd to its end. Returns an LS_STREAM_* code; on LS_STREAM_READ_ERROR *err_no holds errno.
 * *total (optional) receives the number of input bytes read. */
int ls_stream_fd(const struct ls_detector *d, struct ls_detect_scratch *s, int fd, const struct ls_stream_opts *o,
                 ls_stream_match_fn on_match, ls_stream_final_fn on_final, void *ud, int *err_no, uint64_t *total);

#endif
