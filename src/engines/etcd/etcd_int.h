/* Shared state of the etcd engine's modules: one HTTP request in flight at a time through the
 * shared JSON-over-HTTP transport (engines/http_json.h), what the steps learned for the posture
 * and assess steps, and the sampling cursor (etcd_sample.c). */
#ifndef LS_ENGINES_ETCD_INT_H
#define LS_ENGINES_ETCD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/etcd/etcd_parse.h"
#include "engines/http_json.h"

struct event;

#define ETCD_SMALL_REPLY (256u << 10) /* bytes of a version, count, member or status reply */
#define ETCD_PAGE_REPLY (8u << 20)    /* bytes of one page of key-values */
#define ETCD_V2_REPLY (4u << 20)      /* bytes of the whole v2 tree (larger: not read) */
#define ETCD_PAGE 100                 /* key-values asked for per page */
#define ETCD_MAX_SAMPLE 300           /* keys sampled per unit */
#define ETCD_MAX_SAMPLE_DEEP 5000     /* with --deep */
#define ETCD_MAX_KEY 4096             /* bytes of a key kept */
#define ETCD_MAX_VALUE 65536          /* bytes of a value handed to the detector */
#define ETCD_MAX_PAGES 200            /* requests per unit at most */

/* The units the inventory lists (ls_table.database / name): the v3 keyspace outside the
 * Kubernetes Secrets, the Secrets, and the v2 store. */
#define ETCD_DB_V3 "v3"
#define ETCD_DB_V2 "v2"
#define ETCD_UNIT_ALL "*"

typedef void (*etcd_reply_cb)(struct ls_session *s, const struct ls_http_json_reply *r);

/* What the steps learned (filled by etcd.c and etcd_inventory.c, read by etcd_assess.c). */
struct etcd_facts {
    char cluster_version[32];
    char cluster_id[32];
    bool members_known;
    uint64_t members;
    char member_urls[512]; /* "lab-open peer http://…:2380 client http://…:2379; …" */
    bool auth_off;         /* the keyspace answered without a token */
    uint64_t keys;         /* v3 keys in total (count_only) */
    uint64_t secrets;      /* of them under /registry/secrets/ */
    bool secrets_known;
    bool v2_enabled;        /* /v2/keys answered with a tree */
    bool v2_counted;        /* and it fit the byte cap */
    uint64_t v2_keys;       /* leaves of the v2 tree */
    bool status_known;      /* /v3/maintenance/status answered */
    uint64_t db_size;       /* its dbSize */
    char secret_names[400]; /* "default/db-credentials, …" as sampled */
    uint64_t secrets_read;  /* Secrets whose data was decoded */
};

struct etcd {
    struct ls_session *s;
    struct ls_http_json *req; /* the request in flight */
    etcd_reply_cb cb;
    ls_step_cb step_done;
    struct event *defer; /* ends a step from the event loop when no request could start */
    enum ls_step defer_result;
    struct etcd_facts f;
    struct etcd_sample *sample;
};

/* Sends one request (body NULL for GET) and calls cb with the reply, from the event loop. If the
 * request cannot start, the step ends FAILED (from the event loop). */
void etcd_request(struct etcd *e, const char *method, const char *path, const char *body, uint64_t max_body,
                  etcd_reply_cb cb);
/* Ends the current step (calls step_done once); etcd_step_end_later does it from the event loop. */
void etcd_step_end(struct etcd *e, enum ls_step result);
void etcd_step_end_later(struct etcd *e, enum ls_step result);
/* A request body {"key":b64(k),"range_end":b64(end), …extra} into out; -1 if it does not fit. */
int etcd_range_body(const unsigned char *k, size_t klen, const unsigned char *end, size_t elen, const char *extra,
                    char *out, size_t cap);
/* Records why a probe failed as an unknown of the service. */
void etcd_unknown(struct ls_session *s, const char *what, const struct ls_http_json_reply *r);

void etcd_inventory(struct ls_session *s, ls_step_cb done);
void etcd_posture(struct ls_session *s, ls_step_cb done);
void etcd_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void etcd_sample_free(struct etcd *e);
void etcd_assess(struct ls_session *s);

#endif
