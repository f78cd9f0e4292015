/* PostgreSQL (5432): the engine descriptor and its first two steps, over a small bounded parser of
 * the v3 wire protocol of our own (pgwire.c) on the shared ls_conn rather than libpq's
 * non-blocking API: the step model wants one connection per session driven by the event loop
 * with the scanner's own timeouts and byte caps, and the raw framing is what gives a clean
 * fingerprint (libpq only says "invalid response" about a decoy) and a fuzzable parser.
 *
 * Fingerprint: a StartupMessage as `postgres` to database `postgres` with the read-only session
 * options; only a well-formed AuthenticationRequest or ErrorResponse (5-character SQLSTATE, a
 * message) in PostgreSQL's own framing identifies the server — an HTTP server, a ClickHouse, an
 * echo or garbage does not. Access: `none` when the server logs us in without a password (trust),
 * `required` with the server's words (the method it asks for, or its FATAL error), `unknown`
 * otherwise. No password is ever sent, except with --default-credentials: up to three documented
 * passwords for `postgres` on a server that asked for one (cleartext, MD5 or SCRAM-SHA-256). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/default_creds.h"
#include "engines/postgres/pg_int.h"
#include "util/strbuf.h"
#include "util/textutil.h"

static void set_evidence(struct ls_service *svc, const char *text)
{
    free(svc->auth_evidence);
    svc->auth_evidence = strdup(text);
}

static void set_error(struct ls_service *svc, const char *text)
{
    free(svc->error);
    svc->error = strdup(text);
}

static void on_fp_login(struct pg *pg, enum pg_login r)
{
    struct ls_service *svc = &pg->s->svc;
    char text[400];
    struct ls_strbuf b;
    switch (r) {
    case PG_LOGIN_READY:
        svc->auth = LS_AUTH_NONE;
        if (pg->server_version[0]) {
            snprintf(svc->version, sizeof svc->version, "%s", pg->server_version);
            free(svc->version_source);
            svc->version_source = strdup("ParameterStatus server_version");
        }
        ls_sb_init(&b, text, sizeof text);
        ls_sb_printf(&b, "logged in as \"%s\" to database \"%s\" without a password (AuthenticationOk)", PG_USER,
                     pg->database);
        set_evidence(svc, text);
        pg_step_end(pg, LS_STEP_OK);
        return;
    case PG_LOGIN_AUTH:
        svc->auth = LS_AUTH_REQUIRED;
        pg->password_asked =
            pg->auth.code == PGW_AUTH_CLEARTEXT || pg->auth.code == PGW_AUTH_MD5 || pg->auth.code == PGW_AUTH_SASL;
        ls_sb_init(&b, text, sizeof text);
        ls_sb_printf(&b, "server asks for %s for user \"%s\"", pgw_auth_method(&pg->auth), PG_USER);
        if (pg->auth.code == PGW_AUTH_SASL && pg->auth.mechs[0])
            ls_sb_printf(&b, " (SASL mechanisms: %s)", pg->auth.mechs);
        set_evidence(svc, text);
        pg_step_end(pg, LS_STEP_OK);
        return;
    case PG_LOGIN_ERROR:
        pgw_error_text(&pg->err, text, sizeof text);
        if (strcmp(pg->err.code, "3D000") == 0 && strcmp(pg->database, "template1") != 0) {
            pg_connect(pg, "template1", on_fp_login); /* no `postgres` database: the one always there */
            return;
        }
        /* 28P01 invalid password, 28000 no pg_hba.conf entry (or no such role: unknown) */
        if (strcmp(pg->err.code, "28P01") == 0 ||
            (strcmp(pg->err.code, "28000") == 0 && !strstr(pg->err.message, "does not exist"))) {
            svc->auth = LS_AUTH_REQUIRED;
            set_evidence(svc, text);
        } else {
            svc->auth = LS_AUTH_UNKNOWN;
            set_error(svc, text);
        }
        pg_step_end(pg, LS_STEP_OK);
        return;
    case PG_LOGIN_NOT_PG: pg_step_end(pg, LS_STEP_NO); return;
    case PG_LOGIN_IO:
        if (pg->seen_pg) { /* it spoke PostgreSQL, then went away */
            svc->auth = LS_AUTH_UNKNOWN;
            set_error(svc, pg->defer_err[0] ? pg->defer_err : "connection lost");
            pg_step_end(pg, LS_STEP_OK);
            return;
        }
        set_error(svc, pg->defer_err[0] ? pg->defer_err : "no answer");
        pg_step_end(pg, LS_STEP_NO);
        return;
    }
}

static void pg_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct pg *pg = s->priv;
    pg->step_done = done;
    pg_connect(pg, PG_USER, on_fp_login);
}

/* ---- access: who are we, and what may this account do ----------------------------------------- */

#define WHOAMI_SQL                                                                                                     \
    "SELECT current_user, current_database(), current_setting('server_version'), r.rolsuper, r.rolcreaterole, "        \
    "r.rolcreatedb, "                                                                                                  \
    "EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'pg_read_server_files' AND pg_has_role(r.oid, g.oid, "         \
    "'MEMBER')), "                                                                                                     \
    "EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'pg_write_server_files' AND pg_has_role(r.oid, g.oid, "        \
    "'MEMBER')), "                                                                                                     \
    "EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'pg_execute_server_program' AND pg_has_role(r.oid, g.oid, "    \
    "'MEMBER')), "                                                                                                     \
    "current_setting('ssl') "                                                                                          \
    "FROM pg_roles r WHERE r.rolname = current_user LIMIT 1"

static bool yes(const char *cell)
{
    return cell && strcmp(cell, "t") == 0;
}

