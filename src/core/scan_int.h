/* Internal state of the scan driver, shared by scan.c (connect mode, the event loop) and
 * scan_syn.c (SYN mode glue). Not a public interface. */
#ifndef LS_CORE_SCAN_INT_H
#define LS_CORE_SCAN_INT_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/pipeline.h"
#include "core/ratelimit.h"
#include "core/rtt.h"
#include "core/scan.h"
#include "core/scan_check.h"
#include "core/scan_dns.h"
#include "core/scan_sock.h"
#include "core/walk.h"

#define DEFER_MAX 1024 /* probes held back by --max-per-host before the walk pauses */

struct probe;

#define FILL_BATCH 2048 /* probes started per fill() before the loop polls again */
#define CHUNK 64        /* positions a connect-mode thread claims at a time */

/* Connect-mode discovery on several event loops (one thread each): positions are claimed in
 * chunks from one counter, and a stopping thread finishes its chunk, so every position below
 * `next` is done when all threads have returned (exact resume). */
struct open_list;
struct scan_shared {
    _Atomic uint64_t next;
    atomic_int stop;
    pthread_mutex_t out_mu;  /* around cfg->on_open and appends to `found` */
    struct open_list *found; /* opens awaiting the engines (the first loop's list) */
};

/* Ports found open by a discovery phase (SYN probes, or connect probes on several loops), to be
 * confirmed and assessed by the engines afterwards on one loop. */
struct found_open {
    struct sockaddr_storage sa;
    size_t target;
    uint64_t pos; /* walk position it was found at (SYN mode: where discovery
                     started; a resume from there cannot lose it) */
};
struct open_list {
    struct found_open *v;
    size_t n, next, cap;
};
/* Appends an open port of target `target` found at walk position pos; false when out of memory
 * (the port is then lost). */
bool ls_open_list_add(struct open_list *l, const struct sockaddr *sa, size_t target, uint64_t pos);

struct scan {
    struct ls_scan_config *cfg;
    struct event_base *base;
    struct ls_resolved *res; /* per target (NAME only) */
    struct ls_check check;   /* exclusion state per target */
    struct ls_pipeline pipeline;
    struct ls_walk walk;
    struct ls_rate rate;
    struct ls_hostcount *hosts; /* --max-per-host */
    struct probe *defer[DEFER_MAX];
    size_t ndefer;
    struct event *rate_ev, *progress_ev, *sig_int, *sig_term;
    bool walk_done, stopping, abandoned; /* abandoned: a second signal, stop at once */
    unsigned inflight;
    unsigned concurrency;
    bool filling, refill;
    struct ls_rtt rtt; /* connect round trips (adaptive timeout) */
    uint64_t skipped, t_start_ns;
    struct open_list found; /* opens of the discovery phase, to assess */
    bool assess_found;      /* this loop probes `found`, not the walk (assessment phase) */
    bool collect;           /* discovery phase of a two-phase scan: opens go to `found` */
    struct ls_scan_summary *sum;
    struct scan_shared *sh;  /* NULL with one loop */
    uint64_t cur, lim;       /* the claimed chunk [cur, lim) */
    uint64_t last_pos;       /* walk position of the pair ls_scan_next_addr returned last */
    struct ls_honeypot *hp;  /* open db ports per host (shared by all loops), or NULL */
    struct ls_sockpool pool; /* this loop's probe sockets (reuse, source spread) */
    struct event *more_ev;   /* fill() again after the loop has polled once */
};

struct probe {
    struct scan *sc;
    int fd;
    struct event *ev;
    struct sockaddr_storage sa;
    socklen_t salen;
    const char *host; /* points into the target list */
    size_t target;    /* its index there */
    uint64_t pos;     /* its walk position */
    bool host_is_name, counted;
    unsigned attempt, port_waits;
    uint64_t t0_ns;
};

uint64_t ls_scan_now_ns(void);
/* The next pair of the walk that is not excluded (port set) and its target; false at the end. */
bool ls_scan_next_addr(struct scan *sc, struct sockaddr_storage *ss, size_t *tp);
/* SYN mode (scan_syn.c): whether to use it, and the run over the walk (0 or 3). */
bool ls_scan_use_syn(const struct scan *sc);
int ls_scan_run_syn(struct scan *sc, char *err, size_t errlen);

#endif
