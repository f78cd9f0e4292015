/* Scan driver: the (address, port) walk in permuted order, connect probes under concurrency, rate
 * and per-host limits on one event loop per core, exclusions, adaptive timeouts, progress, signals,
 * and hand-off to the assessment pipeline (see scan.h) — directly on one loop, or two-phase (opens
 * collected, then assessed on one loop) after SYN discovery or several loops. Name resolution
 * lives in scan_dns.c, target checks in scan_check.c, probe sockets in scan_sock.c, the SYN mode
 * glue in scan_syn.c, the honeypot verdict in honeypot.c. */
#include "core/scan.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/util.h>

#include "core/hostcount.h"
#include "core/scan_int.h"
#include "net/conn.h"

static void fill(struct scan *sc);

uint64_t ls_scan_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void finish_one(struct scan *sc)
{
    sc->inflight--;
    fill(sc);
}

static void host_release(struct scan *sc, struct probe *pr)
{
    if (sc->hosts && pr->counted) {
        ls_hostcount_dec(sc->hosts, (struct sockaddr *)&pr->sa);
        pr->counted = false;
    }
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
    if (ls_service_unidentified(svc))
        sc->sum->unidentified++;
    if (svc->auth == LS_AUTH_NONE || svc->auth == LS_AUTH_DEFAULT_CREDENTIALS)
        sc->sum->exposed++;
    sc->cfg->on_service(sc->cfg->ud, svc);
}

bool ls_open_list_add(struct open_list *l, const struct sockaddr *sa, size_t target, uint64_t pos)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 64;
        struct found_open *nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv)
            return false;
        l->v = nv;
        l->cap = ncap;
    }
    struct found_open *o = &l->v[l->n++];
    memset(o, 0, sizeof *o);
    memcpy(&o->sa, sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
    o->target = target;
    o->pos = pos;
    return true;
}

/* pr is consumed (freed) here. */
static void port_open(struct scan *sc, struct probe *pr)
{
    char ip[64];
    host_release(sc, pr);
    if (sc->hp && !sc->assess_found) /* (recorded when the discovery phase found it) */
        ls_honeypot_open(sc->hp, (struct sockaddr *)&pr->sa);
    if (sc->collect) { /* counted when the assessment phase confirms it */
        pthread_mutex_lock(&sc->sh->out_mu);
        ls_open_list_add(sc->sh->found, (struct sockaddr *)&pr->sa, pr->target, pr->pos);
        pthread_mutex_unlock(&sc->sh->out_mu);
        free(pr);
        finish_one(sc);
        return;
    }
    sc->sum->open_ports++;
    ls_sockaddr_ip((struct sockaddr *)&pr->sa, ip, sizeof ip);
    if (sc->cfg->discover_only) {
        if (sc->sh)
            pthread_mutex_lock(&sc->sh->out_mu);
        sc->cfg->on_open(sc->cfg->ud, ip, (uint16_t)ls_sockaddr_port((struct sockaddr *)&pr->sa));
        if (sc->sh)
            pthread_mutex_unlock(&sc->sh->out_mu);
        free(pr);
        finish_one(sc);
        return;
    }
    int r = ls_job_start(&sc->pipeline, (struct sockaddr *)&pr->sa, pr->salen, pr->host_is_name ? pr->host : ip,
                         pr->host_is_name);
    free(pr);
    if (r != 0)
        finish_one(sc);
}

static void probe_free(struct probe *pr)
{
    host_release(pr->sc, pr);
    if (pr->ev)
        event_free(pr->ev);
    if (pr->fd >= 0)
        ls_probe_abort(pr->fd);
    free(pr);
}

static void rtt_sample(struct scan *sc, uint64_t t0)
{
    ls_rtt_sample(&sc->rtt, (double)(ls_scan_now_ns() - t0) / 1000.0);
}

