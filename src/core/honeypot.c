/* Per-host open `db` ports and the many-engines verdict; see honeypot.h. */
#include "core/honeypot.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/permute.h"
#include "core/targets.h"
#include "engines/catalog.h"
#include "net/conn.h"

struct hp_entry {
    struct sockaddr_storage addr; /* port 0; ss_family 0 = empty slot */
    uint32_t engines;             /* bit per engine id */
    unsigned open;
};

struct ls_honeypot {
    pthread_mutex_t mu;
    unsigned min_engines;
    struct hp_entry *v;
    size_t cap, n;
};

struct ls_honeypot *ls_honeypot_new(unsigned min_engines)
{
    struct ls_honeypot *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    pthread_mutex_init(&h->mu, NULL);
    h->min_engines = min_engines < 2 ? 2 : min_engines;
    return h;
}

/* The address with the port cleared, and its hash. */
static uint64_t host_key(const struct sockaddr *sa, struct sockaddr_storage *k)
{
    memset(k, 0, sizeof *k);
    uint64_t h = sa->sa_family;
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        struct sockaddr_in6 *k6 = (struct sockaddr_in6 *)k;
        k6->sin6_family = AF_INET6;
        k6->sin6_addr = s6->sin6_addr;
        uint64_t w[2];
        memcpy(w, &s6->sin6_addr, 16);
        h = ls_mix64(h ^ w[0]) ^ ls_mix64(w[1]);
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        struct sockaddr_in *k4 = (struct sockaddr_in *)k;
        k4->sin_family = AF_INET;
        k4->sin_addr = s4->sin_addr;
        h = ls_mix64(h << 32 ^ s4->sin_addr.s_addr);
    }
    return h;
}

static struct hp_entry *slot(struct hp_entry *v, size_t cap, const struct sockaddr_storage *k, uint64_t hash)
{
    size_t i = (size_t)hash & (cap - 1);
    while (v[i].addr.ss_family && memcmp(&v[i].addr, k, sizeof *k) != 0)
        i = (i + 1) & (cap - 1);
    return &v[i];
}

static int grow(struct ls_honeypot *h)
{
    size_t ncap = h->cap ? h->cap * 2 : 64;
    struct hp_entry *nv = calloc(ncap, sizeof *nv);
    if (!nv)
        return -1;
    for (size_t i = 0; i < h->cap; i++)
        if (h->v[i].addr.ss_family) {
            struct sockaddr_storage k;
            *slot(nv, ncap, &h->v[i].addr, host_key((struct sockaddr *)&h->v[i].addr, &k)) = h->v[i];
        }
    free(h->v);
    h->v = nv;
    h->cap = ncap;
    return 0;
}

void ls_honeypot_open(struct ls_honeypot *h, const struct sockaddr *sa)
{
    int e = ls_db_port_engine((uint16_t)ls_sockaddr_port(sa));
    if (e < 0)
        return;
    struct sockaddr_storage k;
    uint64_t hash = host_key(sa, &k);
    pthread_mutex_lock(&h->mu);
    if ((h->n + 1) * 2 <= h->cap || grow(h) == 0) {
        struct hp_entry *s = slot(h->v, h->cap, &k, hash);
        if (!s->addr.ss_family) {
            s->addr = k;
            h->n++;
        }
        s->engines |= 1u << e;
        s->open++;
    }
    pthread_mutex_unlock(&h->mu);
}

unsigned ls_honeypot_report(struct ls_honeypot *h, void (*cb)(void *ud, const struct ls_honeypot_host *host), void *ud)
{
    unsigned suspects = 0;
    pthread_mutex_lock(&h->mu);
    for (size_t i = 0; i < h->cap; i++) {
        const struct hp_entry *s = &h->v[i];
        if (!s->addr.ss_family || (unsigned)__builtin_popcount(s->engines) < h->min_engines)
            continue;
        char ip[64];
        ls_sockaddr_ip((const struct sockaddr *)&s->addr, ip, sizeof ip);
        struct ls_honeypot_host host = {.ip = ip, .open_db_ports = s->open};
        for (int e = 0, ne = ls_db_engine_count(); e < ne; e++)
            if (s->engines & 1u << e)
                host.engines[host.nengines++] = ls_db_engine_name(e);
        suspects++;
        cb(ud, &host);
    }
    pthread_mutex_unlock(&h->mu);
    return suspects;
}

void ls_honeypot_free(struct ls_honeypot *h)
{
    if (!h)
        return;
    pthread_mutex_destroy(&h->mu);
    free(h->v);
    free(h);
}
