/* Validators shared by the rules: checksums, entropy, placeholder rejects, JSON unescaping and the
 * per-rule checks that a regular expression cannot express. */
#include "detect/validators.h"

#include <math.h>
#include <pthread.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "util/textutil.h"

/* ---- checksums ---------------------------------------------------------------------------- */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t ls_crc32(const void *p, size_t n)
{
    pthread_once(&crc_once, crc_init);
    const unsigned char *b = p;
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ b[i]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static const char B62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void ls_base62_6(uint32_t x, char out[6])
{
    for (int i = 5; i >= 0; i--) {
        out[i] = B62[x % 62];
        x /= 62;
    }
}

/* ---- entropy and placeholders --------------------------------------------------------------- */

double ls_entropy(const char *s, size_t n)
{
    if (n == 0)
        return 0.0;
    unsigned cnt[256] = {0};
    uint64_t present[4] = {0}; /* bit c: byte c occurs */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        cnt[c]++;
        present[c >> 6] |= 1ull << (c & 63);
    }
    /* Visits the bytes that occur in ascending order, as a scan of all 256 counts would, so the
     * sum is built in the same order and is bit-for-bit the same double; empty counts are skipped
     * by the bitmap instead of one test each. */
    double h = 0.0;
    for (unsigned w = 0; w < 4; w++)
        for (uint64_t bits = present[w]; bits; bits &= bits - 1) {
            double p = (double)cnt[w * 64 + (unsigned)__builtin_ctzll(bits)] / (double)n;
            h -= p * log2(p);
        }
    return h;
}

/* A word list entry with its length, computed at compile time: the lists below are scanned for
 * every candidate value, and strlen on each word every time cost more than the comparisons. */
struct word {
    const char *s;
    size_t n;
};
#define WORD(lit)                                                                                                      \
    {                                                                                                                  \
        lit, sizeof lit - 1                                                                                            \
    }
#define NWORDS(a) (sizeof(a) / sizeof(a)[0])

/* ASCII case folding (ls_ascii_lower). leakscan never calls setlocale, so it runs in the C locale,
 * where tolower and strncasecmp fold exactly A-Z and nothing else: the same answers without a
 * libc call. */
/* s[0, m) equals the lower-case word w[0, m), ignoring ASCII case. */
static bool eq_fold(const char *s, const char *w, size_t m)
{
    for (size_t i = 0; i < m; i++)
        if ((unsigned char)ls_ascii_lower((char)s[i]) != (unsigned char)w[i])
            return false;
    return true;
}

/* The lower-case word w occurs in s[0, n), ignoring ASCII case. */
static bool contains_ci(const char *s, size_t n, const struct word *w)
{
    if (w->n > n)
        return false;
    unsigned char first = (unsigned char)w->s[0];
    for (size_t i = 0; i + w->n <= n; i++)
        if ((unsigned char)ls_ascii_lower((char)s[i]) == first && eq_fold(s + i, w->s, w->n))
            return true;
    return false;
}

/* Long values (key blocks, JWTs) hold thousands of random characters, where a short word like
 * "dummy" turns up by chance: only unmistakable markers count there (case-sensitive). One pass over
 * the value, comparing only where a mark can start (instead of one memmem pass per mark). */
static bool has_long_mark(const char *s, size_t n)
{
    static const struct word marks[] = {WORD("EXAMPLE"),  WORD("example"),  WORD("Example"), WORD("XXXXXXXX"),
                                        WORD("xxxxxxxx"), WORD("********"), WORD("${"),      WORD("<your"),
                                        WORD("YOUR_"),    WORD("your_"),    WORD("your-")};
    static const bool starts[256] = {
        ['E'] = 1, ['e'] = 1, ['X'] = 1, ['x'] = 1, ['*'] = 1, ['$'] = 1, ['<'] = 1, ['Y'] = 1, ['y'] = 1};
    for (size_t i = 0; i + 2 <= n; i++) {
        if (!starts[(unsigned char)s[i]])
            continue;
        for (size_t k = 0; k < NWORDS(marks); k++)
            if (marks[k].s[0] == s[i] && marks[k].n <= n - i && memcmp(s + i, marks[k].s, marks[k].n) == 0)
                return true;
    }
    return false;
}

