/* One-pass scan for a few byte values (contract in bytescan.h). The AVX2 loop compares 32 bytes
 * against every wanted value, ORs the masks and visits the set bits in order; without AVX2 each
 * value gets its own memchr pass. */
#include "detect/bytescan.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Reports the positions set in mask (bit i = p[base + i]) in order, then for each one every k
 * whose byte is there. Returns 1 if hit asked to stop. */
static int visit(uint32_t mask, const char *p, size_t base, const unsigned char *bytes, size_t nbytes,
                 ls_byte_hit_fn hit, void *ud)
{
    while (mask) {
        size_t pos = base + (size_t)__builtin_ctz(mask);
        mask &= mask - 1;
        for (size_t k = 0; k < nbytes; k++)
            if ((unsigned char)p[pos] == bytes[k] && hit(ud, k, pos))
                return 1;
    }
    return 0;
}

__attribute__((target("avx2"))) static int scan_avx2(const char *p, size_t n, const unsigned char *bytes,
                                                     size_t nbytes, ls_byte_hit_fn hit, void *ud)
{
    __m256i want[LS_BYTESCAN_MAX];
    for (size_t k = 0; k < nbytes; k++)
        want[k] = _mm256_set1_epi8((char)bytes[k]);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        __m256i eq = _mm256_cmpeq_epi8(v, want[0]);
        for (size_t k = 1; k < nbytes; k++)
            eq = _mm256_or_si256(eq, _mm256_cmpeq_epi8(v, want[k]));
        uint32_t mask = (uint32_t)_mm256_movemask_epi8(eq);
        if (mask && visit(mask, p, i, bytes, nbytes, hit, ud))
            return 1;
    }
    uint32_t tail = 0;
    for (size_t j = i; j < n; j++)
        for (size_t k = 0; k < nbytes; k++)
            if ((unsigned char)p[j] == bytes[k])
                tail |= 1u << (j - i);
    return visit(tail, p, i, bytes, nbytes, hit, ud);
}
#endif

int ls_bytescan(const char *p, size_t n, const unsigned char *bytes, size_t nbytes, ls_byte_hit_fn hit, void *ud)
{
    if (nbytes == 0 || nbytes > LS_BYTESCAN_MAX)
        return 0;
#if defined(__x86_64__) && defined(__GNUC__)
    static int avx2 = -1; /* benign race: every thread computes the same value */
    if (avx2 < 0)
        avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    if (avx2)
        return scan_avx2(p, n, bytes, nbytes, hit, ud);
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