/* The connect timeout in ms: --timeout, or the adaptive one of rtt.h. */
static unsigned connect_timeout_ms(const struct scan *sc)
{
    unsigned cap = sc->cfg->limits.connect_timeout_ms;
    return sc->cfg->adaptive_timeout ? ls_rtt_timeout_ms(&sc->rtt, cap) : cap;
}

static int probe_connect(struct probe *pr);

/* Arms pr's timer for the rest of its timeout, checking back at least every LS_RTT_FLOOR_MS while
 * the adaptive timeout may still shrink (probes sent before any round trip was measured then
 * follow the estimate once it exists). False when the timeout has passed. */
static bool rearm(struct probe *pr)
{
    unsigned limit = connect_timeout_ms(pr->sc);
    uint64_t waited = (ls_scan_now_ns() - pr->t0_ns) / 1000000u;
    if (waited >= limit)
        return false;
    uint64_t ms = limit - waited;
    if (pr->sc->cfg->adaptive_timeout && ms > LS_RTT_FLOOR_MS)
        ms = LS_RTT_FLOOR_MS;
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
    return event_add(pr->ev, &tv) == 0;
}

static void on_probe(evutil_socket_t fd, short what, void *arg)
{
    struct probe *pr = arg;
    struct scan *sc = pr->sc;
    (void)fd;
    if ((what & EV_TIMEOUT) && pr->fd >= 0 && rearm(pr))
        return;
    event_free(pr->ev);
    pr->ev = NULL;
    if (what & EV_TIMEOUT) {
        bool port_wait = pr->fd < 0 && pr->port_waits <= 50; /* waited for a free source port */
        if (port_wait || pr->attempt < sc->cfg->retries) {
            pr->attempt += !port_wait;
            if (pr->fd >= 0)
                ls_probe_abort(pr->fd);
            pr->fd = -1;
            int r = probe_connect(pr);
            if (r == 0)
                return;
            if (r == 1) {
                port_open(sc, pr);
                return;
            }
        }
        probe_free(pr);
        finish_one(sc);
        return;
    }
    int err;
    enum ls_probe_result r = ls_probe_finish(&sc->pool, pr->fd, (struct sockaddr *)&pr->sa, &err);
    pr->fd = -1;
    if (ls_probe_round_trip(err)) /* not EHOSTUNREACH and other errors of the local stack */
        rtt_sample(sc, pr->t0_ns);
    if (r == LS_PROBE_OPEN) {
        port_open(sc, pr);
        return;
    }
    probe_free(pr);
    finish_one(sc);
}

/* 0: waiting for the loop; 1: answered at once (open); -1: closed, or could not probe */
static int probe_connect(struct probe *pr)
{
    struct scan *sc = pr->sc;
    pr->t0_ns = ls_scan_now_ns();
    int fd = -1, err;
    switch (ls_probe_start(&sc->pool, (struct sockaddr *)&pr->sa, pr->salen, &fd, &err)) {
    case LS_PROBE_OPEN: return 1;
    case LS_PROBE_CLOSED:
        if (ls_probe_round_trip(err))
            rtt_sample(sc, pr->t0_ns);
        return -1;
    case LS_PROBE_FAILED: return -1;
    case LS_PROBE_NOPORT: { /* out of source ports: never lose the probe, try again shortly */
        pr->ev = evtimer_new(sc->base, on_probe, pr);
        struct timeval tv = {0, 20000};
        pr->port_waits++;
        if (!pr->ev || event_add(pr->ev, &tv) != 0)
            return -1;
        return 0;
    }
    case LS_PROBE_PENDING: break;
    }
    pr->fd = fd;
    pr->ev = event_new(sc->base, pr->fd, EV_WRITE, on_probe, pr);
    if (!pr->ev || !rearm(pr))
        return -1;
    return 0;
}

