/* Round-trip estimate and the adaptive timeout both discovery modes derive from it.
 * TCP-style smoothing (RFC 6298): srtt += (r - srtt)/8, rttvar += (|r - srtt| - rttvar)/4.
 * Policy (printed by the scan with LEAKSCAN_STATS=1, documented in the README): until
 * LS_RTT_MIN_SAMPLES answers were timed the timeout is the cap (--timeout); after that it is
 * max(LS_RTT_FLOOR_MS, 2*srtt + 4*rttvar), never above the cap. */
#ifndef LS_CORE_RTT_H
#define LS_CORE_RTT_H

#include <stdbool.h>
#include <stdint.h>

#define LS_RTT_MIN_SAMPLES 16
#define LS_RTT_FLOOR_MS 250

struct ls_rtt {
    double srtt, rttvar; /* microseconds */
    uint64_t samples;
};

void ls_rtt_sample(struct ls_rtt *r, double us);
/* The policy in words, for the stats line: adaptive, or the fixed --timeout. */
const char *ls_rtt_policy(bool adaptive);
/* The timeout in ms under the policy above, cap_ms being --timeout. */
unsigned ls_rtt_timeout_ms(const struct ls_rtt *r, unsigned cap_ms);

#endif
