/* The bounded RESP2 reply parser and command encoder (see resp.h). A reply is parsed in two
 * passes over the same bytes: the first checks it is complete and within the caps and counts its
 * values, the second fills one array of that many values, so a partial or hostile reply never
 * allocates more than its caps allow. */
#include "engines/redis/resp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct resp_limits resp_default_limits = {
    .max_line = 64u * 1024,
    .max_bulk = 1u << 20,
    .max_elems = 4096,
    .max_total = 16384,
    .max_depth = 4,
};

struct cursor {
    const char *buf;
    size_t len;
    size_t pos;
    const struct resp_limits *lim;
    size_t total; /* values seen */
    size_t need;  /* NEED_MORE: bytes needed at least */
    char *err;
    size_t errlen;
    struct resp_value *pool; /* second pass: where values go */
    size_t next;
};

static enum resp_status bad(struct cursor *c, const char *why)
{
    if (c->errlen)
        snprintf(c->err, c->errlen, "%s at byte %zu", why, c->pos);
    return RESP_BAD;
}

/* Finds the CRLF ending the line at c->pos; sets *line_len. */
static enum resp_status line_end(struct cursor *c, size_t *line_len)
{
    size_t start = c->pos;
    size_t avail = c->len - start;
    size_t scan = avail < c->lim->max_line + 2 ? avail : c->lim->max_line + 2;
    const char *nl = memchr(c->buf + start, '\n', scan);
    if (!nl) {
        if (avail >= c->lim->max_line + 2)
            return bad(c, "line longer than the cap");
        c->need = c->len + 1;
        return RESP_NEED_MORE;
    }
    size_t n = (size_t)(nl - (c->buf + start));
    if (n == 0 || c->buf[start + n - 1] != '\r')
        return bad(c, "line not ended by CRLF");
    if (n - 1 > c->lim->max_line)
        return bad(c, "line longer than the cap");
    *line_len = n - 1;
    return RESP_OK;
}