static void whoami_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    struct pg_posture *p = &pg->post;
    if (n != 10)
        return;
    p->whoami_known = true;
    if (c[0])
        ls_copy_printable_utf8(p->user, sizeof p->user, c[0], lens[0]);
    if (c[1])
        ls_copy_printable_utf8(p->database, sizeof p->database, c[1], lens[1]);
    struct ls_service *svc = &pg->s->svc;
    if (c[2] && !svc->version[0]) {
        ls_copy_printable_utf8(svc->version, sizeof svc->version, c[2], lens[2]);
        free(svc->version_source);
        svc->version_source = strdup("SHOW server_version");
    }
    p->superuser = yes(c[3]);
    p->createrole = yes(c[4]);
    p->createdb = yes(c[5]);
    p->read_files = yes(c[6]) || p->superuser;
    p->write_files = yes(c[7]) || p->superuser;
    p->exec_program = yes(c[8]) || p->superuser;
    if (c[9])
        ls_copy_printable_utf8(p->ssl, sizeof p->ssl, c[9], lens[9]);
}

static void whoami_done(struct pg *pg, bool ok, const char *err)
{
    if (!ok)
        ls_service_add_unknown(&pg->s->svc, "privileges", err ? err : "query failed");
    pg_step_end(pg, LS_STEP_OK);
}

/* --default-credentials, for the `postgres` superuser: the official Docker image sets its password
 * from POSTGRES_PASSWORD, and the image's Docker Hub page runs it with
 * `-e POSTGRES_PASSWORD=mysecretpassword`; "postgres" (the user's own name) and "password" are what
 * tutorials and compose files most often put there. */
static const char *const pg_default_passwords[] = {"postgres", "password", "mysecretpassword"};
LS_DEFAULT_LOGINS_CHECK(pg_default_passwords);

static void try_default_password(struct pg *pg);

static void on_default_login(struct pg *pg, enum pg_login r)
{
    struct ls_service *svc = &pg->s->svc;
    if (r == PG_LOGIN_READY) {
        ls_default_creds_accepted(svc, PG_USER);
        if (pg->server_version[0] && !svc->version[0]) {
            snprintf(svc->version, sizeof svc->version, "%s", pg->server_version);
            free(svc->version_source);
            svc->version_source = strdup("ParameterStatus server_version");
        }
        pg_query(pg, WHOAMI_SQL, whoami_row, whoami_done);
        return;
    }
    if (r == PG_LOGIN_ERROR && strcmp(pg->err.code, "28P01") == 0) { /* wrong password */
        try_default_password(pg);
        return;
    }
    /* a method we cannot answer, another error, or the connection went away: no more attempts */
    char text[400];
    if (r == PG_LOGIN_ERROR)
        pgw_error_text(&pg->err, text, sizeof text);
    else
        snprintf(text, sizeof text, "%s",
                 r == PG_LOGIN_AUTH ? (pg->answer_why ? pg->answer_why : "password request not answered")
                                    : (pg->defer_err[0] ? pg->defer_err : "connection lost"));
    ls_service_add_unknown(svc, "default credentials", text);
    if (pg->default_tries > 1)
        ls_default_creds_refused(svc, pg->default_tries - 1);
    pg->password[0] = '\0';
    pg_step_end(pg, LS_STEP_NO);
}

static void try_default_password(struct pg *pg)
{
    if (pg->default_tries >= sizeof pg_default_passwords / sizeof pg_default_passwords[0]) {
        ls_default_creds_refused(&pg->s->svc, pg->default_tries);
        pg->password[0] = '\0';
        pg_step_end(pg, LS_STEP_NO);
        return;
    }
    snprintf(pg->password, sizeof pg->password, "%s", pg_default_passwords[pg->default_tries++]);
    pg_connect(pg, pg->database, on_default_login);
}

static void pg_access(struct ls_session *s, ls_step_cb done)
{
    struct pg *pg = s->priv;
    pg->step_done = done;
    if (s->svc.auth == LS_AUTH_REQUIRED && pg->password_asked && s->limits->default_credentials) {
        try_default_password(pg);
        return;
    }
    if (s->svc.auth != LS_AUTH_NONE) {
        pg_step_later(pg, LS_STEP_NO);
        return;
    }
    pg_query(pg, WHOAMI_SQL, whoami_row, whoami_done);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int pg_open(struct ls_session *s)
{
    s->priv = pg_new(s);
    return s->priv ? 0 : -1;
}

static void pg_cancel_op(struct ls_session *s)
{
    pg_cancel(s->priv);
}

static void pg_close_op(struct ls_session *s)
{
    pg_close(s->priv);
    s->priv = NULL;
}

static const struct ls_engine_ops pg_ops = {
    .open = pg_open,
    .fingerprint = pg_fingerprint,
    .access = pg_access,
    .inventory = pg_inventory,
    .posture = pg_posture,
    .stream_rows = pg_stream_rows,
    .assess = pg_assess,
    .cancel = pg_cancel_op,
    .close = pg_close_op,
};

static const uint16_t pg_ports[] = {5432, 0};

/* First look on an unclaimed port: PostgreSQL reads the HTTP line as a startup packet of an
 * impossible length and closes without a word (tried first then), or answers an ErrorResponse. */
static bool pg_first_look(const unsigned char *b, size_t n, bool closed)
{
    return (n == 0 && closed) || (n >= 6 && b[0] == 'E' && b[1] == 0 && b[5] == 'S');
}

const struct ls_engine ls_engine_postgresql = {
    .name = "postgresql",
    .interface = "pgwire",
    .display = "PostgreSQL",
    .ports = pg_ports,
    .ops = &pg_ops,
    .first_look = pg_first_look,
};
