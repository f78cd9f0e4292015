/* SYN mode glue for the scan driver: the permuted walk feeds the raw SYN sender (syn.c); opens go
 * to the caller (discover-only) or are queued for the engines over normal connections. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/permute.h"
#include "core/rtt.h"
#include "core/scan_int.h"
#include "core/syn.h"
#include "net/conn.h"

/* ---- SYN mode glue: the walk feeds the raw sender; opens go to the caller or the engines ---- */

static volatile sig_atomic_t syn_stop;
static void on_syn_signal(int sig)
{
    (void)sig;
    syn_stop = 1;
}

struct syn_glue {
    struct scan *sc;
    struct in_addr *tsrc; /* per target: source address routing picks */
    uint8_t *have;
    uint64_t start_pos, max_pos;
};

static bool route_source(const struct sockaddr_in *dst, struct in_addr *src)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* connect() on UDP sends nothing */
    struct sockaddr_in me;
    socklen_t l = sizeof me;
    bool ok = fd >= 0 && connect(fd, (const struct sockaddr *)dst, sizeof *dst) == 0 &&
              getsockname(fd, (struct sockaddr *)&me, &l) == 0;
    if (ok)
        *src = me.sin_addr;
    if (fd >= 0)
        close(fd);
    return ok;
}

static bool syn_next(void *ud, struct sockaddr_in *dst, struct in_addr *src)
{
    struct syn_glue *g = ud;
    struct sockaddr_storage ss;
    size_t t;
    for (;;) {
        if (!ls_scan_next_addr(g->sc, &ss, &t))
            return false;
        if (g->sc->walk.pos > g->max_pos)
            g->max_pos = g->sc->walk.pos;
        memcpy(dst, &ss, sizeof *dst);
        if (g->sc->cfg->targets->v[t].kind == LS_TARGET_NAME) {
            if (route_source(dst, src))
                return true;
            continue;
        }
        if (!g->have[t]) {
            if (!route_source(dst, &g->tsrc[t]))
                continue;
            g->have[t] = 1;
        }
        *src = g->tsrc[t];
        return true;
    }
}

static void syn_rewind(void *ud)
{
    struct syn_glue *g = ud;
    g->sc->walk.pos = g->start_pos;
}

/* The target an open address came from (for the host name); first match. */
static size_t target_of(const struct scan *sc, const struct sockaddr_in *a)
{
    const struct ls_target_list *tl = sc->cfg->targets;
    for (size_t i = 0; i < tl->n; i++) {
        const struct ls_target *t = &tl->v[i];
        if (t->kind == LS_TARGET_NAME) {
            for (size_t k = 0; k < sc->res[i].n; k++)
                if (sc->res[i].addrs[k].ss_family == AF_INET &&
                    ((const struct sockaddr_in *)&sc->res[i].addrs[k])->sin_addr.s_addr == a->sin_addr.s_addr)
                    return i;
            continue;
        }
        uint32_t lo, hi, x = ntohl(a->sin_addr.s_addr);
        uint64_t n = ls_target_naddrs(t);
        memcpy(&lo, t->addr, 4);
        lo = ntohl(lo);
        hi = lo + (uint32_t)(n - 1);
        if (x >= lo && x <= hi && (!t->port || t->port == ntohs(a->sin_port)))
            return i;
    }
    return 0;
}

static void syn_on_open(void *ud, const struct sockaddr_in *dst)
{
    struct syn_glue *g = ud;
    struct scan *sc = g->sc;
    if (sc->hp)
        ls_honeypot_open(sc->hp, (const struct sockaddr *)dst);
    if (sc->cfg->discover_only) {
        char ip[64];
        sc->sum->open_ports++;
        ls_sockaddr_ip((const struct sockaddr *)dst, ip, sizeof ip);
        sc->cfg->on_open(sc->cfg->ud, ip, ntohs(dst->sin_port));
        return;
    }
    ls_open_list_add(&sc->found, (const struct sockaddr *)dst, target_of(sc, dst), g->start_pos);
}

