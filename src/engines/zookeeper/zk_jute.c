/* ZooKeeper jute encoding and decoding, bounded (zk_jute.h). */
#include <string.h>

#include "engines/zookeeper/zk_jute.h"
#include "util/strbuf.h"

void zk_reader_init(struct zk_reader *r, const void *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->off = 0;
    r->bad = false;
}

static bool take(struct zk_reader *r, size_t n)
{
    if (r->bad || r->len - r->off < n) {
        r->bad = true;
        return false;
    }
    return true;
}

int32_t zk_read_int(struct zk_reader *r)
{
    if (!take(r, 4))
        return 0;
    const uint8_t *b = r->p + r->off;
    r->off += 4;
    return (int32_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
}

int64_t zk_read_long(struct zk_reader *r)
{
    if (!take(r, 8))
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | r->p[r->off + (size_t)i];
    r->off += 8;
    return (int64_t)v;
}

bool zk_read_bool(struct zk_reader *r)
{
    if (!take(r, 1))
        return false;
    return r->p[r->off++] != 0;
}

bool zk_read_buffer(struct zk_reader *r, const uint8_t **p, size_t *len)
{
    *p = NULL;
    *len = 0;
    int32_t n = zk_read_int(r);
    if (r->bad)
        return false;
    if (n == -1)
        return true;
    if (n < 0 || !take(r, (size_t)n)) {
        r->bad = true;
        return false;
    }
    *p = r->p + r->off;
    *len = (size_t)n;
    r->off += (size_t)n;
    return true;
}

bool zk_read_count(struct zk_reader *r, size_t min_item, size_t *count)
{
    *count = 0;
    int32_t n = zk_read_int(r);
    if (r->bad)
        return false;
    if (n == -1)
        return true;
    if (n < 0 || (min_item && (size_t)n > (r->len - r->off) / min_item)) {
        r->bad = true;
        return false;
    }
    *count = (size_t)n;
    return true;
}

enum zk_frame zk_frame(const uint8_t *buf, size_t avail, size_t max, size_t *payload_len, size_t *used)
{
    *payload_len = 0;
    *used = 4;
    if (avail < 4)
        return ZK_FRAME_NEED_MORE;
    uint32_t n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
    if (n > 0x7fffffffu || n > max)
        return ZK_FRAME_BAD;
    *used = 4 + (size_t)n;
    if (avail < *used)
        return ZK_FRAME_NEED_MORE;
    *payload_len = n;
    return ZK_FRAME_OK;
}

/* ---- encoding --------------------------------------------------------------------------------- */

struct zk_writer {
    uint8_t *p;
    size_t cap, len;
    bool bad;
};

static void put_bytes(struct zk_writer *w, const void *b, size_t n)
{
    if (w->bad || w->cap - w->len < n) {
        w->bad = true;
        return;
    }
    if (n)
        memcpy(w->p + w->len, b, n);
    w->len += n;
}

static void put_int(struct zk_writer *w, int32_t v)
{
    uint32_t u = (uint32_t)v;
    uint8_t b[4] = {(uint8_t)(u >> 24), (uint8_t)(u >> 16), (uint8_t)(u >> 8), (uint8_t)u};
    put_bytes(w, b, 4);
}

static void put_long(struct zk_writer *w, int64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
    put_bytes(w, b, 8);
}

/* Writes the frame length over the first 4 bytes once the payload is in. */
static size_t finish_frame(struct zk_writer *w)
{
    if (w->bad || w->len < 4)
        return 0;
    uint32_t n = (uint32_t)(w->len - 4);
    w->p[0] = (uint8_t)(n >> 24);
    w->p[1] = (uint8_t)(n >> 16);
    w->p[2] = (uint8_t)(n >> 8);
    w->p[3] = (uint8_t)n;
    return w->len;
}

size_t zk_encode_connect(uint8_t *out, size_t cap, int32_t timeout_ms)
{
    struct zk_writer w = {out, cap, 0, false};
    static const uint8_t zero_pw[16];
    put_int(&w, 0);          /* frame length, set below */
    put_int(&w, 0);          /* protocolVersion */
    put_long(&w, 0);         /* lastZxidSeen */
    put_int(&w, timeout_ms); /* timeOut */
    put_long(&w, 0);         /* sessionId: a new session */
    put_int(&w, 16);         /* passwd */
    put_bytes(&w, zero_pw, 16);
    put_bytes(&w, "", 1); /* readOnly = false */
    return finish_frame(&w);
}

size_t zk_encode_request(uint8_t *out, size_t cap, int32_t xid, int32_t op, const char *path)
{
    struct zk_writer w = {out, cap, 0, false};
    put_int(&w, 0);
    put_int(&w, xid);
    put_int(&w, op);
    if (path) {
        size_t n = strlen(path);
        if (n > 65535)
            return 0;
        put_int(&w, (int32_t)n);
        put_bytes(&w, path, n);
        if (op == ZK_OP_GET_DATA || op == ZK_OP_GET_CHILDREN2)
            put_bytes(&w, "", 1); /* watch = false */
    }
    return finish_frame(&w);
}

/* ---- decoding --------------------------------------------------------------------------------- */

bool zk_parse_connect_response(const uint8_t *payload, size_t len, struct zk_connect_response *out)
{
    memset(out, 0, sizeof *out);
    if (len != 36 && len != 37)
        return false;
    struct zk_reader r;
    zk_reader_init(&r, payload, len);
    out->protocol_version = zk_read_int(&r);
    out->timeout_ms = zk_read_int(&r);
    out->session_id = zk_read_long(&r);
    const uint8_t *pw;
    size_t pwlen;
    if (!zk_read_buffer(&r, &pw, &pwlen) || pwlen != 16)
        return false;
    if (len == 37)
        out->read_only = zk_read_bool(&r);
    return zk_reader_done(&r) && out->protocol_version == 0 && out->timeout_ms >= 0;
}

bool zk_read_reply_header(struct zk_reader *r, struct zk_reply_header *h)
{
    h->xid = zk_read_int(r);
    h->zxid = zk_read_long(r);
    h->err = zk_read_int(r);
    return !r->bad;
}

bool zk_read_stat(struct zk_reader *r, struct zk_stat *st)
{
    st->czxid = zk_read_long(r);
    st->mzxid = zk_read_long(r);
    st->ctime = zk_read_long(r);
    st->mtime = zk_read_long(r);
    st->version = zk_read_int(r);
    st->cversion = zk_read_int(r);
    st->aversion = zk_read_int(r);
    st->ephemeral_owner = zk_read_long(r);
    st->data_length = zk_read_int(r);
    st->num_children = zk_read_int(r);
    st->pzxid = zk_read_long(r);
    return !r->bad;
}

bool zk_read_acl(struct zk_reader *r, struct zk_acl *a)
{
    a->perms = zk_read_int(r);
    return zk_read_buffer(r, &a->scheme, &a->scheme_len) && zk_read_buffer(r, &a->id, &a->id_len);
}

void zk_perms_text(int32_t perms, char *out)
{
    static const struct {
        int32_t bit;
        char c;
    } letters[] = {
        {ZK_PERM_CREATE, 'c'}, {ZK_PERM_DELETE, 'd'}, {ZK_PERM_READ, 'r'}, {ZK_PERM_WRITE, 'w'}, {ZK_PERM_ADMIN, 'a'}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (perms & letters[i].bit)
            out[n++] = letters[i].c;
    out[n] = '\0';
}

static void append_clean(struct ls_strbuf *b, const uint8_t *p, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) {
        char c = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
        ls_sb_append_n(b, &c, 1);
    }
}

static bool bytes_are(const uint8_t *p, size_t n, const char *s)
{
    return p && n == strlen(s) && memcmp(p, s, n) == 0;
}

void zk_acl_text(const struct zk_acl *a, char *out, size_t n)
{
    struct ls_strbuf b;
    char perms[8];
    ls_sb_init(&b, out, n);
    append_clean(&b, a->scheme, a->scheme_len, 32);
    ls_sb_append(&b, ":");
    size_t idlen = a->id_len;
    bool digest = bytes_are(a->scheme, a->scheme_len, "digest");
    if (digest && a->id) { /* "user:base64(sha1(user:password))": keep the user only */
        const uint8_t *colon = memchr(a->id, ':', a->id_len);
        idlen = colon ? (size_t)(colon - a->id) : a->id_len;
    }
    append_clean(&b, a->id, idlen, 96);
    if (digest)
        ls_sb_append(&b, ":…");
    zk_perms_text(a->perms, perms);
    ls_sb_printf(&b, ":%s", perms);
}

bool zk_acl_is_world(const struct zk_acl *a)
{
    return bytes_are(a->scheme, a->scheme_len, "world") && bytes_are(a->id, a->id_len, "anyone");
}

bool zk_parse_acl_list(const uint8_t *body, size_t len, char *out, size_t n, int32_t *world)
{
    struct zk_reader r;
    struct ls_strbuf b;
    size_t count;
    *world = 0;
    ls_sb_init(&b, out, n);
    zk_reader_init(&r, body, len);
    if (!zk_read_count(&r, 12, &count))
        return false;
    for (size_t k = 0; k < count; k++) {
        struct zk_acl a;
        if (!zk_read_acl(&r, &a))
            return false;
        char one[160];
        zk_acl_text(&a, one, sizeof one);
        ls_sb_printf(&b, "%s%s", k ? ", " : "", one);
        if (zk_acl_is_world(&a))
            *world |= a.perms;
    }
    ls_sb_mark_cut(&b, ", …");
    struct zk_stat st;
    return zk_read_stat(&r, &st);
}

bool zk_parse_children2(const uint8_t *body, size_t len, size_t max,
                        void (*each)(void *ud, const uint8_t *name, size_t len), void *ud, size_t *count,
                        struct zk_stat *st)
{
    struct zk_reader r;
    zk_reader_init(&r, body, len);
    if (!zk_read_count(&r, 4, count))
        return false;
    for (size_t k = 0; k < *count; k++) {
        const uint8_t *p;
        size_t n;
        if (!zk_read_buffer(&r, &p, &n))
            return false;
        if (k < max && p)
            each(ud, p, n);
    }
    return zk_read_stat(&r, st);
}
