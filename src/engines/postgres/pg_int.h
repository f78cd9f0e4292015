/* Shared state of the PostgreSQL engine's modules: one connection per session (pg_client.c) that
 * logs in as `postgres` without a password and runs one read-only query at a time, the steps
 * (pg.c fingerprint/access, pg_inventory.c, pg_sample.c) and what they learned for the assessment
 * (pg_assess.c). */
#ifndef LS_ENGINES_POSTGRES_PG_INT_H
#define LS_ENGINES_POSTGRES_PG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/postgres/pg_password.h"
#include "engines/postgres/pgwire.h"

struct ls_conn;
struct event;

#define PG_USER "postgres"            /* the well-known superuser every cluster is created with */
#define PG_MAX_COLS 1600              /* PostgreSQL's own column limit */
#define PG_MAX_MSG (16u << 20)        /* bytes of one backend message at most */
#define PG_MAX_TABLE_COLS 200         /* columns listed per table */
#define PG_EXACT_MAX_ROWS 100000      /* count(*) only below this estimate */
#define PG_EXACT_MAX_TABLES 50        /* and for at most this many tables */
#define PG_EXACT_MAX_BYTES (8u << 20) /* never-analyzed tables (no estimate): count(*) below this size */
#define PG_MAX_DBS 200

/* Login outcome (pg_connect's callback). */
enum pg_login {
    PG_LOGIN_READY,  /* AuthenticationOk … ReadyForQuery */
    PG_LOGIN_AUTH,   /* the server asked for a password / other method: `auth` says which */
    PG_LOGIN_ERROR,  /* an ErrorResponse: `err` */
    PG_LOGIN_NOT_PG, /* the bytes are not PostgreSQL's */
    PG_LOGIN_IO,     /* connection failed, closed or timed out before an answer */
};

struct pg;
typedef void (*pg_login_cb)(struct pg *pg, enum pg_login result);
/* Rows of a query result: text cells (NULL for SQL NULL), valid only during the call. */
typedef void (*pg_rows_cb)(struct pg *pg, char **cells, const size_t *lens, size_t n);
/* ok=false: err says why (the server's words for an ErrorResponse). */
typedef void (*pg_query_cb)(struct pg *pg, bool ok, const char *err);

/* What the blast-radius probes saw (pg_inventory.c → pg_assess.c). */
struct pg_posture {
    bool whoami_known;
    char user[64], database[64];
    bool superuser, createrole, createdb;
    bool read_files, write_files, exec_program; /* pg_read/write_server_files, pg_execute_server_program */
    char ssl[8];                                /* "on"/"off", "" unknown */
    char listen[128];                           /* listen_addresses if readable */
    bool ext_known;
    char remote_ext[128]; /* dblink, postgres_fdw installed */
    bool nopass_known;
    char nopass_roles[256]; /* login roles without a password (pg_authid) */
    bool can_write_known, can_write;
    bool can_ddl_known, can_ddl;
    char trust_rules[256]; /* pg_hba.conf lines with `trust` (superuser only) */
};

struct pg_table_extra {
    size_t table; /* index in s->svc.tables */
    uint32_t oid;
    bool selectable; /* has_table_privilege SELECT */
};

struct pg {
    struct ls_session *s;
    struct ls_conn *conn;
    bool connected, logged_in, auth_ok;
    unsigned gen;      /* bumped whenever the connection is dropped or replaced */
    char database[64]; /* database of the (re)connection */
    /* login */
    pg_login_cb login_cb;
    struct pgw_auth auth; /* the request when PG_LOGIN_AUTH */
    struct pgw_error err; /* the ErrorResponse when PG_LOGIN_ERROR or a failed query */
    bool seen_pg;         /* a well-formed PostgreSQL message arrived */
    char server_version[64];
    char password[64];      /* sent when asked ("" = never; --default-credentials only); never reported */
    struct pg_scram scram;  /* its SCRAM exchange */
    bool password_asked;    /* the fingerprint's login was asked for a password (cleartext, MD5, SASL) */
    const char *answer_why; /* why a password request could not be answered */
    unsigned default_tries; /* --default-credentials logins sent */
    /* query */
    pg_rows_cb rows;
    pg_query_cb qdone;
    char *pending_sql; /* query waiting for a (re)connection */
    bool q_error, q_overflow;
    size_t q_bytes;
    char *scratch;
    size_t scratch_cap;
    char **cells;
    size_t *lens;
    const char **colnames; /* of the last RowDescription (point into colbuf) */
    char *colbuf;
    size_t ncolnames;
    /* deferral and reentrancy */
    struct event *defer;
    struct event *step_ev; /* ends a step from the event loop (pg_step_later) */
    enum ls_step step_result;
    char defer_err[200];
    unsigned in_cb;
    bool closing;
    /* steps */
    ls_step_cb step_done;
    unsigned phase;
    size_t idx;
    struct pg_table_extra *extra; /* parallel to s->svc.tables */
    size_t nextra;
    size_t exact_done;
    struct pg_posture post;
    /* sampling */
    ls_row_cb row_out;
    const char **sample_names;
    size_t sample_ncols;
};

/* Connection (pg_client.c). */
struct pg *pg_new(struct ls_session *s);
void pg_close(struct pg *pg);  /* safe from inside a callback */
void pg_cancel(struct pg *pg); /* no callbacks after */
/* Connects and logs in as PG_USER to `database` with the read-only startup options. */
void pg_connect(struct pg *pg, const char *database, pg_login_cb cb);
/* Runs one simple query; reconnects first when an earlier cap or failure dropped the connection. */
void pg_query(struct pg *pg, const char *sql, pg_rows_cb rows, pg_query_cb done);
void pg_step_end(struct pg *pg, enum ls_step r);
/* Ends the step with r from the event loop (for steps with nothing to send). */
void pg_step_later(struct pg *pg, enum ls_step r);

/* Steps. */
void pg_inventory(struct ls_session *s, ls_step_cb done);
void pg_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void pg_sample_free(struct pg *pg);
void pg_assess(struct ls_session *s);
/* The posture step (engine.h): the blast-radius probes (pg_posture.c), after the inventory. */
void pg_posture(struct ls_session *s, ls_step_cb done);

#endif
