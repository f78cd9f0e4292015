/* Scan driver: name resolution, the (address, port) walk, connect probes and hand-off to the
 * assessment pipeline (see scan.h). */
#include "core/scan.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "core/pipeline.h"
#include "net/conn.h"

struct resolved {
    struct sockaddr_storage *addrs;
    size_t n;
    int error;                     /* EVUTIL_EAI_* or 0 */
    bool done;
};

struct scan {
    const struct ls_scan_config *cfg;
    struct event_base *base;
    struct evdns_base *dns;
    struct resolved *res;          /* per target (NAME only) */
    size_t pending_dns;
    struct ls_pipeline pipeline;
    /* walk position */
    size_t t;                      /* target index */
    uint64_t a;                    /* address index within target */
    size_t p;                      /* port index */
    bool walk_done;
    unsigned inflight;
    unsigned concurrency;
    bool filling, refill;
    struct ls_scan_summary *sum;
};

struct probe {
    struct scan *sc;
    int fd;
    struct event *ev;
    struct sockaddr_storage sa;
    socklen_t salen;
    const char *host;              /* points into the target list */
    bool host_is_name;
    unsigned attempt;
};

static void fill(struct scan *sc);

static void finish_one(struct scan *sc)
{
    sc->inflight--;
    fill(sc);
}