/* Short values: any of the words, ignoring case. One pass over the value: at each position whose
 * folded byte starts some word (bit k of first[c] = word k starts with c), those words are compared
 * in place. Replaces a lower-cased copy (tolower per byte) plus one memmem per word. */
static bool has_short_word(const char *s, size_t n)
{
    static const struct word bad[] = {
        WORD("example"),    WORD("xxxx"),      WORD("****"),        WORD("${"),
        WORD("{{"),         WORD("<your"),     WORD("your_"),       WORD("your-"),
        WORD("yourapikey"), WORD("dummy"),     WORD("changeme"),    WORD("change_me"),
        WORD("replace_me"), WORD("replaceme"), WORD("placeholder"), WORD("redacted"),
    };
    /* indexed by the raw byte (both cases of a letter), so only candidates pay for folding */
#define BOTH(c, bits) [c] = (bits), [(c) - 'a' + 'A'] = (bits)
    static const uint16_t first[256] = {
        BOTH('e', 1u << 0),
        BOTH('x', 1u << 1),
        ['*'] = 1u << 2,
        ['$'] = 1u << 3,
        ['{'] = 1u << 4,
        ['<'] = 1u << 5,
        BOTH('y', 1u << 6 | 1u << 7 | 1u << 8),
        BOTH('d', 1u << 9),
        BOTH('c', 1u << 10 | 1u << 11),
        BOTH('r', 1u << 12 | 1u << 13 | 1u << 15),
        BOTH('p', 1u << 14),
    };
#undef BOTH
    for (size_t i = 0; i + 2 <= n; i++) {
        unsigned cand = first[(unsigned char)s[i]];
        if (!cand)
            continue;
        unsigned char second = (unsigned char)ls_ascii_lower((char)s[i + 1]);
        for (; cand; cand &= cand - 1) {
            const struct word *w = &bad[__builtin_ctz(cand)];
            /* the second byte rules out nearly every candidate before the full compare */
            if ((unsigned char)w->s[1] == second && w->n <= n - i && eq_fold(s + i + 2, w->s + 2, w->n - 2))
                return true;
        }
    }
    return false;
}

bool ls_is_placeholder(const char *s, size_t n)
{
    return n > 256 ? has_long_mark(s, n) : has_short_word(s, n);
}

/* ---- JSON unescaping ------------------------------------------------------------------------ */

bool ls_has_backslash(const char *s, size_t n)
{
    return memchr(s, '\\', n) != NULL;
}

static long hex4(const char *s, size_t n, size_t i)
{
    if (i + 4 > n)
        return -1;
    long v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = ls_hexval((unsigned char)s[i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t ls_json_unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            out[o++] = s[i];
            continue;
        }
        char e = s[i + 1];
        char simple = 0;
        switch (e) {
        case '"': simple = '"'; break;
        case '\\': simple = '\\'; break;
        case '/': simple = '/'; break;
        case 'b': simple = '\b'; break;
        case 'f': simple = '\f'; break;
        case 'n': simple = '\n'; break;
        case 'r': simple = '\r'; break;
        case 't': simple = '\t'; break;
        default: break;
        }
        if (simple) {
            out[o++] = simple;
            i++;
            continue;
        }
        if (e == 'u') {
            long cp = hex4(s, n, i + 2);
            if (cp >= 0) {
                size_t used = 6;
                unsigned long u = (unsigned long)cp;
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= n && s[i + 6] == '\\' && s[i + 7] == 'u') {
                    long lo = hex4(s, n, i + 8);
                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        u = 0x10000 + (((unsigned long)cp - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
                        used = 12;
                    }
                }
                /* a \uXXXX (6 bytes) decodes to at most 3 bytes, a pair (12) to 4: never grows */
                o += put_utf8(out + o, u);
                i += used - 1;
                continue;
            }
        }
        out[o++] = s[i]; /* unknown escape: keep the backslash as it is */
    }
    return o;
}

