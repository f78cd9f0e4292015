/* Token bucket for --rate (new connections per second), driven by the caller's clock so it can be
 * tested without sleeping. Tokens accrue at `rate` per second up to a burst of rate/50 (20 ms of
 * probes, at least 1); each new connection takes one. */
#ifndef LS_CORE_RATELIMIT_H
#define LS_CORE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ls_rate {
    double rate; /* per second; 0 = unlimited */
    double tokens, burst;
    uint64_t last_ns;
};

void ls_rate_init(struct ls_rate *r, double rate, uint64_t now_ns);
/* Takes one token if available. */
bool ls_rate_take(struct ls_rate *r, uint64_t now_ns);
/* Nanoseconds until the next token (0 if one is available or the rate is unlimited). */
uint64_t ls_rate_wait_ns(const struct ls_rate *r, uint64_t now_ns);

#endif