/* A signed decimal of at most 19 digits (no overflow possible); "-" alone and empty are errors. */
static bool parse_int(const char *p, size_t n, int64_t *out)
{
    bool neg = n > 0 && p[0] == '-';
    size_t i = neg ? 1 : 0;
    if (i >= n || n - i > 18)
        return false;
    int64_t v = 0;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

static enum resp_status value(struct cursor *c, unsigned depth, struct resp_value *v);

static enum resp_status array(struct cursor *c, unsigned depth, int64_t n, struct resp_value *v)
{
    if (n < 0 || (uint64_t)n > c->lim->max_elems)
        return bad(c, "array length out of range");
    if (depth >= c->lim->max_depth)
        return bad(c, "arrays nested deeper than the cap");
    if (c->total + (size_t)n > c->lim->max_total)
        return bad(c, "more values than the cap");
    struct resp_value *elems = NULL;
    if (c->pool && n > 0) {
        elems = c->pool + c->next;
        c->next += (size_t)n;
    }
    if (v) {
        v->type = RESP_ARRAY;
        v->elems = elems;
        v->nelems = (size_t)n;
    }
    c->total += (size_t)n;
    for (int64_t i = 0; i < n; i++) {
        enum resp_status st = value(c, depth + 1, elems ? &elems[i] : NULL);
        if (st != RESP_OK)
            return st;
    }
    return RESP_OK;
}

static enum resp_status value(struct cursor *c, unsigned depth, struct resp_value *v)
{
    if (c->pos >= c->len) {
        c->need = c->len + 1;
        return RESP_NEED_MORE;
    }
    char kind = c->buf[c->pos];
    size_t n;
    enum resp_status st = line_end(c, &n);
    if (st != RESP_OK)
        return st;
    const char *text = c->buf + c->pos + 1;
    size_t tlen = n - 1;
    size_t after = c->pos + n + 2;
    int64_t num = 0;
    if (v)
        memset(v, 0, sizeof *v);
    switch (kind) {
    case '+':
    case '-':
        if (v) {
            v->type = kind == '+' ? RESP_SIMPLE : RESP_ERROR;
            v->str = text;
            v->len = tlen;
        }
        c->pos = after;
        return RESP_OK;
    case ':':
        if (!parse_int(text, tlen, &num))
            return bad(c, "malformed integer");
        if (v) {
            v->type = RESP_INTEGER;
            v->integer = num;
        }
        c->pos = after;
        return RESP_OK;
    case '$':
        if (!parse_int(text, tlen, &num))
            return bad(c, "malformed bulk length");
        if (num == -1) {
            if (v)
                v->type = RESP_NIL;
            c->pos = after;
            return RESP_OK;
        }
        if (num < 0 || (uint64_t)num > c->lim->max_bulk)
            return bad(c, "bulk length out of range");
        if (c->len - after < (size_t)num + 2) {
            c->need = after + (size_t)num + 2;
            return RESP_NEED_MORE;
        }
        if (c->buf[after + (size_t)num] != '\r' || c->buf[after + (size_t)num + 1] != '\n')
            return bad(c, "bulk string not ended by CRLF");
        if (v) {
            v->type = RESP_BULK;
            v->str = c->buf + after;
            v->len = (size_t)num;
        }
        c->pos = after + (size_t)num + 2;
        return RESP_OK;
    case '*':
        if (!parse_int(text, tlen, &num))
            return bad(c, "malformed array length");
        c->pos = after;
        if (num == -1) {
            if (v)
                v->type = RESP_NIL;
            return RESP_OK;
        }
        return array(c, depth, num, v);
    default: return bad(c, "not a RESP2 type byte");
    }
}

enum resp_status resp_parse(const char *buf, size_t len, const struct resp_limits *lim, struct resp_value *out,
                            size_t *used, char *err, size_t errlen)
{
    if (!lim)
        lim = &resp_default_limits;
    if (errlen)
        err[0] = '\0';
    memset(out, 0, sizeof *out);
    struct cursor c = {.buf = buf, .len = len, .lim = lim, .err = err, .errlen = errlen};
    enum resp_status st = value(&c, 0, NULL);
    if (st == RESP_NEED_MORE) {
        *used = c.need;
        return st;
    }
    if (st != RESP_OK)
        return st;
    size_t total = c.total;
    struct resp_value *pool = NULL;
    if (total) {
        pool = calloc(total, sizeof *pool);
        if (!pool) {
            if (errlen)
                snprintf(err, errlen, "out of memory");
            return RESP_BAD;
        }
    }
    struct cursor d = {.buf = buf, .len = len, .lim = lim, .err = err, .errlen = errlen, .pool = pool};
    st = value(&d, 0, out);
    if (st != RESP_OK || d.pos != c.pos) { /* cannot happen: the same bytes parsed twice */
        free(pool);
        memset(out, 0, sizeof *out);
        return RESP_BAD;
    }
    *used = c.pos;
    return RESP_OK;
}

void resp_reply_free(struct resp_value *v)
{
    /* the top-level array's elements start the pool (see array()) */
    if (v && v->type == RESP_ARRAY)
        free(v->elems);
    if (v)
        memset(v, 0, sizeof *v);
}

size_t resp_encode(char *out, size_t n, const char *const *argv, const size_t *lens, size_t argc)
{
    size_t pos = 0;
    int w = snprintf(out, n, "*%zu\r\n", argc);
    if (w < 0 || (size_t)w >= n)
        return 0;
    pos = (size_t)w;
    for (size_t i = 0; i < argc; i++) {
        size_t len = lens ? lens[i] : strlen(argv[i]);
        w = snprintf(out + pos, n - pos, "$%zu\r\n", len);
        if (w < 0 || (size_t)w >= n - pos || n - pos - (size_t)w < len + 2)
            return 0;
        pos += (size_t)w;
        memcpy(out + pos, argv[i], len);
        pos += len;
        out[pos++] = '\r';
        out[pos++] = '\n';
    }
    return pos;
}

bool resp_is(const struct resp_value *v, const char *text)
{
    size_t n = strlen(text);
    return (v->type == RESP_SIMPLE || v->type == RESP_BULK) && v->len == n && memcmp(v->str, text, n) == 0;
}
