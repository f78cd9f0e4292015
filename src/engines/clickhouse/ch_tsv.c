/* Streaming ClickHouse TabSeparated decoder: splits rows and cells and undoes TSV escaping.
 *
 * Escapes: \b \f \r \n \t \0 \a \v \' \\ map to their bytes, \xHH (either case) to the byte HH,
 * and any other \c to c (so \N, ClickHouse's NULL marker, decodes to "N"). A \x that is not
 * followed by two hex digits is kept literally as 'x' plus whatever digit came, and the next byte
 * is read normally; a backslash at the very end of a cell stays a backslash. An escaped tab or
 * newline (backslash followed by the raw byte) is data, not a separator.
 *
 * Rows end at an unescaped '\n' and cells split at an unescaped '\t'; an empty line is a row with
 * one empty cell. Bytes are decoded once, as they arrive, straight into the row buffer, with a NUL
 * where each separator was, so a row split over any number of feeds costs linear time. The raw
 * length of a row (without its newline) may not exceed max_row (0 means CH_TSV_MAX_ROW) and a row
 * may not have more than CH_TSV_MAX_CELLS cells; either is an error, and errors are sticky: every
 * later feed/finish returns -1. Memory stays below max_row + 17 bytes plus the cell index.
 * Plain runs are found and copied 16 bytes per step (SSE2) and two-byte escapes decoded inline;
 * only \\x sequences, escapes split across feeds and rows near the cap go byte by byte. */
#include "engines/clickhouse/ch_tsv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util/textutil.h"

enum { S_NORMAL, S_ESC, S_HEX1, S_HEX2 };

#define TSV_SLACK 16 /* room past the row for 16-byte stores */

struct dec {
    int state;
    char hex1; /* first hex digit as written, in S_HEX2 */
};

struct ch_tsv {
    size_t max_row;
    ch_tsv_row_cb cb;
    void *ud;
    char *buf; /* decoded row: closed cells each followed by NUL, then the open cell */
    size_t len, cap;
    size_t cell_start; /* offset of the open cell */
    size_t raw;        /* raw bytes of the current row so far */
    size_t *offs, *lens;
    char **ptrs;
    size_t ncells, cellcap;
    struct dec d;
    size_t rows;
    bool failed;
};

/* \a \b \f \n \r \t \v \0 stand for control bytes, any other \c for c. A table, not a switch:
 * the jump table a switch becomes mispredicts on the mix of escapes in real data. */
static inline char esc_char(unsigned char c)
{
    static const char letters['v' - 'a' + 1] = {['a' - 'a'] = '\a', ['b' - 'a'] = '\b', ['f' - 'a'] = '\f',
                                                ['n' - 'a'] = '\n', ['r' - 'a'] = '\r', ['t' - 'a'] = '\t',
                                                ['v' - 'a'] = '\v'};
    unsigned k = (unsigned)c - 'a';
    if (k <= 'v' - 'a' && letters[k])
        return letters[k];
    return c == '0' ? '\0' : (char)c;
}

/* Decodes one byte; writes 0-3 output bytes to out and returns how many. The output never runs
 * ahead of the input consumed, so decoding in place is safe. */
static size_t dec_byte(struct dec *d, unsigned char c, char *out)
{
    size_t o = 0;
    switch (d->state) {
    case S_ESC:
        if (c == 'x') {
            d->state = S_HEX1;
            return 0;
        }
        d->state = S_NORMAL;
        out[0] = esc_char(c);
        return 1;
    case S_HEX1:
        if (ls_hexval((unsigned char)c) >= 0) {
            d->hex1 = (char)c;
            d->state = S_HEX2;
            return 0;
        }
        out[o++] = 'x';
        break;
    case S_HEX2:
        if (ls_hexval((unsigned char)c) >= 0) {
            d->state = S_NORMAL;
            out[0] = (char)(ls_hexval((unsigned char)(unsigned char)d->hex1) << 4 | ls_hexval((unsigned char)c));
            return 1;
        }
        out[o++] = 'x';
        out[o++] = d->hex1;
        break;
    default: break;
    }
    /* S_NORMAL, or an abandoned \x sequence: c is an ordinary byte */
    d->state = S_NORMAL;
    if (c == '\\')
        d->state = S_ESC;
    else
        out[o++] = (char)c;
    return o;
}

/* Output for an escape left open at the end of a cell. */
static size_t dec_flush(struct dec *d, char *out)
{
    size_t o = 0;
    switch (d->state) {
    case S_ESC: out[o++] = '\\'; break;
    case S_HEX1: out[o++] = 'x'; break;
    case S_HEX2:
        out[o++] = 'x';
        out[o++] = d->hex1;
        break;
    default: break;
    }
    d->state = S_NORMAL;
    return o;
}

