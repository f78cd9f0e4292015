/* One pass for the short prefilters and the newline index (contract in shortscan.h). The AVX2
 * loop looks up the low and high nibble of the bytes at offsets 0, 1 and 2 of each of 32 starts in
 * per-offset tables whose bit k says "needle k accepts this nibble here"; ANDed, a bit survives
 * exactly where needle k's bytes stand (a needle byte and its other case differ in one bit of the
 * high nibble only, so the nibble product adds no false positives). Offsets past a needle's length
 * accept everything. The lookbehind is checked per hit. */
#include "detect/shortscan.h"

#include <string.h>

#include "util/textutil.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LS_SHORT_AVX2 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

bool ls_shortscan_scalar;

/* ---- parsing --------------------------------------------------------------------------------- */

/* One literal byte at *p: a plain byte that is not a regex metacharacter, or escaped punctuation. */
static int lit_byte(const char **p)
{
    const char *s = *p;
    if (s[0] == '\\') {
        if (!s[1] || !strchr("\\^$.|?*+()[]{}-/@~:=_'\"#&%!<>,;", s[1]))
            return -1; /* \d, \s, \x.. and the like are classes or need decoding */
        *p = s + 2;
        return (unsigned char)s[1];
    }
    if (!s[0] || strchr("^$.|?*+()[]{}\\", s[0]))
        return -1;
    *p = s + 1;
    return (unsigned char)s[0];
}

size_t ls_short_parse(const char *pf, struct ls_short_needle *out, size_t max)
{
    bool ci = false, after = false, alt = false;
    if (strncmp(pf, "(?i)", 4) == 0)
        ci = true, pf += 4;
    if (strncmp(pf, "(?<![A-Za-z])", 13) == 0)
        after = true, pf += 13;
    if (strncmp(pf, "(?:", 3) == 0)
        alt = true, pf += 3;
    size_t n = 0;
    for (;;) {
        struct ls_short_needle nd = {.caseless = ci, .after_nonalpha = after};
        while (*pf && *pf != '|' && *pf != ')') {
            int c = lit_byte(&pf);
            if (c < 0 || nd.len == LS_SHORT_LEN)
                return 0;
            nd.b[nd.len++] = (unsigned char)c;
        }
        /* one length for all: hits of one prefilter then end in the order they start */
        if (nd.len == 0 || n == max || (n && nd.len != out[0].len))
            return 0;
        out[n++] = nd;
        if (alt && *pf == '|') {
            pf++;
            continue;
        }
        return (alt ? pf[0] == ')' && pf[1] == '\0' : pf[0] == '\0') ? n : 0;
    }
}

/* ---- tables ---------------------------------------------------------------------------------- */

static void accept_byte(struct ls_shortscan *t, size_t j, unsigned char c, uint8_t bit)
{
    t->lo[j][c & 15] |= bit;
    t->hi[j][c >> 4] |= bit;
    if (j == 0)
        t->first[c] |= bit;
}

void ls_shortscan_init(struct ls_shortscan *t, const struct ls_short_needle *n, size_t count)
{
    memset(t, 0, sizeof *t);
    if (count > LS_SHORT_MAX)
        count = LS_SHORT_MAX;
    memcpy(t->n, n, count * sizeof *n);
    t->count = count;
    for (size_t k = 0; k < count; k++) {
        uint8_t bit = (uint8_t)(1u << k);
        for (size_t j = 0; j < LS_SHORT_LEN; j++) {
            if (j >= n[k].len) {
                for (size_t x = 0; x < 16; x++)
                    t->lo[j][x] |= bit, t->hi[j][x] |= bit;
                continue;
            }
            accept_byte(t, j, n[k].b[j], bit);
            if (n[k].caseless && ls_is_alpha((char)n[k].b[j]))
                accept_byte(t, j, n[k].b[j] ^ 0x20, bit);
        }
    }
}

/* ---- scanning -------------------------------------------------------------------------------- */

static bool byte_ok(const struct ls_short_needle *nd, unsigned char c, unsigned char want)
{
    return c == want || (nd->caseless && ls_is_alpha((char)want) && (c ^ 0x20) == want);
}

/* The lookbehind of needle nd at start `at`. */
static bool before_ok(const struct ls_short_needle *nd, const char *buf, size_t at)
{
    return !nd->after_nonalpha || at == 0 || !ls_is_alpha(buf[at - 1]);
}

/* Every needle starting at `at`, checked byte by byte. */
static int one_start(const struct ls_shortscan *t, const char *buf, size_t len, size_t at, ls_short_hit_fn hit,
                     void *ud)
{
    for (uint8_t cand = t->first[(unsigned char)buf[at]]; cand; cand &= (uint8_t)(cand - 1)) {
        size_t k = (size_t)__builtin_ctz(cand);
        const struct ls_short_needle *nd = &t->n[k];
        bool ok = at + nd->len <= len && before_ok(nd, buf, at);
        for (size_t j = 1; ok && j < nd->len; j++)
            ok = byte_ok(nd, (unsigned char)buf[at + j], nd->b[j]);
        if (ok && hit(ud, k, at + nd->len))
            return 1;
    }
    return 0;
}

static int scan_scalar(const struct ls_shortscan *t, const char *buf, size_t len, size_t from, size_t to,
                       ls_short_hit_fn hit, void *ud, uint16_t *nl)
{
    for (size_t at = from; at < to; at++) {
        if (nl && buf[at] == '\n')
            nl[(at - from) / LS_NL_BLOCK]++;
        if (t->first[(unsigned char)buf[at]] && one_start(t, buf, len, at, hit, ud))
            return 1;
    }
    return 0;
}

