/* Bounded parser of memcached text replies and of one binary response (mc_proto.h). Reply shapes
 * as doc/protocol.txt of the memcached sources describes them: lines end in CR LF; a `stats`
 * reply is `STAT <name> <value>` lines and END; a get reply is `VALUE <key> <flags> <bytes>
 * [<cas unique>]`, the data block and CR LF per item, then END; errors are ERROR, CLIENT_ERROR
 * <text> and SERVER_ERROR <text>. A binary response is a 24-byte header (magic 0x81, opcode,
 * key length, extras length, data type, status, total body length, opaque, CAS) and the body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/memcached/mc_proto.h"
#include "util/num.h"
#include "util/textutil.h"

const struct mc_limits mc_default_limits = {
    .max_line = 4096, .max_items = 4096, .max_value = 1u << 20, .max_total = 8u << 20};

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

void mc_reply_free(struct mc_reply *r)
{
    if (!r)
        return;
    free(r->fields);
    free(r->items);
    r->fields = NULL;
    r->items = NULL;
    r->nfields = r->nitems = 0;
}

/* The next line from buf[pos..len): 1 with [*ls, *le) (CR LF stripped) and *next; 0 if it is not
 * complete yet; -1 if it is longer than max. */
static int next_line(const char *buf, size_t len, size_t pos, size_t max, const char **ls, size_t *ll, size_t *next)
{
    size_t avail = len - pos;
    size_t look = avail < max + 2 ? avail : max + 2;
    const char *nl = memchr(buf + pos, '\n', look);
    if (!nl)
        return avail >= max + 2 ? -1 : 0;
    size_t n = (size_t)(nl - (buf + pos));
    *ls = buf + pos;
    if (n && buf[pos + n - 1] == '\r')
        n--;
    if (n > max)
        return -1;
    *ll = n;
    *next = (size_t)(nl - buf) + 1;
    return 1;
}

static bool line_is(const char *l, size_t n, const char *word)
{
    size_t w = strlen(word);
    return n == w && memcmp(l, word, w) == 0;
}

static bool line_starts(const char *l, size_t n, const char *prefix)
{
    size_t w = strlen(prefix);
    return n >= w && memcmp(l, prefix, w) == 0;
}

static bool error_line(const char *l, size_t n)
{
    return line_is(l, n, "ERROR") || line_starts(l, n, "ERROR ") || line_starts(l, n, "CLIENT_ERROR") ||
           line_starts(l, n, "SERVER_ERROR");
}

