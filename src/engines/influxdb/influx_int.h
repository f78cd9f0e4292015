/* Shared state of the InfluxDB 1.x engine's modules: one GET /query (or /ping) in flight at a time
 * over the shared JSON-over-HTTP transport (engines/http_json.h), each its own connection, and
 * what the steps learned for the posture and assess steps. Only GET is ever sent: InfluxDB 1.x
 * runs SHOW and SELECT statements over GET, and refuses anything that changes data there. */
#ifndef LS_ENGINES_INFLUX_INT_H
#define LS_ENGINES_INFLUX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/http_json.h"

struct event;

#define IFX_MAX_DBS 64            /* databases inventoried */
#define IFX_MAX_MEASUREMENTS 256  /* measurements per service (also bounded by --max-tables) */
#define IFX_COUNT_BATCH 32        /* SELECT COUNT(*) statements per request */
#define IFX_MAX_SAMPLE 1000       /* points sampled per measurement */
#define IFX_MAX_SAMPLE_DEEP 20000 /* with --deep */
#define IFX_MAX_BODY (4u << 20)   /* bytes of one catalog or count answer */
#define IFX_MAX_COLUMNS 512       /* columns of one sampled point handed on */
#define IFX_MAX_QUERY 16384       /* bytes of one InfluxQL text */

typedef void (*ifx_reply_cb)(struct ls_session *s, const struct ls_http_json_reply *r);

/* What the posture step read (SHOW USERS, SHOW SUBSCRIPTIONS), for assess. */
struct influx_posture {
    bool users_known;
    uint64_t nusers, nadmins;
    char admins[256]; /* "ops, root" */
    bool subs_known;
    uint64_t nsubs;
    bool subs_userinfo; /* a destination URL carries a user name or password */
    char subs[512];     /* "telemetry.autogen.s1 -> http://host:9092" (user information removed) */
};

struct influx {
    struct ls_session *s;
    struct ls_http_json *req; /* the request in flight, or NULL */
    ifx_reply_cb cb;
    struct event *defer; /* ends a step from the event loop when no request could start */
    enum ls_step defer_result;
    ls_step_cb step_done;
    char build[32]; /* X-Influxdb-Build: OSS, ENT */
    bool no_admin;  /* auth on, no admin user yet: "create admin user first" */
    char **dbs;     /* SHOW DATABASES, in server order */
    size_t ndbs;
    size_t db_next;        /* inventory: next database */
    size_t count_next;     /* inventory: next table whose points are counted */
    size_t count_end;      /* inventory: end of the current database's tables */
    size_t count_n;        /* inventory: COUNT statements in the request in flight */
    uint64_t total_points; /* sum of the counts */
    bool counts_estimated; /* some measurement's fields had different counts */
    struct influx_posture post;
    ls_row_cb row; /* sampling: the row callback of stream_rows */
};

/* Starts GET path (already encoded); cb runs from the event loop. When the request cannot start,
 * the current step ends FAILED from the event loop instead. */
void ifx_get(struct influx *x, const char *path, uint64_t max_body, ifx_reply_cb cb);
/* GET /query with q (and db when not NULL) URL-encoded. */
void ifx_query(struct influx *x, const char *db, const char *q, uint64_t max_body, ifx_reply_cb cb);
/* Ends the current step: calls step_done once. */
void ifx_step_end(struct influx *x, enum ls_step result);
/* Ends the current step from the event loop (never inside the call). */
void ifx_step_defer(struct influx *x, enum ls_step result);
/* Sets svc.error to a copy of why. */
void ifx_set_error(struct ls_session *s, const char *why);
/* The failure of a reply as one line: transport error, HTTP status with the server's words. */
void ifx_reply_why(const struct ls_http_json_reply *r, const char *what, char *out, size_t n);
/* The first result of a 200 reply that is not an error, or NULL with why set (the reply's
 * failure, or "what: <the result's error>"). */
const json_t *ifx_first_result(const struct ls_http_json_reply *r, const char *what, char *why, size_t n);

void ifx_inventory(struct ls_session *s, ls_step_cb done);
void ifx_posture(struct ls_session *s, ls_step_cb done);
void ifx_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void ifx_assess(struct ls_session *s);

#endif
