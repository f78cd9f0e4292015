/* Text helpers shared by the writers, the engines and the detector: numbers, sizes, durations, a
 * growing buffer, UTF-8 checks and terminal-safe text. */
#ifndef LS_UTIL_FMT_H
#define LS_UTIL_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Size of the buffers the number formatters write into (fits UINT64_MAX with separators). */
#define LS_FMT_NUM 32

/* 1102000 -> "1,102,000". Returns out. */
char *ls_fmt_thousands(uint64_t v, char out[LS_FMT_NUM]);
/* Binary units with one decimal: 512 -> "512 B", 66979635 -> "63.9 MiB". Returns out. */
char *ls_fmt_bytes(uint64_t v, char out[LS_FMT_NUM]);
/* 850 -> "850 ms", 1234 -> "1.2 s", 125000 -> "2 min 5 s", 3725000 -> "1 h 2 min". Returns out. */
char *ls_fmt_duration(uint64_t ms, char out[LS_FMT_NUM]);

/* Returned by ls_utf8_decode for bytes that are not well-formed UTF-8. */
#define LS_UTF8_INVALID 0xFFFFFFFFu

/* Decodes one character from p[0..n) (n > 0). Returns the bytes consumed (>= 1) and sets *cp to the
 * code point, or to LS_UTF8_INVALID for an ill-formed sequence; then the return value is the length
 * of its maximal ill-formed subpart (Unicode's "substitution of maximal subparts"), so one U+FFFD
 * replaces it. Rejects overlong forms, surrogates and code points above U+10FFFF. */
size_t ls_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
bool ls_utf8_valid(const char *s, size_t n);
/* A malloc'd NUL-terminated copy of s[0..n) with every ill-formed sequence replaced by U+FFFD
 * (what jansson needs: it rejects invalid UTF-8). NULL only if out of memory. */
char *ls_utf8_sanitize(const char *s, size_t n);
/* Characters that hide or reorder the text around them when shown: C1 controls (U+0080..U+009F)
 * and the bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069). */
bool ls_cp_disguises(uint32_t cp);
/* For the machine formats (JSON, SARIF, HTML): well-formed UTF-8 without such characters; and a
 * malloc'd copy with ill-formed sequences and those characters replaced by U+FFFD (NULL only if
 * out of memory). */
bool ls_utf8_display_safe(const char *s, size_t n);
char *ls_utf8_display_sanitize(const char *s, size_t n);

/* ls_text_clean flags. */
#define LS_CLEAN_SPACE 1u /* \t \n \r \v \f become plain spaces (for prose that gets wrapped) */

/* A malloc'd copy of s[0..n) that is safe to print on a terminal: ill-formed UTF-8 becomes U+FFFD,
 * control characters (C0, DEL, C1) become visible escapes ("\x1b", "\u009b"), and so do the
 * bidirectional overrides (U+202A..U+202E, U+2066..U+2069) that can disguise text. A hostile
 * server's names therefore cannot move the cursor, recolour or rewrite the user's terminal.
 * NULL only if out of memory. */
char *ls_text_clean(const char *s, size_t n, unsigned flags);

/* The same, appended to a buffer. */
struct ls_buf;
void ls_buf_add_clean(struct ls_buf *b, const char *s, size_t n, unsigned flags);

/* Terminal columns taken by UTF-8 text s: East Asian wide characters count 2, combining marks 0,
 * ANSI SGR sequences ("\033[...m") 0. */
size_t ls_text_width(const char *s);

/* A growable string; any allocation failure is remembered in `oom` and further additions are
 * ignored, so callers check once at the end. */
struct ls_buf {
    char *p;
    size_t len;
    size_t cap;
    bool oom;
};

void ls_buf_add(struct ls_buf *b, const char *s, size_t n);
void ls_buf_puts(struct ls_buf *b, const char *s);
void ls_buf_pad(struct ls_buf *b, size_t spaces);
void ls_buf_printf(struct ls_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ls_buf_free(struct ls_buf *b);

/* Appends `text` word-wrapped to `width` columns: the first line starts with `prefix` (which takes
 * `prefix_width` columns on screen; it may hold colour codes), continuation lines are indented by
 * `indent` spaces. Words are split at spaces only; a word longer than the room left gets a line of
 * its own. Every line, including the last, ends with '\n'. */
void ls_buf_wrap(struct ls_buf *b, const char *prefix, size_t prefix_width, size_t indent, const char *text,
                 size_t width);

#endif
