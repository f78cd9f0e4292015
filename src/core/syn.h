/* SYN mode discovery: stateless TCP SYN probes through an IP-level raw socket (IPPROTO_TCP with
 * IP_HDRINCL, routed by the kernel like any packet; never a link-level socket), sent in batches
 * with sendmmsg, answers read on a second thread from a raw socket and matched by a keyed
 * cookie in the sequence number, so no per-probe state is kept. A SYN-ACK whose acknowledgement
 * is cookie+1 marks the port open; the kernel answers that SYN-ACK with an RST itself (no socket
 * owns our source port), which is fine. IPv4 only. Needs root or CAP_NET_RAW.
 * Contract: every pair next() yields is sent once per pass (1 + retries passes); on_open is called
 * on the caller's thread once per distinct open (addr, port); after the last send the receiver
 * keeps listening for wait_ms, or with `adaptive` for the timeout rtt.h derives from the round
 * trips of one probe in 64 (their send times kept in a small table by cookie). *stop (set from a signal handler) ends
 * sending early: pairs already taken from next() were all sent and waited for. The wait after the last send ends early
 * once every probe sent has been answered (SYN-ACK or RST), so only silent ranges pay the full wait. */
#ifndef LS_CORE_SYN_H
#define LS_CORE_SYN_H

#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ls_syn_opts {
    uint64_t key;           /* cookie key, per scan */
    double rate;            /* packets per second, 0 = as fast as possible */
    unsigned wait_ms;       /* listen this long after the last send (at most, if adaptive) */
    bool adaptive;          /* the tail wait follows rtt.h's policy over timed probes */
    struct in_addr rx_addr; /* when every probe leaves from this one source: the receiver is
                               bound to it, so our own SYNs to local addresses are not copied
                               to it (INADDR_ANY: not bound) */
    unsigned retries;       /* extra passes over the whole walk */
    volatile sig_atomic_t *stop;
};

struct ls_syn_stats {
    uint64_t sent, answers, opens;
    uint64_t send_ns, tail_ns; /* time sending (all passes), time waiting after the last send */
    unsigned tail_limit_ms;    /* the tail timeout in force at the end */
    uint64_t rtt_samples;      /* probes timed (1 in 64), their smoothed RTT and variation */
    double srtt_us, rttvar_us;
};

/* Yields the next destination (port set) and the source address routing picked for it; false at
 * the end of the pass. rewind starts the next pass. */
struct ls_syn_source {
    bool (*next)(void *ud, struct sockaddr_in *dst, struct in_addr *src);
    void (*rewind)(void *ud);
    void *ud;
};

/* True when a raw socket can be opened (root or CAP_NET_RAW). */
bool ls_syn_available(void);
/* Returns 0, or 3 with err set (socket/thread failure). */
int ls_syn_scan(const struct ls_syn_opts *o, const struct ls_syn_source *src,
                void (*on_open)(void *ud, const struct sockaddr_in *dst), void *open_ud, struct ls_syn_stats *st,
                char *err, size_t errlen);

#endif
