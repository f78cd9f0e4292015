/* The (address, port) index space in permuted, sharded order; see walk.h. */
#include "core/walk.h"

#include <stdlib.h>

int ls_walk_init(struct ls_walk *w, const struct ls_target_list *tl, const struct ls_port_list *pl,
                 const uint64_t *naddrs, uint64_t seed, uint64_t shard_idx, uint64_t shard_n)
{
    w->tl = tl;
    w->pl = pl;
    w->base = malloc((tl->n + 1) * sizeof *w->base);
    if (!w->base)
        return -1;
    uint64_t total = 0;
    for (size_t t = 0; t < tl->n; t++) {
        w->base[t] = total;
        uint64_t np = tl->v[t].port ? 1 : pl->n;
        if (naddrs[t] && np > ((1ull << 48) - total) / naddrs[t]) {
            free(w->base);
            w->base = NULL;
            return -1;
        }
        total += naddrs[t] * np;
    }
    w->base[tl->n] = total;
    w->total = total;
    ls_perm_init(&w->perm, total, seed);
    ls_shard_range(total, shard_idx, shard_n ? shard_n : 1, &w->begin, &w->end);
    w->pos = w->begin;
    return 0;
}

bool ls_walk_next(struct ls_walk *w, size_t *target, uint64_t *addr_idx, uint16_t *port)
{
    if (w->pos >= w->end)
        return false;
    ls_walk_at(w, w->pos++, target, addr_idx, port);
    return true;
}

void ls_walk_at(const struct ls_walk *w, uint64_t pos, size_t *target, uint64_t *addr_idx, uint16_t *port)
{
    uint64_t k = ls_perm_at(&w->perm, pos);
    /* the last target whose base is <= k (targets with no pairs share a base; skip them) */
    size_t lo = 0, hi = w->tl->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->base[mid] <= k)
            lo = mid;
        else
            hi = mid;
    }
    const struct ls_target *t = &w->tl->v[lo];
    uint64_t off = k - w->base[lo];
    uint64_t np = t->port ? 1 : w->pl->n;
    *target = lo;
    *addr_idx = off / np;
    *port = t->port ? t->port : w->pl->v[off % np];
}

void ls_walk_free(struct ls_walk *w)
{
    free(w->base);
    w->base = NULL;
}