#ifdef LS_SHORT_AVX2
__attribute__((target("avx2"))) static inline __m256i nibbles(__m256i v, __m256i lo, __m256i hi, __m256i low4)
{
    __m256i l = _mm256_shuffle_epi8(lo, _mm256_and_si256(v, low4));
    __m256i h = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), low4));
    return _mm256_and_si256(l, h);
}

__attribute__((target("avx2"))) static uint16_t hsum8(__m256i acc)
{
    __m256i s = _mm256_sad_epu8(acc, _mm256_setzero_si256());
    return (uint16_t)(_mm256_extract_epi64(s, 0) + _mm256_extract_epi64(s, 1) + _mm256_extract_epi64(s, 2) +
                      _mm256_extract_epi64(s, 3));
}

__attribute__((target("avx2"))) static int scan_avx2(const struct ls_shortscan *t, const char *buf, size_t len,
                                                     size_t from, size_t to, ls_short_hit_fn hit, void *ud,
                                                     uint16_t *nl)
{
    __m256i lo[LS_SHORT_LEN], hi[LS_SHORT_LEN];
    for (size_t j = 0; j < LS_SHORT_LEN; j++) {
        lo[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)t->lo[j]));
        hi[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)t->hi[j]));
    }
    const __m256i low4 = _mm256_set1_epi8(0x0f), nlv = _mm256_set1_epi8('\n'), zero = _mm256_setzero_si256();
    for (size_t bs = from, b = 0; bs < to; bs += LS_NL_BLOCK, b++) {
        size_t be = to - bs < LS_NL_BLOCK ? to : bs + LS_NL_BLOCK;
        __m256i acc = zero; /* newlines per byte lane: at most LS_NL_BLOCK / 32 = 128 */
        size_t i = bs;
        for (; i + 32 <= be && i + 32 + LS_SHORT_LEN - 1 <= len; i += 32) {
            const char *p = buf + i;
            __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
            __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 1));
            __m256i v2 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 2));
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(v0, nlv));
            __m256i m =
                _mm256_and_si256(nibbles(v0, lo[0], hi[0], low4),
                                 _mm256_and_si256(nibbles(v1, lo[1], hi[1], low4), nibbles(v2, lo[2], hi[2], low4)));
            uint32_t mask = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, zero));
            if (!mask)
                continue;
            uint8_t bits[32];
            _mm256_storeu_si256((__m256i *)(void *)bits, m);
            for (; mask; mask &= mask - 1) {
                unsigned o = (unsigned)__builtin_ctz(mask);
                for (uint8_t k8 = bits[o]; k8; k8 &= (uint8_t)(k8 - 1)) {
                    size_t k = (size_t)__builtin_ctz(k8);
                    if (before_ok(&t->n[k], buf, i + o) && hit(ud, k, i + o + t->n[k].len))
                        return 1;
                }
            }
        }
        uint16_t c = hsum8(acc);
        for (; i < be; i++) { /* the last bytes of the range or of the buffer */
            c += buf[i] == '\n';
            if (t->first[(unsigned char)buf[i]] && one_start(t, buf, len, i, hit, ud))
                return 1;
        }
        if (nl)
            nl[b] = c;
    }
    return 0;
}
#endif

int ls_shortscan(const struct ls_shortscan *t, const char *buf, size_t len, size_t from, size_t to, ls_short_hit_fn hit,
                 void *ud, uint16_t *nl)
{
    if (to > len)
        to = len;
    if (from >= to)
        return 0;
#ifdef LS_SHORT_AVX2
    /* the builtin reads a table libgcc fills once at start-up: cheap, and no shared state here */
    if (!ls_shortscan_scalar && __builtin_cpu_supports("avx2"))
        return scan_avx2(t, buf, len, from, to, hit, ud, nl);
#endif
    if (nl)
        memset(nl, 0, (to - from + LS_NL_BLOCK - 1) / LS_NL_BLOCK * sizeof *nl);
    return scan_scalar(t, buf, len, from, to, hit, ud, nl);
}

/* ---- newline count --------------------------------------------------------------------------- */

#ifdef LS_SHORT_AVX2
/* byte-wise compares summed in 8-bit lanes (at most 254 rounds), then one horizontal add */
__attribute__((target("avx2"))) static uint64_t count_nl_avx2(const char *p, size_t n, size_t *done)
{
    uint64_t c = 0;
    size_t i = 0;
    const __m256i nl = _mm256_set1_epi8('\n'), zero = _mm256_setzero_si256();
    while (i + 64 <= n) {
        __m256i acc = zero;
        for (int k = 0; k < 127 && i + 64 <= n; k++, i += 64) {
            __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
            __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 32));
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(a, nl));
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(b, nl));
        }
        __m256i sad = _mm256_sad_epu8(acc, zero);
        c += (uint64_t)_mm256_extract_epi64(sad, 0) + (uint64_t)_mm256_extract_epi64(sad, 1) +
             (uint64_t)_mm256_extract_epi64(sad, 2) + (uint64_t)_mm256_extract_epi64(sad, 3);
    }
    *done = i;
    return c;
}
#endif

uint64_t ls_count_newlines(const char *p, size_t n)
{
    uint64_t c = 0;
    size_t i = 0;
#ifdef LS_SHORT_AVX2
    if (__builtin_cpu_supports("avx2"))
        c = count_nl_avx2(p, n, &i);
#endif
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i acc = zero;
        for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, nl));
        }
        __m128i sad = _mm_sad_epu8(acc, zero);
        c += (uint64_t)_mm_cvtsi128_si32(sad) + (uint64_t)_mm_cvtsi128_si32(_mm_srli_si128(sad, 8));
    }
#endif
    for (; i < n; i++)
        c += p[i] == '\n';
    return c;
}