/* The next pair of the walk that is not excluded (port set); false when the walk is over. */
/* The next position to probe: the walk's own with one loop, else from the claimed chunk. */
static bool next_pos(struct scan *sc, uint64_t *pos)
{
    if (!sc->sh) {
        if (sc->walk.pos >= sc->walk.end)
            return false;
        *pos = sc->walk.pos++;
        return true;
    }
    if (sc->cur == sc->lim) {
        if (sc->stopping || atomic_load(&sc->sh->stop))
            return false;
        uint64_t c = atomic_fetch_add(&sc->sh->next, CHUNK);
        if (c >= sc->walk.end)
            return false;
        sc->cur = c;
        sc->lim = c + CHUNK < sc->walk.end ? c + CHUNK : sc->walk.end;
    }
    *pos = sc->cur++;
    return true;
}

bool ls_scan_next_addr(struct scan *sc, struct sockaddr_storage *ss, size_t *tp)
{
    size_t t;
    uint64_t a, pos;
    uint16_t port;
    while (next_pos(sc, &pos)) {
        ls_walk_at(&sc->walk, pos, &t, &a, &port);
        const struct ls_target *tg = &sc->cfg->targets->v[t];
        if (tg->kind == LS_TARGET_NAME) {
            memcpy(ss, &sc->res[t].addrs[a], sizeof *ss);
        } else {
            socklen_t l;
            ls_target_addr(tg, a, ss, &l);
        }
        if (ls_check_excluded(&sc->check, t, (struct sockaddr *)ss)) {
            sc->skipped++;
            continue;
        }
        if (ss->ss_family == AF_INET6)
            ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
        else
            ((struct sockaddr_in *)ss)->sin_port = htons(port);
        *tp = t;
        sc->last_pos = pos;
        return true;
    }
    return false;
}

/* The next probe: from the discovery phase's opens in the assessment phase, else from the walk. */
static struct probe *next_probe(struct scan *sc)
{
    struct sockaddr_storage ss;
    size_t t;
    if (sc->assess_found) {
        if (sc->found.next >= sc->found.n)
            return NULL;
        const struct found_open *o = &sc->found.v[sc->found.next++];
        ss = o->sa;
        t = o->target;
        sc->last_pos = o->pos;
    } else if (!ls_scan_next_addr(sc, &ss, &t)) {
        return NULL;
    }
    struct probe *pr = calloc(1, sizeof *pr);
    if (!pr)
        return NULL;
    const struct ls_target *tg = &sc->cfg->targets->v[t];
    pr->sc = sc;
    pr->fd = -1;
    pr->sa = ss;
    pr->target = t;
    pr->pos = sc->last_pos;
    pr->salen = ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (tg->kind == LS_TARGET_NAME) {
        pr->host = tg->name;
        pr->host_is_name = true;
    }
    return pr;
}

/* Starts pr (counted as a probe). */
static void launch(struct scan *sc, struct probe *pr)
{
    sc->sum->probes++;
    sc->inflight++;
    if (sc->hosts) {
        if (ls_hostcount_inc(sc->hosts, (struct sockaddr *)&pr->sa) == 0)
            pr->counted = true;
    }
    int r = probe_connect(pr);
    if (r == 1) {
        port_open(sc, pr);
    } else if (r < 0) {
        probe_free(pr);
        sc->inflight--;
    }
}

static bool host_full(struct scan *sc, struct probe *pr)
{
    return sc->hosts && ls_hostcount_get(sc->hosts, (struct sockaddr *)&pr->sa) >= sc->cfg->max_per_host;
}

/* A probe allowed to start now (deferred ones first), or NULL. */
static struct probe *pick(struct scan *sc)
{
    for (size_t i = 0; i < sc->ndefer; i++) {
        if (!host_full(sc, sc->defer[i])) {
            struct probe *pr = sc->defer[i];
            memmove(&sc->defer[i], &sc->defer[i + 1], (sc->ndefer - i - 1) * sizeof *sc->defer);
            sc->ndefer--;
            return pr;
        }
    }
    while (!sc->walk_done && (!sc->stopping || sc->cur < sc->lim) && sc->ndefer < DEFER_MAX) {
        struct probe *pr = next_probe(sc);
        if (!pr) {
            sc->walk_done = true;
            break;
        }
        if (!host_full(sc, pr))
            return pr;
        sc->defer[sc->ndefer++] = pr;
    }
    return NULL;
}

