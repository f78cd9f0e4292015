/* The detector's short prefilters: literals of 1-3 bytes ('@', '+', "tel", "sms"), optionally
 * ASCII-case-insensitive and optionally only where no ASCII letter precedes them. Such literals
 * slow Vectorscan's literal matcher down for every other pattern, so one AVX2 pass (nibble tables,
 * one bit per needle, as in Hyperscan's Teddy) finds them all, and counts newlines per
 * LS_NL_BLOCK bytes on the way for the line numbers of reports. Without AVX2: a scalar loop. */
#ifndef LS_DETECT_SHORTSCAN_H
#define LS_DETECT_SHORTSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LS_SHORT_MAX 8 /* needles per pass: one bit of a byte each */
#define LS_SHORT_LEN 3 /* longest needle */
#define LS_NL_BLOCK 4096

struct ls_short_needle {
    unsigned char b[LS_SHORT_LEN];
    unsigned char len;   /* 1..LS_SHORT_LEN */
    bool caseless;       /* ASCII letters match either case */
    bool after_nonalpha; /* only where the byte before is not an ASCII letter (or there is none) */
};

/* Parses a prefilter of the short form
 *     [(?i)][(?<![A-Za-z])]LIT   or   [(?i)][(?<![A-Za-z])](?:LIT|LIT|...)
 * where every LIT is 1..LS_SHORT_LEN literal bytes (punctuation escaped with '\'), all of one
 * length. Returns the number of needles written to out (at most max), 0 if the prefilter is not
 * of that form (it then goes to Vectorscan). */
size_t ls_short_parse(const char *prefilter, struct ls_short_needle *out, size_t max);

struct ls_shortscan {
    struct ls_short_needle n[LS_SHORT_MAX];
    size_t count;
    uint8_t lo[LS_SHORT_LEN][16], hi[LS_SHORT_LEN][16]; /* bit k: needle k takes this nibble at j */
    uint8_t first[256];                                 /* bit k: needle k can start with this byte */
};

void ls_shortscan_init(struct ls_shortscan *t, const struct ls_short_needle *n, size_t count);

/* An occurrence of needle k ends at offset end. Return non-zero to stop the scan. */
typedef int (*ls_short_hit_fn)(void *ud, size_t k, size_t end);

/* Reports every occurrence of a needle that starts in [from, to) of buf[0, len), in increasing
 * order of start (needles at one start in increasing k); the byte before and the needle's tail
 * may lie outside [from, to). If nl is not NULL (from a multiple of LS_NL_BLOCK), nl[i] receives
 * the number of '\n' in [from + i * LS_NL_BLOCK, ...) up to `to`. Returns 1 if hit stopped it. */
int ls_shortscan(const struct ls_shortscan *t, const char *buf, size_t len, size_t from, size_t to, ls_short_hit_fn hit,
                 void *ud, uint16_t *nl);

/* Test hook: true forces the scalar loop (the path of CPUs without AVX2). */
extern bool ls_shortscan_scalar;

/* Newlines in p[0, n) (AVX2 where the CPU has it). */
uint64_t ls_count_newlines(const char *p, size_t n);

#endif