/* ---- quick pre-checks ------------------------------------------------------------------------ */

/* The quick pre-checks run on every prefilter hit, far more often than any validator: SSE2 looks
 * at 16 bytes per step where the CPU has it (every x86-64), the byte loop finishes the tail. */
#if defined(__SSE2__)
static inline __m128i load16(const char *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}
#endif

bool ls_q_assign(const char *buf, size_t len, size_t e)
{
    size_t end = e + 32 < len ? e + 32 : len, i = e;
#if defined(__SSE2__)
    const __m128i eq = _mm_set1_epi8('='), colon = _mm_set1_epi8(':');
    for (; i + 16 <= end; i += 16) {
        __m128i v = load16(buf + i);
        if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, eq), _mm_cmpeq_epi8(v, colon))))
            return true;
    }
#endif
    for (; i < end; i++)
        if (buf[i] == '=' || buf[i] == ':')
            return true;
    return false;
}

/* e is just past an '@': a local-part character before it, a domain character after it */
bool ls_q_email(const char *buf, size_t len, size_t e)
{
    return e >= 2 && e < len && ls_is_alnum(buf[e]) &&
           (ls_is_alnum(buf[e - 2]) || (buf[e - 2] && strchr("._%+-", buf[e - 2])));
}

/* e is just past a '+': a digit 1-9 follows, and the '+' does not continue a word or number */
bool ls_q_plus_digit(const char *buf, size_t len, size_t e)
{
    return e < len && buf[e] >= '1' && buf[e] <= '9' && (e < 2 || !(ls_is_alnum(buf[e - 2]) || buf[e - 2] == '+'));
}

/* At least `need` ASCII digits in buf[e, e + span) (clipped to len). */
static bool digits_within(const char *buf, size_t len, size_t e, size_t span, size_t need)
{
    size_t end = e + span < len ? e + span : len, d = 0, i = e;
#if defined(__SSE2__)
    /* c is a digit iff (c - '0') as an unsigned byte is at most 9, i.e. min(c - '0', 9) == c - '0'.
     * Per-lane counts (subtracting the all-ones compare results) are summed once with psadbw at the
     * end: no popcount instruction in baseline x86-64, and a span is at most a few chunks, far
     * below the 255 a byte lane can hold. */
    const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9), nil = _mm_setzero_si128();
    __m128i acc = nil;
    for (; i + 16 <= end && i - e < 255 * 16; i += 16) {
        __m128i t = _mm_sub_epi8(load16(buf + i), zero);
        acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_min_epu8(t, nine), t));
    }
    __m128i sad = _mm_sad_epu8(acc, nil);
    d = (size_t)_mm_cvtsi128_si32(sad) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sad, 8));
#endif
    for (; i < end && d < need; i++)
        d += buf[i] >= '0' && buf[i] <= '9';
    return d >= need;
}

bool ls_q_digits8(const char *buf, size_t len, size_t e)
{
    return digits_within(buf, len, e, 90, 8);
}

bool ls_q_digits10(const char *buf, size_t len, size_t e)
{
    return digits_within(buf, len, e, 80, 10);
}

/* The long phone words (phone, mobile, whatsapp, contact) end at e: the confirmation wants no letter
 * before the word, so "iPhone" in every user agent is dropped here. The letters before e must be
 * exactly one of the words (longer words containing them, such as "telephone", are the short
 * pass's "tel"); then the digits as for ls_q_digits10. */
bool ls_q_phone_word(const char *buf, size_t len, size_t e)
{
    static const char *const words[] = {"phone", "mobile", "contact", "whatsapp"}; /* 5, 6, 7, 8 letters */
    size_t st = e;
    while (st > 0 && e - st < 9 && ls_is_alpha(buf[st - 1]))
        st--;
    size_t n = e - st;
    if (n < 5 || n > 8)
        return false; /* more letters before the word */
    for (size_t i = 0; i < n; i++)
        if (ls_ascii_lower(buf[st + i]) != words[n - 5][i])
            return false; /* e.g. "iPhone": the 6 letters are not "mobile" */
    return ls_q_digits10(buf, len, e);
}

