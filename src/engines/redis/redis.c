/* Redis (6379, TLS 6380): the engine descriptor and its first two steps. Fingerprint: PING, then
 * INFO server; only a server that answers PING with +PONG and INFO with a redis_version field, or
 * refuses PING with Redis's own NOAUTH / DENIED (protected mode) words, is Redis — a decoy that
 * says +OK or +PONG to everything is not. Access: `none` when INFO answered without AUTH; with
 * --default-credentials, up to three documented passwords on a server that demanded one.
 * Everything sent is read-only (see README: never FLUSH*, CONFIG SET, SAVE, KEYS, …). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/default_creds.h"
#include "engines/redis/redis_int.h"
#include "util/num.h"
#include "util/textutil.h"

static bool starts(const struct resp_value *v, const char *prefix)
{
    size_t n = strlen(prefix);
    return v->len >= n && memcmp(v->str, prefix, n) == 0;
}

static bool mentions_auth(const struct resp_value *v)
{
    for (size_t i = 0; i + 4 <= v->len; i++)
        if (memcmp(v->str + i, "AUTH", 4) == 0 || memcmp(v->str + i, "auth", 4) == 0)
            return true;
    return false;
}

/* An error reply that only Redis gives to a client that has not logged in. */
static bool auth_refusal(const struct resp_value *v)
{
    return v->type == RESP_ERROR &&
           (starts(v, "NOAUTH ") || (starts(v, "ERR ") && mentions_auth(v)) || starts(v, "DENIED Redis "));
}

static void set_required(struct ls_session *s, const struct resp_value *v)
{
    struct redis *r = s->priv;
    char ev[400];
    ls_copy_printable(ev, sizeof ev, v->str, v->len);
    s->svc.auth = LS_AUTH_REQUIRED;
    free(s->svc.auth_evidence);
    s->svc.auth_evidence = strdup(ev);
    if (starts(v, "DENIED "))
        r->post.protected_denied = true;
}

/* Version, uptime and mode from an INFO server reply; false if it has no redis_version. */
static bool read_info_server(struct ls_session *s, const struct resp_value *v)
{
    struct redis *r = s->priv;
    struct ls_service *svc = &s->svc;
    char field[64];
    if (v->type != RESP_BULK || !redis_info_field(v->str, v->len, "redis_version", svc->version, sizeof svc->version) ||
        !svc->version[0]) {
        svc->version[0] = '\0';
        return false;
    }
    free(svc->version_source);
    svc->version_source = strdup("INFO server (redis_version)");
    if (redis_info_field(v->str, v->len, "uptime_in_seconds", field, sizeof field) &&
        ls_parse_count(field, strlen(field), &svc->uptime_s))
        svc->uptime_known = true;
    if (redis_info_field(v->str, v->len, "redis_mode", field, sizeof field) && strcmp(field, "cluster") == 0)
        r->post.cluster = true;
    return true;
}

static void on_info_server(struct ls_session *s, const struct resp_value *v, const char *err)
{
    struct redis *r = s->priv;
    struct ls_service *svc = &s->svc;
    if (!v) {
        free(svc->error);
        svc->error = strdup(err);
        redis_step_end(r, LS_STEP_NO);
        return;
    }
    if (auth_refusal(v)) { /* PING allowed, INFO not: an ACL or a renamed command */
        set_required(s, v);
        redis_step_end(r, LS_STEP_OK);
        return;
    }
    if (!read_info_server(s, v)) {
        redis_step_end(r, LS_STEP_NO); /* says PONG, but is not Redis */
        return;
    }
    svc->auth = LS_AUTH_NONE;
    redis_step_end(r, LS_STEP_OK);
}

static void on_ping(struct ls_session *s, const struct resp_value *v, const char *err)
{
    struct redis *r = s->priv;
    if (!v) {
        free(s->svc.error);
        s->svc.error = strdup(err);
        redis_step_end(r, LS_STEP_NO);
        return;
    }
    if (auth_refusal(v)) {
        set_required(s, v);
        redis_step_end(r, LS_STEP_OK);
        return;
    }
    if (v->type != RESP_SIMPLE || !resp_is(v, "PONG")) {
        redis_step_end(r, LS_STEP_NO);
        return;
    }
    static const char *const info[] = {"INFO", "server"};
    redis_command(r, info, NULL, 2, on_info_server);
}

