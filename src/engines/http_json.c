/* JSON over HTTP for engines (see http_json.h). */
#include "engines/http_json.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/engine.h"
#include "net/conn.h"
#include "net/http_client.h"

struct ls_http_json {
    struct ls_session *s;
    struct ls_http_call *call;
    ls_http_json_cb cb;
    void *ud;
};

static void on_done(void *ud, bool ok, const struct ls_http_response *resp, const char *body, size_t body_len,
                    const char *err)
{
    struct ls_http_json *r = ud;
    struct ls_http_json_reply reply = {.ok = ok, .body = body ? body : "", .body_len = body ? body_len : 0};
    json_t *root = NULL;
    if (ok && resp) {
        reply.status = resp->status;
        reply.resp = resp;
        if (body && body_len) {
            json_error_t jerr;
            root = json_loadb(body, body_len, JSON_REJECT_DUPLICATES, &jerr);
        }
        reply.json = root;
    } else {
        reply.err = err ? err : "no response";
    }
    ls_http_json_cb cb = r->cb;
    struct ls_session *s = r->s;
    void *cb_ud = r->ud;
    free(r); /* the call frees itself after this callback */
    cb(s, cb_ud, &reply);
    json_decref(root);
}

struct ls_http_json *ls_http_json_start(struct ls_session *s, const char *method, const char *path, const char *headers,
                                        const char *body, size_t body_len, uint64_t max_body, ls_http_json_cb cb,
                                        void *ud)
{
    struct ls_http_json *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    char ip[64], host[80];
    ls_sockaddr_ip((const struct sockaddr *)&s->addr, ip, sizeof ip);
    snprintf(host, sizeof host, "%s:%u", ip, ls_sockaddr_port((const struct sockaddr *)&s->addr));
    r->s = s;
    r->cb = cb;
    r->ud = ud;
    struct ls_http_request req = {.method = method,
                                  .host = host,
                                  .path = path,
                                  .headers = headers,
                                  .body = body,
                                  .body_len = body_len,
                                  .max_body = max_body};
    r->call = ls_http_start(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                            s->limits->connect_timeout_ms, s->limits->io_timeout_ms, &req, NULL, on_done, r);
    if (!r->call) {
        free(r);
        return NULL;
    }
    return r;
}

void ls_http_json_cancel(struct ls_http_json *r)
{
    if (!r)
        return;
    ls_http_cancel(r->call);
    free(r);
}

int ls_http_basic_auth(const char *user, const char *password, char *out, size_t n)
{
    char plain[384];
    int len = snprintf(plain, sizeof plain, "%s:%s", user, password);
    if (len < 0 || (size_t)len >= sizeof plain)
        return -1;
    unsigned char b64[4 * (sizeof plain / 3 + 1) + 1];
    EVP_EncodeBlock(b64, (const unsigned char *)plain, len);
    int w = snprintf(out, n, "Authorization: Basic %s\r\n", (const char *)b64);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}