bool ls_q_digits13(const char *buf, size_t len, size_t e)
{
    return digits_within(buf, len, e, 64, 13);
}

/* ---- rule validators ------------------------------------------------------------------------ */

bool ls_v_github_checksum(const struct ls_vctx *c)
{
    /* 4-char prefix, 30 random base62 chars, 6 base62 chars of their CRC32. */
    if (c->ve - c->vs != 40)
        return false;
    const char *v = c->buf + c->vs;
    char sum[6];
    ls_base62_6(ls_crc32(v + 4, 30), sum);
    return memcmp(sum, v + 34, 6) == 0;
}

bool ls_v_jwt(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    const char *dot = memchr(v, '.', n);
    if (!dot)
        return false;
    size_t hn = (size_t)(dot - v);
    unsigned char hdr[2048];
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < hn && o < sizeof hdr; i++) {
        int x = ls_b64_value((unsigned char)v[i]);
        if (x < 0)
            return false;
        acc = (acc << 6) | (uint32_t)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            hdr[o++] = (unsigned char)((acc >> bits) & 0xFFu);
        }
    }
    size_t i = 0;
    while (i < o && (hdr[i] == ' ' || hdr[i] == '\n' || hdr[i] == '\r' || hdr[i] == '\t'))
        i++;
    if (i >= o || hdr[i] != '{')
        return false;
    static const struct word alg = WORD("\"alg\"");
    return contains_ci((const char *)hdr, o, &alg);
}

/* s[0, n) is one of the lower-case words, ignoring case; the length check skips most of them. */
static bool in_words_ci(const char *s, size_t n, const struct word *w, size_t nw)
{
    for (size_t i = 0; i < nw; i++)
        if (w[i].n == n && eq_fold(s, w[i].s, n))
            return true;
    return false;
}

static bool all_same(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (s[i] != s[0])
            return false;
    return true;
}

bool ls_v_db_password(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    static const struct word words[] = {WORD("password"),     WORD("passwd"), WORD("pass"),     WORD("pwd"),
                                        WORD("pw"),           WORD("secret"), WORD("pword"),    WORD("mypassword"),
                                        WORD("yourpassword"), WORD("user"),   WORD("username"), WORD("null"),
                                        WORD("none")};
    if (n == 0 || all_same(v, n))
        return false;
    if (in_words_ci(v, n, words, NWORDS(words)))
        return false;
    if (v[0] == '$' || v[0] == '%' || v[0] == '{' || v[0] == '[' || v[0] == '<')
        return false;
    return true;
}

bool ls_v_private_key(const struct ls_vctx *c)
{
    /* The body between the markers must hold real base64 and no second BEGIN marker. */
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    const char *body = memchr(v + 5, '-', n - 5); /* the dashes closing the BEGIN line */
    if (!body)
        return false;
    while ((size_t)(body - v) < n && *body == '-')
        body++;
    size_t b64 = 0;
    for (const char *p = body; p < v + n; p++) {
        if (*p == '-' && (size_t)(v + n - p) >= 10 && memcmp(p, "-----BEGIN", 10) == 0)
            return false;
        if (ls_b64_value((unsigned char)*p) >= 0 || *p == '=')
            b64++;
    }
    return b64 >= 64;
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ls_hexval((unsigned char)s[i]) < 0)
            return false;
    return true;
}

static bool is_uuid(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : ls_hexval((unsigned char)s[i]) < 0)
            return false;
    }
    return true;
}

static bool looks_like_email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (!at || at == s)
        return false;
    const char *d = at + 1, *e = s + n;
    bool dot = false;
    for (const char *p = d; p < e; p++) {
        if (*p == '.')
            dot = true;
        else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    }
    return dot;
}

