/* lab_decoy: a web server that is NOT ClickHouse but answers every request the way ClickHouse
 * answers a health check, "200" with body "Ok.\n" and no X-ClickHouse-* headers. leakscan must
 * not report it as a ClickHouse server. Runs in the foreground until SIGTERM/SIGINT.
 *
 *   lab_decoy [ADDRESS [PORT]]     default 127.77.3.16 8123 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static void answer(struct evhttp_request *req, void *arg)
{
    struct evbuffer *body = evbuffer_new();
    (void)arg;
    if (!body) {
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    evbuffer_add(body, "Ok.\n", 4);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/html; charset=UTF-8");
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
    const char *addr = argc > 1 ? argv[1] : "127.77.3.16";
    int port = argc > 2 ? atoi(argv[2]) : 8123;
    struct event_base *base;
    struct evhttp *http;
    struct event *sigterm, *sigint;

    if (argc > 3 || port <= 0 || port > 65535) {
        fprintf(stderr, "usage: lab_decoy [ADDRESS [PORT]]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    base = event_base_new();
    http = base ? evhttp_new(base) : NULL;
    if (!http) {
        fprintf(stderr, "lab_decoy: cannot create the event loop\n");
        return 3;
    }
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                         EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
    evhttp_set_max_headers_size(http, 16384);
    evhttp_set_max_body_size(http, 1 << 20);
    evhttp_set_timeout(http, 10);
    evhttp_set_gencb(http, answer, NULL);
    if (!evhttp_bind_socket_with_handle(http, addr, (ev_uint16_t)port)) {
        fprintf(stderr, "lab_decoy: cannot listen on %s:%d\n", addr, port);
        return 3;
    }
    sigterm = evsignal_new(base, SIGTERM, on_signal, base);
    sigint = evsignal_new(base, SIGINT, on_signal, base);
    if (!sigterm || !sigint || event_add(sigterm, NULL) || event_add(sigint, NULL)) {
        fprintf(stderr, "lab_decoy: cannot install signal handlers\n");
        return 3;
    }
    fprintf(stderr, "lab_decoy: listening on %s:%d\n", addr, port);
    event_base_dispatch(base);
    event_free(sigterm);
    event_free(sigint);
    evhttp_free(http);
    event_base_free(base);
    return 0;
}