static void on_rate_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    fill(arg);
}

static bool scan_over(const struct scan *sc)
{
    return (sc->walk_done || (sc->stopping && sc->cur >= sc->lim)) && sc->ndefer == 0 && sc->inflight == 0;
}

static void fill(struct scan *sc)
{
    if (sc->filling) {
        sc->refill = true;
        return;
    }
    sc->filling = true;
    unsigned started = 0;
    do {
        sc->refill = false;
        while (sc->inflight < sc->concurrency) {
            if (started++ == FILL_BATCH) { /* most probes finish inside connect(): let the loop
                                              poll (timeouts, signals, progress) now and then */
                event_active(sc->more_ev, EV_TIMEOUT, 0);
                sc->refill = false;
                break;
            }
            uint64_t now = ls_scan_now_ns();
            if (!ls_rate_take(&sc->rate, now)) {
                if (!event_pending(sc->rate_ev, EV_TIMEOUT, NULL)) {
                    uint64_t w = ls_rate_wait_ns(&sc->rate, now);
                    struct timeval tv = {(time_t)(w / 1000000000u), (suseconds_t)((w % 1000000000u) / 1000)};
                    event_add(sc->rate_ev, &tv);
                }
                break;
            }
            struct probe *pr = pick(sc);
            if (!pr) {
                sc->rate.tokens += sc->rate.rate > 0 ? 1 : 0; /* give the token back */
                break;
            }
            launch(sc, pr);
        }
    } while (sc->refill);
    sc->filling = false;
    if (scan_over(sc))
        event_base_loopbreak(sc->base);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct scan *sc = arg;
    (void)what;
    if (sc->stopping) { /* a second signal: give up on the probes in flight */
        fprintf(stderr, "\nleakscan: stopping now (signal %d)\n", (int)sig);
        sc->abandoned = true;
        event_base_loopbreak(sc->base);
        return;
    }
    sc->stopping = true;
    sc->cfg->resume.interrupted = true;
    if (sc->sh)
        atomic_store(&sc->sh->stop, 1);
    fill(sc);
}

static void on_progress(evutil_socket_t fd, short what, void *arg)
{
    struct scan *sc = arg;
    (void)fd;
    (void)what;
    uint64_t at = sc->sh ? atomic_load(&sc->sh->next) : sc->walk.pos;
    uint64_t done = (at < sc->walk.end ? at : sc->walk.end) - sc->walk.begin, total = ls_walk_size(&sc->walk);
    double secs = (double)(ls_scan_now_ns() - sc->t_start_ns) / 1e9;
    double rate = secs > 0 ? (double)done / secs : 0;
    double pps = secs > 0 ? (double)done / secs : 0;
    double eta = pps > 0 ? (double)(total - done) / pps : 0;
    fprintf(stderr, "\r\033[K%llu/%llu probes (%.1f%%)  %.0f/s  %llu open  ETA %.0fs", (unsigned long long)done,
            (unsigned long long)total, total ? 100.0 * (double)done / (double)total : 100.0, rate,
            (unsigned long long)sc->sum->open_ports, eta);
    fflush(stderr);
}

static unsigned default_concurrency(void)
{
    struct rlimit rl;
    unsigned c = 16384;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < c + 256)
        c = rl.rlim_cur > 512 ? (unsigned)rl.rlim_cur - 256 : (rl.rlim_cur > 96 ? (unsigned)rl.rlim_cur - 64 : 32);
    return c;
}

