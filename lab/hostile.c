/* lab_hostile: misbehaving servers for leakscan's robustness tests. One process, many listeners,
 * each with a mode:
 *
 *   garbage       send 64..4096 random bytes at once, then close
 *   silent        accept, read and discard, never send, keep the connection open
 *   endless-http  after the first request bytes: "HTTP/1.1 200 OK" with
 *                 X-ClickHouse-Server-Display-Name: tarpit and a chunked body that never ends
 *   endless       an endless stream of bytes, starting at accept
 *   drip-http     one byte per second: an HTTP status line and headers that never end
 *   drip          one byte per second: a ClickHouse-like Hello whose VarUInt never terminates
 *   truncated     the first bytes of a plausible answer for the listener's port, then silence (a
 *                 tarpit: the connection stays open, input is discarded): 3306 the first 20 bytes
 *                 of a MySQL handshake v10 (at accept, MySQL speaks first); after the first request
 *                 bytes, 5432 an 'R' authentication message whose length is never completed, 6379
 *                 a `$100` bulk string with 3 bytes of body, 8123 an HTTP status line and half a
 *                 header block, 9000 a ClickHouse Hello cut inside its revision VarUInt
 *
 *   lab_hostile [-m MAX_CONNECTIONS] -l MODE@ADDRESS:PORT [-l ...]
 *
 * Memory is bounded per client: input is discarded as it arrives (at most 4 KiB per read), and
 * streaming modes refill the output only when it has drained, at most 4 KiB at a time. Past
 * MAX_CONNECTIONS (default 1000) new connections are closed at once. SIGTERM/SIGINT stop it. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 4096
#define MAX_LISTENERS 128

enum mode { M_GARBAGE, M_SILENT, M_ENDLESS_HTTP, M_ENDLESS, M_DRIP_HTTP, M_DRIP, M_TRUNCATED, M_COUNT };
static const char *const MODE_NAMES[M_COUNT] = {"garbage",   "silent", "endless-http", "endless",
                                                "drip-http", "drip",   "truncated"};

/* truncated mode: what a port's server would start to say, cut short */
struct truncated {
    unsigned port;
    int server_first; /* sent at accept, not after the first request bytes */
    const char *bytes;
    size_t len;
};
#define BYTES(lit) lit, sizeof lit - 1 /* a literal that may hold NULs, and its length */
static const struct truncated TRUNCATED[] = {
    /* length 0x5b, sequence 0, protocol 10, then 15 bytes of the version string (no NUL) */
    {3306, 1,
     BYTES("\x5b\x00\x00\x00\x0a"
           "5.5.5-10.11.6-M")},
    /* 'R', length 12 (an auth code and a 4-byte salt follow), only 2 bytes of it */
    {5432, 0, BYTES("R\x00\x00\x00\x0c\x00\x00")},
    {6379, 0, BYTES("$100\r\nabc")},
    {8123, 0,
     BYTES("HTTP/1.1 200 OK\r\nDate: Sun, 07 Dec 2025 22:00:00 GMT\r\nConnection: Keep-Alive\r\n"
           "Content-Type: text/tab-separated-values; charset=UTF-8\r\nX-ClickHouse-Server-Display-Name: trun")},
    /* Hello, "ClickHouse", major 18, minor 16, revision 54412 cut after its first VarUInt byte */
    {9000, 0,
     BYTES("\x00\x0a"
           "ClickHouse\x12\x10\x8c")},
    /* etcd /version, Prometheus buildinfo: JSON bodies promised longer than sent */
    {2379, 0,
     BYTES("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"etcdserver\":\"3.4")},
    {9090, 0,
     BYTES("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n"
           "{\"status\":\"success\",\"data\":{\"version\":\"2.4")},
    /* InfluxDB /ping and RabbitMQ's management API: headers cut short */
    {8086, 0, BYTES("HTTP/1.1 204 No Content\r\nX-Influxdb-Build: OSS\r\nX-Influxdb-Vers")},
    {15672, 0, BYTES("HTTP/1.1 401 Unauthorized\r\nwww-authenticate: Basic realm=\"RabbitMQ Manag")},
    /* memcached `version` and ZooKeeper `srvr`, cut before the end of their line */
    {11211, 0, BYTES("VERSION 1.6")},
    {2181, 0, BYTES("Zookeeper version: 3.8.0-")},
    /* AMQP 0-9-1 Connection.Start: method frame of 400 bytes (class 10, method 10, 0-9), cut */
    {5672, 0, BYTES("\x01\x00\x00\x00\x00\x01\x90\x00\x0a\x00\x0a\x00\x09")},
};