size_t ch_tsv_unescape(char *s, size_t len)
{
    struct dec d = {S_NORMAL, 0};
    size_t o = 0;
    for (size_t i = 0; i < len; i++)
        o += dec_byte(&d, (unsigned char)s[i], s + o);
    o += dec_flush(&d, s + o);
    if (o < len)
        s[o] = '\0';
    return o;
}

struct ch_tsv *ch_tsv_new(size_t max_row, ch_tsv_row_cb cb, void *ud)
{
    struct ch_tsv *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (max_row == 0)
        max_row = CH_TSV_MAX_ROW;
    if (max_row > SIZE_MAX / 4)
        max_row = SIZE_MAX / 4;
    p->max_row = max_row;
    p->cb = cb;
    p->ud = ud;
    return p;
}

void ch_tsv_free(struct ch_tsv *p)
{
    if (!p)
        return;
    free(p->buf);
    free(p->offs);
    free(p->lens);
    free(p->ptrs);
    free(p);
}

size_t ch_tsv_rows(const struct ch_tsv *p)
{
    return p ? p->rows : 0;
}

static int fail(struct ch_tsv *p)
{
    p->failed = true;
    return -1;
}

/* Makes room for extra more bytes; the row invariants keep len + extra <= max_row + 1, plus the
 * slack a 16-byte store may need. */
static int reserve(struct ch_tsv *p, size_t extra)
{
    size_t need = p->len + extra;
    if (need <= p->cap)
        return 0;
    size_t limit = p->max_row + 1 + TSV_SLACK;
    if (need > limit)
        return -1;
    size_t ncap = p->cap ? p->cap * 2 : 256;
    if (ncap < need)
        ncap = need;
    if (ncap > limit)
        ncap = limit;
    char *nb = realloc(p->buf, ncap);
    if (!nb)
        return -1;
    p->buf = nb;
    p->cap = ncap;
    return 0;
}

/* Records the open cell as ending at `end` (where its NUL is) and opens the next one after it. */
static int cell_at(struct ch_tsv *p, size_t end)
{
    if (p->ncells == p->cellcap) {
        size_t ncap = p->cellcap ? p->cellcap * 2 : 16;
        if (ncap > CH_TSV_MAX_CELLS)
            ncap = CH_TSV_MAX_CELLS;
        size_t *no = realloc(p->offs, ncap * sizeof *no);
        if (!no)
            return -1;
        p->offs = no;
        size_t *nl = realloc(p->lens, ncap * sizeof *nl);
        if (!nl)
            return -1;
        p->lens = nl;
        char **np = realloc(p->ptrs, ncap * sizeof *np);
        if (!np)
            return -1;
        p->ptrs = np;
        p->cellcap = ncap;
    }
    p->offs[p->ncells] = p->cell_start;
    p->lens[p->ncells] = end - p->cell_start;
    p->ncells++;
    p->cell_start = end + 1;
    return 0;
}

static int close_cell(struct ch_tsv *p)
{
    if (p->ncells == p->cellcap && p->ncells == CH_TSV_MAX_CELLS)
        return -1;
    if (reserve(p, 1) != 0 || cell_at(p, p->len) != 0)
        return -1;
    p->buf[p->len++] = '\0';
    return 0;
}

static int end_row(struct ch_tsv *p)
{
    if (close_cell(p) != 0)
        return -1;
    for (size_t i = 0; i < p->ncells; i++)
        p->ptrs[i] = p->buf + p->offs[i];
    p->rows++;
    if (p->cb)
        p->cb(p->ud, p->ptrs, p->lens, p->ncells);
    p->len = p->cell_start = p->ncells = p->raw = 0;
    return 0;
}

/* A separator ('\t' or '\n') outside an escape; a half-read \x sequence is flushed first. */
static int separator(struct ch_tsv *p, unsigned char c)
{
    if (p->d.state != S_NORMAL) {
        if (reserve(p, 2) != 0)
            return -1;
        p->len += dec_flush(&p->d, p->buf + p->len);
    }
    if (c == '\n')
        return end_row(p);
    if (close_cell(p) != 0 || p->ncells >= CH_TSV_MAX_CELLS)
        return -1; /* a further cell follows */
    return 0;
}

static bool special(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\\';
}

/* Appends a run of ordinary bytes (no separator, no backslash) to the open cell. */
static int copy_run(struct ch_tsv *p, const unsigned char *s, size_t run)
{
    if (run > p->max_row - p->raw || reserve(p, run) != 0)
        return -1;
    memcpy(p->buf + p->len, s, run);
    p->len += run;
    p->raw += run;
    return 0;
}

