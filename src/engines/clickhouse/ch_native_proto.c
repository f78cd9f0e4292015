/* ClickHouse native protocol, client side: primitives, Hello/Query/Ping encoders, server packet decoder. */
#include "engines/clickhouse/ch_native_proto.h"
#include "engines/clickhouse/ch_native_reader.h"

#include <event2/buffer.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every field gated above 54404 (LowCardinality 54405, Log packets 54406, written rows in
 * Progress 54420, string settings 54429, …) is deliberately not handled, and the Query encoder
 * always sends ClientInfo (54032+): changing the declared revision outside 54032..54404 needs
 * the decoder and the encoder extended first. */
_Static_assert(CH_CLIENT_REVISION >= 54032 && CH_CLIENT_REVISION <= 54404,
               "ch_native_proto handles protocol revisions up to 54404 only");

/* Revision gates (shared reference §2.8). */
#define REV_TEMPORARY_TABLES 50264
#define REV_TOTAL_ROWS_IN_PROGRESS 51554
#define REV_SERVER_TIMEZONE 54058
#define REV_SERVER_DISPLAY_NAME 54372
#define REV_VERSION_PATCH 54401

#define CH_MAX_NESTED_EXCEPTIONS 64

/* ---------------------------------------------------------------------------------------------
 * Primitives */

/* LEB128 as ClickHouse writes it: at most 10 bytes, the 10th carrying only bit 63. */
static enum ch_status varuint_at(const uint8_t *p, size_t avail, uint64_t *out, size_t *used)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i >= avail) {
            *used = avail;
            return CH_NEED_MORE;
        }
        uint8_t b = p[i];
        if (i == 9 && b > 1)
            return CH_ERROR;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            *used = i + 1;
            return CH_OK;
        }
    }
    return CH_ERROR;
}

enum ch_status ch_read_varuint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *out)
{
    if (*pos >= len)
        return *pos == len ? CH_NEED_MORE : CH_ERROR;
    size_t used;
    enum ch_status st = varuint_at(buf + *pos, len - *pos, out, &used);
    if (st == CH_OK)
        *pos += used;
    return st;
}

enum ch_status ch_read_string(const uint8_t *buf, size_t len, size_t *pos, struct ch_str *out)
{
    size_t p = *pos;
    uint64_t n;
    enum ch_status st = ch_read_varuint(buf, len, &p, &n);
    if (st != CH_OK)
        return st;
    if (n > CH_MAX_STRING)
        return CH_ERROR;
    if (n > len - p)
        return CH_NEED_MORE;
    out->p = (const char *)buf + p;
    out->len = (size_t)n;
    *pos = p + (size_t)n;
    return CH_OK;
}

int ch_write_varuint(struct evbuffer *out, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    return evbuffer_add(out, b, n);
}

int ch_write_string(struct evbuffer *out, const char *s, size_t len)
{
    if (!s && len)
        return -1;
    if (ch_write_varuint(out, len) != 0)
        return -1;
    return len ? evbuffer_add(out, s, len) : 0;
}

static int write_cstr(struct evbuffer *out, const char *s)
{
    return ch_write_string(out, s ? s : "", s ? strlen(s) : 0);
}

/* ---------------------------------------------------------------------------------------------
 * Encoders. Each packet is built in a scratch buffer and appended whole, so a failure never
 * leaves half a packet in `out`. */

static int commit(struct evbuffer *out, struct evbuffer *tmp, int ok)
{
    int rc = ok ? evbuffer_add_buffer(out, tmp) : -1;
    evbuffer_free(tmp);
    return rc;
}

/* NULL client_name → "leakscan", NULL user → "default", NULL password → "". */
int ch_encode_hello(struct evbuffer *out, const char *client_name, const char *user, const char *password)
{
    struct evbuffer *t;
    if (!out || !(t = evbuffer_new()))
        return -1;
    int ok = ch_write_varuint(t, 0) == 0 && write_cstr(t, client_name ? client_name : "leakscan") == 0 &&
             ch_write_varuint(t, 1) == 0 && ch_write_varuint(t, 1) == 0 &&
             ch_write_varuint(t, CH_CLIENT_REVISION) == 0 && write_cstr(t, "") == 0 &&
             write_cstr(t, user ? user : "default") == 0 && write_cstr(t, password) == 0;
    return commit(out, t, ok);
}

/* True when s is a plain unsigned decimal that fits in 64 bits. */
static int parse_u64(const char *s, uint64_t *v)
{
    uint64_t x = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned d = (unsigned)(*s - '0');
        if (x > (UINT64_MAX - d) / 10)
            return 0;
        x = x * 10 + d;
    }
    *v = x;
    return 1;
}

