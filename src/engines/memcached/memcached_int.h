/* Shared state of the Memcached engine's modules: one connection per session with one reply
 * expected at a time (memcached_client.c; pipelined replies are expected one after another), the
 * server's stats and settings read at the fingerprint (memcached.c), and the sampling state
 * (memcached_sample.c). */
#ifndef LS_ENGINES_MEMCACHED_INT_H
#define LS_ENGINES_MEMCACHED_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/engine_client.h"
#include "engines/memcached/mc_proto.h"

struct ls_conn;
struct event;

#define MC_PORT 11211
#define MC_MAX_SLABS 64                   /* slab classes listed (memcached has at most 63) */
#define MC_MAX_SAMPLE 300                 /* keys sampled per slab class */
#define MC_MAX_SAMPLE_DEEP 2000           /* with --deep */
#define MC_MAX_VALUE 65536                /* bytes of one value handed to the detector */
#define MC_MAX_ITEM (MC_MAX_VALUE + 1024) /* larger items (metadump size=) are listed, not read */
#define MC_GET_BATCH 16                   /* keys per get */
#define MC_GET_BYTES (256u << 10)         /* item bytes per get at most */
#define MC_DUMP_BYTES (2u << 20)          /* bytes of metadump read per slab class */
#define MC_MAX_REPLY (8u << 20)           /* bytes of one reply at most */

/* reply is NULL when the exchange failed (connection lost, bad reply, cap); err says why. */
typedef void (*mc_reply_cb)(struct ls_session *s, const struct mc_reply *reply, const char *err);

/* A number from `stats` or `stats settings`, and whether the server said it. */
struct mc_num {
    bool known;
    uint64_t v;
};

/* What `stats` and `stats settings` said (read at the fingerprint, used by posture and assess). */
struct mc_facts {
    struct mc_num pid, uptime, curr_items, total_items, bytes, limit_maxbytes, evictions, curr_connections,
        max_connections, get_hits, cmd_get, udpport, item_size_max;
    char auth_sasl[8], auth_ascii[8], flush_enabled[8], shutdown_command[8], dump_enabled[8], lru_crawler[8];
    bool settings_known;
    bool binary_only; /* refused text commands: found over the binary protocol */
};

struct mc {
    struct ls_eclient ec; /* connection, lifecycle, the step being run */
    mc_reply_cb cb;       /* the reply expected */
    enum mc_kind kind;
    const struct mc_limits *lim;
    struct mc_facts facts;
    struct mc_sample *sample;
};

/* Sends len bytes of text (none: the reply of something already sent, pipelined) and calls cb
 * with the reply of `kind` (limits NULL = mc_default_limits), always from the event loop. One
 * expected reply at a time. Without a connection (first use, or after mc_drop) one is opened. */
void mc_command(struct mc *m, const char *text, size_t len, enum mc_kind kind, const struct mc_limits *lim,
                mc_reply_cb cb);
/* Closes the connection (e.g. in the middle of a metadump that was read far enough); the next
 * command opens a new one. */
void mc_drop(struct mc *m);
/* Ends the current step: calls step_done once. mc_step_end_later does it from the event loop. */
void mc_step_end(struct mc *m, enum ls_step result);
void mc_step_end_later(struct mc *m, enum ls_step result);
void mc_client_cancel(struct mc *m);
struct mc *mc_client_new(struct ls_session *s);
void mc_client_close(struct mc *m); /* safe from inside a callback */

/* Reads the facts of a `stats` / `stats settings` reply into f. */
void mc_read_stats(struct mc_facts *f, const struct mc_reply *r);
void mc_read_settings(struct mc_facts *f, const struct mc_reply *r);

void mc_inventory(struct ls_session *s, ls_step_cb done);
void mc_posture(struct ls_session *s, ls_step_cb done);
void mc_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void mc_sample_free(struct mc *m);
void mc_assess(struct ls_session *s);

#endif
