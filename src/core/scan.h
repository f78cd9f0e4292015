/* The scan driver: resolves host names asynchronously, walks every (address, port) pair in the
 * keyed pseudo-random order of walk.h (one shard of it), with non-blocking connects under a
 * concurrency bound, a --rate token bucket and a per-host cap on event loops (one per core), skipping
 * excluded addresses, and hands each open port to the assessment pipeline (or, in discover-only
 * mode, straight to the caller). SIGINT/SIGTERM stop new probes; probes in flight finish and the
 * position reached is returned for a resume file. */
#ifndef LS_CORE_SCAN_H
#define LS_CORE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/honeypot.h"
#include "core/scope.h"
#include "core/targets.h"
#include "engines/engine.h"
#include "model/model.h"

struct ls_detector;

struct ls_scan_config {
    const struct ls_target_list *targets;
    const struct ls_port_list *ports;
    struct ls_scan_limits limits;
    unsigned concurrency; /* simultaneous probes + assessments; 0 = from RLIMIT_NOFILE */
    unsigned retries;     /* extra connect attempts after a timeout; SYN mode: extra passes */
    bool retries_set;     /* --retries given (SYN mode makes one pass unless it is) */
    bool discover_only;
    enum ls_scan_mode {
        LS_MODE_AUTO,
        LS_MODE_CONNECT,
        LS_MODE_SYN
    } mode;                         /* AUTO: SYN when all
targets are IPv4 and a raw socket can be opened */
    uint64_t seed;                  /* probe order key */
    uint64_t shard_idx, shard_n;    /* this shard, 0-based, of shard_n >= 1 (0 means 1) */
    double rate;                    /* new connections per second, 0 = unlimited */
    unsigned max_per_host;          /* probes in flight per address, 0 = unlimited */
    const struct ls_scope *scope;   /* if non-NULL and non-empty: every target must lie inside */
    const struct ls_scope *exclude; /* user exclusions (the built-in ones are always applied) */
    bool adaptive_timeout;          /* connect timeout from measured RTTs, --timeout the ceiling */
    bool progress;                  /* progress line on stderr (the caller checks for a TTY) */
    bool stats;                     /* discovery engine's timings and timeout policy on stderr */
    uint64_t warn_probes;           /* print the probe count on stderr when above this (0 = never) */
    /* in: position to start from (within the shard) and the hash it was saved with (0 = new scan);
     * out: position reached, the arguments' hash, whether a signal stopped the scan */
    struct ls_scan_resume {
        uint64_t pos, hash;
        bool interrupted;
    } resume;
    uint64_t args_hash;     /* hash of the arguments that shape the index space */
    const char *hosts_file; /* hidden --hosts-file: hosts file for the resolver (tests) */
    const struct ls_detector *detector;
    void (*on_service)(void *ud, const struct ls_service *svc);
    void (*on_open)(void *ud, const char *ip, uint16_t port); /* discover-only results */
    unsigned honeypot_engines; /* flag hosts open on ports of this many engines (0 = off) */
    void (*on_suspect)(void *ud, const struct ls_honeypot_host *host); /* after discovery */
    void *ud;
};

/* Runs the scan to completion (or to a signal: cfg->resume.interrupted, cfg->resume.pos set).
 * Returns 0, 2 for bad input (an unresolvable name, a target outside --scope or wholly inside an
 * excluded range, a resume position from other arguments; err says which, and nothing was sent),
 * or 3 for a runtime failure. */
int ls_scan_run(struct ls_scan_config *cfg, struct ls_scan_summary *sum, char *err, size_t errlen);

#endif
