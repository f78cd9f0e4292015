/* lab_honeypot: a fake ClickHouse for leakscan's honeypot checks. It passes the cheap fingerprint
 * (the canned answer to leakscan's fingerprint query, claiming version 22.8) and then answers
 * every other query with the same canned row, like a low-interaction honeypot: arithmetic comes
 * back wrong, version() is not a version, and a 22.8 server would send X-ClickHouse-Timezone and
 * X-ClickHouse-Query-Id headers, which this one never does. leakscan must report it, flagged as a
 * suspected honeypot with its severity capped. Runs in the foreground until SIGTERM/SIGINT.
 *
 *   lab_honeypot [ADDRESS [PORT]]     default 127.77.4.14 8123 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void answer(struct evhttp_request *req, void *arg)
{
    struct evbuffer *body = evbuffer_new();
    (void)arg;
    if (!body) {
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    const char *uri = evhttp_request_get_uri(req);
    if (strcmp(uri, "/") == 0 && evhttp_request_get_command(req) == EVHTTP_REQ_GET)
        evbuffer_add_printf(body, "Ok.\n");
    else if (strstr(uri, "7919") && strstr(uri, "7907"))
        evbuffer_add_printf(body, "22.8.3.13\tUTC\t86400\t62615533\n"); /* the fingerprint, canned */
    else
        evbuffer_add_printf(body, "default\tlog_stream\tMergeTree\t250000\t90000000\n");
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", "text/tab-separated-values; charset=UTF-8");
    evhttp_add_header(h, "X-ClickHouse-Server-Display-Name", "ch-prod-03");
    evhttp_send_reply(req, HTTP_OK, "OK", body);
    evbuffer_free(body);
}

static void on_signal(evutil_socket_t sig, short what, void *base)
{
    (void)sig, (void)what;
    event_base_loopbreak(base);
}

int main(int argc, char **argv)
{
    const char *addr = argc > 1 ? argv[1] : "127.77.4.14";
    int port = argc > 2 ? atoi(argv[2]) : 8123;
    if (argc > 3 || port <= 0 || port > 65535) {
        fprintf(stderr, "usage: lab_honeypot [ADDRESS [PORT]]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct event_base *base = event_base_new();
    struct evhttp *http = base ? evhttp_new(base) : NULL;
    if (!http) {
        fprintf(stderr, "lab_honeypot: cannot create the event loop\n");
        return 3;
    }
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
    evhttp_set_max_body_size(http, 1 << 20);
    evhttp_set_timeout(http, 10);
    evhttp_set_gencb(http, answer, NULL);
    if (!evhttp_bind_socket_with_handle(http, addr, (ev_uint16_t)port)) {
        fprintf(stderr, "lab_honeypot: cannot listen on %s:%d\n", addr, port);
        return 3;
    }
    struct event *sigterm = evsignal_new(base, SIGTERM, on_signal, base);
    struct event *sigint = evsignal_new(base, SIGINT, on_signal, base);
    if (!sigterm || !sigint || event_add(sigterm, NULL) || event_add(sigint, NULL)) {
        fprintf(stderr, "lab_honeypot: cannot install signal handlers\n");
        return 3;
    }
    fprintf(stderr, "lab_honeypot: listening on %s:%d\n", addr, port);
    event_base_dispatch(base);
    event_free(sigterm);
    event_free(sigint);
    evhttp_free(http);
    event_base_free(base);
    return 0;
}