/* Copies the ordinary bytes from s[i] on into the open cell; returns the offset of the next
 * '\t', '\n' or '\\' (or len), or (size_t)-1 when the row grew too long. With SSE2, 16 bytes are
 * tested and stored per step (the bytes stored past the run are overwritten later); whatever
 * might not fit that way (the row cap is near) goes through the exact byte-count path. */
static size_t plain(struct ch_tsv *p, const unsigned char *s, size_t i, size_t len)
{
#ifdef __SSE2__
    /* Per 16 bytes: stored as they are, then tabs (same length) turned into cell ends in place
     * and a two-byte escape other than \x decoded, without leaving the loop; it stops at a
     * newline, \x, input that ends inside an escape, or near the row cap. Locals, not p->…:
     * stores through buf could alias the struct for the compiler. */
    const __m128i tab = _mm_set1_epi8('\t'), nl = _mm_set1_epi8('\n'), bs = _mm_set1_epi8('\\');
    char *buf = p->buf;
    size_t o = p->len, cap = p->cap, raw = p->raw, room = p->max_row - p->raw;
    bool stop = false;
    while (len - i >= 16 && room >= 16) {
        if (cap - o < 16) {
            p->len = o;
            if (reserve(p, 16) != 0)
                break;
            buf = p->buf;
            cap = p->cap;
        }
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned mt = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, tab));
        unsigned mb = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, bs));
        unsigned ms = mb | (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
        _mm_storeu_si128((__m128i *)(void *)(buf + o), v);
        size_t k = ms ? (size_t)__builtin_ctz(ms) : 16;
        for (mt &= k < 16 ? (1u << k) - 1 : 0xffffu; mt; mt &= mt - 1) {
            size_t end = o + (size_t)__builtin_ctz(mt);
            buf[end] = '\0';
            if (cell_at(p, end) != 0 || p->ncells >= CH_TSV_MAX_CELLS) {
                p->len = o;
                return (size_t)-1;
            }
        }
        o += k;
        raw += k;
        room -= k;
        i += k;
        if (!ms)
            continue;
        if (((mb >> k) & 1) && i + 1 < len && s[i + 1] != 'x' && room >= 2) {
            buf[o++] = esc_char(s[i + 1]); /* within the 16 bytes reserved */
            raw += 2;
            room -= 2;
            i += 2;
            continue;
        }
        stop = true;
        break;
    }
    p->len = o;
    p->raw = raw;
    if (stop)
        return i;
#endif
    size_t j = i;
    while (j < len && !special(s[j]))
        j++;
    if (j > i && copy_run(p, s + i, j - i) != 0)
        return (size_t)-1;
    return j;
}

/* One byte outside a plain run: a separator, a backslash, or a byte inside an escape. */
static int special_byte(struct ch_tsv *p, unsigned char c)
{
    bool sep = (c == '\t' || c == '\n') && p->d.state != S_ESC;
    if (c == '\n' && sep)
        return separator(p, c);
    if (p->raw == p->max_row)
        return -1;
    p->raw++;
    if (sep)
        return separator(p, c);
    char out[3];
    size_t k = dec_byte(&p->d, c, out);
    if (k == 0)
        return 0;
    if (reserve(p, k) != 0)
        return -1;
    memcpy(p->buf + p->len, out, k);
    p->len += k;
    return 0;
}

int ch_tsv_feed(struct ch_tsv *p, const char *data, size_t len)
{
    if (!p || p->failed)
        return -1;
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        if (p->d.state == S_NORMAL) {
            /* the common case: copy the run up to the next special byte whole */
            i = plain(p, s, i, len);
            if (i == (size_t)-1)
                return fail(p);
            if (i == len)
                break;
            /* a two-byte escape other than \x, decoded here (\x goes byte by byte below) */
            if (s[i] == '\\' && i + 1 < len && s[i + 1] != 'x' && p->max_row - p->raw >= 2) {
                if (reserve(p, 1) != 0)
                    return fail(p);
                p->buf[p->len++] = esc_char(s[i + 1]);
                p->raw += 2;
                i += 2;
                continue;
            }
        }
        if (special_byte(p, s[i++]) != 0)
            return fail(p);
    }
    return 0;
}

int ch_tsv_finish(struct ch_tsv *p)
{
    if (!p || p->failed)
        return -1;
    if (p->raw == 0)
        return 0;
    if (separator(p, '\n') != 0)
        return fail(p);
    return 0;
}
