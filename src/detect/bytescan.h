/* The detector's byte prefilters: finds every occurrence of a few byte values ('@', '+') in one
 * pass over a buffer (AVX2 for two bytes where the CPU has it, one memchr pass per byte
 * otherwise), so a slice is read once for both. */
#ifndef LS_DETECT_BYTESCAN_H
#define LS_DETECT_BYTESCAN_H

#include <stddef.h>

#define LS_BYTESCAN_MAX 8

/* Called for each position pos in [0, n) whose byte is bytes[k]; the positions of one k arrive in
 * increasing order. Return non-zero to stop the scan. */
typedef int (*ls_byte_hit_fn)(void *ud, size_t k, size_t pos);

/* Scans p[0, n) for bytes[0, nbytes) (nbytes <= LS_BYTESCAN_MAX). Returns 0, or 1 if hit stopped it. */
int ls_bytescan(const char *p, size_t n, const unsigned char *bytes, size_t nbytes, ls_byte_hit_fn hit, void *ud);

#endif
