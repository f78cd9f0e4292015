/* Memcached (11211, text protocol over TCP): the engine descriptor and its first two steps.
 * Fingerprint: `version`, `stats` and `stats settings` in one write; only a server that answers
 * VERSION <v> and then a STAT block with pid, uptime and version is memcached — a decoy that says
 * VERSION to every line is not. A server started with an auth file (-Y) answers every command with
 * its own "CLIENT_ERROR unauthenticated": `required`. A SASL server (-S) speaks only the binary
 * protocol and closes the connection on text (the 32 bytes sent are more than a binary header);
 * then one binary VERSION and STAT on a new connection: a binary VERSION answer and a STAT refused
 * with status 0x20 ("Auth failure.") is memcached, `required`. Nothing sent changes anything
 * (README: never set, delete, flush_all, touch, …). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/memcached/memcached_int.h"
#include "util/textutil.h"

static const char probe_text[] = "version\r\nstats\r\nstats settings\r\n";

static void not_memcached(struct mc *m, const char *why)
{
    if (why) {
        free(m->ec.s->svc.error);
        m->ec.s->svc.error = strdup(why);
    }
    mc_step_end(m, LS_STEP_NO);
}

static void set_required(struct ls_session *s, const char *evidence)
{
    s->svc.auth = LS_AUTH_REQUIRED;
    free(s->svc.auth_evidence);
    s->svc.auth_evidence = strdup(evidence);
}

/* "1.6.18": digits and dots (and a suffix such as "-rc1"), starting with a digit. */
static bool version_text(const char *p, size_t n, char *out, size_t cap)
{
    if (!n || n >= cap || p[0] < '0' || p[0] > '9')
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] <= 0x20 || p[i] >= 0x7f)
            return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* ---- binary protocol (SASL servers) ----------------------------------------------------------- */

static void on_bin_stat(struct ls_session *s, const struct mc_reply *r, const char *err)
{
    struct mc *m = s->priv;
    if (!r || r->opcode != MC_BIN_STAT) {
        not_memcached(m, err);
        return;
    }
    m->facts.binary_only = true;
    mc_drop(m);
    if (r->status == 0x20) {
        char words[120], ev[300];
        ls_copy_printable(words, sizeof words, r->line, r->len);
        snprintf(ev, sizeof ev,
                 "binary STAT refused with status 0x20 \"%s\" (SASL authentication; the text protocol "
                 "is off)",
                 words);
        set_required(s, ev);
    } else if (r->status == 0) {
        s->svc.auth = LS_AUTH_NONE; /* binary protocol only, no SASL: the text inventory will say what fails */
    }
    mc_step_end(m, LS_STEP_OK);
}

static void on_bin_version(struct ls_session *s, const struct mc_reply *r, const char *err)
{
    struct mc *m = s->priv;
    if (!r || r->opcode != MC_BIN_VERSION || r->status != 0 ||
        !version_text(r->line, r->len, s->svc.version, sizeof s->svc.version)) {
        s->svc.version[0] = '\0';
        not_memcached(m, err);
        return;
    }
    free(s->svc.version_source);
    s->svc.version_source = strdup("binary VERSION");
    mc_command(m, NULL, 0, MC_BINARY, NULL, on_bin_stat);
}

static void binary_probe(struct mc *m)
{
    unsigned char req[48];
    mc_binary_request(req, MC_BIN_VERSION);
    mc_binary_request(req + 24, MC_BIN_STAT);
    m->ec.dead = false;
    mc_drop(m);
    mc_command(m, (const char *)req, sizeof req, MC_BINARY, NULL, on_bin_version);
}

/* ---- text protocol ---------------------------------------------------------------------------- */

static void on_settings(struct ls_session *s, const struct mc_reply *r, const char *err)
{
    struct mc *m = s->priv;
    if (r && !r->error)
        mc_read_settings(&m->facts, r);
    else
        ls_service_add_unknown(&s->svc, "settings", r ? "stats settings refused" : err);
    s->svc.auth = LS_AUTH_NONE;
    mc_step_end(m, LS_STEP_OK);
}

