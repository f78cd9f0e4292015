/* The probe order: every (address, port) pair of the target list as one index space [0, total),
 * visited in the keyed pseudo-random order of permute.h, restricted to one shard.
 * Pair index k of target t (its pairs start at base[t]) is address (k / nports_t), port
 * (k % nports_t), where nports_t is 1 for a target with its own :port, else the port list size.
 * Contract: with the same targets, ports, resolved address counts, seed and shard the sequence
 * is identical; the union over shards 0..N-1 is every pair exactly once. `pos` counts positions
 * already handed out within the shard, so a scan is resumed by restoring it. */
#ifndef LS_CORE_WALK_H
#define LS_CORE_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/permute.h"
#include "core/targets.h"

struct ls_walk {
    const struct ls_target_list *tl;
    const struct ls_port_list *pl;
    uint64_t *base; /* tl->n + 1 prefix sums of pairs per target */
    uint64_t total; /* pairs in the whole scan (all shards) */
    struct ls_perm perm;
    uint64_t begin, end; /* this shard's positions */
    uint64_t pos;        /* next position, begin <= pos <= end */
};

/* naddrs[t]: addresses of target t (resolved count for names). shard_idx 0-based < shard_n.
 * Returns 0 or -1 (out of memory, or more than 2^48 pairs). */
int ls_walk_init(struct ls_walk *w, const struct ls_target_list *tl, const struct ls_port_list *pl,
                 const uint64_t *naddrs, uint64_t seed, uint64_t shard_idx, uint64_t shard_n);
/* The pair at permutation position pos (begin <= pos < end); pure, so threads may share w. */
void ls_walk_at(const struct ls_walk *w, uint64_t pos, size_t *target, uint64_t *addr_idx, uint16_t *port);
/* The pair at the next position; false when the shard is done. */
bool ls_walk_next(struct ls_walk *w, size_t *target, uint64_t *addr_idx, uint16_t *port);
/* Pairs in this shard. */
static inline uint64_t ls_walk_size(const struct ls_walk *w)
{
    return w->end - w->begin;
}
void ls_walk_free(struct ls_walk *w);

#endif
