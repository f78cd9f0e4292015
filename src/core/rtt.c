/* Round-trip estimate and adaptive timeout; see rtt.h. */
#include "core/rtt.h"

void ls_rtt_sample(struct ls_rtt *r, double us)
{
    if (r->samples++ == 0) {
        r->srtt = us;
        r->rttvar = us / 2;
        return;
    }
    double d = us > r->srtt ? us - r->srtt : r->srtt - us;
    r->rttvar = 0.75 * r->rttvar + 0.25 * d;
    r->srtt = 0.875 * r->srtt + 0.125 * us;
}

unsigned ls_rtt_timeout_ms(const struct ls_rtt *r, unsigned cap_ms)
{
    if (r->samples < LS_RTT_MIN_SAMPLES)
        return cap_ms;
    double ms = (2 * r->srtt + 4 * r->rttvar) / 1000.0;
    unsigned t = ms < LS_RTT_FLOOR_MS ? LS_RTT_FLOOR_MS : (unsigned)ms + 1;
    return t < cap_ms ? t : cap_ms;
}

#define STR_(x) #x
#define STR(x) STR_(x)

const char *ls_rtt_policy(bool adaptive)
{
    return adaptive ? "max(" STR(LS_RTT_FLOOR_MS) " ms, 2*srtt+4*rttvar) once " STR(
                          LS_RTT_MIN_SAMPLES) " round trips are measured, else --timeout; never above --timeout"
                    : "--timeout";
}