static void close_rst(int fd)
{
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

static void on_job_end(void *ud, struct ls_job *job)
{
    (void)job;
    finish_one(ud);
}

static void on_service(void *ud, const struct ls_service *svc)
{
    struct scan *sc = ud;
    sc->sum->services++;
    if (svc->auth == LS_AUTH_NONE || svc->auth == LS_AUTH_DEFAULT_CREDENTIALS)
        sc->sum->exposed++;
    sc->cfg->on_service(sc->cfg->ud, svc);
}

static void port_open(struct scan *sc, struct probe *pr)
{
    sc->sum->open_ports++;
    if (sc->cfg->discover_only) {
        char ip[64];
        ls_sockaddr_ip((struct sockaddr *)&pr->sa, ip, sizeof ip);
        sc->cfg->on_open(sc->cfg->ud, ip, (uint16_t)ls_sockaddr_port((struct sockaddr *)&pr->sa));
        finish_one(sc);
        return;
    }
    char ip[64];
    ls_sockaddr_ip((struct sockaddr *)&pr->sa, ip, sizeof ip);
    if (ls_job_start(&sc->pipeline, (struct sockaddr *)&pr->sa, pr->salen, pr->host_is_name ? pr->host : ip,
                     pr->host_is_name) != 0)
        finish_one(sc);
}

static void probe_free(struct probe *pr)
{
    if (pr->ev)
        event_free(pr->ev);
    if (pr->fd >= 0)
        close_rst(pr->fd);
    free(pr);
}

static int probe_connect(struct probe *pr);

static void on_probe(evutil_socket_t fd, short what, void *arg)
{
    struct probe *pr = arg;
    struct scan *sc = pr->sc;
    (void)fd;
    if (what & EV_TIMEOUT) {
        if (pr->attempt < sc->cfg->retries) {
            pr->attempt++;
            event_free(pr->ev);
            pr->ev = NULL;
            close_rst(pr->fd);
            pr->fd = -1;
            if (probe_connect(pr) == 0)
                return;
        }
        probe_free(pr);
        finish_one(sc);
        return;
    }
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(pr->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    event_free(pr->ev);
    pr->ev = NULL;
    close_rst(pr->fd);
    pr->fd = -1;
    if (err == 0) {
        port_open(sc, pr);
        free(pr);
        return;
    }
    probe_free(pr);
    finish_one(sc);
}

/* 0: waiting for the loop; 1: answered at once (open: pr->fd == -2); -1: failed/closed */
static int probe_connect(struct probe *pr)
{
    struct scan *sc = pr->sc;
    pr->fd = socket(pr->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (pr->fd < 0)
        return -1;
    if (connect(pr->fd, (struct sockaddr *)&pr->sa, pr->salen) == 0) {
        close_rst(pr->fd);
        pr->fd = -2;
        return 1;
    }
    if (errno != EINPROGRESS) {
        close_rst(pr->fd);
        pr->fd = -1;
        return -1;
    }
    pr->ev = event_new(sc->base, pr->fd, EV_WRITE, on_probe, pr);
    if (!pr->ev)
        return -1;
    unsigned ms = sc->cfg->limits.connect_timeout_ms;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    event_add(pr->ev, &tv);
    return 0;
}

/* Next (address, port) pair, or false when the walk is over. */
static bool next_pair(struct scan *sc, struct probe *pr)
{
    const struct ls_target_list *tl = sc->cfg->targets;
    const struct ls_port_list *pl = sc->cfg->ports;
    while (sc->t < tl->n) {
        const struct ls_target *t = &tl->v[sc->t];
        uint64_t naddr = t->kind == LS_TARGET_NAME ? sc->res[sc->t].n : ls_target_naddrs(t);
        size_t nports = t->port ? 1 : pl->n;
        if (sc->a >= naddr || nports == 0) {
            sc->t++;
            sc->a = 0;
            sc->p = 0;
            continue;
        }
        uint16_t port = t->port ? t->port : pl->v[sc->p];
        memset(&pr->sa, 0, sizeof pr->sa);
        if (t->kind == LS_TARGET_NAME) {
            memcpy(&pr->sa, &sc->res[sc->t].addrs[sc->a], sizeof pr->sa);
            pr->host = t->name;
            pr->host_is_name = true;
        } else {
            socklen_t l;
            ls_target_addr(t, sc->a, &pr->sa, &l);
            pr->host = NULL;
            pr->host_is_name = false;
        }
        pr->salen = pr->sa.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
        if (pr->sa.ss_family == AF_INET6)
            ((struct sockaddr_in6 *)&pr->sa)->sin6_port = htons(port);
        else
            ((struct sockaddr_in *)&pr->sa)->sin_port = htons(port);
        if (sc->p == 0)
            sc->sum->targets++;
        if (++sc->p >= nports) {
            sc->p = 0;
            sc->a++;
        }
        return true;
    }
    return false;
}

static void fill(struct scan *sc)
{
    if (sc->filling) {
        sc->refill = true;
        return;
    }
    sc->filling = true;
    do {
        sc->refill = false;
        while (!sc->walk_done && sc->inflight < sc->concurrency) {
            struct probe *pr = calloc(1, sizeof *pr);
            if (!pr) {
                sc->walk_done = true;
                break;
            }
            pr->sc = sc;
            pr->fd = -1;
            if (!next_pair(sc, pr)) {
                free(pr);
                sc->walk_done = true;
                break;
            }
            sc->sum->probes++;
            sc->inflight++;
            int r = probe_connect(pr);
            if (r == 0)
                continue;
            if (r == 1) {
                pr->fd = -1;
                port_open(sc, pr);
                free(pr);
            } else {
                probe_free(pr);
                sc->inflight--;
            }
        }
    } while (sc->refill);
    sc->filling = false;
    if (sc->walk_done && sc->inflight == 0)
        event_base_loopbreak(sc->base);
}

static void on_resolved(int result, struct evutil_addrinfo *ai, void *arg);

struct dns_req {
    struct scan *sc;
    size_t idx;
};

static void on_resolved(int result, struct evutil_addrinfo *ai, void *arg)
{
    struct dns_req *rq = arg;
    struct scan *sc = rq->sc;
    struct resolved *r = &sc->res[rq->idx];
    r->done = true;
    r->error = result;
    if (result == 0) {
        for (struct evutil_addrinfo *p = ai; p; p = p->ai_next) {
            if (p->ai_family != AF_INET && p->ai_family != AF_INET6)
                continue;
            bool dup = false;
            for (size_t i = 0; i < r->n; i++)
                if (memcmp(&r->addrs[i], p->ai_addr, p->ai_addrlen) == 0)
                    dup = true;
            if (dup || r->n >= 64)
                continue;
            struct sockaddr_storage *na = realloc(r->addrs, (r->n + 1) * sizeof *na);
            if (!na)
                break;
            r->addrs = na;
            memset(&na[r->n], 0, sizeof *na);
            memcpy(&na[r->n], p->ai_addr, p->ai_addrlen);
            r->n++;
        }
        evutil_freeaddrinfo(ai);
    }
    free(rq);
    if (--sc->pending_dns == 0)
        event_base_loopbreak(sc->base);
}

static int resolve_names(struct scan *sc, char *err, size_t errlen)
{
    const struct ls_target_list *tl = sc->cfg->targets;
    sc->res = calloc(tl->n ? tl->n : 1, sizeof *sc->res);
    if (!sc->res)
        return 3;
    for (size_t i = 0; i < tl->n; i++) {
        if (tl->v[i].kind != LS_TARGET_NAME)
            continue;
        if (!sc->dns) {
            sc->dns = evdns_base_new(sc->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
            if (!sc->dns) {
                sc->dns = evdns_base_new(sc->base, 0);
                if (sc->dns)
                    evdns_base_load_hosts(sc->dns, NULL);
            }
            if (!sc->dns) {
                snprintf(err, errlen, "cannot start the DNS resolver");
                return 3;
            }
            evdns_base_set_option(sc->dns, "timeout:", "3");
            evdns_base_set_option(sc->dns, "attempts:", "2");
        }
        struct dns_req *rq = malloc(sizeof *rq);
        if (!rq)
            return 3;
        rq->sc = sc;
        rq->idx = i;
        struct evutil_addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        sc->pending_dns++;
        if (!evdns_getaddrinfo(sc->dns, tl->v[i].name, NULL, &hints, on_resolved, rq)) {
            /* answered synchronously (e.g. from /etc/hosts); the callback already ran */
        }
    }
    if (sc->pending_dns)
        event_base_dispatch(sc->base);
    for (size_t i = 0; i < tl->n; i++) {
        if (tl->v[i].kind == LS_TARGET_NAME && (sc->res[i].error || sc->res[i].n == 0)) {
            snprintf(err, errlen, "cannot resolve '%s': %s", tl->v[i].name,
                     sc->res[i].error ? evutil_gai_strerror(sc->res[i].error) : "no addresses");
            return 2;
        }
    }
    return 0;
}

static unsigned default_concurrency(void)
{
    struct rlimit rl;
    unsigned c = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < c + 64)
        c = rl.rlim_cur > 96 ? (unsigned)rl.rlim_cur - 64 : 32;
    return c;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int ls_scan_run(const struct ls_scan_config *cfg, struct ls_scan_summary *sum, char *err, size_t errlen)
{
    uint64_t t0 = now_ms();
    memset(sum, 0, sizeof *sum);
    struct scan sc = {.cfg = cfg, .sum = sum};
    sc.base = event_base_new();
    if (!sc.base) {
        snprintf(err, errlen, "cannot create the event loop");
        return 3;
    }
    int rc = resolve_names(&sc, err, errlen);
    if (rc == 0) {
        sc.concurrency = cfg->concurrency ? cfg->concurrency : default_concurrency();
        sc.pipeline = (struct ls_pipeline){.base = sc.base,
                                           .limits = &cfg->limits,
                                           .detector = cfg->detector,
                                           .on_service = on_service,
                                           .on_job_end = on_job_end,
                                           .ud = &sc};
        fill(&sc);
        if (!(sc.walk_done && sc.inflight == 0))
            event_base_dispatch(sc.base);
    }
    sum->duration_ms = now_ms() - t0;
    if (sc.dns)
        evdns_base_free(sc.dns, 0);
    for (size_t i = 0; sc.res && i < cfg->targets->n; i++)
        free(sc.res[i].addrs);
    free(sc.res);
    event_base_free(sc.base);
    return rc;
}
