/* Shared text helpers for the parsers (see textutil.h). */
#include "util/textutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"

#define QUOTE_MAX LS_QUOTE_MAX
#define is_digit ls_is_digit

void ls_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A printable, bounded copy of s[0..len) for quoting in a one-line message. */
const char *ls_quote(char *buf, size_t bufsz, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 4 < bufsz; i++) {
        if (i == QUOTE_MAX) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char c = (unsigned char)s[i];
        buf[o++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    buf[o] = '\0';
    return buf;
}

static void copy_printable(char *out, size_t k, const char *p)
{
    for (size_t i = 0; i < k; i++)
        out[i] = ((unsigned char)p[i] >= 0x20 && p[i] != 0x7f) ? p[i] : '?';
    out[k] = '\0';
}

void ls_copy_printable(char *out, size_t n, const char *p, size_t len)
{
    if (n)
        copy_printable(out, len < n - 1 ? len : n - 1, p);
}

void ls_copy_printable_utf8(char *out, size_t n, const char *p, size_t len)
{
    if (n)
        copy_printable(out, ls_utf8_cut(p, len < n - 1 ? len : n - 1), p);
}

bool ls_line_value(const char *text, size_t len, const char *name, char sep, const char **v, size_t *vlen)
{
    size_t nl = strlen(name);
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        if ((size_t)(le - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == sep) {
            *v = p + nl + 1;
            *vlen = (size_t)(le - *v);
            if (*vlen && (*v)[*vlen - 1] == '\r')
                (*vlen)--;
            return true;
        }
        p = le + 1;
    }
    return false;
}

/* Decimal 1-65535; leading zeros allowed. Returns 0 or -1. */
int ls_parse_port_num(const char *s, size_t len, uint16_t *port)
{
    unsigned long v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return -1;
        if (v <= 65535)
            v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}
