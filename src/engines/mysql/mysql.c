/* MySQL/MariaDB (3306): the engine descriptor and its first two steps. Fingerprint: the server
 * speaks first; only a well-formed Initial Handshake v10 (protocol 10, a printable version that
 * starts with a digit, filler 0) or an ERR greeting with a server error code and printable words
 * (1130 "Host … is not allowed to connect", 1040 "Too many connections") is MySQL — an SSH banner,
 * HTTP, garbage or a decoy is not. MariaDB reports as engine "mysql" with a version saying MariaDB.
 * Access: log in as root with an empty password, then as the anonymous user ''; `none` if one is
 * accepted, `required` with the server's own ERR text, `unknown` with the reason otherwise; with
 * --default-credentials, up to three documented root passwords on a server that refused both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/default_creds.h"
#include "engines/mysql/mysql_int.h"
#include "util/strbuf.h"

/* Error codes a server sends in place of a greeting (mysqld_error.h: 1000-1999 and 3000+). */
static bool plausible_greeting_error(const struct mysql_err *e)
{
    if (!((e->code >= 1000 && e->code < 2000) || (e->code >= 3000 && e->code < 15000)))
        return false;
    size_t n = strlen(e->msg);
    if (n < 4)
        return false;
    for (size_t i = 0; i < n; i++)
        if (e->msg[i] == '?')
            return false; /* ls_copy_printable_utf8 turned a control byte into '?': not a server's words */
    return true;
}

static void set_version(struct ls_session *s, const char *v)
{
    struct my *m = s->priv;
    /* MariaDB prefixes "5.5.5-" for old replication clients: "5.5.5-10.11.6-MariaDB-0+deb12u1" */
    if (strncmp(v, "5.5.5-", 6) == 0 && strstr(v, "MariaDB"))
        v += 6;
    snprintf(s->svc.version, sizeof s->svc.version, "%s", v);
    m->post.mariadb = strstr(v, "MariaDB") != NULL;
}

static void on_greet(struct ls_session *s, const struct mysql_handshake *hs, const struct mysql_err *err,
                     const char *why)
{
    struct my *m = s->priv;
    if (hs) {
        set_version(s, hs->version);
        free(s->svc.version_source);
        s->svc.version_source = strdup("handshake");
        my_step_end(m, LS_STEP_OK);
        return;
    }
    if (err && plausible_greeting_error(err)) {
        m->greet_err = *err;
        m->greet_was_err = true;
        my_step_end(m, LS_STEP_OK);
        return;
    }
    free(s->svc.error);
    s->svc.error = strdup(why && why[0] ? why : "not a MySQL greeting");
    my_step_end(m, LS_STEP_NO);
}

static void my_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct my *m = s->priv;
    m->step_done = done;
    my_greet(m, on_greet);
}

/* ---- access ----------------------------------------------------------------------------------- */

static void set_evidence(struct ls_session *s, const char *text)
{
    free(s->svc.auth_evidence);
    s->svc.auth_evidence = strdup(text);
}

static void access_ok(struct ls_session *s)
{
    struct my *m = s->priv;
    s->svc.auth = LS_AUTH_NONE;
    char ev[200];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "logged in as '%s' with an empty password (%s)", m->user,
                 m->hs.plugin[0] ? m->hs.plugin : "mysql_native_password");
    set_evidence(s, ev);
    ls_access_user(&s->svc.access, m->user);
    my_step_end(m, LS_STEP_OK);
}

/* --default-credentials, after root and '' were refused an empty password. The MySQL and MariaDB
 * Docker images set root's password from MYSQL_ROOT_PASSWORD / MARIADB_ROOT_PASSWORD, and their Docker
 * Hub pages' example is `-e MYSQL_ROOT_PASSWORD=my-secret-pw`; "root" and "password" are the values
 * tutorials and compose files most often put there. */
static const struct ls_default_login mysql_default_logins[] = {
    {"root", "root"}, {"root", "password"}, {"root", "my-secret-pw"}};
LS_DEFAULT_LOGINS_CHECK(mysql_default_logins);

static void on_login(struct ls_session *s, enum my_login r, const struct mysql_err *err, const char *why);

static void try_default_login(struct ls_session *s)
{
    struct my *m = s->priv;
    if (m->default_tries >= sizeof mysql_default_logins / sizeof mysql_default_logins[0]) {
        ls_default_creds_refused(&s->svc, m->default_tries);
        my_step_end(m, LS_STEP_NO);
        return;
    }
    const struct ls_default_login *l = &mysql_default_logins[m->default_tries++];
    my_login_with_password(m, l->user, l->password, on_login);
}

