/* One HTTP/1.1 request on its own connection (Connection: close), over ls_conn (TCP or TLS),
 * with the bounded response parser. The body is either collected (up to max_body) or streamed
 * to a callback as it arrives. The completion callback runs exactly once, from the event loop,
 * after which the call frees itself; ls_http_cancel() frees it without any callback. */
#ifndef LS_NET_HTTP_CLIENT_H
#define LS_NET_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/http_parse.h"

struct event_base;
struct ls_http_call;

struct ls_http_request {
    const char *method;  /* "GET" or "POST" */
    const char *host;    /* Host header value */
    const char *path;    /* request target, already URL-encoded */
    const char *headers; /* extra header lines, each ending in \r\n; may be NULL */
    const char *body;    /* POST body or NULL */
    size_t body_len;
    uint64_t max_body; /* response body cap */
};

/* ok: a complete response was parsed. body: the collected body (NUL-terminated, may contain NULs)
 * when no stream callback was given, else NULL. err: reason when !ok. */
typedef void (*ls_http_done_cb)(void *ud, bool ok, const struct ls_http_response *resp, const char *body,
                                size_t body_len, const char *err);

struct ls_http_call *ls_http_start(struct event_base *base, const struct sockaddr *sa, socklen_t salen, bool tls,
                                   const char *sni, unsigned connect_timeout_ms, unsigned io_timeout_ms,
                                   const struct ls_http_request *req, ls_http_body_cb stream, ls_http_done_cb done,
                                   void *ud);
void ls_http_cancel(struct ls_http_call *call);
/* The response as parsed so far (status and headers are set before any body callback). */
const struct ls_http_response *ls_http_call_response(const struct ls_http_call *call);

/* Percent-encodes s for use in a query string. Returns a malloc'd string or NULL. */
char *ls_url_encode(const char *s);

#endif