struct server {
    struct event_base *base;
    unsigned nconns, max_conns;
    uint64_t seq;
};

struct listener {
    struct server *srv;
    enum mode mode;
    const struct truncated *trunc; /* truncated mode */
    char spec[128];
};

struct conn {
    struct server *srv;
    struct bufferevent *bev;
    struct event *timer; /* drip modes */
    enum mode mode;
    const struct truncated *trunc;
    uint64_t rng;
    uint64_t pos; /* bytes dripped / chunks sent */
    int started, closing;
};

/* Shared, read-only payloads: random bytes and one chunk of a fake TabSeparated result. */
static unsigned char NOISE[64 * 1024];
static char TSV_CHUNK[CHUNK];

static const char HTTP_HEAD[] = "HTTP/1.1 200 OK\r\n"
                                "Content-Type: text/tab-separated-values; charset=UTF-8\r\n"
                                "X-ClickHouse-Server-Display-Name: tarpit\r\n"
                                "Transfer-Encoding: chunked\r\n"
                                "Keep-Alive: timeout=3\r\n\r\n";
static const char DRIP_HTTP_HEAD[] = "HTTP/1.1 200 OK\r\nX-ClickHouse-Server-Display-Name: drip\r\n";
static const char DRIP_HTTP_LOOP[] = "X-Still-Here: 1\r\n";
/* packet 0 (Hello), String "ClickHouse", then a VarUInt major version that never ends */
static const char DRIP_NATIVE_HEAD[] = "\x00\x0a"
                                       "ClickHouse";

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void conn_free(struct conn *c)
{
    if (c->timer)
        event_free(c->timer);
    bufferevent_free(c->bev);
    c->srv->nconns--;
    free(c);
}

/* Add one slice of a static payload without copying; it is never freed or changed. */
static void add_static(struct evbuffer *out, const void *p, size_t n)
{
    evbuffer_add_reference(out, p, n, NULL, NULL);
}

static void refill(struct conn *c)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    if (c->mode == M_ENDLESS_HTTP) {
        static const char size_line[] = "1000\r\n"; /* 0x1000 = CHUNK */
        add_static(out, size_line, sizeof size_line - 1);
        add_static(out, TSV_CHUNK, CHUNK);
        add_static(out, "\r\n", 2);
    } else if (c->mode == M_ENDLESS) {
        size_t off = (size_t)(next_rand(&c->rng) % (sizeof NOISE / CHUNK)) * CHUNK;
        add_static(out, NOISE + off, CHUNK);
    }
    c->pos++;
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    evbuffer_drain(in, evbuffer_get_length(in));
    if (c->mode == M_ENDLESS_HTTP && !c->started) {
        c->started = 1;
        add_static(bufferevent_get_output(bev), HTTP_HEAD, sizeof HTTP_HEAD - 1);
        refill(c);
    } else if (c->mode == M_TRUNCATED && !c->started) {
        c->started = 1;
        add_static(bufferevent_get_output(bev), c->trunc->bytes, c->trunc->len);
    }
}

