/* One HTTP/1.1 request per connection over ls_conn with the bounded response parser. */
#include "net/http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "net/conn.h"

/* A streamed body past BULK_AFTER bytes (a --deep table) is read BULK_LOWAT bytes per wakeup. */
#define BULK_AFTER ((uint64_t)1 << 20)
#define BULK_LOWAT ((size_t)64 << 10)

struct ls_http_call {
    struct ls_conn *conn;
    struct ls_http_parser parser;
    ls_http_done_cb done;
    ls_http_body_cb stream;
    void *ud;
    struct evbuffer *body; /* collected body when not streaming */
    struct evbuffer *request;
    bool bulk; /* ls_conn_read_bulk done */
};

static int collect(void *ud, const char *data, size_t len)
{
    struct ls_http_call *c = ud;
    if (c->stream)
        return c->stream(c->ud, data, len);
    return evbuffer_add(c->body, data, len);
}

static void finish(struct ls_http_call *c, bool ok, const char *err)
{
    char errbuf[200];
    const char *body = NULL;
    size_t blen = 0;
    if (err) {
        snprintf(errbuf, sizeof errbuf, "%s", err);
        err = errbuf;
    }
    if (c->body && !c->stream) {
        evbuffer_add(c->body, "", 1);
        blen = evbuffer_get_length(c->body) - 1;
        body = (const char *)evbuffer_pullup(c->body, -1);
    }
    ls_conn_free(c->conn);
    c->conn = NULL;
    c->done(c->ud, ok, &c->parser.resp, body, blen, err);
    ls_http_cancel(c);
}

/* The bytes to parse next: the header section contiguous (it is parsed whole), body bytes where
 * they lie in the first chunk of the input buffer, without a copy. */
static const char *next_bytes(struct evbuffer *in, size_t avail, bool headers_done, size_t *n)
{
    if (!headers_done) {
        *n = avail < LS_HTTP_MAX_HEADER_BYTES ? avail : LS_HTTP_MAX_HEADER_BYTES;
        return (const char *)evbuffer_pullup(in, (ev_ssize_t)*n);
    }
    struct evbuffer_iovec v;
    if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0) {
        *n = avail;
        return (const char *)evbuffer_pullup(in, -1);
    }
    *n = v.iov_len;
    return v.iov_base;
}

static void feed(struct ls_http_call *c)
{
    struct evbuffer *in = ls_conn_input(c->conn);
    for (;;) {
        size_t avail = evbuffer_get_length(in);
        if (!avail)
            return;
        size_t want;
        const char *d = next_bytes(in, avail, ls_http_headers_done(&c->parser), &want);
        size_t used = 0;
        enum ls_http_status st = ls_http_parse(&c->parser, d, want, &used);
        evbuffer_drain(in, used);
        if (!c->bulk && c->stream && c->parser.resp.body_bytes > BULK_AFTER) {
            ls_conn_read_bulk(c->conn, BULK_LOWAT);
            c->bulk = true;
        }
        if (st == LS_HTTP_DONE) {
            finish(c, true, NULL);
            return;
        }
        if (st == LS_HTTP_ERROR) {
            finish(c, false, c->parser.err);
            return;
        }
        if (used == 0) {
            if (want >= avail)
                return; /* need more bytes */
            /* a chunk-size line or CRLF split across buffer chunks: join a longer prefix */
            size_t join = want * 2 > 256 ? want * 2 : 256;
            evbuffer_pullup(in, (ev_ssize_t)(join < avail ? join : avail));
        }
    }
}

static void on_conn(struct ls_conn *conn, enum ls_conn_event ev, void *ud)
{
    struct ls_http_call *c = ud;
    (void)conn;
    switch (ev) {
    case LS_CONN_CONNECTED:
        evbuffer_add_buffer(ls_conn_output(c->conn), c->request);
        ls_conn_flush(c->conn);
        return;
    case LS_CONN_READ: feed(c); return;
    case LS_CONN_EOF:
        feed(c);
        if (!c->conn)
            return;
        if (ls_http_parse_eof(&c->parser) == LS_HTTP_DONE)
            finish(c, true, NULL);
        else
            finish(c, false, c->parser.err);
        return;
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR: finish(c, false, ls_conn_error(c->conn)); return;
    }
}

struct ls_http_call *ls_http_start(struct event_base *base, const struct sockaddr *sa, socklen_t salen, bool tls,
                                   const char *sni, unsigned connect_timeout_ms, unsigned io_timeout_ms,
                                   const struct ls_http_request *req, ls_http_body_cb stream, ls_http_done_cb done,
                                   void *ud)
{
    struct ls_http_call *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->done = done;
    c->stream = stream;
    c->ud = ud;
    c->request = evbuffer_new();
    c->body = stream ? NULL : evbuffer_new();
    if (!c->request || (!stream && !c->body))
        goto fail;
    ls_http_parser_init(&c->parser, req->max_body, collect, c);
    c->parser.head_request = strcmp(req->method, "HEAD") == 0;
    evbuffer_add_printf(c->request,
                        "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: leakscan/" LS_VERSION
                        "\r\nAccept-Encoding: identity\r\nConnection: close\r\n%s",
                        req->method, req->path, req->host, req->headers ? req->headers : "");
    if (req->body)
        evbuffer_add_printf(c->request, "Content-Length: %zu\r\n\r\n", req->body_len);
    else
        evbuffer_add(c->request, "\r\n", 2);
    if (req->body && req->body_len)
        evbuffer_add(c->request, req->body, req->body_len);
    c->conn = ls_conn_new(base, sa, salen, tls, sni, connect_timeout_ms, io_timeout_ms, on_conn, c);
    if (!c->conn)
        goto fail;
    return c;
fail:
    ls_http_cancel(c);
    return NULL;
}

void ls_http_cancel(struct ls_http_call *c)
{
    if (!c)
        return;
    ls_conn_free(c->conn);
    if (c->request)
        evbuffer_free(c->request);
    if (c->body)
        evbuffer_free(c->body);
    free(c);
}

const struct ls_http_response *ls_http_call_response(const struct ls_http_call *call)
{
    return &call->parser.resp;
}

char *ls_url_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
            ch == '_' || ch == '.' || ch == '~') {
            *o++ = (char)ch;
        } else {
            *o++ = '%';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o = '\0';
    return out;
}