static bool all_ipv4(const struct scan *sc)
{
    const struct ls_target_list *tl = sc->cfg->targets;
    for (size_t i = 0; i < tl->n; i++) {
        if (tl->v[i].kind != LS_TARGET_NAME && tl->v[i].family != AF_INET)
            return false;
        for (size_t k = 0; tl->v[i].kind == LS_TARGET_NAME && k < sc->res[i].n; k++)
            if (sc->res[i].addrs[k].ss_family != AF_INET)
                return false;
    }
    return true;
}

bool ls_scan_use_syn(const struct scan *sc)
{
    if (sc->cfg->mode == LS_MODE_CONNECT || !all_ipv4(sc))
        return false;
    return sc->cfg->mode == LS_MODE_SYN || ls_syn_available();
}

#define COMMON_SOURCE_MAX 4096 /* targets whose route sources are looked up before sending */

/* The source address every probe leaves from when the targets' routes agree (names: every
 * resolved address; ranges: first and last address, as the sender looks a range's source up once),
 * else INADDR_ANY. */
static struct in_addr common_source(const struct scan *sc)
{
    const struct ls_target_list *tl = sc->cfg->targets;
    struct in_addr any = {htonl(INADDR_ANY)}, common = any, s;
    if (tl->n > COMMON_SOURCE_MAX)
        return any;
    for (size_t i = 0; i < tl->n; i++) {
        const struct ls_target *t = &tl->v[i];
        size_t n = t->kind == LS_TARGET_NAME ? sc->res[i].n : 2;
        for (size_t k = 0; k < n; k++) {
            struct sockaddr_storage ss;
            socklen_t l;
            if (t->kind == LS_TARGET_NAME)
                memcpy(&ss, &sc->res[i].addrs[k], sizeof ss);
            else
                ls_target_addr(t, k ? ls_target_naddrs(t) - 1 : 0, &ss, &l);
            if (ss.ss_family != AF_INET || !route_source((const struct sockaddr_in *)&ss, &s))
                return any;
            if (common.s_addr == any.s_addr)
                common = s;
            else if (common.s_addr != s.s_addr)
                return any;
        }
    }
    return common;
}

/* Runs SYN discovery over the walk. Returns 0 or 3. */
int ls_scan_run_syn(struct scan *sc, char *err, size_t errlen)
{
    const struct ls_scan_config *cfg = sc->cfg;
    struct syn_glue g = {.sc = sc, .start_pos = sc->walk.pos, .max_pos = sc->walk.pos};
    g.tsrc = calloc(cfg->targets->n + 1, sizeof *g.tsrc);
    g.have = calloc(cfg->targets->n + 1, 1);
    if (!g.tsrc || !g.have) {
        free(g.tsrc);
        free(g.have);
        return 3;
    }
    struct sigaction sa = {.sa_handler = on_syn_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    syn_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    struct ls_syn_opts o = {.key = ls_mix64(cfg->seed ^ 0x636f6f6b6965ull ^ (uint64_t)getpid()),
                            .rate = cfg->rate,
                            .wait_ms = cfg->limits.connect_timeout_ms,
                            .adaptive = cfg->adaptive_timeout,
                            .rx_addr = common_source(sc),
                            .retries = cfg->retries_set ? cfg->retries : 0,
                            .stop = &syn_stop};
    struct ls_syn_source src = {syn_next, syn_rewind, &g};
    struct ls_syn_stats st;
    int rc = ls_syn_scan(&o, &src, syn_on_open, &g, &st, err, errlen);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (cfg->progress || cfg->stats)
        fprintf(stderr,
                "SYN mode: %llu probes sent in %.3f s (%u pass%s), %llu answered, %llu open; then waited %.3f s "
                "(policy: until every probe is answered, at most %u ms: %s; %llu probes timed (1 in 64), srtt %.0f us, "
                "rttvar %.0f us)\n",
                (unsigned long long)st.sent, (double)st.send_ns / 1e9, o.retries + 1, o.retries ? "es" : "",
                (unsigned long long)st.answers, (unsigned long long)st.opens, (double)st.tail_ns / 1e9,
                st.tail_limit_ms, ls_rtt_policy(o.adaptive), (unsigned long long)st.rtt_samples, st.srtt_us,
                st.rttvar_us);
    sc->sum->probes = st.sent;
    sc->walk.pos = g.max_pos;
    sc->cfg->resume.interrupted = syn_stop != 0;
    free(g.tsrc);
    free(g.have);
    return rc;
}