bool ls_v_generic_secret(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    if (n < 12)
        return false;
    if (is_uuid(v, n))
        return false;
    if (is_hex(v, n) && (n == 32 || n == 40 || n == 56 || n == 64 || n == 96 || n == 128))
        return false; /* md5/sha1/sha2 digests: hashes, not credentials */
    if (v[0] != '\0' && strchr("$%/~.@&*#", v[0]))
        return false; /* variable references, paths, decorators */
    static const struct word scheme = WORD("://");
    if (contains_ci(v, n, &scheme) || looks_like_email(v, n))
        return false;
    bool lower = false, upper = false, digit = false, other = false;
    size_t humps = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = v[i];
        if (ch >= 'a' && ch <= 'z')
            lower = true;
        else if (ch >= 'A' && ch <= 'Z') {
            upper = true;
            if (i > 0 && v[i - 1] >= 'a' && v[i - 1] <= 'z')
                humps++;
        } else if (ch >= '0' && ch <= '9')
            digit = true;
        else if (ch != '-' && ch != '_' && ch != '.')
            other = true;
    }
    if (digit && !lower && !upper && !other)
        return false; /* counters, ids, timestamps */
    if ((int)lower + (int)upper + (int)digit + (int)other < 2)
        return false; /* identifiers: my-app-secret, MY_SECRET_NAME */
    if (!digit && !other && humps >= 2)
        return false; /* camelCase identifiers: getAccessTokenFromVault */
    return true;
}

static size_t count_digits(const char *s, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += s[i] >= '0' && s[i] <= '9';
    return d;
}

bool ls_v_email(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    const char *at = memchr(v, '@', n);
    if (!at)
        return false;
    size_t ln = (size_t)(at - v);
    const char *dom = at + 1;
    size_t dn = n - ln - 1;
    const char *tld = dom + dn;
    while (tld > dom && tld[-1] != '.')
        tld--;
    size_t tn = (size_t)(dom + dn - tld);
    static const struct word bad_local[] = {WORD("git"),          WORD("noreply"),      WORD("no-reply"),
                                            WORD("donotreply"),   WORD("do-not-reply"), WORD("postmaster"),
                                            WORD("mailer-daemon")};
    if (in_words_ci(v, ln, bad_local, NWORDS(bad_local)))
        return false;
    /* reserved names (RFC 2606, RFC 6761) and file extensions (image@2x.png, bundle@1.2.3.js) */
    static const struct word bad_tld[] = {
        WORD("example"),  WORD("test"), WORD("invalid"), WORD("localhost"), WORD("local"), WORD("localdomain"),
        WORD("internal"), WORD("lan"),  WORD("corp"),    WORD("home"),      WORD("png"),   WORD("jpg"),
        WORD("jpeg"),     WORD("gif"),  WORD("svg"),     WORD("webp"),      WORD("ico"),   WORD("bmp"),
        WORD("tif"),      WORD("tiff"), WORD("avif"),    WORD("heic"),      WORD("js"),    WORD("mjs"),
        WORD("css"),      WORD("map"),  WORD("json"),    WORD("html"),      WORD("htm"),   WORD("txt"),
        WORD("log"),      WORD("yaml"), WORD("yml"),     WORD("xml"),       WORD("md"),    WORD("tsx"),
        WORD("jsx"),      WORD("vue"),  WORD("scss"),    WORD("woff"),      WORD("woff2")};
    if (in_words_ci(tld, tn, bad_tld, NWORDS(bad_tld)))
        return false;
    static const struct word bad_dom[] = {WORD("example.com"), WORD("example.org"), WORD("example.net")};
    for (size_t i = 0; i < NWORDS(bad_dom); i++) {
        size_t bn = bad_dom[i].n;
        if (dn >= bn && eq_fold(dom + dn - bn, bad_dom[i].s, bn) && (dn == bn || dom[dn - bn - 1] == '.'))
            return false;
    }
    /* user:password@host inside a URL is not an e-mail address */
    size_t lim = c->ms > 256 ? c->ms - 256 : 0;
    for (size_t i = c->ms; i > lim; i--) {
        char ch = c->buf[i - 1];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '"' || ch == '\'' || ch == '<' || ch == '>')
            break;
        if (ch == '/' && i >= 2 && c->buf[i - 2] == '/')
            return false;
    }
    return true;
}