static int setup_events(struct scan *sc)
{
    sc->rate_ev = evtimer_new(sc->base, on_rate_timer, sc);
    sc->sig_int = evsignal_new(sc->base, SIGINT, on_signal, sc);
    sc->sig_term = evsignal_new(sc->base, SIGTERM, on_signal, sc);
    if (!sc->rate_ev || !sc->sig_int || !sc->sig_term)
        return -1;
    event_add(sc->sig_int, NULL);
    event_add(sc->sig_term, NULL);
    if (sc->cfg->progress) {
        sc->progress_ev = event_new(sc->base, -1, EV_PERSIST, on_progress, sc);
        struct timeval tv = {1, 0};
        if (!sc->progress_ev || event_add(sc->progress_ev, &tv) != 0)
            return -1;
    }
    return 0;
}

static void free_events(struct scan *sc)
{
    struct event *evs[] = {sc->rate_ev, sc->progress_ev, sc->sig_int, sc->sig_term};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        if (evs[i])
            event_free(evs[i]);
}

/* One event loop of connect-mode probes until its share of the walk is done. */
static void run_loop(struct scan *sc, double rate)
{
    ls_rate_init(&sc->rate, rate, ls_scan_now_ns());
    sc->t_start_ns = ls_scan_now_ns();
    sc->pipeline = (struct ls_pipeline){.base = sc->base,
                                        .limits = &sc->cfg->limits,
                                        .detector = sc->cfg->detector,
                                        .on_service = on_service,
                                        .on_job_end = on_job_end,
                                        .ud = sc};
    sc->more_ev = evtimer_new(sc->base, on_rate_timer, sc);
    if (!sc->more_ev) {
        fprintf(stderr, "leakscan: out of memory\n");
        return;
    }
    fill(sc);
    if (!scan_over(sc))
        event_base_dispatch(sc->base);
    for (size_t i = 0; i < sc->ndefer; i++) /* only after a second signal */
        probe_free(sc->defer[i]);
    event_free(sc->more_ev);
    sc->more_ev = NULL;
    if (sc->cfg->stats && !sc->assess_found)
        fprintf(stderr,
                "connect mode loop: %llu probes in %.3f s, sockets created %lu, reused %lu%s; timeout at the end %u ms "
                "(%llu round trips, srtt %.0f us); timeout policy: %s\n",
                (unsigned long long)sc->sum->probes, (double)(ls_scan_now_ns() - sc->t_start_ns) / 1e9,
                sc->pool.created, sc->pool.reused, sc->pool.spread ? ", loopback sources spread" : "",
                connect_timeout_ms(sc), (unsigned long long)sc->rtt.samples, sc->rtt.srtt,
                ls_rtt_policy(sc->cfg->adaptive_timeout));
    ls_sockpool_free(&sc->pool);
}

/* Loops for connect-mode discovery: one per core (at most 4) unless --max-per-host needs one
 * view of all probes in flight. With engines to run, several loops make the scan two-phase:
 * discovery collects the opens, then one loop confirms and assesses them. */
static unsigned loops_for(const struct ls_scan_config *cfg)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (cfg->max_per_host || n < 2)
        return 1;
    return n > 4 ? 4 : (unsigned)n;
}

struct worker {
    struct scan sc;
    struct ls_scan_summary sum;
    double rate;
    pthread_t th;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    run_loop(&w->sc, w->rate);
    return NULL;
}

