/* A bounded string builder over a caller's buffer: appends never write past the capacity, the
 * text stays NUL-terminated, and a cut is recorded (and lands on a UTF-8 character boundary, so a
 * truncated server string never leaves half a character for a JSON or HTML writer). The one way
 * report, note and evidence strings are assembled. Adding snprintf's return value to a position
 * is banned (scripts/lint.sh): it is the length that would have been written, and the next write
 * goes past the end. */
#ifndef LS_UTIL_STRBUF_H
#define LS_UTIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct ls_strbuf {
    char *buf;
    size_t cap;     /* bytes in buf, including the NUL */
    size_t len;     /* bytes of text, always < cap (when cap > 0) */
    bool truncated; /* some append did not fit */
};

/* Starts an empty text in buf[0..cap). cap may be 0 (then nothing is ever written). */
void ls_sb_init(struct ls_strbuf *b, char *buf, size_t cap);
/* Appends formatted text; what does not fit is cut at a character boundary and `truncated` set. */
void ls_sb_printf(struct ls_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s[0..n). */
void ls_sb_append_n(struct ls_strbuf *b, const char *s, size_t n);
void ls_sb_append(struct ls_strbuf *b, const char *s);
/* Bytes that can still be appended without a cut. */
static inline size_t ls_sb_room(const struct ls_strbuf *b)
{
    return b->cap ? b->cap - 1 - b->len : 0;
}
/* Replaces the tail with `mark` (e.g. ", …") if the text was cut, keeping it within the capacity
 * and on a character boundary; a no-op if nothing was cut or the mark does not fit at all. */
void ls_sb_mark_cut(struct ls_strbuf *b, const char *mark);

/* Length of the longest prefix of s[0..n) that does not end inside a UTF-8 sequence. */
size_t ls_utf8_cut(const char *s, size_t n);

#endif
