/* Formatting helpers for the report writers: numbers, sizes, durations, UTF-8 and terminal-safe text. */
#include "util/fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ls_fmt_thousands(uint64_t v, char out[LS_FMT_NUM])
{
    char rev[LS_FMT_NUM];
    size_t n = 0, digits = 0;
    do {
        if (digits && digits % 3 == 0)
            rev[n++] = ',';
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
        digits++;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
    return out;
}

char *ls_fmt_bytes(uint64_t v, char out[LS_FMT_NUM])
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (v < 1024) {
        snprintf(out, LS_FMT_NUM, "%u B", (unsigned)v);
        return out;
    }
    double d = (double)v / 1024.0;
    size_t u = 0;
    /* Move up a unit when the value would print as 1024.0 or more after rounding. */
    while (d >= 1023.95 && u + 1 < sizeof units / sizeof *units) {
        d /= 1024.0;
        u++;
    }
    snprintf(out, LS_FMT_NUM, "%.1f %s", d, units[u]);
    return out;
}

char *ls_fmt_duration(uint64_t ms, char out[LS_FMT_NUM])
{
    if (ms < 1000)
        snprintf(out, LS_FMT_NUM, "%u ms", (unsigned)ms);
    else if (ms < 59950)
        snprintf(out, LS_FMT_NUM, "%.1f s", (double)ms / 1000.0);
    else if (ms < 3600000) {
        uint64_t s = (ms + 500) / 1000;
        snprintf(out, LS_FMT_NUM, "%u min %u s", (unsigned)(s / 60), (unsigned)(s % 60));
    } else {
        uint64_t m = (ms + 30000) / 60000;
        snprintf(out, LS_FMT_NUM, "%llu h %u min", (unsigned long long)(m / 60), (unsigned)(m % 60));
    }
    return out;
}

size_t ls_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t need;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* no overlong forms */
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        *cp = LS_UTF8_INVALID;
        return 1;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || p[i] < lo || p[i] > hi) {
            *cp = LS_UTF8_INVALID;
            return i;
        }
        v = (v << 6) | (p[i] & 0x3Fu);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = v;
    return need + 1;
}

static bool ascii8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return (w & 0x8080808080808080ull) == 0;
}

/* Well-formed UTF-8, and (display) without characters that disguise text. */
static bool utf8_ok(const char *s, size_t n, bool display)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        /* report text is nearly all ASCII: skip 8 such bytes per step, 1 without a decode call */
        if (i + 8 <= n && ascii8(p + i)) {
            i += 8;
            continue;
        }
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        i += ls_utf8_decode(p + i, n - i, &cp);
        if (cp == LS_UTF8_INVALID || (display && ls_cp_disguises(cp)))
            return false;
    }
    return true;
}

bool ls_utf8_valid(const char *s, size_t n)
{
    return utf8_ok(s, n, false);
}
bool ls_utf8_display_safe(const char *s, size_t n)
{
    return utf8_ok(s, n, true);
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

static char *sanitize(const char *s, size_t n, bool display)
{
    struct ls_buf b = {0};
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    ls_buf_add(&b, "", 0);
    for (size_t i = 0; i < n;) {
        size_t k = ls_utf8_decode(p + i, n - i, &cp);
        if (cp == LS_UTF8_INVALID || (display && ls_cp_disguises(cp)))
            ls_buf_add(&b, replacement, 3);
        else
            ls_buf_add(&b, s + i, k);
        i += k;
    }
    if (b.oom) {
        ls_buf_free(&b);
        return NULL;
    }
    return b.p;
}

char *ls_utf8_sanitize(const char *s, size_t n)
{
    return sanitize(s, n, false);
}
char *ls_utf8_display_sanitize(const char *s, size_t n)
{
    return sanitize(s, n, true);
}

bool ls_cp_disguises(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void ls_buf_add_clean(struct ls_buf *b, const char *s, size_t n, unsigned flags)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t k = ls_utf8_decode(p + i, n - i, &cp);
        if (cp == LS_UTF8_INVALID)
            ls_buf_add(b, replacement, 3);
        else if (cp < 0x20 || cp == 0x7F) {
            if ((flags & LS_CLEAN_SPACE) && (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f'))
                ls_buf_add(b, " ", 1);
            else
                ls_buf_printf(b, "\\x%02x", (unsigned)cp);
        } else if (ls_cp_disguises(cp))
            ls_buf_printf(b, "\\u%04x", (unsigned)cp);
        else
            ls_buf_add(b, s + i, k);
        i += k;
    }
}

char *ls_text_clean(const char *s, size_t n, unsigned flags)
{
    struct ls_buf b = {0};
    ls_buf_add(&b, "", 0);
    ls_buf_add_clean(&b, s, n, flags);
    if (b.oom) {
        ls_buf_free(&b);
        return NULL;
    }
    return b.p;
}

static unsigned char_width(uint32_t cp)
{
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F))
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
        (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
        (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

static size_t width_n(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        if (p[i] == 0x1B && i + 1 < n && p[i + 1] == '[') { /* skip an ANSI CSI sequence */
            i += 2;
            while (i < n && !(p[i] >= 0x40 && p[i] <= 0x7E))
                i++;
            i += i < n;
            continue;
        }
        i += ls_utf8_decode(p + i, n - i, &cp);
        w += cp == LS_UTF8_INVALID ? 1 : char_width(cp);
    }
    return w;
}

size_t ls_text_width(const char *s)
{
    return width_n(s, strlen(s));
}

void ls_buf_add(struct ls_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ls_buf_puts(struct ls_buf *b, const char *s)
{
    ls_buf_add(b, s, strlen(s));
}

void ls_buf_pad(struct ls_buf *b, size_t spaces)
{
    static const char blanks[] = "                                ";
    while (spaces > 0) {
        size_t k = spaces < sizeof blanks - 1 ? spaces : sizeof blanks - 1;
        ls_buf_add(b, blanks, k);
        spaces -= k;
    }
}

void ls_buf_printf(struct ls_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        ls_buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ls_buf_add(b, big, (size_t)n);
    free(big);
}

void ls_buf_free(struct ls_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void ls_buf_wrap(struct ls_buf *b, const char *prefix, size_t prefix_width, size_t indent, const char *text,
                 size_t width)
{
    size_t col = prefix_width;
    bool line_empty = true;
    ls_buf_puts(b, prefix);
    for (const char *p = text;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - word), w = width_n(word, len);
        if (!line_empty && col + 1 + w > width) {
            ls_buf_add(b, "\n", 1);
            ls_buf_pad(b, indent);
            col = indent;
            line_empty = true;
        }
        if (!line_empty) {
            ls_buf_add(b, " ", 1);
            col++;
        }
        ls_buf_add(b, word, len);
        col += w;
        line_empty = false;
    }
    ls_buf_add(b, "\n", 1);
}