/* Runs nloops event loops (this thread's plus nloops-1 workers) over shared chunks of the walk. */
static void run_loops(struct scan *sc, unsigned nloops)
{
    struct worker *ws = calloc(nloops - 1, sizeof *ws);
    sc->sh = calloc(1, sizeof *sc->sh);
    if (!ws || !sc->sh) {
        free(ws);
        free(sc->sh);
        sc->sh = NULL;
        run_loop(sc, sc->cfg->rate);
        return;
    }
    sc->sh->found = &sc->found;
    atomic_init(&sc->sh->next, sc->walk.pos);
    atomic_init(&sc->sh->stop, 0);
    pthread_mutex_init(&sc->sh->out_mu, NULL);
    unsigned started = 0;
    for (unsigned i = 0; i + 1 < nloops; i++) {
        struct worker *w = &ws[i];
        w->sc = (struct scan){.cfg = sc->cfg,
                              .res = sc->res,
                              .check = sc->check,
                              .walk = sc->walk,
                              .concurrency = sc->concurrency,
                              .sum = &w->sum,
                              .sh = sc->sh,
                              .hp = sc->hp,
                              .collect = sc->collect};
        w->rate = sc->cfg->rate / nloops;
        w->sc.base = event_base_new();
        if (!w->sc.base || !(w->sc.rate_ev = evtimer_new(w->sc.base, on_rate_timer, &w->sc)) ||
            pthread_create(&w->th, NULL, worker_main, w) != 0) {
            if (w->sc.rate_ev)
                event_free(w->sc.rate_ev);
            if (w->sc.base)
                event_base_free(w->sc.base);
            break;
        }
        started++;
    }
    run_loop(sc, sc->cfg->rate / (started + 1));
    for (unsigned i = 0; i < started; i++) {
        pthread_join(ws[i].th, NULL);
        sc->sum->probes += ws[i].sum.probes;
        sc->sum->open_ports += ws[i].sum.open_ports;
        event_free(ws[i].sc.rate_ev);
        event_base_free(ws[i].sc.base);
    }
    free(ws);
}

/* Builds the walk and checks the resume position. Returns 0, 2 or 3. */
static int prepare_walk(struct scan *sc, char *err, size_t errlen)
{
    struct ls_scan_config *cfg = sc->cfg;
    const struct ls_target_list *tl = cfg->targets;
    uint64_t *naddrs = calloc(tl->n ? tl->n : 1, sizeof *naddrs);
    if (!naddrs)
        return 3;
    uint64_t addrs = 0;
    for (size_t i = 0; i < tl->n; i++) {
        naddrs[i] = tl->v[i].kind == LS_TARGET_NAME ? sc->res[i].n : ls_target_naddrs(&tl->v[i]);
        if (ls_check_fully_excluded(&sc->check, i))
            naddrs[i] = 0;
        addrs += naddrs[i];
    }
    int rc =
        ls_walk_init(&sc->walk, tl, cfg->ports, naddrs, cfg->seed, cfg->shard_idx, cfg->shard_n ? cfg->shard_n : 1);
    free(naddrs);
    if (rc != 0) {
        snprintf(err, errlen, "too many (address, port) pairs to scan");
        return 2;
    }
    sc->sum->targets = addrs;
    uint64_t h = ls_check_hash(&sc->check, cfg->args_hash, sc->res, tl->n);
    if (cfg->resume.hash && cfg->resume.hash != h) {
        snprintf(err, errlen, "the resume file was written for other targets, ports, exclusions or shard");
        return 2;
    }
    if (cfg->resume.pos > ls_walk_size(&sc->walk)) {
        snprintf(err, errlen, "the resume position is past the end of the scan");
        return 2;
    }
    cfg->resume.hash = h;
    sc->walk.pos = sc->walk.begin + cfg->resume.pos;
    uint64_t left = sc->walk.end - sc->walk.pos;
    if (cfg->warn_probes && left > cfg->warn_probes)
        fprintf(stderr, "leakscan: %llu probes to send (%llu addresses x ports%s)\n", (unsigned long long)left,
                (unsigned long long)addrs, cfg->shard_n > 1 ? ", this shard" : "");
    return 0;
}

/* Connect-mode walk on nloops loops (concurrency conc in all); sets the resume position. */
static void run_connect(struct scan *sc, unsigned nloops, unsigned conc)
{
    struct ls_scan_config *cfg = sc->cfg;
    sc->concurrency = conc / nloops;
    if (nloops > 1)
        run_loops(sc, nloops);
    else
        run_loop(sc, cfg->rate);
    cfg->resume.pos = sc->walk.pos - sc->walk.begin - sc->ndefer;
    if (sc->sh) {
        uint64_t next = atomic_load(&sc->sh->next);
        cfg->resume.pos = (next < sc->walk.end ? next : sc->walk.end) - sc->walk.begin;
        sc->walk.pos = sc->walk.begin + cfg->resume.pos; /* (the progress line of a second phase) */
        pthread_mutex_destroy(&sc->sh->out_mu);
        free(sc->sh);
        sc->sh = NULL;
    }
}

