/* The PostgreSQL engine's connection: one ls_conn per session, a StartupMessage as `postgres`
 * with the read-only session options, the login answer classified (ready, a password asked, an
 * error, not PostgreSQL at all; a password request is answered only when --default-credentials
 * set one, pg_password.c), then simple queries one at a time whose DataRows are handed to
 * the caller as text cells. A response past the byte cap, a malformed message or a lost
 * connection ends the query with an error and drops the connection; the next query logs in
 * again. Callbacks always come from the event loop. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/postgres/pg_int.h"
#include "net/conn.h"
#include "util/strbuf.h"
#include "util/textutil.h"

static void maybe_free(struct pg *pg);
static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud);

void pg_step_end(struct pg *pg, enum ls_step r)
{
    ls_step_cb cb = pg->step_done;
    pg->step_done = NULL;
    if (cb)
        cb(pg->s, r);
}

static void drop_conn(struct pg *pg)
{
    ls_conn_free(pg->conn);
    pg->conn = NULL;
    pg->connected = false;
    pg->logged_in = false;
    pg->gen++;
}

static void finish_login(struct pg *pg, enum pg_login r)
{
    pg_login_cb cb = pg->login_cb;
    pg->login_cb = NULL;
    if (r != PG_LOGIN_READY)
        drop_conn(pg);
    if (cb)
        cb(pg, r);
}

static void finish_query(struct pg *pg, bool ok, const char *err)
{
    pg_query_cb cb = pg->qdone;
    pg->qdone = NULL;
    pg->rows = NULL;
    if (cb)
        cb(pg, ok, err);
}

/* The connection is gone (or unusable): whatever is pending ends with `why`. */
static void go_dead(struct pg *pg, const char *why)
{
    if (why != pg->defer_err)
        snprintf(pg->defer_err, sizeof pg->defer_err, "%s", why);
    drop_conn(pg);
    if (pg->login_cb)
        finish_login(pg, PG_LOGIN_IO);
    else if (pg->qdone)
        finish_query(pg, false, pg->defer_err);
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct pg *pg = arg;
    (void)fd, (void)what;
    pg->in_cb++;
    go_dead(pg, pg->defer_err[0] ? pg->defer_err : "connection lost");
    pg->in_cb--;
    maybe_free(pg);
}

static void on_step_ev(evutil_socket_t fd, short what, void *arg)
{
    struct pg *pg = arg;
    (void)fd, (void)what;
    pg->in_cb++;
    pg_step_end(pg, pg->step_result);
    pg->in_cb--;
    maybe_free(pg);
}

void pg_step_later(struct pg *pg, enum ls_step r)
{
    pg->step_result = r;
    if (!pg->step_ev)
        pg->step_ev = evtimer_new(pg->s->base, on_step_ev, pg);
    struct timeval tv = {0, 0};
    if (!pg->step_ev || evtimer_add(pg->step_ev, &tv) != 0)
        pg->step_done = NULL; /* cannot report: the core's deadline ends the job */
}

static void fail_later(struct pg *pg, const char *why)
{
    if (why != pg->defer_err)
        snprintf(pg->defer_err, sizeof pg->defer_err, "%s", why);
    if (!pg->defer)
        pg->defer = evtimer_new(pg->s->base, on_defer, pg);
    struct timeval tv = {0, 0};
    if (!pg->defer || evtimer_add(pg->defer, &tv) != 0) {
        pg->login_cb = NULL; /* cannot report: the core's deadline ends the job */
        pg->qdone = NULL;
    }
}

static int send_bytes(struct pg *pg, const char *p, size_t n)
{
    return pg->conn && ls_conn_write(pg->conn, p, n) == 0 && ls_conn_flush(pg->conn) == 0 ? 0 : -1;
}

static void send_startup(struct pg *pg)
{
    char opts[160];
    unsigned st = pg->s->limits->io_timeout_ms ? pg->s->limits->io_timeout_ms : 5000;
    snprintf(opts, sizeof opts, "-c default_transaction_read_only=on -c statement_timeout=%u -c lock_timeout=%u", st,
             st);
    const char *kv[] = {"user",     PG_USER,   "database", pg->database,      "application_name",
                        "leakscan", "options", opts,       "client_encoding", "UTF8"};
    char buf[512];
    size_t n = pgw_startup(buf, sizeof buf, kv, 5);
    if (!n || send_bytes(pg, buf, n) != 0)
        go_dead(pg, "cannot send the startup message");
}

/* ---- message handling ------------------------------------------------------------------------- */

