/* Strict counts and a qsort for possibly empty arrays (see num.h). */
#include "util/num.h"

#include <stdlib.h>

bool ls_parse_count(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    *out = 0;
    if (!s || len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false; /* does not fit in 64 bits: unknown, not 2^64-1 */
        v = v * 10 + d;
    }
    *out = v > LS_COUNT_MAX ? LS_COUNT_MAX : v;
    return true;
}

void ls_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1 && base)
        qsort(base, n, size, cmp);
}
