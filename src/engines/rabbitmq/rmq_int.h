/* Shared state of the RabbitMQ management-API engine's modules: one HTTP request in flight at a time
 * (rmq_http.c, through engines/http_json.h), the login that worked, and what the steps learned for
 * the posture and assess steps. Only GETs are ever sent. */
#ifndef LS_ENGINES_RABBITMQ_RMQ_INT_H
#define LS_ENGINES_RABBITMQ_RMQ_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/http_json.h"
#include "engines/rabbitmq/rmq_parse.h"

struct event;

#define RMQ_MAX_BODY (4u << 20)    /* bytes of one API answer at most */
#define RMQ_MAX_PAGE 500           /* the API's largest page_size */
#define RMQ_MAX_VALUE 16384        /* bytes of one parameter value handed to the detector */
#define RMQ_ADMIN_MAX (256u << 10) /* /cli/rabbitmqadmin (about 42 KB in 3.10) */

typedef void (*rmq_cb)(struct ls_session *s, const struct ls_http_json_reply *r);

struct rmq {
    struct ls_session *s;
    struct ls_http_json *req; /* the request in flight */
    rmq_cb cb;
    ls_step_cb step_done;
    struct event *defer; /* ends a step from the event loop when nothing is in flight */
    enum ls_step defer_result;
    char auth[512]; /* "Authorization: Basic …\r\n" of the login that worked, or "" */
    char user[64];  /* that login's user, or "" */
    struct rmq_overview ov;
    bool ov_known;
    /* posture */
    char tags[160];
    unsigned tag_bits;
    bool tags_known;
    uint64_t users;
    bool users_known;
    char admins[256];                                          /* administrator users, ", "-joined */
    char perm_read[160], perm_write[160], perm_configure[160]; /* vhosts where our user may … */
    bool perms_known;
    uint64_t policies;
    bool policies_known;
    /* runtime parameters, kept for sampling (owned) */
    json_t *params;
    unsigned uri_passwords; /* URIs with a password among them */
    char uri_hosts[256];
    uint64_t federation_upstreams, shovels;
    unsigned probe;       /* next posture probe */
    ls_row_cb sample_row; /* parameter rows to deliver from the event loop (rmq_sample_run) */
    uint64_t sample_limit;
};

/* GET path (auth header attached when a login worked), the answer to cb from the event loop. */
void rmq_get(struct ls_session *s, const char *path, uint64_t max_body, rmq_cb cb);
/* Ends the current step with `result` from the event loop. */
void rmq_end_later(struct ls_session *s, enum ls_step result);
void rmq_step_end(struct ls_session *s, enum ls_step result);
/* An answer that is not a JSON 200: the reason recorded as an unknown named `what`. */
void rmq_unknown(struct ls_session *s, const char *what, const struct ls_http_json_reply *r);

void rmq_inventory(struct ls_session *s, ls_step_cb done);
void rmq_posture(struct ls_session *s, ls_step_cb done);
void rmq_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void rmq_assess(struct ls_session *s);
/* Delivers the pending parameter rows (stream_rows), called from the event loop. */
void rmq_sample_run(struct ls_session *s);

#endif