static void login_message(struct pg *pg, const struct pgw_msg *m)
{
    if (m->type == 'R') {
        if (pgw_parse_auth(m, &pg->auth) != 0) {
            finish_login(pg, PG_LOGIN_NOT_PG);
            return;
        }
        pg->seen_pg = true;
        if (pg->auth.code == PGW_AUTH_OK) {
            pg->auth_ok = true;
            return;
        }
        if (!pg->password[0]) {
            finish_login(pg, PG_LOGIN_AUTH); /* no password is sent but with --default-credentials */
            return;
        }
        char buf[512];
        int n = pg_password_answer(pg->auth.code, m->body + 4, m->len - 4, PG_USER, pg->password, &pg->scram, buf,
                                   sizeof buf, &pg->answer_why);
        int sent = n > 0 ? send_bytes(pg, buf, (size_t)n) : 0;
        OPENSSL_cleanse(buf, sizeof buf);
        if (n < 0)
            finish_login(pg, PG_LOGIN_AUTH);
        else if (sent != 0)
            go_dead(pg, "cannot send the password answer");
        return;
    }
    if (m->type == 'E') {
        if (pgw_parse_error(m, &pg->err) != 0) {
            finish_login(pg, pg->seen_pg ? PG_LOGIN_IO : PG_LOGIN_NOT_PG);
            return;
        }
        pg->seen_pg = true;
        finish_login(pg, PG_LOGIN_ERROR);
        return;
    }
    if (m->type == 'N') {
        struct pgw_error notice;
        if (pgw_parse_error(m, &notice) != 0 && !pg->seen_pg)
            finish_login(pg, PG_LOGIN_NOT_PG);
        return;
    }
    if (!pg->auth_ok) { /* PostgreSQL answers a StartupMessage with R or E first */
        finish_login(pg, PG_LOGIN_NOT_PG);
        return;
    }
    const char *name, *value;
    switch (m->type) {
    case 'S':
        if (pgw_parse_param(m, &name, &value) == 0 && strcmp(name, "server_version") == 0)
            ls_copy_printable_utf8(pg->server_version, sizeof pg->server_version, value, strlen(value));
        break;
    case 'K': break;
    case 'Z':
        pg->logged_in = true;
        finish_login(pg, PG_LOGIN_READY);
        break;
    default: go_dead(pg, "unexpected message during login"); break;
    }
}

static int keep_colnames(struct pg *pg, const struct pgw_msg *m)
{
    const char **names = calloc(PG_MAX_COLS, sizeof *names);
    size_t n = 0;
    if (!names || pgw_parse_rowdesc(m, PG_MAX_COLS, names, &n) != 0) {
        free(names);
        return -1;
    }
    char *buf = malloc(m->len + 1);
    if (!buf) {
        free(names);
        return -1;
    }
    memcpy(buf, m->body, m->len);
    for (size_t i = 0; i < n; i++)
        names[i] = buf + (names[i] - m->body);
    free(pg->colnames);
    free(pg->colbuf);
    pg->colnames = names;
    pg->colbuf = buf;
    pg->ncolnames = n;
    return 0;
}

static int deliver_row(struct pg *pg, const struct pgw_msg *m)
{
    size_t need = pgw_datarow_scratch(m);
    if (need > pg->scratch_cap) {
        char *p = realloc(pg->scratch, need);
        if (!p)
            return -1;
        pg->scratch = p;
        pg->scratch_cap = need;
    }
    if (!pg->cells) {
        pg->cells = calloc(PG_MAX_COLS, sizeof *pg->cells);
        pg->lens = calloc(PG_MAX_COLS, sizeof *pg->lens);
        if (!pg->cells || !pg->lens)
            return -1;
    }
    size_t n = 0;
    if (pgw_parse_datarow(m, PG_MAX_COLS, pg->scratch, pg->scratch_cap, pg->cells, pg->lens, &n) != 0)
        return -1;
    if (pg->rows)
        pg->rows(pg, pg->cells, pg->lens, n);
    return 0;
}

static void query_message(struct pg *pg, const struct pgw_msg *m)
{
    switch (m->type) {
    case 'T':
        if (keep_colnames(pg, m) != 0)
            go_dead(pg, "malformed RowDescription");
        break;
    case 'D':
        if (pg->q_error)
            break;
        pg->q_bytes += m->len;
        if (pg->q_bytes > pg->s->limits->max_response_bytes) {
            char why[120];
            snprintf(why, sizeof why, "response larger than the cap (%zu bytes); stopped",
                     pg->s->limits->max_response_bytes);
            go_dead(pg, why);
            return;
        }
        if (deliver_row(pg, m) != 0)
            go_dead(pg, "malformed DataRow");
        break;
    case 'E':
        if (pgw_parse_error(m, &pg->err) != 0) {
            go_dead(pg, "malformed ErrorResponse");
            return;
        }
        pg->q_error = true;
        break;
    case 'Z': {
        char text[400];
        if (pg->q_error)
            pgw_error_text(&pg->err, text, sizeof text);
        finish_query(pg, !pg->q_error, pg->q_error ? text : NULL);
        break;
    }
    case 'C':
    case 'I':
    case 'N':
    case 'S':
    case 'A': break;
    default: /* COPY and the extended protocol are never asked for */
        go_dead(pg, "unexpected message in a query response");
        break;
    }
}

