/* Shared state of the MySQL/MariaDB engine's modules: the client (mysql_client.c: one connection,
 * greeting, login, one query at a time, reconnect with the same login when a capped result made us
 * drop the connection), the steps (mysql.c, mysql_inventory.c, mysql_sample.c) and what they
 * learned for assess (mysql_assess.c). */
#ifndef LS_ENGINES_MYSQL_INT_H
#define LS_ENGINES_MYSQL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/mysql/mysql_proto.h"
#include "util/strbuf.h"

struct ls_conn;
struct event;

#define MY_MAX_COLS 4096          /* columns of one result */
#define MY_MAX_PACKET (16u << 20) /* bytes of one packet at most (also capped by max_response_bytes) */
#define MY_MAX_GREETING 4096u     /* bytes of the greeting (HandshakeV10 or an error) at most */
#define MY_MAX_COLUMNS_LISTED 20000
#define MY_MAX_TABLE_COLUMNS 256  /* columns kept (and sampled) per table */
#define MY_EXACT_COUNT_TABLES 50  /* SELECT COUNT(*) for at most this many tables */
#define MY_EXACT_COUNT_MAX 100000 /* … whose estimate is below this */
#define MY_MAX_SETUP 4            /* session statements replayed after a reconnect */

enum my_login { MY_LOGIN_OK, MY_LOGIN_DENIED, MY_LOGIN_UNSUPPORTED, MY_LOGIN_FAILED };

/* greeting: hs for a handshake, err for an ERR greeting, both NULL on failure (why says it). */
typedef void (*my_greet_cb)(struct ls_session *s, const struct mysql_handshake *hs, const struct mysql_err *err,
                            const char *why);
/* login: err is the server's ERR for MY_LOGIN_DENIED; why a reason otherwise. */
typedef void (*my_login_cb)(struct ls_session *s, enum my_login r, const struct mysql_err *err, const char *why);
/* rows: NUL-terminated cells (SQL NULL is "" with null[i] set), valid only during the call. */
typedef void (*my_rows_cb)(struct ls_session *s, char **cells, const size_t *lens, const bool *null, size_t n);
/* query end: ok, or the server's ERR (err), or a failure (why). `truncated`: the byte cap cut the
 * result (rows so far were delivered). */
typedef void (*my_done_cb)(struct ls_session *s, bool ok, const struct mysql_err *err, const char *why);

/* What the probes saw (mysql_inventory.c fills, mysql_assess.c reads). */
struct my_posture {
    bool mariadb;
    char current_user[160];
    bool sfp_known, sfp_null; /* @@secure_file_priv: NULL disables file I/O */
    char secure_file_priv[256];
    bool grants_known;
    char grants_global[512]; /* privileges granted ON *.* */
    bool priv_all, priv_file, priv_super, priv_process, priv_grant, priv_write, priv_ddl;
    bool users_known;
    char nopass_users[512]; /* "app@%, ''@localhost" */
    unsigned nnopass;
    bool read_only_session; /* SET SESSION TRANSACTION READ ONLY accepted */
};

enum my_phase { PH_NONE, PH_GREETING, PH_GREETED, PH_AUTH, PH_READY, PH_SETUP, PH_RESULT };
enum my_op { OP_NONE, OP_GREET, OP_LOGIN, OP_QUERY };

struct my {
    struct ls_session *s;
    struct ls_conn *conn;
    enum my_phase phase;
    enum my_op op;
    uint8_t seq; /* sequence id of the next packet we send */
    struct mysql_handshake hs;
    char user[64];     /* the login in use */
    char password[64]; /* its password ("" but with --default-credentials); never reported */
    bool logged_in;    /* a login succeeded once: reconnects may repeat it */
    my_greet_cb greet_cb;
    my_login_cb login_cb;
    my_rows_cb rows_cb;
    my_done_cb done_cb;
    char *query;               /* the query waiting for a reconnect or a setup statement */
    char *setup[MY_MAX_SETUP]; /* session statements (read-only, timeouts) */
    size_t nsetup, setup_i;
    struct mysql_rs rs;
    char *rowbuf;
    size_t rowcap;
    bool *nullv;
    char **cellv;
    uint64_t result_bytes;
    bool truncated; /* the last result was cut by the byte cap */
    struct event *defer;
    char defer_err[200];
    unsigned in_cb;
    bool closing;
    /* engine steps */
    ls_step_cb step_done;
    int tries;                  /* access: logins tried */
    bool trying_defaults;       /* access: --default-credentials logins under way */
    unsigned default_tries;     /* … how many were sent */
    struct mysql_err greet_err; /* an ERR greeting (host not allowed, too many connections) */
    bool greet_was_err;
    struct my_posture post;
    unsigned probe;  /* next inventory probe */
    bool in_posture; /* the posture step runs the probes from P_GRANTS on */
    size_t count_i;  /* next table for COUNT(*) */
    unsigned counted;
    size_t col_table; /* table of the last COLUMNS row (lookup cache) */
    const struct ls_table *streaming;
    const char **stream_names;
    size_t stream_ncols;
    ls_row_cb row_out;
};

struct my *my_new(struct ls_session *s);
void my_close(struct my *m); /* safe from inside a callback */
void my_cancel(struct my *m);
void my_greet(struct my *m, my_greet_cb cb);
void my_login_as(struct my *m, const char *user, my_login_cb cb); /* with an empty password */
void my_login_with_password(struct my *m, const char *user, const char *password, my_login_cb cb);
void my_query(struct my *m, const char *sql, my_rows_cb rows, my_done_cb done);
/* Remembers a session statement to replay after a reconnect (sent by the caller once now). */
void my_add_setup(struct my *m, const char *sql);
void my_step_end(struct my *m, enum ls_step r);

/* "Code 1045 (28000): Access denied …" */
void my_err_text(const struct mysql_err *e, char *out, size_t n);
/* Backquoted identifier (inner backquotes doubled) appended to b; false if it does not fit. */
bool my_quote_ident(struct ls_strbuf *b, const char *id);

/* Continues the text already in buf[0..cap) (ls_sb_init would empty it). */
static inline void my_sb_resume(struct ls_strbuf *b, char *buf, size_t cap)
{
    size_t len = 0;
    while (len + 1 < cap && buf[len])
        len++;
    char first = cap ? buf[0] : '\0';
    ls_sb_init(b, buf, cap);
    if (cap) {
        buf[0] = first; /* ls_sb_init emptied the text by writing a NUL there */
        buf[len] = '\0';
    }
    b->len = len;
}

void my_inventory(struct ls_session *s, ls_step_cb done);
/* The posture step (engine.h): SHOW GRANTS and passwordless accounts, after the inventory. */
void my_posture(struct ls_session *s, ls_step_cb done);
void my_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void my_assess(struct ls_session *s);
/* The global privileges of one SHOW GRANTS line, into p (only lines ON *.*). */
void my_parse_grant(struct my_posture *p, const char *line);

#endif
