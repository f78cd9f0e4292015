/* A bounded push parser for HTTP/1.x responses (status line, headers, body framed by
 * Content-Length, chunked encoding or connection close). Fed from a byte range, it consumes what
 * it can and says how much; body bytes go to a callback as they are parsed, never buffered.
 * Limits: header section LS_HTTP_MAX_HEADER_BYTES, LS_HTTP_MAX_HEADERS headers (more are
 * dropped), body at most `max_body` bytes (then an error: the server sent too much). */
#ifndef LS_NET_HTTP_PARSE_H
#define LS_NET_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LS_HTTP_MAX_HEADER_BYTES (64u * 1024)
#define LS_HTTP_MAX_HEADERS 64
#define LS_HTTP_MAX_NAME 64
#define LS_HTTP_MAX_VALUE 512

enum ls_http_status { LS_HTTP_NEED_MORE = 0, LS_HTTP_DONE = 1, LS_HTTP_ERROR = -1 };

struct ls_http_header {
    char name[LS_HTTP_MAX_NAME];
    char value[LS_HTTP_MAX_VALUE]; /* truncated if longer */
};

struct ls_http_response {
    int status;        /* e.g. 200 */
    int minor_version; /* HTTP/1.x */
    struct ls_http_header headers[LS_HTTP_MAX_HEADERS];
    size_t nheaders;
    int64_t content_length; /* -1 if absent */
    bool chunked;
    uint64_t body_bytes; /* body bytes delivered so far */
};

typedef int (*ls_http_body_cb)(void *ud, const char *data, size_t len); /* non-zero stops: error */

struct ls_http_parser {
    struct ls_http_response resp;
    int state;
    uint64_t remaining; /* bytes left in the current body part or chunk */
    uint64_t max_body;
    bool head_request; /* response to HEAD: no body */
    ls_http_body_cb on_body;
    void *ud;
    char err[128];
};

void ls_http_parser_init(struct ls_http_parser *p, uint64_t max_body, ls_http_body_cb cb, void *ud);
/* Parses from data[0..len). Sets *consumed; the caller drops those bytes and calls again with
 * more input. Returns DONE when the whole response was read, ERROR with p->err set. */
enum ls_http_status ls_http_parse(struct ls_http_parser *p, const char *data, size_t len, size_t *consumed);
/* The peer closed the connection: DONE for a close-delimited body, ERROR if cut short. */
enum ls_http_status ls_http_parse_eof(struct ls_http_parser *p);
/* Case-insensitive header lookup; NULL if absent. */
const char *ls_http_header(const struct ls_http_response *r, const char *name);
/* True once the status line and headers are parsed. */
bool ls_http_headers_done(const struct ls_http_parser *p);

#endif