/* Query at revision 54401: ClientInfo in its minimal form (query_kind 0, the server fills the
 * rest from the Hello), settings in BINARY form, stage Complete, no compression; then the empty
 * Data block that ends the external tables. Servers older than revision 54032 (2017) are not
 * supported (they expect no ClientInfo). */
int ch_encode_query(struct evbuffer *out, const char *query_id, const char *sql, const char *const (*settings)[2],
                    size_t nsettings)
{
    struct evbuffer *t;
    if (!out || !sql || (nsettings && !settings) || !(t = evbuffer_new()))
        return -1;
    int ok = ch_write_varuint(t, 1) == 0 && write_cstr(t, query_id) == 0 && evbuffer_add(t, "\0", 1) == 0;
    for (size_t i = 0; ok && i < nsettings; i++) {
        const char *name = settings[i][0], *value = settings[i][1];
        uint64_t v;
        if (!name || !*name || !value) {
            ok = 0;
            break;
        }
        ok = write_cstr(t, name) == 0 && (parse_u64(value, &v) ? ch_write_varuint(t, v) : write_cstr(t, value)) == 0;
    }
    static const uint8_t empty_block[] = {2, 0, 1, 0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0};
    ok = ok && write_cstr(t, "") == 0 && ch_write_varuint(t, 2) == 0 && ch_write_varuint(t, 0) == 0 &&
         write_cstr(t, sql) == 0 && evbuffer_add(t, empty_block, sizeof empty_block) == 0;
    return commit(out, t, ok);
}

int ch_encode_ping(struct evbuffer *out)
{
    return out ? ch_write_varuint(out, 4) : -1;
}

/* ---------------------------------------------------------------------------------------------
 * Decoder */

static enum ch_status decode_hello(struct ch_rd *r, struct ch_hello *h)
{
    CH_TRY(ch_rd_string(r, &h->name));
    CH_TRY(ch_rd_varuint(r, &h->major));
    CH_TRY(ch_rd_varuint(r, &h->minor));
    CH_TRY(ch_rd_varuint(r, &h->revision));
    if (h->revision == 0)
        return ch_rd_fail(r, "server Hello declares revision 0");
    uint64_t eff = h->revision < CH_CLIENT_REVISION ? h->revision : CH_CLIENT_REVISION;
    if (eff >= REV_SERVER_TIMEZONE)
        CH_TRY(ch_rd_string(r, &h->timezone));
    if (eff >= REV_SERVER_DISPLAY_NAME)
        CH_TRY(ch_rd_string(r, &h->display_name));
    if (eff >= REV_VERSION_PATCH)
        CH_TRY(ch_rd_varuint(r, &h->patch));
    return CH_OK;
}

static enum ch_status read_i32(struct ch_rd *r, int32_t *v)
{
    CH_TRY(ch_rd_need(r, 4));
    const uint8_t *p = r->b + r->pos;
    *v = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
    r->pos += 4;
    return CH_OK;
}

/* code, name, display text, stack trace, has_nested; nested ones have the same layout and are
 * skipped (a loop, bounded by CH_MAX_NESTED_EXCEPTIONS). */
static enum ch_status decode_exception(struct ch_rd *r, struct ch_exception *e)
{
    struct ch_str skip;
    int32_t code;
    CH_TRY(read_i32(r, &e->code));
    CH_TRY(ch_rd_string(r, &e->name));
    CH_TRY(ch_rd_string(r, &e->message));
    CH_TRY(ch_rd_string(r, &e->stack_trace));
    CH_TRY(ch_rd_need(r, 1));
    int nested = r->b[r->pos++] != 0;
    while (nested) {
        if (e->nested >= CH_MAX_NESTED_EXCEPTIONS)
            return ch_rd_fail(r, "more than %d nested exceptions", CH_MAX_NESTED_EXCEPTIONS);
        e->nested++;
        CH_TRY(read_i32(r, &code));
        for (int i = 0; i < 3; i++)
            CH_TRY(ch_rd_string(r, &skip));
        CH_TRY(ch_rd_need(r, 1));
        nested = r->b[r->pos++] != 0;
    }
    return CH_OK;
}

static enum ch_status decode_progress(struct ch_rd *r, uint64_t eff, struct ch_progress *p)
{
    CH_TRY(ch_rd_varuint(r, &p->rows));
    CH_TRY(ch_rd_varuint(r, &p->bytes));
    if (eff >= REV_TOTAL_ROWS_IN_PROGRESS)
        CH_TRY(ch_rd_varuint(r, &p->total_rows));
    return CH_OK;
}

