/* Validators shared by the rules: checksums, entropy, placeholder rejects, JSON unescaping and the
 * per-rule checks that a regular expression cannot express. */
#include "detect/validators.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include "core/textutil.h"

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
    for (size_t i = 0; i < n; i++)
        cnt[(unsigned char)s[i]]++;
    double h = 0.0;
    for (int i = 0; i < 256; i++) {
        if (cnt[i]) {
            double p = (double)cnt[i] / (double)n;
            h -= p * log2(p);
        }
    }
    return h;
}

static bool contains_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    if (m > n)
        return false;
    for (size_t i = 0; i + m <= n; i++)
        if (strncasecmp(s + i, needle, m) == 0)
            return true;
    return false;
}

bool ls_is_placeholder(const char *s, size_t n)
{
    if (n > 256) {
        /* Long values (key blocks, JWTs) hold thousands of random characters, where a short word
         * like "dummy" turns up by chance: only unmistakable markers count there. */
        static const char *const marks[] = {"EXAMPLE", "example", "Example", "XXXXXXXX", "xxxxxxxx", "********",
                                            "${",      "<your",   "YOUR_",   "your_",    "your-"};
        /* one pass over the value, comparing only where a mark can start (instead of one memmem
         * pass per mark over a key block of thousands of bytes) */
        static const bool starts[256] = {['E'] = 1, ['e'] = 1, ['X'] = 1, ['x'] = 1, ['*'] = 1,
                                         ['$'] = 1, ['<'] = 1, ['Y'] = 1, ['y'] = 1};
        for (size_t i = 0; i + 2 <= n; i++) {
            if (!starts[(unsigned char)s[i]])
                continue;
            for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
                size_t m = strlen(marks[k]);
                if (marks[k][0] == s[i] && m <= n - i && memcmp(s + i, marks[k], m) == 0)
                    return true;
            }
        }
        return false;
    }
    static const char *const bad[] = {
        "example",    "xxxx",  "****",     "${",        "{{",         "<your",     "your_",       "your-",
        "yourapikey", "dummy", "changeme", "change_me", "replace_me", "replaceme", "placeholder", "redacted",
    };
    char low[256];
    bool seen[256] = {false};
    for (size_t i = 0; i < n; i++) {
        low[i] = (char)tolower((unsigned char)s[i]);
        seen[(unsigned char)low[i]] = true;
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (seen[(unsigned char)bad[i][0]] && seen[(unsigned char)bad[i][1]] && memmem(low, n, bad[i], strlen(bad[i])))
            return true;
    return false;
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

bool ls_q_assign(const char *buf, size_t len, size_t e)
{
    size_t end = e + 32 < len ? e + 32 : len;
    for (size_t i = e; i < end; i++)
        if (buf[i] == '=' || buf[i] == ':')
            return true;
    return false;
}

static bool alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* e is just past an '@': a local-part character before it, a domain character after it */
bool ls_q_email(const char *buf, size_t len, size_t e)
{
    return e >= 2 && e < len && alnum(buf[e]) && (alnum(buf[e - 2]) || (buf[e - 2] && strchr("._%+-", buf[e - 2])));
}

/* e is just past a '+': a digit 1-9 follows, and the '+' does not continue a word or number */
bool ls_q_plus_digit(const char *buf, size_t len, size_t e)
{
    return e < len && buf[e] >= '1' && buf[e] <= '9' && (e < 2 || !(alnum(buf[e - 2]) || buf[e - 2] == '+'));
}

static bool digits_within(const char *buf, size_t len, size_t e, size_t span, size_t need)
{
    size_t end = e + span < len ? e + span : len, d = 0;
    for (size_t i = e; i < end && d < need; i++)
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

static int b64url_val(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '-' || ch == '+')
        return 62;
    if (ch == '_' || ch == '/')
        return 63;
    return -1;
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
        int x = b64url_val(v[i]);
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
    return contains_ci((const char *)hdr, o, "\"alg\"");
}

static bool eq_ci(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
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
    static const char *const words[] = {"password",   "passwd",       "pass", "pwd",      "pw",   "secret", "pword",
                                        "mypassword", "yourpassword", "user", "username", "null", "none"};
    if (n == 0 || all_same(v, n))
        return false;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (eq_ci(v, n, words[i]))
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
        if (b64url_val(*p) >= 0 || *p == '=')
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
    if (contains_ci(v, n, "://") || looks_like_email(v, n))
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
    static const char *const bad_local[] = {"git",          "noreply",       "no-reply",  "donotreply",
                                            "do-not-reply", "mailer-daemon", "postmaster"};
    for (size_t i = 0; i < sizeof bad_local / sizeof bad_local[0]; i++)
        if (eq_ci(v, ln, bad_local[i]))
            return false;
    /* reserved names (RFC 2606, RFC 6761) and file extensions (image@2x.png, bundle@1.2.3.js) */
    static const char *const bad_tld[] = {
        "example", "test", "invalid", "localhost", "local", "localdomain", "internal", "lan",  "corp", "home", "png",
        "jpg",     "jpeg", "gif",     "svg",       "webp",  "ico",         "bmp",      "tif",  "tiff", "avif", "heic",
        "js",      "mjs",  "css",     "map",       "json",  "html",        "htm",      "txt",  "log",  "yaml", "yml",
        "xml",     "md",   "tsx",     "jsx",       "vue",   "scss",        "woff",     "woff2"};
    for (size_t i = 0; i < sizeof bad_tld / sizeof bad_tld[0]; i++)
        if (eq_ci(tld, tn, bad_tld[i]))
            return false;
    static const char *const bad_dom[] = {"example.com", "example.org", "example.net"};
    for (size_t i = 0; i < sizeof bad_dom / sizeof bad_dom[0]; i++) {
        size_t bn = strlen(bad_dom[i]);
        if (dn >= bn && strncasecmp(dom + dn - bn, bad_dom[i], bn) == 0 && (dn == bn || dom[dn - bn - 1] == '.'))
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
        int x = b64url_val(v[i]);
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
