/* A keyed, full-cycle pseudo-random permutation of [0, n) and exact shard slices of it.
 * Contract: for any n >= 1 and any seed, ls_perm_at(p, i) for i in [0, n) visits every value of
 * [0, n) exactly once (a bijection); the same (n, seed) always gives the same order. Built as a
 * 4-round balanced Feistel network on the smallest even bit width covering n, with cycle walking
 * (values >= n are fed back in until they fall in range; the domain is < 4n, so a step costs
 * fewer than 4 rounds of Feistel on average). No memory beyond the struct. */
#ifndef LS_CORE_PERMUTE_H
#define LS_CORE_PERMUTE_H

#include <stdint.h>

struct ls_perm {
    uint64_t n;
    unsigned half_bits;
    uint64_t half_mask;
    uint64_t key[4];
};

void ls_perm_init(struct ls_perm *p, uint64_t n, uint64_t seed);
/* The i-th element of the permutation (i < n). */
uint64_t ls_perm_at(const struct ls_perm *p, uint64_t i);

/* Shard `idx` (0-based, < count) of positions [0, n): [*begin, *end). Shards are contiguous,
 * disjoint, cover [0, n) exactly and differ in size by at most one. */
void ls_shard_range(uint64_t n, uint64_t idx, uint64_t count, uint64_t *begin, uint64_t *end);

/* A 64-bit mixing function (splitmix64 finaliser); also used to derive keys from seeds. */
uint64_t ls_mix64(uint64_t x);

#endif
