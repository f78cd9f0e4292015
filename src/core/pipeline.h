/* The assessment of one open port: tries the candidate engines' fingerprints in turn, then runs
 * access → inventory → posture (blast radius) → row sampling through the detector → assess on the
 * one that matched, under one overall deadline, and hands the finished ls_service to the caller. */
#ifndef LS_CORE_PIPELINE_H
#define LS_CORE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engines/engine.h"

struct ls_job;
struct ls_detector;

struct ls_pipeline {
    struct event_base *base;
    const struct ls_scan_limits *limits;
    const struct ls_detector *detector;
    /* Called once per identified service; the callee may read but not keep svc. */
    void (*on_service)(void *ud, const struct ls_service *svc);
    /* Called when the job ends (identified or not); the job is freed after it returns. */
    void (*on_job_end)(void *ud, struct ls_job *job);
    void *ud;
};

/* Starts assessing host:port (addr holds the port). `host` is the name the user gave (or the ip).
 * Returns 0 (on_job_end will follow, possibly before this returns) or -1 if nothing started. */
int ls_job_start(const struct ls_pipeline *p, const struct sockaddr *addr, socklen_t addrlen, const char *host,
                 bool host_is_name);

#endif