bool ls_v_phone(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    size_t d = count_digits(v, n);
    char digits[32];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof digits; i++)
        if (v[i] >= '0' && v[i] <= '9')
            digits[k++] = v[i];
    if (k == 0 || all_same(digits, k))
        return false;
    if (v[0] == '+')
        return d >= 8 && d <= 15;
    if (d < 10 || d > 11)
        return false;
    if (digits[0] == '0')
        return true; /* UK-style trunk prefix */
    /* NANP: area code and exchange start with 2-9 */
    return d == 10 && digits[0] >= '2' && digits[3] >= '2';
}

bool ls_v_card(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    char d[24];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= '0' && v[i] <= '9') {
            if (k == sizeof d)
                return false;
            d[k++] = v[i];
        }
    if (k == 0)
        return false;
    bool amex = d[0] == '3';
    if (k != (amex ? 15u : 16u) || all_same(d, k))
        return false;
    /* Luhn: double every second digit from the right */
    unsigned sum = 0;
    for (size_t i = 0; i < k; i++) {
        unsigned x = (unsigned)(d[k - 1 - i] - '0');
        if (i & 1u) {
            x *= 2;
            if (x > 9)
                x -= 9;
        }
        sum += x;
    }
    return sum % 10 == 0;
}

bool ls_v_iban(const struct ls_vctx *c)
{
    /* IBAN lengths per country (SWIFT IBAN registry), for the countries most data comes from. */
    static const struct {
        char cc[3];
        unsigned char len;
    } lens[] = {{"AD", 24}, {"AE", 23}, {"AT", 20}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22}, {"BR", 29},
                {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18},
                {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"HR", 21},
                {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20},
                {"LB", 28}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22},
                {"MK", 19}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29},
                {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
                {"SM", 27}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VG", 24}, {"XK", 20}};
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    char s[40];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != ' ') {
            if (k == sizeof s)
                return false;
            s[k++] = v[i];
        }
    bool known = false;
    for (size_t i = 0; i < sizeof lens / sizeof lens[0] && !known; i++)
        known = s[0] == lens[i].cc[0] && s[1] == lens[i].cc[1] && k == lens[i].len;
    if (!known)
        return false;
    /* ISO 13616: move the first four characters to the end, letters as 10..35, mod 97 == 1 */
    unsigned rem = 0;
    for (size_t i = 0; i < k; i++) {
        char ch = s[(i + 4) % k];
        unsigned x = ch >= 'A' && ch <= 'Z' ? (unsigned)(ch - 'A' + 10) : (unsigned)(ch - '0');
        rem = x >= 10 ? (rem * 100 + x) % 97 : (rem * 10 + x) % 97;
    }
    return rem == 1;
}

/* HTTP Basic credentials: the base64 decodes to printable "user:password" with a non-empty user
 * and a password of at least 4 characters that is not a placeholder (RFC 7617). */
bool ls_v_basic_auth(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    unsigned char out[256];
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n && v[i] != '='; i++) {
        int x = ls_b64_value((unsigned char)v[i]);
        if (x < 0 || o >= sizeof out)
            return false;
        acc = (acc << 6) | (uint32_t)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    const unsigned char *colon = memchr(out, ':', o);
    if (!colon || colon == out || (size_t)(out + o - colon - 1) < 4)
        return false;
    for (size_t i = 0; i < o; i++)
        if (out[i] < 0x20 || out[i] == 0x7f)
            return false;
    struct ls_vctx pw = {(const char *)out, o, 0, o, (size_t)(colon + 1 - out), o};
    return !ls_is_placeholder((const char *)colon + 1, (size_t)(out + o - colon - 1)) && ls_v_db_password(&pw);
}

/* PuTTY key files: the block holds a private part (Private-Lines) with base64 lines. */
bool ls_v_putty(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    return memmem(v, n, "Private-Lines: ", 15) != NULL && memmem(v, n, "Public-Lines: ", 14) != NULL;
}