/* The resume position after the assessment phase, given discovery's: if a signal stopped it with
 * opens not yet taken up, the earliest walk position among them (so a resumed run finds them
 * again; probes after it are repeated). */
static uint64_t unassessed_pos(const struct scan *sc, uint64_t pos)
{
    if (!sc->stopping)
        return pos;
    for (size_t i = sc->found.next; i < sc->found.n; i++)
        if (sc->found.v[i].pos - sc->walk.begin < pos)
            pos = sc->found.v[i].pos - sc->walk.begin;
    return pos;
}

int ls_scan_run(struct ls_scan_config *cfg, struct ls_scan_summary *sum, char *err, size_t errlen)
{
    uint64_t t0 = ls_scan_now_ns();
    memset(sum, 0, sizeof *sum);
    cfg->resume.interrupted = false;
    struct scan sc = {.cfg = cfg, .sum = sum};
    sc.base = event_base_new();
    if (!sc.base) {
        snprintf(err, errlen, "cannot create the event loop");
        return 3;
    }
    int rc = ls_resolve_all(sc.base, cfg->targets, cfg->hosts_file, &sc.res, err, errlen);
    if (rc == 0)
        rc = ls_check_init(&sc.check, cfg->targets, sc.res, cfg->scope, cfg->exclude, err, errlen);
    if (rc == 0)
        rc = prepare_walk(&sc, err, errlen);
    if (rc == 0 && setup_events(&sc) != 0)
        rc = 3;
    if (rc == 0 && cfg->max_per_host && !(sc.hosts = ls_hostcount_new(4096)))
        rc = 3;
    if (rc == 0 && cfg->honeypot_engines && cfg->on_suspect && !(sc.hp = ls_honeypot_new(cfg->honeypot_engines)))
        rc = 3;
    bool syn = rc == 0 && ls_scan_use_syn(&sc);
    unsigned conc = cfg->concurrency ? cfg->concurrency : default_concurrency();
    if (syn) {
        rc = ls_scan_run_syn(&sc, err, errlen);
        cfg->resume.pos = sc.walk.pos - sc.walk.begin;
    } else if (rc == 0) {
        unsigned nloops = loops_for(cfg);
        sc.collect = nloops > 1 && !cfg->discover_only;
        run_connect(&sc, nloops, conc);
    }
    /* two-phase scans: the engines confirm and assess what discovery found, on one loop */
    if (rc == 0 && !cfg->discover_only && (syn || sc.collect) && !sc.abandoned) {
        uint64_t probes = sum->probes, pos = cfg->resume.pos;
        sc.collect = false;
        sc.assess_found = true;
        sc.walk_done = sc.stopping = false; /* (a signal during discovery: assess what it found) */
        sc.cur = sc.lim = 0;
        sc.concurrency = conc;
        run_loop(&sc, cfg->rate);
        sum->probes = probes; /* the confirming connects are not probes of the walk */
        cfg->resume.pos = unassessed_pos(&sc, pos);
    } else if (rc == 0 && !cfg->discover_only && sc.collect) { /* a second signal during discovery */
        cfg->resume.pos = unassessed_pos(&sc, cfg->resume.pos);
    }
    if (cfg->progress)
        fprintf(stderr, "\r\033[K");
    if (rc == 0 && sc.hp)
        ls_honeypot_report(sc.hp, cfg->on_suspect, cfg->ud);
    ls_honeypot_free(sc.hp);
    sum->duration_ms = (ls_scan_now_ns() - t0) / 1000000u;
    free_events(&sc);
    ls_hostcount_free(sc.hosts);
    free(sc.found.v);
    ls_walk_free(&sc.walk);
    ls_check_free(&sc.check);
    ls_resolved_free(sc.res, cfg->targets->n);
    event_base_free(sc.base);
    return rc;
}
