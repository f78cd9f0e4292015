/* An exact map from (rule index, raw match bytes) to a number (the index of the secret those bytes
 * were recorded as), for `leakscan secrets`: a value that repeats is counted without decoding and
 * hashing it again, however many other values come between two occurrences. Memory is bounded:
 * at most max_entries keys and max_bytes key bytes are stored; past either limit puts are refused
 * and the caller takes its slow path (exact, just slower). The hash is seeded per map from the
 * system's random source and a lookup probes at most LS_RAWMAP_PROBES slots, so values crafted to
 * collide (a scanned file is hostile input) cost at most that many compares each. A run that long
 * by chance makes the table grow (to at most four slots per allowed entry); a key that still does
 * not fit is refused and takes the slow path. A grow that would leave a key more than
 * LS_RAWMAP_PROBES slots from its home (again only by chance) is not made: the key being put and
 * every later one are refused, and every stored key stays found. */
#ifndef LS_DETECT_RAWMAP_H
#define LS_DETECT_RAWMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ls_rawmap_slot;

struct ls_rawmap {
    struct ls_rawmap_slot *slots; /* open addressing, power-of-two size, at most half full */
    size_t cap, n;
    char *bytes; /* key bytes, appended */
    size_t nbytes, bytes_cap;
    size_t max_entries, max_bytes;
    uint64_t seed;
    bool sealed; /* growing would have put a key out of a lookup's reach: further puts are refused */
};

#define LS_RAWMAP_PROBES 64

/* An empty map with the given limits (max_bytes at most UINT32_MAX). Allocates nothing yet. */
void ls_rawmap_init(struct ls_rawmap *m, size_t max_entries, size_t max_bytes);
void ls_rawmap_free(struct ls_rawmap *m);

/* The hash ls_rawmap_get and ls_rawmap_put take (computed once per lookup-then-insert). */
uint64_t ls_rawmap_hash(const struct ls_rawmap *m, uint32_t rule, const char *p, size_t n);

/* The value stored for (rule, p[0, n)) into *val; false when absent. h = ls_rawmap_hash(...). */
bool ls_rawmap_get(const struct ls_rawmap *m, uint64_t h, uint32_t rule, const char *p, size_t n, uint32_t *val);

/* Stores (rule, p[0, n)) -> val; the key must be absent. Returns 0 when stored, 1 when refused
 * because a limit is reached or no free slot is within LS_RAWMAP_PROBES of a table at its
 * largest (the map stays as it was), -1 when out of memory. */
int ls_rawmap_put(struct ls_rawmap *m, uint64_t h, uint32_t rule, const char *p, size_t n, uint32_t val);

#endif
