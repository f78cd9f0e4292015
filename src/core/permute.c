/* Keyed full-cycle permutation (Feistel + cycle walking) and shard slicing; see permute.h. */
#include "core/permute.h"

uint64_t ls_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void ls_perm_init(struct ls_perm *p, uint64_t n, uint64_t seed)
{
    p->n = n;
    unsigned bits = 2;
    while (bits < 64 && (1ull << bits) < n)
        bits += 2;
    p->half_bits = bits / 2;
    p->half_mask = (p->half_bits >= 64) ? ~0ull : (1ull << p->half_bits) - 1;
    uint64_t k = seed;
    for (int r = 0; r < 4; r++) {
        k = ls_mix64(k + (uint64_t)r);
        p->key[r] = k;
    }
}

static uint64_t feistel(const struct ls_perm *p, uint64_t x)
{
    uint64_t l = x >> p->half_bits, r = x & p->half_mask;
    for (int i = 0; i < 4; i++) {
        uint64_t nl = r;
        r = (l ^ ls_mix64(r ^ p->key[i])) & p->half_mask;
        l = nl;
    }
    return l << p->half_bits | r;
}

uint64_t ls_perm_at(const struct ls_perm *p, uint64_t i)
{
    uint64_t x = i;
    do
        x = feistel(p, x);
    while (x >= p->n);
    return x;
}

void ls_shard_range(uint64_t n, uint64_t idx, uint64_t count, uint64_t *begin, uint64_t *end)
{
    /* floor(idx * n / count) without overflow: n = q*count + r */
    uint64_t q = n / count, r = n % count;
    *begin = idx * q + (idx < r ? idx : r);
    *end = (idx + 1) * q + (idx + 1 < r ? idx + 1 : r);
}
