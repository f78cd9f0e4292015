/* ClickHouse native Data blocks: column types, bounded validation, and every value rendered as text. */
#include "engines/clickhouse/ch_native_proto.h"
#include "engines/clickhouse/ch_native_reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decoding is two passes over the same bytes: the first validates the whole block (lengths,
 * counts, offsets, types) without allocating, so an incomplete block costs one cheap scan and
 * CH_NEED_MORE; only a complete, valid block is then materialised into cells. */

#define REV_BLOCK_INFO 51903
#define MAX_BLOCK_INFO_FIELDS 32
#define MAX_ARRAY_DEPTH 8
/* Rendered text per packet. Valid packets stay below ~7 × CH_MAX_PACKET (a 2-byte Date in an
 * array renders as 13 bytes), so this only stops pathological input. */
#define MAX_TEXT ((size_t)256 << 20)

enum kind { K_STRING, K_FIXED, K_U8, K_U16, K_U32, K_U64, K_I8, K_I16, K_I32, K_I64, K_F32, K_F64, K_DATE, K_DATETIME };

struct ctype {
    unsigned arrays; /* Array( nesting depth */
    int nullable;    /* Nullable( directly around the scalar */
    enum kind kind;
    size_t width; /* bytes per value on the wire, 0 for String */
};

/* Upper bound of a value's rendered length, per kind (numbers, dates), 0 for strings. */
static const unsigned char max_width[] = {
    [K_U8] = 3,   [K_U16] = 5,  [K_U32] = 10, [K_U64] = 20, [K_I8] = 4,    [K_I16] = 6,
    [K_I32] = 11, [K_I64] = 20, [K_F32] = 24, [K_F64] = 26, [K_DATE] = 10, [K_DATETIME] = 19,
};

static uint64_t le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* ---------------------------------------------------------------------------------------------
 * Types */

