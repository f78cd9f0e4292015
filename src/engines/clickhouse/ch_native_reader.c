/* The native codec's bounded reader (see ch_native_reader.h). */
#include "engines/clickhouse/ch_native_reader.h"

#include <stdarg.h>
#include <stdio.h>

enum ch_status ch_rd_fail(struct ch_rd *r, const char *fmt, ...)
{
    if (r->err && r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err, r->errlen, fmt, ap);
        va_end(ap);
    }
    return CH_ERROR;
}

enum ch_status ch_rd_too_big(struct ch_rd *r)
{
    return ch_rd_fail(r, "server packet larger than %u bytes", (unsigned)CH_MAX_PACKET);
}

enum ch_status ch_rd_need(struct ch_rd *r, uint64_t n)
{
    if (n > CH_MAX_PACKET - r->pos)
        return ch_rd_too_big(r);
    if (n > r->len - r->pos) {
        r->need = r->pos + (size_t)n;
        return CH_NEED_MORE;
    }
    return CH_OK;
}

enum ch_status ch_rd_skip(struct ch_rd *r, size_t n)
{
    enum ch_status st = ch_rd_need(r, n);
    if (st == CH_OK)
        r->pos += n;
    return st;
}

enum ch_status ch_rd_varuint(struct ch_rd *r, uint64_t *v)
{
    size_t lim = r->len < CH_MAX_PACKET ? r->len : CH_MAX_PACKET;
    if (r->pos >= lim)
        return ch_rd_need(r, 1);
    size_t p = r->pos;
    enum ch_status st = ch_read_varuint(r->b, lim, &p, v);
    if (st == CH_OK) {
        r->pos = p;
        return CH_OK;
    }
    if (st == CH_NEED_MORE)
        return ch_rd_need(r, lim - r->pos + 1);
    return ch_rd_fail(r, "VarUInt longer than 10 bytes or above 2^64 at offset %zu", r->pos);
}

enum ch_status ch_rd_string(struct ch_rd *r, struct ch_str *s)
{
    uint64_t n;
    CH_TRY(ch_rd_varuint(r, &n));
    if (n > CH_MAX_STRING)
        return ch_rd_fail(r, "string of %llu bytes exceeds the %u-byte limit", (unsigned long long)n,
                          (unsigned)CH_MAX_STRING);
    CH_TRY(ch_rd_need(r, n));
    s->p = (const char *)r->b + r->pos;
    s->len = (size_t)n;
    r->pos += (size_t)n;
    return CH_OK;
}
