/* One HTTP request from an engine to the service it assesses, answered as parsed JSON: the shared
 * transport of the engines whose interface is a JSON API over HTTP (etcd, InfluxDB, Prometheus,
 * RabbitMQ, …). The body is collected up to `max_body` bytes (a longer answer is an error, never
 * a partial parse) and parsed by jansson (bounded nesting); a body that is not JSON leaves `json`
 * NULL and the raw body readable, so a fingerprint can still look at it. The callback runs once,
 * from the event loop; ls_http_json_cancel() stops the request without a callback. */
#ifndef LS_ENGINES_HTTP_JSON_H
#define LS_ENGINES_HTTP_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/http_parse.h"

struct ls_session;
struct ls_http_json;

struct ls_http_json_reply {
    bool ok;                             /* a complete HTTP response arrived (any status) */
    int status;                          /* HTTP status, 0 when !ok */
    const struct ls_http_response *resp; /* headers; NULL when !ok */
    json_t *json;                        /* parsed body, or NULL (not JSON, empty, or !ok); borrowed */
    const char *body;                    /* raw body, NUL-terminated (may be ""); borrowed */
    size_t body_len;
    const char *err; /* why !ok (timeout, refused, too large, …), else NULL */
};

typedef void (*ls_http_json_cb)(struct ls_session *s, void *ud, const struct ls_http_json_reply *r);

/* Starts `method path` against the session's address (TLS when s->tls), with optional extra
 * header lines (each ending in \r\n) and body. Returns the request, or NULL on allocation failure
 * (then no callback comes). */
struct ls_http_json *ls_http_json_start(struct ls_session *s, const char *method, const char *path, const char *headers,
                                        const char *body, size_t body_len, uint64_t max_body, ls_http_json_cb cb,
                                        void *ud);
void ls_http_json_cancel(struct ls_http_json *r);

/* "Authorization: Basic <base64(user:password)>\r\n" into out; -1 if it does not fit. */
int ls_http_basic_auth(const char *user, const char *password, char *out, size_t n);

#endif