/* A type name for an error message: printable ASCII only, at most 80 bytes. */
static const char *printable(struct ch_str s, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len && n + 4 < cap && i < 80; i++) {
        unsigned char c = (unsigned char)s.p[i];
        out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (s.len > 80 && n + 4 < cap) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

static int eat_wrapper(const char **p, size_t *n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (*n <= k || memcmp(*p, prefix, k) != 0 || (*p)[*n - 1] != ')')
        return 0;
    *p += k;
    *n -= k + 1;
    return 1;
}

static int is_name(const char *p, size_t n, const char *name)
{
    return n == strlen(name) && memcmp(p, name, n) == 0;
}

static enum ch_status parse_type(struct ch_rd *r, struct ch_str ts, struct ctype *t)
{
    static const struct {
        const char *name;
        enum kind kind;
        unsigned char width;
    } scalars[] = {
        {"String", K_STRING, 0},     {"UInt8", K_U8, 1},    {"UInt16", K_U16, 2},  {"UInt32", K_U32, 4},
        {"UInt64", K_U64, 8},        {"Int8", K_I8, 1},     {"Int16", K_I16, 2},   {"Int32", K_I32, 4},
        {"Int64", K_I64, 8},         {"Float32", K_F32, 4}, {"Float64", K_F64, 8}, {"Date", K_DATE, 2},
        {"DateTime", K_DATETIME, 4},
    };
    const char *p = ts.p;
    size_t n = ts.len;
    char tmp[96];
    memset(t, 0, sizeof *t);
    for (;;) {
        if (!t->nullable && eat_wrapper(&p, &n, "Array(")) {
            if (++t->arrays > MAX_ARRAY_DEPTH)
                return ch_rd_fail(r, "column type '%s' nests arrays deeper than %d", printable(ts, tmp, sizeof tmp),
                                  MAX_ARRAY_DEPTH);
        } else if (!t->nullable && eat_wrapper(&p, &n, "Nullable(")) {
            t->nullable = 1;
        } else {
            break;
        }
    }
    for (size_t i = 0; i < sizeof scalars / sizeof *scalars; i++)
        if (is_name(p, n, scalars[i].name)) {
            t->kind = scalars[i].kind;
            t->width = scalars[i].width;
            return CH_OK;
        }
    const char *q = p;
    size_t m = n;
    if (eat_wrapper(&q, &m, "FixedString(")) {
        size_t w = 0, i;
        for (i = 0; i < m && i < 9 && q[i] >= '0' && q[i] <= '9'; i++)
            w = w * 10 + (size_t)(q[i] - '0');
        if (i == m && w > 0 && w <= CH_MAX_STRING) {
            t->kind = K_FIXED;
            t->width = w;
            return CH_OK;
        }
    } else if (n > 12 && memcmp(p, "DateTime('", 10) == 0 && memcmp(p + n - 2, "')", 2) == 0) {
        t->kind = K_DATETIME; /* rendered in UTC whatever the zone */
        t->width = 4;
        return CH_OK;
    }
    return ch_rd_fail(r, "unsupported column type '%s'", printable(ts, tmp, sizeof tmp));
}

/* ---------------------------------------------------------------------------------------------
 * Pass 1: validation. Wire layout of a column of n values: per Array level n UInt64 cumulative
 * offsets (the last one is the next level's count), then the null map (count bytes) if Nullable,
 * then count scalars. Nothing at all is sent for a column of 0 rows. */

static enum ch_status skip_column(struct ch_rd *r, const struct ctype *t, uint64_t count)
{
    size_t elem_min = (t->width ? t->width : 1) + (t->nullable ? 1 : 0);
    for (unsigned l = 0; l < t->arrays && count; l++) {
        CH_TRY(ch_rd_need(r, count * 8));
        uint64_t prev = 0;
        for (uint64_t i = 0; i < count; i++) {
            uint64_t off = le(r->b + r->pos + i * 8, 8);
            if (off < prev)
                return ch_rd_fail(r, "array offsets decrease at offset %zu", r->pos + (size_t)i * 8);
            prev = off;
        }
        r->pos += (size_t)count * 8;
        size_t per = l + 1 < t->arrays ? 8 : elem_min;
        if (prev > (CH_MAX_PACKET - r->pos) / per)
            return ch_rd_too_big(r);
        count = prev;
    }
    if (!count)
        return CH_OK;
    if (t->nullable) {
        CH_TRY(ch_rd_need(r, count));
        r->pos += (size_t)count;
    }
    if (t->width) {
        enum ch_status st = ch_rd_need(r, count * t->width);
        if (st == CH_OK)
            r->pos += (size_t)count * t->width;
        return st;
    }
    CH_TRY(ch_rd_need(r, count)); /* every String is at least its length byte */
    for (uint64_t i = 0; i < count; i++) {
        struct ch_str s;
        enum ch_status st = ch_rd_string(r, &s);
        if (st == CH_NEED_MORE)
            r->need += (size_t)(count - i - 1);
        if (st != CH_OK)
            return st;
    }
    return CH_OK;
}

static enum ch_status block_header(struct ch_rd *r, uint64_t eff, uint64_t *ncols, uint64_t *nrows)
{
    if (eff >= REV_BLOCK_INFO) {
        for (int i = 0;; i++) {
            uint64_t field;
            if (i >= MAX_BLOCK_INFO_FIELDS)
                return ch_rd_fail(r, "more than %d BlockInfo fields", MAX_BLOCK_INFO_FIELDS);
            CH_TRY(ch_rd_varuint(r, &field));
            if (field == 0)
                break;
            if (field != 1 && field != 2)
                return ch_rd_fail(r, "unknown BlockInfo field %llu", (unsigned long long)field);
            CH_TRY(ch_rd_need(r, field == 1 ? 1 : 4)); /* is_overflows UInt8, bucket_num Int32 */
            r->pos += field == 1 ? 1 : 4;
        }
    }
    CH_TRY(ch_rd_varuint(r, ncols));
    CH_TRY(ch_rd_varuint(r, nrows));
    if (*ncols > CH_MAX_COLUMNS)
        return ch_rd_fail(r, "block has %llu columns (limit %d)", (unsigned long long)*ncols, CH_MAX_COLUMNS);
    if (*nrows > CH_MAX_ROWS)
        return ch_rd_fail(r, "block has %llu rows (limit %d)", (unsigned long long)*nrows, CH_MAX_ROWS);
    if (*ncols * *nrows > CH_MAX_PACKET - r->pos) /* every value takes at least one byte */
        return ch_rd_too_big(r);
    return CH_OK;
}

static enum ch_status validate_block(struct ch_rd *r, uint64_t eff)
{
    uint64_t ncols, nrows;
    CH_TRY(block_header(r, eff, &ncols, &nrows));
    for (uint64_t c = 0; c < ncols; c++) {
        struct ch_str name, type;
        struct ctype t;
        enum ch_status st = ch_rd_string(r, &name);
        if (st == CH_OK)
            st = ch_rd_string(r, &type);
        if (st == CH_OK)
            st = parse_type(r, type, &t);
        if (st == CH_OK && nrows)
            st = skip_column(r, &t, nrows);
        if (st == CH_NEED_MORE) {
            /* the remaining columns need a name, a type and a byte per row each */
            r->need += (size_t)((ncols - c - 1) * (2 + nrows));
            if (r->need > CH_MAX_PACKET)
                return ch_rd_too_big(r);
        }
        if (st != CH_OK)
            return st;
    }
    return CH_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Pass 2: rendering. A sink either only counts (dry run, numbers counted at their maximum
 * width) or writes into storage sized by the dry run. */

struct sink {
    char *p;
    size_t len, cap;
    int dry, overflow;
};

static void put(struct sink *s, const char *x, size_t n)
{
    if (!s->dry) {
        if (n > s->cap - s->len) {
            s->overflow = 1;
            return;
        }
        memcpy(s->p + s->len, x, n);
    }
    s->len += n;
}

static size_t fmt_u64(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static size_t fmt_i64(char *out, int64_t v)
{
    if (v >= 0)
        return fmt_u64(out, (uint64_t)v);
    out[0] = '-';
    return 1 + fmt_u64(out + 1, -(uint64_t)v);
}

static void two(char *o, unsigned v)
{
    o[0] = (char)('0' + v / 10 % 10);
    o[1] = (char)('0' + v % 10);
}

/* days since 1970-01-01 → "YYYY-MM-DD" (proleptic Gregorian, via 400-year eras; days ≥ 0). */
static size_t fmt_date(char *out, uint64_t days)
{
    uint64_t z = days + 719468; /* days since 0000-03-01 */
    uint64_t era = z / 146097, doe = z % 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint64_t mp = (5 * doy + 2) / 153;
    unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    unsigned y = (unsigned)(yoe + era * 400 + (m <= 2));
    two(out, y / 100);
    two(out + 2, y % 100);
    out[4] = '-';
    two(out + 5, m);
    out[7] = '-';
    two(out + 8, d);
    return 10;
}

static size_t fmt_datetime(char *out, uint64_t secs)
{
    fmt_date(out, secs / 86400);
    unsigned s = (unsigned)(secs % 86400);
    out[10] = ' ';
    two(out + 11, s / 3600);
    out[13] = ':';
    two(out + 14, s / 60 % 60);
    out[16] = ':';
    two(out + 17, s % 60);
    return 19;
}

/* Shortest text that reads back as the same value, laid out like ClickHouse does: plain
 * notation for exponents -6..20 ("0.000001", "100000000000000000000"), else "1.5e300"/"1e-7". */
static size_t fmt_float(char *out, double v, int single)
{
    const char *word = NULL;
    if (isnan(v))
        word = "nan";
    else if (isinf(v))
        word = v < 0 ? "-inf" : "inf";
    else if (v == 0)
        word = signbit(v) ? "-0" : "0";
    if (word) {
        memcpy(out, word, strlen(word));
        return strlen(word);
    }
    char tmp[48], digits[24];
    /* 6 (15) significant digits always read back for normal floats (doubles), so the search
     * starts there; subnormals have less precision and may need fewer digits */
    int subnormal = single ? fabs(v) < 1.17549435e-38 : fabs(v) < 2.2250738585072014e-308;
    int prec = subnormal ? 1 : single ? 6 : 15, maxp = single ? 9 : 17;
    for (;; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
        if (prec >= maxp || (single ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v))
            break;
    }
    size_t nd = 0, o = 0;
    const char *q = tmp;
    for (; *q && *q != 'e' && *q != 'E'; q++)
        if (*q >= '0' && *q <= '9' && nd < sizeof digits)
            digits[nd++] = *q;
    int e = *q ? atoi(q + 1) : 0;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (v < 0)
        out[o++] = '-';
    if (e >= -6 && e < 21) {
        int k = e + 1; /* digits before the point */
        if (k <= 0) {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = 0; i < -k; i++)
                out[o++] = '0';
            memcpy(out + o, digits, nd);
            o += nd;
        } else if ((size_t)k >= nd) {
            memcpy(out + o, digits, nd);
            o += nd;
            for (size_t i = nd; i < (size_t)k; i++)
                out[o++] = '0';
        } else {
            memcpy(out + o, digits, (size_t)k);
            o += (size_t)k;
            out[o++] = '.';
            memcpy(out + o, digits + k, nd - (size_t)k);
            o += nd - (size_t)k;
        }
        return o;
    }
    out[o++] = digits[0];
    if (nd > 1) {
        out[o++] = '.';
        memcpy(out + o, digits + 1, nd - 1);
        o += nd - 1;
    }
    out[o++] = 'e';
    return o + fmt_i64(out + o, e);
}

/* One fixed-width scalar at p as text (out has room for max_width[kind]). */
static size_t fmt_scalar(char *out, enum kind k, const uint8_t *p)
{
    uint64_t u;
    switch (k) {
    case K_U8: return fmt_u64(out, p[0]);
    case K_U16: return fmt_u64(out, le(p, 2));
    case K_U32: return fmt_u64(out, le(p, 4));
    case K_U64: return fmt_u64(out, le(p, 8));
    case K_I8: return fmt_i64(out, (int8_t)p[0]);
    case K_I16: return fmt_i64(out, (int16_t)(uint16_t)le(p, 2));
    case K_I32: return fmt_i64(out, (int32_t)(uint32_t)le(p, 4));
    case K_I64: return fmt_i64(out, (int64_t)le(p, 8));
    case K_F32: {
        float f;
        uint32_t w = (uint32_t)le(p, 4);
        memcpy(&f, &w, 4);
        return fmt_float(out, f, 1);
    }
    case K_F64: {
        double d;
        u = le(p, 8);
        memcpy(&d, &u, 8);
        return fmt_float(out, d, 0);
    }
    case K_DATE: return fmt_date(out, le(p, 2));
    case K_DATETIME: return fmt_datetime(out, le(p, 4));
    case K_STRING:
    case K_FIXED: break;
    }
    return 0;
}

/* 'text' with ClickHouse's quoted-string escapes (\' \\ \b \f \n \r \t \0). */
static void put_quoted(struct sink *s, const char *p, size_t n)
{
    put(s, "'", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (p[i]) {
        case '\'': esc = "\\'"; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\0': esc = "\\0"; break;
        default: continue;
        }
        put(s, p + run, i - run);
        put(s, esc, 2);
        run = i + 1;
    }
    put(s, p + run, n - run);
    put(s, "'", 1);
}

/* Where a validated column's streams start. */
struct layout {
    const uint8_t *b;
    const struct ctype *t;
    size_t lvl[MAX_ARRAY_DEPTH]; /* offsets of each Array level */
    size_t nulls, values, end;   /* null map, scalars, first byte after the column */
    uint64_t count;              /* number of scalars */
    size_t cursor;               /* next String (Strings are visited in order) */
};

static void column_layout(struct layout *L, const uint8_t *b, size_t pos, const struct ctype *t, uint64_t n)
{
    memset(L, 0, sizeof *L);
    L->b = b;
    L->t = t;
    for (unsigned l = 0; l < t->arrays && n; l++) {
        L->lvl[l] = pos;
        uint64_t last = le(b + pos + (n - 1) * 8, 8);
        pos += (size_t)n * 8;
        n = last;
    }
    if (t->arrays && !n) {
        L->nulls = L->values = L->cursor = L->end = pos;
        return;
    }
    L->count = n;
    L->nulls = pos;
    if (t->nullable)
        pos += (size_t)n;
    L->values = L->cursor = pos;
    if (t->width) {
        pos += (size_t)(n * t->width);
    } else {
        for (uint64_t i = 0; i < n; i++) {
            uint64_t sl;
            ch_read_varuint(b, SIZE_MAX, &pos, &sl);
            pos += (size_t)sl;
        }
    }
    L->end = pos;
}

static struct ch_str next_string(struct layout *L)
{
    uint64_t n = 0;
    ch_read_varuint(L->b, SIZE_MAX, &L->cursor, &n);
    struct ch_str s = {(const char *)L->b + L->cursor, (size_t)n};
    L->cursor += (size_t)n;
    return s;
}

/* Scalar j (of L->count) as an array element. */
static void put_element(struct sink *s, struct layout *L, uint64_t j)
{
    const struct ctype *t = L->t;
    int null = t->nullable && L->b[L->nulls + j];
    if (t->kind == K_STRING) {
        struct ch_str v = next_string(L);
        if (null)
            put(s, "NULL", 4);
        else
            put_quoted(s, v.p, v.len);
        return;
    }
    if (null) {
        put(s, "NULL", 4);
    } else if (t->kind == K_FIXED) {
        put_quoted(s, (const char *)L->b + L->values + j * t->width, t->width);
    } else {
        int quoted = t->kind == K_DATE || t->kind == K_DATETIME;
        char tmp[32];
        size_t n = s->dry ? max_width[t->kind] : fmt_scalar(tmp, t->kind, L->b + L->values + j * t->width);
        if (quoted)
            put(s, "'", 1);
        if (s->dry)
            s->len += n;
        else
            put(s, tmp, n);
        if (quoted)
            put(s, "'", 1);
    }
}

static uint64_t offset_before(const struct layout *L, unsigned l, uint64_t i)
{
    return i ? le(L->b + L->lvl[l] + (i - 1) * 8, 8) : 0;
}

/* Items [lo, hi) of level l+1 as "[a,b]"; recursion depth ≤ MAX_ARRAY_DEPTH. */
static void put_array(struct sink *s, struct layout *L, unsigned l, uint64_t lo, uint64_t hi)
{
    put(s, "[", 1);
    for (uint64_t j = lo; j < hi; j++) {
        if (j > lo)
            put(s, ",", 1);
        if (l + 1 < L->t->arrays)
            put_array(s, L, l + 1, offset_before(L, l + 1, j), offset_before(L, l + 1, j + 1));
        else
            put_element(s, L, j);
    }
    put(s, "]", 1);
}

static const char empty_cell[1] = "";

/* Fills col->cells (and is_null / text_storage) for n rows at *pos; advances *pos. */
static enum ch_status build_column(struct ch_rd *r, const struct ctype *t, uint64_t n, struct ch_column *col,
                                   size_t *text_total)
{
    struct layout L;
    column_layout(&L, r->b, r->pos, t, n);
    if (!(col->cells = calloc((size_t)n, sizeof *col->cells)))
        return ch_rd_fail(r, "out of memory");
    if (t->nullable && !t->arrays && !(col->is_null = calloc((size_t)n, 1)))
        return ch_rd_fail(r, "out of memory");
    int direct = !t->arrays && (t->kind == K_STRING || t->kind == K_FIXED);
    struct sink s = {NULL, 0, 0, 1, 0};
    if (!direct) {
        if (t->arrays) {
            for (uint64_t i = 0; i < n; i++)
                put_array(&s, &L, 0, offset_before(&L, 0, i), offset_before(&L, 0, i + 1));
            L.cursor = L.values;
        } else {
            s.len = (size_t)n * max_width[t->kind];
        }
        if (s.len > MAX_TEXT - *text_total)
            return ch_rd_fail(r, "block renders to more than %zu bytes of text", MAX_TEXT);
        *text_total += s.len;
        if (!(col->text_storage = malloc(s.len ? s.len : 1)))
            return ch_rd_fail(r, "out of memory");
        s = (struct sink){col->text_storage, 0, s.len, 0, 0};
    }
    for (uint64_t i = 0; i < n; i++) {
        struct ch_str *cell = &col->cells[i];
        int null = col->is_null && (col->is_null[i] = L.b[L.nulls + i] != 0);
        if (t->arrays) {
            size_t start = s.len;
            put_array(&s, &L, 0, offset_before(&L, 0, i), offset_before(&L, 0, i + 1));
            *cell = (struct ch_str){col->text_storage + start, s.len - start};
        } else if (t->kind == K_STRING) {
            *cell = next_string(&L);
        } else if (t->kind == K_FIXED) {
            *cell = (struct ch_str){(const char *)L.b + L.values + i * t->width, t->width};
        } else if (!null) {
            size_t start = s.len;
            s.len += fmt_scalar(s.p + start, t->kind, L.b + L.values + i * t->width);
            *cell = (struct ch_str){s.p + start, s.len - start};
        }
        if (null)
            *cell = (struct ch_str){empty_cell, 0};
    }
    if (s.overflow)
        return ch_rd_fail(r, "internal error: rendered text overflowed its estimate");
    r->pos = L.end;
    return CH_OK;
}

static enum ch_status build_block(struct ch_rd *r, uint64_t eff, struct ch_block *blk)
{
    uint64_t ncols, nrows;
    size_t text_total = 0;
    CH_TRY(block_header(r, eff, &ncols, &nrows));
    blk->nrows = nrows;
    if (ncols && !(blk->cols = calloc((size_t)ncols, sizeof *blk->cols)))
        return ch_rd_fail(r, "out of memory");
    blk->ncols = ncols;
    for (uint64_t c = 0; c < ncols; c++) {
        struct ch_column *col = &blk->cols[c];
        struct ctype t;
        CH_TRY(ch_rd_string(r, &col->name));
        CH_TRY(ch_rd_string(r, &col->type));
        CH_TRY(parse_type(r, col->type, &t));
        if (nrows)
            CH_TRY(build_column(r, &t, nrows, col, &text_total));
    }
    return CH_OK;
}

enum ch_status ch_native_block_decode(const uint8_t *buf, size_t len, size_t *pos, uint64_t eff, struct ch_block *blk,
                                      size_t *need, char *err, size_t errlen)
{
    struct ch_rd r = {buf, len, *pos, 0, err, errlen};
    enum ch_status st = validate_block(&r, eff);
    if (st == CH_NEED_MORE)
        *need = r.need;
    if (st != CH_OK)
        return st;
    size_t end = r.pos;
    r.pos = *pos;
    st = build_block(&r, eff, blk);
    if (st == CH_OK && r.pos != end)
        st = ch_rd_fail(&r, "internal error: block decoded to %zu bytes, validated %zu", r.pos, end);
    if (st != CH_OK) {
        ch_native_block_free(blk);
        return CH_ERROR; /* the bytes were all there: anything failing now is an error */
    }
    *pos = r.pos;
    return CH_OK;
}

void ch_native_block_free(struct ch_block *blk)
{
    for (uint64_t c = 0; blk->cols && c < blk->ncols; c++) {
        free(blk->cols[c].cells);
        free(blk->cols[c].is_null);
        free(blk->cols[c].text_storage);
    }
    free(blk->cols);
    memset(blk, 0, sizeof *blk);
}
