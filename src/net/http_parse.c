/* Bounded push parser for HTTP/1.x responses (see http_parse.h). */
#include "net/http_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    ST_HEAD,
    ST_BODY_LENGTH,
    ST_BODY_CLOSE,
    ST_CHUNK_SIZE,
    ST_CHUNK_DATA,
    ST_CHUNK_CRLF,
    ST_TRAILERS,
    ST_DONE,
    ST_ERROR
};

#define MAX_CHUNK_LINE 1024

void ls_http_parser_init(struct ls_http_parser *p, uint64_t max_body, ls_http_body_cb cb, void *ud)
{
    memset(p, 0, sizeof *p);
    p->state = ST_HEAD;
    p->resp.content_length = -1;
    p->max_body = max_body;
    p->on_body = cb;
    p->ud = ud;
}

bool ls_http_headers_done(const struct ls_http_parser *p)
{
    return p->state != ST_HEAD && p->state != ST_ERROR;
}

static enum ls_http_status fail(struct ls_http_parser *p, const char *msg)
{
    snprintf(p->err, sizeof p->err, "%s", msg);
    p->state = ST_ERROR;
    return LS_HTTP_ERROR;
}

const char *ls_http_header(const struct ls_http_response *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* Finds the end of the header section: index just past the blank line, or 0 if not there yet. */
static size_t head_end(const char *d, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (d[i] != '\n')
            continue;
        if (d[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && d[i + 1] == '\r' && d[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static void copy_trimmed(char *dst, size_t cap, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (s[i] == '\0') ? ' ' : s[i];
    dst[n] = '\0';
}

static int parse_u64(const char *s, int base, uint64_t *out)
{
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        int dgt;
        if (*s >= '0' && *s <= '9')
            dgt = *s - '0';
        else if (base == 16 && isxdigit((unsigned char)*s))
            dgt = tolower((unsigned char)*s) - 'a' + 10;
        else
            return -1;
        if (v > (UINT64_MAX - (uint64_t)dgt) / (uint64_t)base)
            return -1;
        v = v * (uint64_t)base + (uint64_t)dgt;
    }
    *out = v;
    return 0;
}

static enum ls_http_status parse_head(struct ls_http_parser *p, const char *d, size_t n)
{
    struct ls_http_response *r = &p->resp;
    const char *end = d + n;
    const char *eol = memchr(d, '\n', n);
    if (!eol)
        return fail(p, "malformed status line");
    /* HTTP/1.x SSS reason */
    if (eol - d < 12 || memcmp(d, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)d[7]) || d[8] != ' ')
        return fail(p, "not an HTTP/1.x response");
    r->minor_version = d[7] - '0';
    for (int i = 9; i < 12; i++)
        if (!isdigit((unsigned char)d[i]))
            return fail(p, "bad HTTP status code");
    r->status = (d[9] - '0') * 100 + (d[10] - '0') * 10 + (d[11] - '0');
    if (r->status < 100)
        return fail(p, "bad HTTP status code");
    const char *line = eol + 1;
    while (line < end) {
        eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            break;
        size_t ln = (size_t)(eol - line);
        if (ln && line[ln - 1] == '\r')
            ln--;
        if (ln == 0)
            break;
        const char *colon = memchr(line, ':', ln);
        if (!colon || colon == line)
            return fail(p, "malformed HTTP header line");
        if (r->nheaders < LS_HTTP_MAX_HEADERS) {
            struct ls_http_header *h = &r->headers[r->nheaders++];
            copy_trimmed(h->name, sizeof h->name, line, (size_t)(colon - line));
            copy_trimmed(h->value, sizeof h->value, colon + 1, ln - (size_t)(colon - line) - 1);
        }
        line = eol + 1;
    }
    const char *te = ls_http_header(r, "Transfer-Encoding");
    const char *cl = ls_http_header(r, "Content-Length");
    if (te && strcasestr(te, "chunked")) {
        r->chunked = true;
        p->state = ST_CHUNK_SIZE;
    } else if (cl) {
        uint64_t v;
        if (parse_u64(cl, 10, &v) != 0 || v > (uint64_t)INT64_MAX)
            return fail(p, "bad Content-Length");
        r->content_length = (int64_t)v;
        if (v > p->max_body)
            return fail(p, "response body larger than the byte cap");
        p->remaining = v;
        p->state = v ? ST_BODY_LENGTH : ST_DONE;
    } else {
        p->state = ST_BODY_CLOSE;
    }
    if (p->head_request || r->status == 204 || r->status == 304 || r->status / 100 == 1)
        p->state = ST_DONE;
    return LS_HTTP_NEED_MORE;
}

static enum ls_http_status deliver(struct ls_http_parser *p, const char *d, size_t n)
{
    if (p->resp.body_bytes + n > p->max_body)
        return fail(p, "response body larger than the byte cap");
    p->resp.body_bytes += n;
    if (n && p->on_body && p->on_body(p->ud, d, n) != 0)
        return fail(p, "body rejected by consumer");
    return LS_HTTP_NEED_MORE;
}

enum ls_http_status ls_http_parse(struct ls_http_parser *p, const char *data, size_t len, size_t *consumed)
{
    size_t pos = 0;
    *consumed = 0;
    while (p->state != ST_DONE) {
        const char *d = data + pos;
        size_t n = len - pos;
        switch (p->state) {
        case ST_ERROR: return LS_HTTP_ERROR;
        case ST_HEAD: {
            size_t scan = n < LS_HTTP_MAX_HEADER_BYTES ? n : LS_HTTP_MAX_HEADER_BYTES;
            size_t e = head_end(d, scan);
            if (!e) {
                if (n >= LS_HTTP_MAX_HEADER_BYTES)
                    return fail(p, "HTTP header section too large");
                if (n >= 5 && memcmp(d, "HTTP/", 5) != 0)
                    return fail(p, "not an HTTP/1.x response");
                goto need_more;
            }
            if (parse_head(p, d, e) == LS_HTTP_ERROR)
                return LS_HTTP_ERROR;
            pos += e;
            break;
        }
        case ST_BODY_LENGTH:
        case ST_CHUNK_DATA: {
            /* a known number of body bytes: the rest of Content-Length, or of this chunk */
            size_t take = n < p->remaining ? n : (size_t)p->remaining;
            if (!take)
                goto need_more;
            if (deliver(p, d, take) == LS_HTTP_ERROR)
                return LS_HTTP_ERROR;
            p->remaining -= take;
            pos += take;
            if (!p->remaining)
                p->state = p->state == ST_BODY_LENGTH ? ST_DONE : ST_CHUNK_CRLF;
            break;
        }
        case ST_BODY_CLOSE:
            if (!n)
                goto need_more;
            if (deliver(p, d, n) == LS_HTTP_ERROR)
                return LS_HTTP_ERROR;
            pos += n;
            break;
        case ST_CHUNK_SIZE:
        case ST_TRAILERS: {
            const char *eol = memchr(d, '\n', n < MAX_CHUNK_LINE ? n : MAX_CHUNK_LINE);
            if (!eol) {
                if (n >= MAX_CHUNK_LINE)
                    return fail(p, "chunk header line too long");
                goto need_more;
            }
            size_t ln = (size_t)(eol - d);
            pos += ln + 1;
            if (ln && d[ln - 1] == '\r')
                ln--;
            if (p->state == ST_TRAILERS) {
                if (ln == 0)
                    p->state = ST_DONE;
                break;
            }
            char hex[32];
            size_t hl = 0;
            while (hl < ln && hl < sizeof hex - 1 && isxdigit((unsigned char)d[hl])) {
                hex[hl] = d[hl];
                hl++;
            }
            hex[hl] = '\0';
            if (hl == 0 || hl > 16 || (hl < ln && d[hl] != ';' && d[hl] != ' ' && d[hl] != '\t'))
                return fail(p, "bad chunk size");
            uint64_t size;
            if (parse_u64(hex, 16, &size) != 0)
                return fail(p, "bad chunk size");
            if (size > p->max_body - p->resp.body_bytes && size > 0)
                return fail(p, "response body larger than the byte cap");
            p->remaining = size;
            p->state = size ? ST_CHUNK_DATA : ST_TRAILERS;
            break;
        }
        case ST_CHUNK_CRLF:
            if (n < 1)
                goto need_more;
            if (d[0] == '\n') {
                pos += 1;
            } else if (d[0] == '\r') {
                if (n < 2)
                    goto need_more;
                if (d[1] != '\n')
                    return fail(p, "missing CRLF after chunk");
                pos += 2;
            } else {
                return fail(p, "missing CRLF after chunk");
            }
            p->state = ST_CHUNK_SIZE;
            break;
        }
    }
    *consumed = pos;
    return LS_HTTP_DONE;
need_more:
    *consumed = pos;
    return LS_HTTP_NEED_MORE;
}

enum ls_http_status ls_http_parse_eof(struct ls_http_parser *p)
{
    if (p->state == ST_DONE)
        return LS_HTTP_DONE;
    if (p->state == ST_BODY_CLOSE) {
        p->state = ST_DONE;
        return LS_HTTP_DONE;
    }
    if (p->state == ST_ERROR)
        return LS_HTTP_ERROR;
    return fail(p, p->state == ST_HEAD ? "connection closed before a complete HTTP response"
                                       : "connection closed in the middle of the body");
}