/* Grows *arr (of size elem) to hold one more than *n, at most max: false past max or on ENOMEM. */
static bool grow(void **arr, size_t *cap, size_t n, size_t max, size_t elem)
{
    if (n < *cap)
        return true;
    if (n >= max)
        return false;
    size_t nc = *cap ? *cap * 2 : 16;
    if (nc > max)
        nc = max;
    void *p = realloc(*arr, nc * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = nc;
    return true;
}

/* The word at [*p, end) up to a space: its start and length; *p moves past it and one space. */
static size_t word(const char **p, const char *end, const char **start)
{
    const char *s = *p;
    while (s < end && *s == ' ')
        s++;
    const char *e = s;
    while (e < end && *e != ' ')
        e++;
    *start = s;
    *p = e;
    return (size_t)(e - s);
}

static enum mc_status need_more(size_t len, const struct mc_limits *lim, size_t *used, char *err, size_t errlen)
{
    if (len >= lim->max_total) {
        set_err(err, errlen, "reply larger than the cap");
        return MC_BAD;
    }
    *used = len + 1;
    return MC_NEED_MORE;
}

static enum mc_status bad(struct mc_reply *out, char *err, size_t errlen, const char *msg)
{
    mc_reply_free(out);
    set_err(err, errlen, msg);
    return MC_BAD;
}

static enum mc_status parse_binary(const char *buf, size_t len, const struct mc_limits *lim, struct mc_reply *out,
                                   size_t *used, char *err, size_t errlen)
{
    const unsigned char *b = (const unsigned char *)buf;
    if (len < 24) {
        if (len && b[0] != 0x81)
            return bad(out, err, errlen, "not a binary response (magic)");
        *used = 24;
        return MC_NEED_MORE;
    }
    if (b[0] != 0x81)
        return bad(out, err, errlen, "not a binary response (magic)");
    size_t keylen = (size_t)b[2] << 8 | b[3], extlen = b[4];
    uint32_t body = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
    if (body > lim->max_value || keylen + extlen > body)
        return bad(out, err, errlen, "binary response body too long or inconsistent");
    if (len < 24 + (size_t)body) {
        *used = 24 + (size_t)body;
        return MC_NEED_MORE;
    }
    out->opcode = b[1];
    out->status = (uint16_t)(b[6] << 8 | b[7]);
    out->error = out->status != 0;
    out->line = buf + 24 + extlen + keylen;
    out->len = body - extlen - keylen;
    *used = 24 + (size_t)body;
    return MC_OK;
}

/* A metadump reply read up to the byte cap at pos, before its END. */
static enum mc_status dump_cut(struct mc_reply *out, size_t pos, size_t *used)
{
    out->truncated = true;
    out->cut = true;
    *used = pos;
    return MC_OK;
}

/* "VALUE <key> <flags> <bytes> [<cas>]": key, flags and byte count. */
static bool value_header(const char *l, size_t n, struct mc_item *it, uint64_t *bytes)
{
    const char *p = l + 6, *end = l + n, *w;
    size_t kl = word(&p, end, &it->key);
    it->klen = kl;
    size_t fl = word(&p, end, &w);
    uint64_t flags;
    if (!kl || !ls_parse_count(w, fl, &flags) || flags > UINT32_MAX)
        return false;
    it->flags = (uint32_t)flags;
    size_t bl = word(&p, end, &w);
    if (!ls_parse_count(w, bl, bytes))
        return false;
    size_t cl = word(&p, end, &w); /* the optional cas unique (gets) */
    uint64_t cas;
    if (cl && !ls_parse_count(w, cl, &cas))
        return false;
    word(&p, end, &w);
    return p == end;
}

static enum mc_status parse_text(const char *buf, size_t len, enum mc_kind kind, const struct mc_limits *lim,
                                 struct mc_reply *out, size_t *used, char *err, size_t errlen)
{
    size_t pos = 0, cap = 0;
    for (bool first = true;; first = false) {
        const char *l;
        size_t n, next;
        int got = next_line(buf, len, pos, lim->max_line, &l, &n, &next);
        if (got < 0)
            return bad(out, err, errlen, "line longer than the cap");
        if (got == 0) {
            if (kind == MC_DUMP && pos && len >= lim->max_total)
                return dump_cut(out, pos, used);
            mc_reply_free(out);
            return need_more(len, lim, used, err, errlen);
        }
        if (first && (kind == MC_LINE || error_line(l, n) ||
                      (kind == MC_DUMP && !line_starts(l, n, "key=") && !line_is(l, n, "END")))) {
            out->error = kind != MC_LINE || error_line(l, n);
            out->line = l;
            out->len = n;
            *used = next;
            return MC_OK;
        }
        if (kind == MC_DUMP && next > lim->max_total)
            return dump_cut(out, pos, used); /* this line stays unread */
        pos = next;
        if (line_is(l, n, "END")) {
            *used = pos;
            return MC_OK;
        }
        if (kind == MC_STATS || kind == MC_DUMP) {
            bool stat = kind == MC_STATS && line_starts(l, n, "STAT ");
            if (!stat && !(kind == MC_DUMP && line_starts(l, n, "key=")))
                return bad(out, err, errlen, kind == MC_STATS ? "not a STAT line" : "not a metadump line");
            if (kind == MC_DUMP && out->nfields >= lim->max_items) {
                out->truncated = true; /* read on to END (or the byte cap), keep nothing */
                continue;
            }
            if (!grow((void **)&out->fields, &cap, out->nfields, lim->max_items, sizeof *out->fields))
                return bad(out, err, errlen, "too many lines");
            struct mc_field *f = &out->fields[out->nfields++];
            if (stat) {
                const char *p = l + 5, *end = l + n;
                f->nlen = word(&p, end, &f->name);
                if (!f->nlen)
                    return bad(out, err, errlen, "STAT line without a name");
                if (p < end)
                    p++;
                f->value = p;
                f->vlen = (size_t)(end - p);
            } else {
                f->name = l;
                f->nlen = n;
                f->value = l + n;
                f->vlen = 0;
            }
            continue;
        }
        /* MC_VALUES */
        struct mc_item it;
        uint64_t bytes;
        if (!line_starts(l, n, "VALUE ") || !value_header(l, n, &it, &bytes))
            return bad(out, err, errlen, "not a VALUE line");
        if (bytes > lim->max_value)
            return bad(out, err, errlen, "value larger than the cap");
        if (len - pos < bytes + 2) {
            mc_reply_free(out);
            if (pos + bytes + 2 > lim->max_total)
                return bad(out, err, errlen, "reply larger than the cap");
            *used = pos + (size_t)bytes + 2;
            return MC_NEED_MORE;
        }
        if (buf[pos + bytes] != '\r' || buf[pos + bytes + 1] != '\n')
            return bad(out, err, errlen, "data block not followed by CR LF");
        if (!grow((void **)&out->items, &cap, out->nitems, lim->max_items, sizeof *out->items))
            return bad(out, err, errlen, "too many values");
        it.data = buf + pos;
        it.dlen = (size_t)bytes;
        out->items[out->nitems++] = it;
        pos += (size_t)bytes + 2;
    }
}

enum mc_status mc_parse(const char *buf, size_t len, enum mc_kind kind, const struct mc_limits *lim,
                        struct mc_reply *out, size_t *used, char *err, size_t errlen)
{
    if (!lim)
        lim = &mc_default_limits;
    memset(out, 0, sizeof *out);
    out->kind = kind;
    *used = 0;
    if (kind == MC_BINARY)
        return parse_binary(buf, len, lim, out, used, err, errlen);
    return parse_text(buf, len, kind, lim, out, used, err, errlen);
}

bool mc_stat(const struct mc_reply *r, const char *name, const char **v, size_t *vlen)
{
    size_t n = strlen(name);
    for (size_t i = 0; r && r->kind == MC_STATS && i < r->nfields; i++)
        if (r->fields[i].nlen == n && memcmp(r->fields[i].name, name, n) == 0) {
            *v = r->fields[i].value;
            *vlen = r->fields[i].vlen;
            return true;
        }
    return false;
}

bool mc_stat_count(const struct mc_reply *r, const char *name, uint64_t *out)
{
    const char *v;
    size_t n;
    return mc_stat(r, name, &v, &n) && ls_parse_count(v, n, out);
}

bool mc_items_name(const char *name, size_t nlen, unsigned *cls, const char **field, size_t *flen)
{
    if (nlen < 8 || memcmp(name, "items:", 6) != 0)
        return false;
    const char *p = name + 6, *end = name + nlen;
    unsigned c = 0;
    size_t digits = 0;
    while (p < end && *p >= '0' && *p <= '9' && digits < 4) {
        c = c * 10 + (unsigned)(*p++ - '0');
        digits++;
    }
    if (!digits || p >= end || *p != ':' || p + 1 >= end)
        return false;
    *cls = c;
    *field = p + 1;
    *flen = (size_t)(end - p - 1);
    return true;
}

/* The value of `name=` in a dump line (fields separated by spaces). */
static bool dump_field(const char *line, size_t len, const char *name, const char **v, size_t *vlen)
{
    size_t nl = strlen(name);
    const char *p = line, *end = line + len;
    while (p < end) {
        const char *w;
        size_t wl = word(&p, end, &w);
        if (!wl)
            break;
        if (wl > nl && memcmp(w, name, nl) == 0 && w[nl] == '=') {
            *v = w + nl + 1;
            *vlen = wl - nl - 1;
            return true;
        }
    }
    return false;
}

bool mc_dump_entry(const char *line, size_t len, struct mc_dump_entry *e)
{
    const char *v;
    size_t vl;
    memset(e, 0, sizeof *e);
    if (!dump_field(line, len, "key", &v, &vl) || !vl)
        return false;
    for (size_t i = 0; i < vl; i++) {
        int c = (unsigned char)v[i];
        if (c == '%') {
            int hi = i + 2 < vl ? ls_hexval(v[i + 1]) : -1, lo = i + 2 < vl ? ls_hexval(v[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return false;
            c = hi << 4 | lo;
            i += 2;
        }
        if (c <= 0x20 || c == 0x7f || e->klen >= MC_MAX_KEY)
            return false;
        e->key[e->klen++] = (char)c;
    }
    e->key[e->klen] = '\0';
    uint64_t n;
    if (dump_field(line, len, "cls", &v, &vl) && ls_parse_count(v, vl, &n) && n < 256)
        e->cls = (unsigned)n;
    if (dump_field(line, len, "size", &v, &vl) && ls_parse_count(v, vl, &n))
        e->size = n;
    e->expires = dump_field(line, len, "exp", &v, &vl) && !(vl == 2 && memcmp(v, "-1", 2) == 0);
    return true;
}

void mc_binary_request(unsigned char out[24], uint8_t opcode)
{
    memset(out, 0, 24);
    out[0] = 0x80; /* request magic */
    out[1] = opcode;
}