static void on_write(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    (void)bev;
    /* called when the output has drained to zero: refill, or finish the garbage burst */
    if (c->closing) {
        conn_free(c);
        return;
    }
    if (c->started && (c->mode == M_ENDLESS_HTTP || c->mode == M_ENDLESS))
        refill(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        conn_free(arg);
}

static void on_drip(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    const char *head = c->mode == M_DRIP_HTTP ? DRIP_HTTP_HEAD : DRIP_NATIVE_HEAD;
    size_t head_len = c->mode == M_DRIP_HTTP ? sizeof DRIP_HTTP_HEAD - 1 : sizeof DRIP_NATIVE_HEAD - 1;
    char byte;
    (void)fd, (void)what;
    if (evbuffer_get_length(out) >= CHUNK)
        return; /* the client is not reading: do not queue more */
    if (c->pos < head_len)
        byte = head[c->pos];
    else if (c->mode == M_DRIP_HTTP)
        byte = DRIP_HTTP_LOOP[(c->pos - head_len) % (sizeof DRIP_HTTP_LOOP - 1)];
    else
        byte = (char)0xff; /* continuation bit set, forever */
    c->pos++;
    bufferevent_write(c->bev, &byte, 1);
}

static void on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
    struct listener *l = arg;
    struct server *srv = l->srv;
    struct conn *c;
    (void)lev, (void)sa, (void)salen;
    if (srv->nconns >= srv->max_conns || !(c = calloc(1, sizeof *c))) {
        evutil_closesocket(fd);
        return;
    }
    c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (!c->bev) {
        evutil_closesocket(fd);
        free(c);
        return;
    }
    srv->nconns++;
    c->srv = srv;
    c->mode = l->mode;
    c->trunc = l->trunc;
    c->rng = ++srv->seq * 0x2545F4914F6CDD1DULL;
    bufferevent_set_max_single_read(c->bev, CHUNK);
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);

    switch (c->mode) {
    case M_GARBAGE: {
        unsigned char burst[CHUNK];
        size_t n = 64 + next_rand(&c->rng) % (CHUNK - 63);
        for (size_t i = 0; i < n; i++)
            burst[i] = (unsigned char)next_rand(&c->rng);
        c->closing = 1;
        bufferevent_write(c->bev, burst, n);
        break;
    }
    case M_ENDLESS:
        c->started = 1;
        refill(c);
        break;
    case M_TRUNCATED:
        if (c->trunc->server_first) {
            c->started = 1;
            add_static(bufferevent_get_output(c->bev), c->trunc->bytes, c->trunc->len);
        }
        break;
    case M_DRIP_HTTP:
    case M_DRIP: {
        struct timeval one = {1, 0};
        c->timer = event_new(srv->base, -1, EV_PERSIST, on_drip, c);
        if (!c->timer || event_add(c->timer, &one)) {
            conn_free(c);
            return;
        }
        on_drip(-1, 0, c); /* first byte at once */
        break;
    }
    default: break;
    }
}

static void on_listen_error(struct evconnlistener *lev, void *arg)
{
    struct listener *l = arg;
    int err = EVUTIL_SOCKET_ERROR();
    (void)lev;
    fprintf(stderr, "lab_hostile: accept on %s: %s\n", l->spec, evutil_socket_error_to_string(err));
}

static void on_signal(evutil_socket_t sig, short what, void *base)
{
    (void)sig, (void)what;
    event_base_loopbreak(base);
}

