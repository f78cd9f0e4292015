/* The MySQL/MariaDB wire protocol, bounded: framing, greeting, OK/ERR/EOF, auth switch, text
 * resultset, and the few client packets (see mysql_proto.h for the choice of an own parser). Every
 * read checks the remaining length first; nothing here allocates more than the column cap says. */
#include "engines/mysql/mysql_proto.h"

#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/textutil.h"

enum { RS_FIRST, RS_DEFS, RS_DEFS_EOF, RS_ROWS, RS_OVER };

static uint32_t le(const uint8_t *p, size_t bytes)
{
    uint32_t v = 0;
    for (size_t i = bytes; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

enum mysql_status mysql_frame(const uint8_t *buf, size_t n, size_t cap, struct mysql_packet *pkt, size_t *used)
{
    if (n < MYSQL_HDR) {
        *used = MYSQL_HDR;
        return MYSQL_MORE;
    }
    size_t len = le(buf, 3);
    if (len == MYSQL_SPLIT || len > cap)
        return MYSQL_BAD;
    *used = MYSQL_HDR + len;
    if (n < *used)
        return MYSQL_MORE;
    pkt->p = buf + MYSQL_HDR;
    pkt->len = len;
    pkt->seq = buf[3];
    return MYSQL_DONE;
}

int mysql_lenenc_int(const uint8_t *p, size_t n, size_t *pos, uint64_t *out)
{
    if (*pos >= n)
        return -1;
    uint8_t b = p[*pos];
    size_t bytes = b < 0xFB ? 0 : b == 0xFC ? 2 : b == 0xFD ? 3 : b == 0xFE ? 8 : 0;
    if (b == 0xFB) {
        (*pos)++;
        return 1;
    }
    if (b == 0xFF)
        return -1;
    if (!bytes) {
        *out = b;
        (*pos)++;
        return 0;
    }
    if (n - *pos - 1 < bytes)
        return -1;
    uint64_t v = 0;
    for (size_t i = bytes; i > 0; i--)
        v = v << 8 | p[*pos + i];
    *out = v;
    *pos += 1 + bytes;
    return 0;
}

int mysql_lenenc_str(const uint8_t *p, size_t n, size_t *pos, const uint8_t **s, size_t *len)
{
    uint64_t l;
    int r = mysql_lenenc_int(p, n, pos, &l);
    if (r != 0)
        return r;
    if (l > n - *pos)
        return -1;
    *s = p + *pos;
    *len = (size_t)l;
    *pos += (size_t)l;
    return 0;
}

static bool fail(char *why, size_t whyn, const char *text)
{
    struct ls_strbuf b;
    ls_sb_init(&b, why, whyn);
    ls_sb_append(&b, text);
    return false;
}

/* Copies a NUL-terminated (or packet-terminated) string at p[*pos..n) into out; false if empty
 * and `need_nul` while no NUL was found. */
static bool take_cstr(const uint8_t *p, size_t n, size_t *pos, char *out, size_t outn, bool need_nul)
{
    const uint8_t *nul = *pos < n ? memchr(p + *pos, 0, n - *pos) : NULL;
    if (!nul && need_nul)
        return false;
    size_t len = nul ? (size_t)(nul - (p + *pos)) : n - *pos;
    ls_copy_printable_utf8(out, outn, (const char *)p + *pos, len);
    *pos += len + (nul ? 1 : 0);
    return true;
}

bool mysql_parse_handshake(const uint8_t *p, size_t n, struct mysql_handshake *h, char *why, size_t whyn)
{
    memset(h, 0, sizeof *h);
    if (n < 1 || p[0] != 10)
        return fail(why, whyn, "not a protocol 10 greeting");
    h->protocol = p[0];
    size_t pos = 1;
    const uint8_t *nul = memchr(p + 1, 0, n - 1);
    if (!nul || nul == p + 1 || (size_t)(nul - p) > 128)
        return fail(why, whyn, "greeting without a server version");
    for (const uint8_t *c = p + 1; c < nul; c++)
        if (*c < 0x20 || *c >= 0x7f)
            return fail(why, whyn, "server version not printable");
    if (p[1] < '0' || p[1] > '9')
        return fail(why, whyn, "server version does not start with a digit");
    take_cstr(p, n, &pos, h->version, sizeof h->version, true);
    if (n - pos < 4 + 8 + 1 + 2)
        return fail(why, whyn, "greeting truncated after the version");
    h->conn_id = le(p + pos, 4);
    pos += 4;
    memcpy(h->scramble, p + pos, 8);
    h->scramble_len = 8;
    pos += 8;
    if (p[pos++] != 0)
        return fail(why, whyn, "greeting filler byte is not 0");
    h->caps = le(p + pos, 2);
    pos += 2;
    if (pos == n)
        return true; /* a 3.x-era greeting: nothing more */
    if (n - pos < 1 + 2 + 2 + 1 + 10)
        return fail(why, whyn, "greeting truncated after the capability flags");
    h->charset = p[pos];
    h->status = (uint16_t)le(p + pos + 1, 2);
    h->caps |= le(p + pos + 3, 2) << 16;
    size_t auth_len = p[pos + 5];
    pos += 16;
    if (h->caps & MYSQL_CLIENT_SECURE_CONNECTION) {
        size_t part2 = auth_len > 8 ? auth_len - 8 : 13;
        if (part2 < 13)
            part2 = 13;
        if (part2 > n - pos)
            return fail(why, whyn, "greeting auth data longer than the packet");
        size_t keep = part2;
        if (keep && p[pos + keep - 1] == 0)
            keep--;
        if (keep > sizeof h->scramble - 8)
            keep = sizeof h->scramble - 8;
        memcpy(h->scramble + 8, p + pos, keep);
        h->scramble_len = 8 + keep;
        pos += part2;
    }
    if (h->caps & MYSQL_CLIENT_PLUGIN_AUTH)
        take_cstr(p, n, &pos, h->plugin, sizeof h->plugin, false);
    return true;
}

bool mysql_parse_err(const uint8_t *p, size_t n, struct mysql_err *e)
{
    memset(e, 0, sizeof *e);
    if (!mysql_is_err(p, n))
        return false;
    e->code = (uint16_t)le(p + 1, 2);
    size_t pos = 3;
    if (n - pos >= 6 && p[pos] == '#') {
        ls_copy_printable_utf8(e->state, sizeof e->state, (const char *)p + pos + 1, 5);
        pos += 6;
    }
    ls_copy_printable_utf8(e->msg, sizeof e->msg, (const char *)p + pos, n - pos);
    return true;
}

bool mysql_is_ok(const uint8_t *p, size_t n)
{
    if (n < 7 || p[0] != 0x00)
        return false;
    size_t pos = 1;
    uint64_t v;
    return mysql_lenenc_int(p, n, &pos, &v) == 0 && mysql_lenenc_int(p, n, &pos, &v) == 0 && n - pos >= 4;
}

bool mysql_parse_auth_switch(const uint8_t *p, size_t n, char *plugin, size_t pn, const uint8_t **data, size_t *dlen)
{
    if (n < 2 || p[0] != 0xFE)
        return false;
    size_t pos = 1;
    if (!take_cstr(p, n, &pos, plugin, pn, false) || !plugin[0])
        return false;
    *data = p + pos;
    *dlen = n - pos;
    return true;
}

void mysql_put_header(uint8_t *out, size_t len, uint8_t seq)
{
    out[0] = (uint8_t)(len & 0xFF);
    out[1] = (uint8_t)(len >> 8 & 0xFF);
    out[2] = (uint8_t)(len >> 16 & 0xFF);
    out[3] = seq;
}

static void put_le32(uint8_t *o, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        o[i] = (uint8_t)(v >> (8 * i));
}

size_t mysql_build_login(uint8_t *out, size_t cap, uint32_t caps, uint8_t charset, const char *user,
                         const uint8_t *auth, size_t alen, const char *plugin)
{
    size_t ul = strlen(user), pl = plugin ? strlen(plugin) : 0;
    size_t need = MYSQL_HDR + 32 + ul + 1 + 1 + alen + pl + 1;
    if (alen > 250 || need > cap)
        return 0;
    uint8_t *o = out + MYSQL_HDR;
    put_le32(o, caps);
    put_le32(o + 4, 1u << 24); /* max packet we accept */
    o[8] = charset;
    memset(o + 9, 0, 23);
    size_t pos = 32;
    memcpy(o + pos, user, ul + 1);
    pos += ul + 1;
    o[pos++] = (uint8_t)alen; /* lenenc or 1-byte length: the same for < 251 bytes */
    if (alen)
        memcpy(o + pos, auth, alen);
    pos += alen;
    if ((caps & MYSQL_CLIENT_PLUGIN_AUTH) && plugin) {
        memcpy(o + pos, plugin, pl + 1);
        pos += pl + 1;
    }
    mysql_put_header(out, pos, 1);
    return MYSQL_HDR + pos;
}

uint8_t *mysql_build_query(const char *sql, size_t *len)
{
    size_t sl = strlen(sql);
    if (sl + 1 >= MYSQL_SPLIT)
        return NULL;
    uint8_t *b = malloc(MYSQL_HDR + 1 + sl);
    if (!b)
        return NULL;
    mysql_put_header(b, sl + 1, 0);
    b[MYSQL_HDR] = 0x03; /* COM_QUERY */
    memcpy(b + MYSQL_HDR + 1, sql, sl);
    *len = MYSQL_HDR + 1 + sl;
    return b;
}

/* ---- text resultset ------------------------------------------------------------------------- */

void mysql_rs_init(struct mysql_rs *rs, size_t max_cols)
{
    memset(rs, 0, sizeof *rs);
    rs->max_cols = max_cols;
}

void mysql_rs_free(struct mysql_rs *rs)
{
    for (size_t i = 0; rs->names && i < rs->ncols; i++)
        free(rs->names[i]);
    free(rs->names);
    free(rs->cells);
    free(rs->lens);
    rs->names = NULL;
    rs->cells = NULL;
    rs->lens = NULL;
    rs->ncols = 0;
}

static enum mysql_rs_event bad(struct mysql_rs *rs, const char *why)
{
    fail(rs->why, sizeof rs->why, why);
    rs->state = RS_OVER;
    return MYSQL_RS_BAD;
}

static enum mysql_rs_event on_first(struct mysql_rs *rs, const uint8_t *p, size_t n)
{
    if (n && p[0] == 0x00) {
        rs->state = RS_OVER;
        return mysql_is_ok(p, n) ? MYSQL_RS_END : bad(rs, "malformed OK packet");
    }
    if (n && p[0] == 0xFB)
        return bad(rs, "the server asked for a local file (LOAD DATA LOCAL): refused");
    size_t pos = 0;
    uint64_t ncols = 0;
    if (mysql_lenenc_int(p, n, &pos, &ncols) != 0 || pos != n || ncols == 0)
        return bad(rs, "malformed column count");
    if (ncols > rs->max_cols)
        return bad(rs, "more columns than the cap");
    rs->names = calloc((size_t)ncols, sizeof *rs->names);
    rs->cells = calloc((size_t)ncols, sizeof *rs->cells);
    rs->lens = calloc((size_t)ncols, sizeof *rs->lens);
    rs->ncols = ncols;
    if (!rs->names || !rs->cells || !rs->lens)
        return bad(rs, "out of memory");
    rs->state = RS_DEFS;
    return MYSQL_RS_CONT;
}

static enum mysql_rs_event on_def(struct mysql_rs *rs, const uint8_t *p, size_t n)
{
    size_t pos = 0;
    const uint8_t *s = NULL;
    size_t len = 0;
    for (int i = 0; i < 5; i++) /* catalog, schema, table, org_table, name */
        if (mysql_lenenc_str(p, n, &pos, &s, &len) != 0)
            return bad(rs, "malformed column definition");
    char name[256];
    ls_copy_printable_utf8(name, sizeof name, (const char *)s, len);
    rs->names[rs->defs_seen] = strdup(name);
    if (!rs->names[rs->defs_seen])
        return bad(rs, "out of memory");
    if (++rs->defs_seen == rs->ncols)
        rs->state = RS_DEFS_EOF;
    return MYSQL_RS_CONT;
}

static enum mysql_rs_event on_row(struct mysql_rs *rs, const uint8_t *p, size_t n)
{
    if (mysql_is_eof(p, n)) {
        rs->state = RS_OVER;
        return MYSQL_RS_END;
    }
    size_t pos = 0;
    for (size_t i = 0; i < rs->ncols; i++) {
        int r = mysql_lenenc_str(p, n, &pos, &rs->cells[i], &rs->lens[i]);
        if (r < 0)
            return bad(rs, "malformed row");
        if (r == 1) {
            rs->cells[i] = NULL;
            rs->lens[i] = 0;
        }
    }
    if (pos != n)
        return bad(rs, "row longer than its cells");
    rs->ncells = (size_t)rs->ncols;
    rs->rows++;
    return MYSQL_RS_ROW;
}

enum mysql_rs_event mysql_rs_feed(struct mysql_rs *rs, const uint8_t *p, size_t n)
{
    if (rs->state != RS_OVER && rs->state != RS_DEFS_EOF && mysql_is_err(p, n)) {
        mysql_parse_err(p, n, &rs->err);
        rs->state = RS_OVER;
        return MYSQL_RS_ERR;
    }
    switch (rs->state) {
    case RS_FIRST: return on_first(rs, p, n);
    case RS_DEFS: return on_def(rs, p, n);
    case RS_DEFS_EOF:
        if (!mysql_is_eof(p, n))
            return bad(rs, "no EOF after the column definitions");
        rs->state = RS_ROWS;
        return MYSQL_RS_CONT;
    case RS_ROWS: return on_row(rs, p, n);
    default: return bad(rs, "packet after the end of the result");
    }
}