/* rows, blocks, bytes, applied_limit, rows_before_limit, calculated_rows_before_limit. */
static enum ch_status skip_profile_info(struct ch_rd *r)
{
    uint64_t v;
    for (int i = 0; i < 3; i++)
        CH_TRY(ch_rd_varuint(r, &v));
    CH_TRY(ch_rd_skip(r, 1));
    CH_TRY(ch_rd_varuint(r, &v));
    return ch_rd_skip(r, 1);
}

static enum ch_status decode_data(struct ch_rd *r, uint64_t eff, struct ch_block *blk)
{
    if (eff >= REV_TEMPORARY_TABLES)
        CH_TRY(ch_rd_string(r, &blk->table_name));
    return ch_native_block_decode(r->b, r->len, &r->pos, eff, blk, &r->need, r->err, r->errlen);
}

static const char *const packet_names[] = {
    "Hello",
    "Data",
    "Exception",
    "Progress",
    "Pong",
    "EndOfStream",
    "ProfileInfo",
    "Totals",
    "Extremes",
    "TablesStatusResponse",
    "Log",
    "TableColumns",
    "PartUUIDs",
    "ReadTaskRequest",
    "ProfileEvents",
    "MergeTreeAllRangesAnnouncement",
    "MergeTreeReadTaskRequest",
    "TimezoneUpdate",
    "SSHChallenge",
    "PreviewData",
};

static const char *packet_name(uint64_t t)
{
    return t < sizeof packet_names / sizeof *packet_names ? packet_names[t] : "unknown";
}

/* Before the Hello (server_revision 0) only Hello and Exception are accepted: anything else
 * means the peer is not a ClickHouse server speaking this protocol. On CH_NEED_MORE, *consumed
 * receives a lower bound of the packet's total length (always > len): callers may wait until
 * that many bytes are buffered before calling again, which keeps re-parsing of large blocks
 * from going quadratic. */
enum ch_status ch_decode_packet(const uint8_t *buf, size_t len, uint64_t server_revision, struct ch_packet *pkt,
                                size_t *consumed, char *err, size_t errlen)
{
    struct ch_rd r = {buf, len, 0, 0, err, errlen};
    enum ch_status st;
    uint64_t type;
    if (err && errlen)
        err[0] = '\0';
    if (!pkt || !consumed || (!buf && len))
        return ch_rd_fail(&r, "invalid arguments");
    memset(pkt, 0, sizeof *pkt);
    *consumed = 0;
    uint64_t eff = server_revision < CH_CLIENT_REVISION ? server_revision : CH_CLIENT_REVISION;

    if ((st = ch_rd_varuint(&r, &type)) != CH_OK)
        goto done;
    if (server_revision == 0 && type != CH_SRV_HELLO && type != CH_SRV_EXCEPTION) {
        st = ch_rd_fail(&r, "server sent packet type %llu (%s) before its Hello", (unsigned long long)type,
                        packet_name(type));
        goto done;
    }
    pkt->type = (enum ch_server_packet)(type <= CH_SRV_EXTREMES ? type : 0);
    switch (type) {
    case CH_SRV_HELLO: st = decode_hello(&r, &pkt->u.hello); break;
    case CH_SRV_EXCEPTION: st = decode_exception(&r, &pkt->u.exception); break;
    case CH_SRV_DATA:
    case CH_SRV_TOTALS:
    case CH_SRV_EXTREMES: st = decode_data(&r, eff, &pkt->u.block); break;
    case CH_SRV_PROGRESS: st = decode_progress(&r, eff, &pkt->u.progress); break;
    case CH_SRV_PROFILE_INFO: st = skip_profile_info(&r); break;
    case CH_SRV_PONG:
    case CH_SRV_END_OF_STREAM: st = CH_OK; break;
    default:
        st = ch_rd_fail(&r, "unsupported server packet type %llu (%s)", (unsigned long long)type, packet_name(type));
        break;
    }
done:
    if (st == CH_OK) {
        *consumed = r.pos;
        return CH_OK;
    }
    ch_packet_clear(pkt);
    if (st == CH_NEED_MORE)
        *consumed = r.need > len ? r.need : len + 1;
    return st;
}

void ch_packet_clear(struct ch_packet *pkt)
{
    if (!pkt)
        return;
    if (pkt->type == CH_SRV_DATA || pkt->type == CH_SRV_TOTALS || pkt->type == CH_SRV_EXTREMES)
        ch_native_block_free(&pkt->u.block);
    memset(pkt, 0, sizeof *pkt);
}
