/* Counts from servers: strict parsing (digits only, overflow is an error, never a clamp to
 * 2^64-1) and saturating sums, so two tables of 2^63 rows never add up to "0 rows". Every count
 * the model holds stays <= LS_COUNT_MAX (INT64_MAX), which every output format, JSON included,
 * writes exactly and alike. */
#ifndef LS_UTIL_NUM_H
#define LS_UTIL_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LS_COUNT_MAX ((uint64_t)INT64_MAX)

/* s[0..len) as a decimal count: true with *out (clamped to LS_COUNT_MAX) if it is one or more
 * ASCII digits that fit in 64 bits; false (and *out = 0) for anything else, overflow included. */
bool ls_parse_count(const char *s, size_t len, uint64_t *out);

/* a + b, at most LS_COUNT_MAX. */
static inline uint64_t ls_count_add(uint64_t a, uint64_t b)
{
    if (a > LS_COUNT_MAX)
        a = LS_COUNT_MAX;
    if (b > LS_COUNT_MAX - a)
        return LS_COUNT_MAX;
    return a + b;
}

/* qsort that accepts an empty array (qsort(NULL, 0, …) is undefined behaviour, and UBSan aborts). */
void ls_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
