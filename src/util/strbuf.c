/* Bounded string builder (see strbuf.h). */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ls_sb_init(struct ls_strbuf *b, char *buf, size_t cap)
{
    b->buf = buf;
    b->cap = cap;
    b->len = 0;
    b->truncated = false;
    if (cap)
        buf[0] = '\0';
}

size_t ls_utf8_cut(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    /* walk back over at most 3 continuation bytes to the lead byte of the last sequence */
    size_t i = n, back = 0;
    while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0)
        return n; /* only continuation bytes: not UTF-8 text, leave it */
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead < 0x80             ? 1
                  : (lead & 0xE0) == 0xC0 ? 2
                  : (lead & 0xF0) == 0xE0 ? 3
                  : (lead & 0xF8) == 0xF0 ? 4
                                          : 1;
    if (lead >= 0x80 && back + 1 < need)
        return i - 1; /* the last sequence is incomplete: drop it */
    return n;
}

void ls_sb_append_n(struct ls_strbuf *b, const char *s, size_t n)
{
    if (!b->cap)
        return;
    size_t room = ls_sb_room(b);
    if (n > room) {
        n = ls_utf8_cut(s, room);
        b->truncated = true;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void ls_sb_append(struct ls_strbuf *b, const char *s)
{
    ls_sb_append_n(b, s, strlen(s));
}

void ls_sb_printf(struct ls_strbuf *b, const char *fmt, ...)
{
    if (!b->cap)
        return;
    size_t room = ls_sb_room(b);
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->buf + b->len, room + 1, fmt, ap);
    va_end(ap);
    if (w < 0) {
        b->buf[b->len] = '\0';
        b->truncated = true;
        return;
    }
    if ((size_t)w > room) {
        size_t keep = ls_utf8_cut(b->buf + b->len, room);
        b->len += keep;
        b->buf[b->len] = '\0';
        b->truncated = true;
        return;
    }
    b->len += (size_t)w;
}

void ls_sb_mark_cut(struct ls_strbuf *b, const char *mark)
{
    if (!b->truncated || !b->cap)
        return;
    size_t m = strlen(mark);
    if (m > b->cap - 1)
        return;
    size_t keep = b->len;
    if (keep + m > b->cap - 1)
        keep = ls_utf8_cut(b->buf, b->cap - 1 - m);
    memcpy(b->buf + keep, mark, m);
    b->len = keep + m;
    b->buf[b->len] = '\0';
}