static void on_input(struct pg *pg)
{
    while (pg->conn && !pg->closing) {
        struct evbuffer *in = ls_conn_input(pg->conn);
        size_t avail = evbuffer_get_length(in);
        if (!avail)
            return;
        const char *buf = (const char *)evbuffer_pullup(in, -1);
        struct pgw_msg m;
        size_t used = 0;
        char err[120];
        enum pgw_status st = pgw_frame(buf, avail, PG_MAX_MSG, &m, &used, err, sizeof err);
        if (st == PGW_NEED_MORE)
            return;
        if (st == PGW_BAD) {
            if (pg->login_cb)
                finish_login(pg, pg->seen_pg ? PG_LOGIN_IO : PG_LOGIN_NOT_PG);
            else
                go_dead(pg, err);
            return;
        }
        unsigned gen = pg->gen;
        if (pg->login_cb)
            login_message(pg, &m);
        else if (pg->qdone)
            query_message(pg, &m);
        if (pg->gen != gen || !pg->conn || pg->closing)
            return; /* the connection was dropped (or replaced) by a callback */
        evbuffer_drain(ls_conn_input(pg->conn), used);
    }
}

static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct pg *pg = ud;
    (void)c;
    pg->in_cb++;
    switch (ev) {
    case LS_CONN_CONNECTED:
        pg->connected = true;
        send_startup(pg);
        break;
    case LS_CONN_READ: on_input(pg); break;
    case LS_CONN_EOF:
        on_input(pg);
        if (pg->conn && !pg->closing)
            go_dead(pg, "connection closed by the server");
        break;
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR: go_dead(pg, ls_conn_error(c)); break;
    }
    pg->in_cb--;
    maybe_free(pg);
}

void pg_connect(struct pg *pg, const char *database, pg_login_cb cb)
{
    struct ls_session *s = pg->s;
    drop_conn(pg);
    pg->login_cb = cb;
    pg->auth_ok = false;
    if (database != pg->database) /* a reconnect passes pg->database itself */
        snprintf(pg->database, sizeof pg->database, "%s", database);
    pg->conn = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                           s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_conn, pg);
    if (!pg->conn)
        fail_later(pg, "cannot open a connection");
}

static void send_query(struct pg *pg, const char *sql)
{
    size_t cap = strlen(sql) + 8;
    char *buf = malloc(cap);
    size_t n = buf ? pgw_query(buf, cap, sql) : 0;
    pg->q_error = false;
    pg->q_bytes = 0;
    pg->ncolnames = 0;
    if (!n || send_bytes(pg, buf, n) != 0)
        fail_later(pg, "cannot send the query");
    free(buf);
}

static void on_relogin(struct pg *pg, enum pg_login r)
{
    char *sql = pg->pending_sql;
    pg->pending_sql = NULL;
    if (r == PG_LOGIN_READY && sql) {
        send_query(pg, sql);
    } else {
        char why[300];
        if (r == PG_LOGIN_ERROR)
            pgw_error_text(&pg->err, why, sizeof why);
        else
            snprintf(why, sizeof why, "reconnecting failed: %s", pg->defer_err[0] ? pg->defer_err : "no answer");
        finish_query(pg, false, why);
    }
    free(sql);
}

void pg_query(struct pg *pg, const char *sql, pg_rows_cb rows, pg_query_cb done)
{
    pg->rows = rows;
    pg->qdone = done;
    if (pg->logged_in && pg->conn) {
        send_query(pg, sql);
        return;
    }
    free(pg->pending_sql);
    pg->pending_sql = strdup(sql);
    if (!pg->pending_sql) {
        fail_later(pg, "out of memory");
        return;
    }
    pg_connect(pg, pg->database, on_relogin);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

struct pg *pg_new(struct ls_session *s)
{
    struct pg *pg = calloc(1, sizeof *pg);
    if (pg) {
        pg->s = s;
        snprintf(pg->database, sizeof pg->database, "%s", PG_USER);
    }
    return pg;
}

void pg_cancel(struct pg *pg)
{
    if (!pg)
        return;
    if (pg->conn && pg->logged_in) {
        char x[8];
        size_t n = pgw_terminate(x, sizeof x);
        (void)send_bytes(pg, x, n);
    }
    drop_conn(pg);
    pg->login_cb = NULL;
    pg->qdone = NULL;
    pg->rows = NULL;
    pg->step_done = NULL;
    if (pg->defer)
        evtimer_del(pg->defer);
    if (pg->step_ev)
        evtimer_del(pg->step_ev);
    free(pg->pending_sql);
    pg->pending_sql = NULL;
}

static void pg_free(struct pg *pg)
{
    pg_cancel(pg);
    if (pg->defer)
        event_free(pg->defer);
    if (pg->step_ev)
        event_free(pg->step_ev);
    pg_sample_free(pg);
    free(pg->scratch);
    free(pg->cells);
    free(pg->lens);
    free(pg->colnames);
    free(pg->colbuf);
    free(pg->extra);
    free(pg);
}

static void maybe_free(struct pg *pg)
{
    if (pg->in_cb == 0 && pg->closing)
        pg_free(pg);
}

void pg_close(struct pg *pg)
{
    if (!pg)
        return;
    pg_cancel(pg);
    if (pg->in_cb) {
        pg->closing = true;
        return;
    }
    pg_free(pg);
}
