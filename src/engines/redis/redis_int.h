/* Shared state of the Redis engine's modules: one connection per session, one command in flight
 * at a time (redis_client.c), and what the steps learned for assess (redis_assess.c). */
#ifndef LS_ENGINES_REDIS_INT_H
#define LS_ENGINES_REDIS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/engine_client.h"
#include "engines/redis/resp.h"

struct ls_conn;
struct event;

#define REDIS_MAX_DBS 64           /* logical databases listed (Redis defaults to 16) */
#define REDIS_MAX_SAMPLE 300       /* keys sampled per database */
#define REDIS_MAX_SAMPLE_DEEP 2000 /* with --deep */
#define REDIS_MAX_KEY 1024         /* longer key names are not sampled */
#define REDIS_MAX_VALUE 65536      /* bytes of one value handed to the detector */
#define REDIS_MAX_REPLY (8u << 20) /* bytes of one reply at most */

/* reply is NULL when the command failed (connection lost, bad reply); err then says why. */
typedef void (*redis_reply_cb)(struct ls_session *s, const struct resp_value *reply, const char *err);

/* What the blast-radius probes saw (filled by redis_inventory.c, read by redis_assess.c). */
struct redis_posture {
    bool config_readable; /* CONFIG GET answered */
    char dir[256], dbfilename[128], protected_mode[8];
    bool acl_known;
    char whoami[64];
    char nopass_users[256]; /* "default, app" */
    bool all_commands;      /* the scanner's user may run every command */
    char role[32];
    uint64_t connected_slaves;
    char master_host[128];
    bool module_allowed; /* MODULE LIST answered */
    char modules[256];
    bool protected_denied; /* -DENIED: protected mode refused us */
    bool cluster;
    uint64_t total_keys;
};

struct redis {
    struct ls_eclient ec; /* connection, lifecycle, the step being run */
    redis_reply_cb cb;    /* the command in flight */
    unsigned probe;       /* next inventory probe (redis_inventory.c) */
    unsigned auth_tries;  /* --default-credentials: AUTH attempts made */
    struct redis_posture post;
    /* sampling state (redis_sample.c) */
    struct redis_sample *sample;
};

/* Sends one command (argv with lengths; lens NULL = C strings) and calls cb with its reply, always
 * from the event loop. One command at a time. */
void redis_command(struct redis *r, const char *const *argv, const size_t *lens, size_t argc, redis_reply_cb cb);
/* Ends the current step: calls step_done once. */
void redis_step_end(struct redis *r, enum ls_step result);
void redis_client_cancel(struct redis *r);
struct redis *redis_client_new(struct ls_session *s);
void redis_client_close(struct redis *r); /* safe from inside a reply callback */

/* Value of `name:` in an INFO text (len bytes): copied into out, true if present. */
bool redis_info_field(const char *info, size_t len, const char *name, char *out, size_t n);
/* Records a failed probe as an unknown with the server's words. */
void redis_unknown(struct ls_session *s, const char *what, const struct resp_value *reply, const char *err);

void redis_inventory(struct ls_session *s, ls_step_cb done);
void redis_posture(struct ls_session *s, ls_step_cb done);
void redis_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void redis_sample_free(struct redis *r);
void redis_assess(struct ls_session *s);
/* The account's capabilities and Redis facts from the posture probes (redis_access.c). */
void redis_fill_access(struct ls_session *s);

/* Compromise signs in one key (name and value head): true and evidence written if it is one. */
bool redis_compromise_sign(const char *key, size_t klen, const char *value, size_t vlen, char *ev, size_t n);

#endif
