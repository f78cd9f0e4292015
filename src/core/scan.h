/* The scan driver: resolves host names asynchronously, walks every (address, port) pair with
 * non-blocking connects under a concurrency bound on one event loop, and hands each open port to
 * the assessment pipeline (or, in discover-only mode, straight to the caller). */
#ifndef LS_CORE_SCAN_H
#define LS_CORE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/targets.h"
#include "engines/engine.h"
#include "report/model.h"

struct ls_detector;

struct ls_scan_config {
    const struct ls_target_list *targets;
    const struct ls_port_list *ports;
    struct ls_scan_limits limits;
    unsigned concurrency;          /* simultaneous probes + assessments; 0 = from RLIMIT_NOFILE */
    unsigned retries;              /* extra connect attempts after a timeout */
    bool discover_only;
    const struct ls_detector *detector;
    void (*on_service)(void *ud, const struct ls_service *svc);
    void (*on_open)(void *ud, const char *ip, uint16_t port);   /* discover-only results */
    void *ud;
};

/* Runs the scan to completion. Returns 0, 2 for bad input (e.g. an unresolvable name; err says
 * which), or 3 for a runtime failure. */
int ls_scan_run(const struct ls_scan_config *cfg, struct ls_scan_summary *sum, char *err, size_t errlen);

#endif