static void on_default_login(struct ls_session *s, enum my_login r, const char *why)
{
    struct my *m = s->priv;
    if (r == MY_LOGIN_OK) {
        ls_default_creds_accepted(&s->svc, m->user);
        ls_access_user(&s->svc.access, m->user);
        my_step_end(m, LS_STEP_OK);
        return;
    }
    if (r == MY_LOGIN_DENIED) {
        try_default_login(s);
        return;
    }
    /* the connection failed or the plugin needs what we lack: no more attempts */
    ls_service_add_unknown(&s->svc, "default credentials", why ? why : "login failed");
    if (m->default_tries > 1)
        ls_default_creds_refused(&s->svc, m->default_tries - 1);
    my_step_end(m, LS_STEP_NO);
}

static void on_login(struct ls_session *s, enum my_login r, const struct mysql_err *err, const char *why)
{
    struct my *m = s->priv;
    char text[600];
    if (m->trying_defaults) {
        on_default_login(s, r, why);
        return;
    }
    m->tries++;
    if (r == MY_LOGIN_OK) {
        access_ok(s);
        return;
    }
    if (r == MY_LOGIN_DENIED && err) {
        my_err_text(err, text, sizeof text);
        if (s->svc.auth != LS_AUTH_REQUIRED) { /* the first refusal (root's) is the evidence */
            s->svc.auth = LS_AUTH_REQUIRED;
            set_evidence(s, err->msg[0] ? err->msg : text);
        }
    } else if (why) {
        ls_service_add_unknown(&s->svc, m->tries == 1 ? "login as root" : "login as ''", why);
        if (!s->svc.error)
            s->svc.error = strdup(why);
    }
    if (m->tries == 1 && r != MY_LOGIN_FAILED) {
        my_login_as(m, "", on_login); /* the anonymous account */
        return;
    }
    if (s->svc.auth == LS_AUTH_REQUIRED) {
        free(s->svc.error);
        s->svc.error = NULL;
        if (s->limits->default_credentials && !m->greet_was_err) {
            m->trying_defaults = true;
            try_default_login(s);
            return;
        }
    }
    my_step_end(m, LS_STEP_NO);
}

static void my_access(struct ls_session *s, ls_step_cb done)
{
    struct my *m = s->priv;
    m->step_done = done;
    if (m->greet_was_err) {
        char text[600];
        my_err_text(&m->greet_err, text, sizeof text);
        if (m->greet_err.code == 1130 || m->greet_err.code == 1129) { /* host not allowed / blocked */
            s->svc.auth = LS_AUTH_REQUIRED;
            set_evidence(s, m->greet_err.msg);
        } else {
            free(s->svc.error);
            s->svc.error = strdup(text);
        }
        /* the server closes after an ERR greeting: one more failed login ends the step from the loop */
        m->tries = 2;
        my_login_as(m, "root", on_login);
        return;
    }
    my_login_as(m, "root", on_login);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int my_open(struct ls_session *s)
{
    s->priv = my_new(s);
    return s->priv ? 0 : -1;
}

static void my_cancel_op(struct ls_session *s)
{
    if (s->priv)
        my_cancel(s->priv);
}

static void my_close_op(struct ls_session *s)
{
    my_close(s->priv);
    s->priv = NULL;
}

static const struct ls_engine_ops mysql_ops = {
    .open = my_open,
    .fingerprint = my_fingerprint,
    .access = my_access,
    .inventory = my_inventory,
    .posture = my_posture,
    .stream_rows = my_stream_rows,
    .assess = my_assess,
    .cancel = my_cancel_op,
    .close = my_close_op,
};

static const uint16_t mysql_ports[] = {3306, 0};
static const uint16_t mysql_tls_ports[] = {0};

/* First look on an unclaimed port: MySQL speaks first, a handshake v10 (3-byte length, sequence 0,
 * protocol 10) or an ERR packet (0xFF: "Host … is not allowed to connect", too many connections). */
static bool mysql_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    return n >= 5 && b[3] == 0 && (b[4] == 10 || b[4] == 0xFF) && (size_t)b[0] + ((size_t)b[1] << 8) > 0;
}

const struct ls_engine ls_engine_mysql = {
    .name = "mysql",
    .interface = "mysql",
    .display = "MySQL",
    .ports = mysql_ports,
    .tls_ports = mysql_tls_ports,
    .ops = &mysql_ops,
    .first_look = mysql_first_look,
};