static void on_stats(struct ls_session *s, const struct mc_reply *r, const char *err)
{
    struct mc *m = s->priv;
    const char *v;
    size_t vl;
    if (!r || r->error || !mc_stat_count(r, "pid", &m->facts.pid.v) || !mc_stat(r, "uptime", &v, &vl) ||
        !mc_stat(r, "version", &v, &vl)) {
        s->svc.version[0] = '\0';
        not_memcached(m, err ? err : "VERSION answered, but stats has no pid, uptime and version");
        return;
    }
    mc_read_stats(&m->facts, r);
    char sv[64];
    if (version_text(v, vl, sv, sizeof sv) && strcmp(sv, s->svc.version) != 0) {
        not_memcached(m, "stats names another version than VERSION");
        s->svc.version[0] = '\0';
        return;
    }
    s->svc.uptime_known = m->facts.uptime.known;
    s->svc.uptime_s = m->facts.uptime.v;
    mc_command(m, NULL, 0, MC_STATS, NULL, on_settings);
}

static bool starts(const struct mc_reply *r, const char *prefix)
{
    size_t n = strlen(prefix);
    return r->len >= n && memcmp(r->line, prefix, n) == 0;
}

static void on_version(struct ls_session *s, const struct mc_reply *r, const char *err)
{
    struct mc *m = s->priv;
    if (!r) {
        if (m->ec.silent_close) {
            binary_probe(m); /* SASL: binary only, text closes the connection */
            return;
        }
        not_memcached(m, err);
        return;
    }
    if (r->len == 28 && starts(r, "CLIENT_ERROR unauthenticated")) {
        char ev[64];
        ls_copy_printable(ev, sizeof ev, r->line, r->len);
        set_required(s, ev);
        mc_drop(m); /* the two other replies are the same words */
        mc_step_end(m, LS_STEP_OK);
        return;
    }
    if (!starts(r, "VERSION ") || !version_text(r->line + 8, r->len - 8, s->svc.version, sizeof s->svc.version)) {
        not_memcached(m, NULL);
        return;
    }
    free(s->svc.version_source);
    s->svc.version_source = strdup("version");
    mc_command(m, NULL, 0, MC_STATS, NULL, on_stats);
}

static void mc_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct mc *m = s->priv;
    m->ec.step_done = done;
    mc_command(m, probe_text, sizeof probe_text - 1, MC_LINE, NULL, on_version);
}

/* Access: `none` was settled by the fingerprint (stats answered without a login); memcached has
 * no documented default login to try. */
static void mc_access(struct ls_session *s, ls_step_cb done)
{
    struct mc *m = s->priv;
    m->ec.step_done = done;
    mc_step_end_later(m, s->svc.auth == LS_AUTH_NONE ? LS_STEP_OK : LS_STEP_NO);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int mc_open(struct ls_session *s)
{
    s->priv = mc_client_new(s);
    return s->priv ? 0 : -1;
}

static void mc_cancel(struct ls_session *s)
{
    if (s->priv)
        mc_client_cancel(s->priv);
}

static void mc_close(struct ls_session *s)
{
    mc_client_close(s->priv);
    s->priv = NULL;
}

static const struct ls_engine_ops mc_ops = {
    .open = mc_open,
    .fingerprint = mc_fingerprint,
    .access = mc_access,
    .inventory = mc_inventory,
    .posture = mc_posture,
    .stream_rows = mc_stream_rows,
    .assess = mc_assess,
    .cancel = mc_cancel,
    .close = mc_close,
};

static const uint16_t mc_ports[] = {MC_PORT, 0};

/* First look on an unclaimed port: memcached closes the connection without a word on a line
 * ending in HTTP/… (memcached 1.6), or answers ERROR / CLIENT_ERROR (older versions, auth file). */
static bool mc_first_look(const unsigned char *b, size_t n, bool closed)
{
    if (n == 0 && closed)
        return true;
    return (n >= 7 && memcmp(b, "ERROR\r\n", 7) == 0) || (n >= 14 && memcmp(b, "CLIENT_ERROR ", 13) == 0);
}

const struct ls_engine ls_engine_memcached = {
    .name = "memcached",
    .interface = "text",
    .display = "Memcached",
    .ports = mc_ports,
    .ops = &mc_ops,
    .first_look = mc_first_look,
};
