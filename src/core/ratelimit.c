/* Token bucket for --rate; see ratelimit.h. */
#include "core/ratelimit.h"

void ls_rate_init(struct ls_rate *r, double rate, uint64_t now_ns)
{
    r->rate = rate;
    r->burst = rate / 50 < 1 ? 1 : rate / 50;
    r->tokens = 1;
    r->last_ns = now_ns;
}

static void refill(struct ls_rate *r, uint64_t now_ns)
{
    if (now_ns > r->last_ns) {
        r->tokens += (double)(now_ns - r->last_ns) * r->rate / 1e9;
        if (r->tokens > r->burst)
            r->tokens = r->burst;
        r->last_ns = now_ns;
    }
}

bool ls_rate_take(struct ls_rate *r, uint64_t now_ns)
{
    if (r->rate <= 0)
        return true;
    refill(r, now_ns);
    if (r->tokens < 1)
        return false;
    r->tokens -= 1;
    return true;
}

uint64_t ls_rate_wait_ns(const struct ls_rate *r, uint64_t now_ns)
{
    if (r->rate <= 0)
        return 0;
    double t = r->tokens + (now_ns > r->last_ns ? (double)(now_ns - r->last_ns) * r->rate / 1e9 : 0);
    if (t >= 1)
        return 0;
    return (uint64_t)((1 - t) * 1e9 / r->rate) + 1;
}
