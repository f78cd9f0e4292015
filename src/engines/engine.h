/* The engine interface: one module per database engine and interface (ClickHouse over HTTP,
 * ClickHouse native, later Redis, PostgreSQL, …), in the spirit of zmap's probe modules and nmap's
 * service probes. The core finds an open port, opens an ls_session for each candidate engine and
 * drives the steps in order:
 *
 *   fingerprint ─▶ access ─▶ inventory ─▶ posture ─▶ stream_rows (per table) ─▶ assess
 *
 * Every asynchronous step completes by calling its `done` callback exactly once, never from inside
 * the call that started it (always from the event loop), with LS_STEP_OK, LS_STEP_NO (fingerprint:
 * "not this engine"; access: nothing readable) or LS_STEP_FAILED (the reason is in svc.error).
 * `cancel` stops whatever is pending without calling `done`; the core calls it on its own deadline.
 * Engines fill only s->svc (the finding model) and never print. */
#ifndef LS_ENGINES_ENGINE_H
#define LS_ENGINES_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engines/catalog.h"
#include "model/model.h"

struct event_base;
struct ls_detector;
struct ls_session;

enum ls_step { LS_STEP_OK = 0, LS_STEP_NO = 1, LS_STEP_FAILED = 2 };

typedef void (*ls_step_cb)(struct ls_session *s, enum ls_step result);
/* One row of a table: decoded cells with their column names (valid only during the call). */
typedef void (*ls_row_cb)(struct ls_session *s, const char *const *names, char **cells, const size_t *lens,
                          size_t ncells);

/* Limits and choices the user made; shared read-only by all sessions. */
struct ls_scan_limits {
    unsigned connect_timeout_ms; /* --timeout */
    unsigned io_timeout_ms;      /* silence on an open connection */
    unsigned service_timeout_ms; /* whole assessment of one service */
    uint64_t sample_rows;        /* --sample */
    bool deep;                   /* --deep: stream whole tables (no LIMIT), bounded by max_response_bytes */
    size_t max_response_bytes;   /* cap on any one response body */
    unsigned max_tables;         /* inventory cap */
    bool show_secrets;
    bool default_credentials;   /* --default-credentials: try each engine's short documented list */
    const char *const *engines; /* --engines: the engine names to try (NULL-terminated), NULL = all */
};

struct ls_session {
    struct event_base *base;
    const struct ls_scan_limits *limits;
    struct sockaddr_storage addr; /* ip and port of the service */
    socklen_t addrlen;
    bool tls;
    const char *sni;                    /* host name for TLS, or NULL */
    struct ls_service svc;              /* the result being built */
    const struct ls_detector *detector; /* for texts found along the way (system objects), or NULL */
    bool engines_tried;                 /* other engines already talked to this port (none matched) */
    void *priv;                         /* engine state */
};

struct ls_engine_ops {
    int (*open)(struct ls_session *s); /* allocate s->priv; 0 or -1 */
    void (*fingerprint)(struct ls_session *s, ls_step_cb done);
    void (*access)(struct ls_session *s, ls_step_cb done);
    void (*inventory)(struct ls_session *s, ls_step_cb done);
    /* Optional, after the inventory and before sampling: the blast radius, i.e. what the account
     * could do (writes, DDL, code, server files, other hosts), derived from settings, grants and
     * catalogs, never by doing it. Ends OK even when probes fail (they become `unknowns`). */
    void (*posture)(struct ls_session *s, ls_step_cb done);
    /* Streams up to `limit` rows of table t (0 = no limit, bounded by the byte caps). */
    void (*stream_rows)(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
    /* Synchronous: severity, risks and remediation from what the steps found. */
    void (*assess)(struct ls_session *s);
    void (*cancel)(struct ls_session *s); /* stop pending I/O; no callbacks after */
    void (*close)(struct ls_session *s);  /* free s->priv */
};

struct ls_engine {
    const char *name;          /* "clickhouse" — the JSON `engine` */
    const char *interface;     /* "http", "native" — the JSON `interface` */
    const char *display;       /* "ClickHouse" */
    const uint16_t *ports;     /* plaintext default ports, 0-terminated */
    const uint16_t *tls_ports; /* TLS default ports, 0-terminated */
    const struct ls_engine_ops *ops;
    /* On a port no engine claims, the pipeline first looks at what the service says by itself, or
     * answers to one `GET / HTTP/1.0` line (engines/unknown/banner.h): could `b[0..n)` be this
     * engine, `closed` telling that the service then closed the connection? NULL: never tried
     * on unclaimed ports unless the look was inconclusive (closed without a word). */
    bool (*first_look)(const unsigned char *b, size_t n, bool closed);
};

/* The registry: every compiled-in engine, NULL-terminated. */
extern const struct ls_engine *const ls_engines[];
const struct ls_engine *ls_engine_find(const char *name, const char *interface);
/* Engines to try on `port`: those that list it (setting *tls per engine in tls_out), else every
 * engine in plaintext, then over TLS. Only engines whose name `allowed` accepts (NULL: all).
 * Returns the count written to out (at most max). */
size_t ls_engines_for_port(uint16_t port, const struct ls_engine **out, bool *tls_out, size_t max,
                           bool (*allowed)(const char *name, void *ud), void *ud);
/* Only the engines that list `port` as theirs (the first half of ls_engines_for_port). */
size_t ls_engines_claiming(uint16_t port, const struct ls_engine **out, bool *tls_out, size_t max,
                           bool (*allowed)(const char *name, void *ud), void *ud);
/* Engines in the registry (so a caller can size the candidate list: twice this is enough). */
size_t ls_engine_count(void);

#endif
