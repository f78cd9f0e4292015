/* Small text helpers shared by the target, port and scope parsers: one-line error messages with
 * the bad value quoted (bounded, printable), strict port numbers, digit and ASCII letter tests.
 * Also used by the TSV, validator and detection code, and by every engine that keeps a server's
 * words in a fixed buffer (ls_copy_printable). */
#ifndef LS_UTIL_TEXTUTIL_H
#define LS_UTIL_TEXTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LS_QUOTE_MAX 80

/* snprintf into err (if err and errlen are non-zero). */
void ls_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A printable copy of s[0..len) for quoting in a one-line message: control and non-ASCII bytes
 * become '?', more than LS_QUOTE_MAX bytes end in "...". bufsz >= LS_QUOTE_MAX + 8 holds any. */
const char *ls_quote(char *buf, size_t bufsz, const char *s, size_t len);
/* A server's bytes p[0..len) as text in out[0..n): at most n-1 bytes, NUL-terminated; control
 * bytes and DEL (0x7f) become '?', every other byte (UTF-8 included) is kept. Nothing when n is 0. */
void ls_copy_printable(char *out, size_t n, const char *p, size_t len);
/* The same, but a cut at n-1 falls back to a UTF-8 character boundary (no half character). */
void ls_copy_printable_utf8(char *out, size_t n, const char *p, size_t len);
/* The value of the line "name<sep>value" in text[0..len) (lines end in \n or \r\n; the first
 * such line): *v and *vlen set, true if present. For INFO-like replies (Redis, ZooKeeper). */
bool ls_line_value(const char *text, size_t len, const char *name, char sep, const char **v, size_t *vlen);
/* Decimal 1-65535, digits only (leading zeros allowed). Returns 0 or -1. */
int ls_parse_port_num(const char *s, size_t len, uint16_t *port);
static inline bool ls_is_digit(char c)
{
    return c >= '0' && c <= '9';
}
/* ASCII letters only (the C locale's isalpha, without the locale lookup). */
static inline bool ls_is_alpha(char c)
{
    return (unsigned)((unsigned char)(c | 0x20) - 'a') < 26u;
}
static inline bool ls_is_alnum(char c)
{
    return ls_is_alpha(c) || ls_is_digit(c);
}
/* A-Z to a-z, every other byte as it is (the C locale's tolower). */
static inline char ls_ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}
/* Value of one hexadecimal digit, or -1. */
static inline int ls_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Value of one base64 digit, either alphabet (standard "+/" or URL-safe "-_"), or -1. */
static inline int ls_b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

#endif