static void redis_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct redis *r = s->priv;
    r->ec.step_done = done;
    static const char *const ping[] = {"PING"};
    redis_command(r, ping, NULL, 1, on_ping);
}

static void on_access_ping(struct ls_session *s, const struct resp_value *v, const char *err)
{
    (void)v, (void)err;
    redis_step_end(s->priv, s->svc.auth == LS_AUTH_NONE ? LS_STEP_OK : LS_STEP_NO);
}

/* --default-credentials: `requirepass` is a password only (Redis 6+ names its user "default";
 * `AUTH <password>` logs in as it). "foobared" is the example password of redis.conf's SECURITY
 * section ("requirepass foobared"), copied into many deployments; "redis" is the engine's own name and
 * "password" the word itself, the two that image and chart examples most often use. */
static const char *const redis_default_passwords[] = {"foobared", "redis", "password"};
LS_DEFAULT_LOGINS_CHECK(redis_default_passwords);

static void try_default_password(struct ls_session *s);

static void on_access_info(struct ls_session *s, const struct resp_value *v, const char *err)
{
    (void)err;
    if (v)
        read_info_server(s, v); /* the version INFO refused before AUTH */
    redis_step_end(s->priv, LS_STEP_OK);
}

static void on_default_auth(struct ls_session *s, const struct resp_value *v, const char *err)
{
    struct redis *r = s->priv;
    if (!v) { /* connection lost: stop, stay `required` */
        free(s->svc.error);
        s->svc.error = strdup(err);
        ls_default_creds_refused(&s->svc, r->auth_tries);
        redis_step_end(r, LS_STEP_NO);
        return;
    }
    if (v->type == RESP_SIMPLE && resp_is(v, "OK")) {
        ls_default_creds_accepted(&s->svc, "default");
        static const char *const info[] = {"INFO", "server"};
        redis_command(r, info, NULL, 2, on_access_info);
        return;
    }
    try_default_password(s);
}

static void try_default_password(struct ls_session *s)
{
    struct redis *r = s->priv;
    size_t n = sizeof redis_default_passwords / sizeof redis_default_passwords[0];
    if (r->auth_tries >= n) {
        ls_default_creds_refused(&s->svc, r->auth_tries);
        redis_step_end(r, LS_STEP_NO);
        return;
    }
    const char *argv[] = {"AUTH", redis_default_passwords[r->auth_tries++]};
    redis_command(r, argv, NULL, 2, on_default_auth);
}

static void redis_access(struct ls_session *s, ls_step_cb done)
{
    struct redis *r = s->priv;
    r->ec.step_done = done;
    /* protected mode (DENIED) closes the connection: there is nothing to log in to */
    if (s->svc.auth == LS_AUTH_REQUIRED && s->limits->default_credentials && !r->post.protected_denied) {
        try_default_password(s);
        return;
    }
    /* INFO server already ran without AUTH; one more PING ends the step from the event loop */
    static const char *const ping[] = {"PING"};
    redis_command(r, ping, NULL, 1, on_access_ping);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int redis_open(struct ls_session *s)
{
    s->priv = redis_client_new(s);
    return s->priv ? 0 : -1;
}

static void redis_cancel(struct ls_session *s)
{
    if (s->priv)
        redis_client_cancel(s->priv);
}

static void redis_close(struct ls_session *s)
{
    redis_client_close(s->priv);
    s->priv = NULL;
}

static const struct ls_engine_ops redis_ops = {
    .open = redis_open,
    .fingerprint = redis_fingerprint,
    .access = redis_access,
    .inventory = redis_inventory,
    .posture = redis_posture,
    .stream_rows = redis_stream_rows,
    .assess = redis_assess,
    .cancel = redis_cancel,
    .close = redis_close,
};

static const uint16_t redis_ports[] = {6379, 0};
static const uint16_t redis_tls_ports[] = {6380, 0};

/* First look on an unclaimed port: Redis answers the HTTP line as an inline command, with a RESP
 * error ("-ERR wrong number of arguments for 'get' command"). */
static bool redis_first_look(const unsigned char *b, size_t n, bool closed)
{
    (void)closed;
    return n >= 3 && (b[0] == '-' || b[0] == '+') && memchr(b, '\r', n) != NULL;
}

const struct ls_engine ls_engine_redis = {
    .name = "redis",
    .interface = "resp",
    .display = "Redis",
    .ports = redis_ports,
    .tls_ports = redis_tls_ports,
    .ops = &redis_ops,
    .first_look = redis_first_look,
};
