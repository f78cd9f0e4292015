/* Exact (rule, raw bytes) -> value map with bounded memory; contracts in rawmap.h. */
#include "detect/rawmap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

struct ls_rawmap_slot {
    uint64_t h;
    uint32_t off, len; /* key bytes: m->bytes[off, off + len) */
    uint32_t rule;
    uint32_t val1; /* value + 1; 0 = empty slot */
};

void ls_rawmap_init(struct ls_rawmap *m, size_t max_entries, size_t max_bytes)
{
    memset(m, 0, sizeof *m);
    m->max_entries = max_entries;
    m->max_bytes = max_bytes < UINT32_MAX ? max_bytes : UINT32_MAX; /* offsets are 32-bit */
    /* a seed the scanned data cannot know; without a random source, the clock and an address */
    if (getrandom(&m->seed, sizeof m->seed, GRND_NONBLOCK) != (ssize_t)sizeof m->seed) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        m->seed = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)(uintptr_t)m;
    }
}

void ls_rawmap_free(struct ls_rawmap *m)
{
    free(m->slots);
    free(m->bytes);
    memset(m, 0, sizeof *m);
}

/* 8 bytes per step, multiply-xorshift mixing: the values are short (e-mail addresses, phone
 * numbers, tokens) and a byte-at-a-time FNV loop cost about as much as the lookup itself. The
 * per-map seed goes in first, the 64-bit finalizer of MurmurHash3 last, so every input bit
 * reaches the low bits that pick the slot. */
uint64_t ls_rawmap_hash(const struct ls_rawmap *m, uint32_t rule, const char *p, size_t n)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = (m->seed ^ ((uint64_t)rule << 32 | (uint32_t)n)) * k;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, p + i, n - i);
        h = (h ^ w) * k;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

static bool slot_is(const struct ls_rawmap *m, const struct ls_rawmap_slot *s, uint64_t h, uint32_t rule, const char *p,
                    size_t n)
{
    return s->h == h && s->rule == rule && s->len == n && (n == 0 || memcmp(m->bytes + s->off, p, n) == 0);
}

bool ls_rawmap_get(const struct ls_rawmap *m, uint64_t h, uint32_t rule, const char *p, size_t n, uint32_t *val)
{
    if (!m->cap)
        return false;
    size_t j = (size_t)h & (m->cap - 1);
    for (size_t probe = 0; probe < LS_RAWMAP_PROBES && m->slots[j].val1; probe++, j = (j + 1) & (m->cap - 1)) {
        if (slot_is(m, &m->slots[j], h, rule, p, n)) {
            *val = m->slots[j].val1 - 1;
            return true;
        }
    }
    return false;
}

/* Doubles the table. Every entry must stay within LS_RAWMAP_PROBES of its home slot, where
 * ls_rawmap_get looks; if one would not (possible only by chance), the old table is kept.
 * Returns 0, 1 (kept), -1 (out of memory). */
static int grow_slots(struct ls_rawmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 256;
    struct ls_rawmap_slot *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].val1)
            continue;
        size_t j = (size_t)m->slots[i].h & (ncap - 1), probe = 0;
        while (ns[j].val1 && ++probe < LS_RAWMAP_PROBES)
            j = (j + 1) & (ncap - 1);
        if (ns[j].val1) {
            free(ns);
            return 1;
        }
        ns[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return 0;
}

/* Room for n more key bytes (the buffer doubles, never beyond max_bytes). */
static bool reserve_bytes(struct ls_rawmap *m, size_t n)
{
    if (m->nbytes + n <= m->bytes_cap)
        return true;
    size_t nc = m->bytes_cap ? m->bytes_cap * 2 : 4096;
    while (nc < m->nbytes + n)
        nc *= 2;
    if (nc > m->max_bytes)
        nc = m->max_bytes;
    char *nb = realloc(m->bytes, nc);
    if (!nb)
        return false;
    m->bytes = nb;
    m->bytes_cap = nc;
    return true;
}

/* The first free slot for hash h within LS_RAWMAP_PROBES, or cap when there is none. */
static size_t free_slot(const struct ls_rawmap *m, uint64_t h)
{
    size_t j = (size_t)h & (m->cap - 1);
    for (size_t probe = 0; probe < LS_RAWMAP_PROBES; probe++, j = (j + 1) & (m->cap - 1))
        if (!m->slots[j].val1)
            return j;
    return m->cap;
}

int ls_rawmap_put(struct ls_rawmap *m, uint64_t h, uint32_t rule, const char *p, size_t n, uint32_t val)
{
    if (m->sealed || m->n >= m->max_entries || n > m->max_bytes - m->nbytes || val == UINT32_MAX)
        return 1;
    int g = (m->n + 1) * 2 > m->cap ? grow_slots(m) : 0;
    if (g) {
        m->sealed = g > 0; /* not retried at every put: each try rehashes the whole table */
        return g;
    }
    if (!reserve_bytes(m, n))
        return -1;
    size_t j = free_slot(m, h);
    /* a long run by chance (the hash is seeded, so not by design of the data): more room, up to
     * four slots per allowed entry; past that the key takes the slow path */
    while (j == m->cap && m->cap < 4 * m->max_entries) {
        if ((g = grow_slots(m)) != 0) {
            m->sealed = g > 0;
            return g;
        }
        j = free_slot(m, h);
    }
    if (j == m->cap)
        return 1;
    if (n)
        memcpy(m->bytes + m->nbytes, p, n);
    m->slots[j] =
        (struct ls_rawmap_slot){.h = h, .off = (uint32_t)m->nbytes, .len = (uint32_t)n, .rule = rule, .val1 = val + 1};
    m->nbytes += n;
    m->n++;
    return 0;
}
