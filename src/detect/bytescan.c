/* One-pass scan for a few byte values (contract in bytescan.h). For two bytes (the rule set's
 * case) an AVX2 loop compares 128 bytes per round against both, ORs the masks and visits the set
 * bits in order; any other count, or no AVX2, gets one memchr pass per byte. */
#include "detect/bytescan.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Reports the positions set in mask (bit i = p[base + i]) in order, then for each one every k
 * whose byte is there. Returns 1 if hit asked to stop. */
static int visit(uint64_t mask, const char *p, size_t base, const unsigned char *bytes, size_t nbytes,
                 ls_byte_hit_fn hit, void *ud)
{
    while (mask) {
        size_t pos = base + (size_t)__builtin_ctzll(mask);
        mask &= mask - 1;
        for (size_t k = 0; k < nbytes; k++)
            if ((unsigned char)p[pos] == bytes[k] && hit(ud, k, pos))
                return 1;
    }
    return 0;
}

/* The two wanted bytes of the rule set ('@', '+'), 128 bytes per round (as glibc's memchr does
 * for one byte): measured ~36 GB/s on a cache-resident window against ~28 GB/s for two memchr
 * passes, and the slice is read once. */
__attribute__((target("avx2"))) static int scan2_avx2(const char *p, size_t n, const unsigned char *bytes,
                                                      ls_byte_hit_fn hit, void *ud)
{
    const __m256i x = _mm256_set1_epi8((char)bytes[0]), y = _mm256_set1_epi8((char)bytes[1]);
    size_t i = 0;
    for (; i + 128 <= n; i += 128) {
        const char *b = p + i;
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)b);
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
        __m256i v2 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 64));
        __m256i v3 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 96));
        __m256i e0 = _mm256_or_si256(_mm256_cmpeq_epi8(v0, x), _mm256_cmpeq_epi8(v0, y));
        __m256i e1 = _mm256_or_si256(_mm256_cmpeq_epi8(v1, x), _mm256_cmpeq_epi8(v1, y));
        __m256i e2 = _mm256_or_si256(_mm256_cmpeq_epi8(v2, x), _mm256_cmpeq_epi8(v2, y));
        __m256i e3 = _mm256_or_si256(_mm256_cmpeq_epi8(v3, x), _mm256_cmpeq_epi8(v3, y));
        __m256i any = _mm256_or_si256(_mm256_or_si256(e0, e1), _mm256_or_si256(e2, e3));
        if (_mm256_testz_si256(any, any))
            continue;
        uint64_t lo = (uint64_t)(uint32_t)_mm256_movemask_epi8(e0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(e1) << 32;
        uint64_t hi = (uint64_t)(uint32_t)_mm256_movemask_epi8(e2) | (uint64_t)(uint32_t)_mm256_movemask_epi8(e3) << 32;
        if (visit(lo, p, i, bytes, 2, hit, ud) || visit(hi, p, i + 64, bytes, 2, hit, ud))
            return 1;
    }
    for (; i < n; i++)
        for (size_t k = 0; k < 2; k++)
            if ((unsigned char)p[i] == bytes[k] && hit(ud, k, i))
                return 1;
    return 0;
}
#endif

int ls_bytescan(const char *p, size_t n, const unsigned char *bytes, size_t nbytes, ls_byte_hit_fn hit, void *ud)
{
    if (nbytes == 0 || nbytes > LS_BYTESCAN_MAX)
        return 0;
#if defined(__x86_64__) && defined(__GNUC__)
    /* the builtin reads a table libgcc fills once at start-up: cheap, and no shared state here */
    if (__builtin_cpu_supports("avx2") && nbytes == 2)
        return scan2_avx2(p, n, bytes, hit, ud);
#endif
    for (size_t k = 0; k < nbytes; k++) {
        const char *q = p, *end = p + n;
        while (q < end && (q = memchr(q, bytes[k], (size_t)(end - q)))) {
            if (hit(ud, k, (size_t)(q - p)))
                return 1;
            q++;
        }
    }
    return 0;
}