static int parse_spec(const char *spec, struct listener *l, struct sockaddr_storage *ss, int *sslen)
{
    const char *at = strchr(spec, '@');
    if (!at || strlen(spec) >= sizeof l->spec)
        return -1;
    l->mode = M_COUNT;
    for (int m = 0; m < M_COUNT; m++)
        if (strlen(MODE_NAMES[m]) == (size_t)(at - spec) && !strncmp(spec, MODE_NAMES[m], (size_t)(at - spec)))
            l->mode = (enum mode)m;
    if (l->mode == M_COUNT)
        return -1;
    *sslen = (int)sizeof *ss;
    if (evutil_parse_sockaddr_port(at + 1, (struct sockaddr *)ss, sslen) != 0)
        return -1;
    l->trunc = NULL;
    if (l->mode == M_TRUNCATED) {
        unsigned port = ntohs(ss->ss_family == AF_INET6 ? ((struct sockaddr_in6 *)ss)->sin6_port
                                                        : ((struct sockaddr_in *)ss)->sin_port);
        for (size_t i = 0; i < sizeof TRUNCATED / sizeof TRUNCATED[0]; i++)
            if (TRUNCATED[i].port == port)
                l->trunc = &TRUNCATED[i];
        if (!l->trunc)
            return -1; /* no answer known for this port */
    }
    snprintf(l->spec, sizeof l->spec, "%s", spec);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: lab_hostile [-m MAX_CONNECTIONS] -l MODE@ADDRESS:PORT [-l ...]\n"
                    "modes: garbage silent endless-http endless drip-http drip truncated\n"
                    "truncated knows ports 2181 2379 3306 5432 5672 6379 8086 8123 9000 9090 11211 15672\n");
}

int main(int argc, char **argv)
{
    static struct listener listeners[MAX_LISTENERS];
    struct sockaddr_storage addrs[MAX_LISTENERS];
    int addrlens[MAX_LISTENERS], n = 0, opt;
    struct server srv = {0};
    struct rlimit rl;
    struct event *sigterm, *sigint;
    uint64_t seed = 0x4057113;

    srv.max_conns = 1000;
    while ((opt = getopt(argc, argv, "m:l:h")) != -1) {
        if (opt == 'm' && atoi(optarg) > 0) {
            srv.max_conns = (unsigned)atoi(optarg);
        } else if (opt == 'l' && n < MAX_LISTENERS && parse_spec(optarg, &listeners[n], &addrs[n], &addrlens[n]) == 0) {
            n++;
        } else {
            if (opt == 'l')
                fprintf(stderr, "lab_hostile: bad listener '%s'\n", optarg);
            usage();
            return 2;
        }
    }
    if (n == 0 || optind != argc) {
        usage();
        return 2;
    }
    /* keep well inside the descriptor limit so accept() never fails with EMFILE */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < srv.max_conns + 64u + (unsigned)n)
            srv.max_conns = rl.rlim_cur > 128u + (unsigned)n ? (unsigned)rl.rlim_cur - 64u - (unsigned)n : 32u;
    }
    for (size_t i = 0; i < sizeof NOISE; i++)
        NOISE[i] = (unsigned char)next_rand(&seed);
    for (size_t i = 0; i < CHUNK; i++) /* rows "tarpit\t<n>\n" padded to the chunk */
        TSV_CHUNK[i] = "tarpit\t0123456789\n"[i % 18];

    signal(SIGPIPE, SIG_IGN);
    if (!(srv.base = event_base_new())) {
        fprintf(stderr, "lab_hostile: cannot create the event loop\n");
        return 3;
    }
    for (int i = 0; i < n; i++) {
        struct evconnlistener *lev;
        listeners[i].srv = &srv;
        lev = evconnlistener_new_bind(srv.base, on_accept, &listeners[i],
                                      LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 512,
                                      (struct sockaddr *)&addrs[i], addrlens[i]);
        if (!lev) {
            fprintf(stderr, "lab_hostile: cannot listen for %s\n", listeners[i].spec);
            return 3;
        }
        evconnlistener_set_error_cb(lev, on_listen_error);
        fprintf(stderr, "lab_hostile: %s\n", listeners[i].spec);
    }
    sigterm = evsignal_new(srv.base, SIGTERM, on_signal, srv.base);
    sigint = evsignal_new(srv.base, SIGINT, on_signal, srv.base);
    if (!sigterm || !sigint || event_add(sigterm, NULL) || event_add(sigint, NULL)) {
        fprintf(stderr, "lab_hostile: cannot install signal handlers\n");
        return 3;
    }
    event_base_dispatch(srv.base);
    /* the process exits: the kernel closes the remaining sockets */
    return 0;
}
