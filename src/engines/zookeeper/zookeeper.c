/* ZooKeeper (2181): the engine and its first two steps. Fingerprint: the four-letter word `srvr`
 * on its own connection ("Zookeeper version: …" with a "Mode:" line, or the whitelist's refusal
 * "srvr is not executed because it is not in the whitelist."), then a session: a ConnectRequest
 * answered by a well-formed ConnectResponse (protocol version 0, a 16-byte session password) is
 * ZooKeeper; a reply that is neither, or silence, is not. Access: the bounded walk of the tree
 * (zk_walk.c) as an anonymous client. `none` when / or any znode outside /zookeeper can be listed
 * (or the tree is empty and open); `required` when the ACLs refuse everything: / itself, or every
 * top-level znode, with ZooKeeper's NOAUTH (-102) as evidence — an anonymous client that can read
 * nothing but the server's own /zookeeper nodes sees what a protected server shows anyone. Only
 * read requests are sent (getChildren2, getACL, getData, getAllChildrenNumber), never a watch;
 * the session is closed with closeSession at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/zookeeper/zk_int.h"
#include "engines/zookeeper/zk_text.h"
#include "util/num.h"
#include "util/strbuf.h"

static void set_error(struct ls_session *s, const char *why)
{
    free(s->svc.error);
    s->svc.error = strdup(why);
}

void zk_add_refused(struct zk *z, const char *word)
{
    struct ls_strbuf b;
    size_t used = strlen(z->post.refused);
    ls_sb_init(&b, z->post.refused + used, sizeof z->post.refused - used);
    ls_sb_printf(&b, "%s%s", used ? ", " : "", word);
}

static void on_connect(struct ls_session *s, const struct zk_connect_response *r, const char *err)
{
    struct zk *z = s->priv;
    if (!r) {
        set_error(s, err);
        /* a srvr reply in ZooKeeper's own format identifies it even when the session fails */
        zk_step_end(z, z->post.srvr_ok ? LS_STEP_OK : LS_STEP_NO);
        return;
    }
    z->post.session = true;
    zk_step_end(z, LS_STEP_OK);
}

static void on_srvr(struct ls_session *s, const char *text, size_t len, const char *err)
{
    struct zk *z = s->priv;
    struct ls_service *svc = &s->svc;
    char field[64];
    if (!text && err && strcmp(err, "closed without a reply") != 0) {
        set_error(s, err); /* silence or a reset: ZooKeeper answers every four-letter word */
        zk_step_end(z, LS_STEP_NO);
        return;
    }
    if (text && zk_srvr_parse(text, len, svc->version, sizeof svc->version, z->post.build, sizeof z->post.build)) {
        z->post.srvr_ok = true;
        free(svc->version_source);
        svc->version_source = strdup("srvr (Zookeeper version)");
        zk_text_field(text, len, "Mode", ':', z->post.mode, sizeof z->post.mode);
        if (zk_text_field(text, len, "Node count", ':', field, sizeof field) &&
            ls_parse_count(field, strlen(field), &z->post.znode_count))
            z->post.znode_count_known = true;
    } else if (text && zk_4lw_refused(text, len, "srvr")) {
        zk_add_refused(z, "srvr");
    } else if (text) {
        zk_step_end(z, LS_STEP_NO); /* it spoke, but not as ZooKeeper does */
        return;
    }
    zk_session_connect(z, on_connect);
}

static void zk_fingerprint(struct ls_session *s, ls_step_cb done)
{
    struct zk *z = s->priv;
    z->ec.step_done = done;
    zk_4lw(z, "srvr", on_srvr);
}

static void set_required(struct ls_session *s, const char *evidence)
{
    s->svc.auth = LS_AUTH_REQUIRED;
    free(s->svc.auth_evidence);
    s->svc.auth_evidence = strdup(evidence);
}

static void on_walked(struct ls_session *s, enum ls_step result)
{
    struct zk *z = s->priv;
    const struct zk_posture *p = &z->post;
    z->ec.step_done = z->outer_done; /* the access step's own callback */
    z->outer_done = NULL;
    char ev[512];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    if (!z->nnodes || !z->nodes[0].listed) {
        zk_step_end(z, LS_STEP_FAILED); /* the session died before / answered: svc.error says why */
        return;
    }
    if (p->root_err == ZK_ERR_NOAUTH || p->root_err == ZK_ERR_AUTHFAILED || p->root_err == ZK_ERR_SASL_REQUIRED) {
        ls_sb_printf(&b, "getChildren2 / answered %s (%d): the ACL of / gives an anonymous client no READ",
                     zk_err_name(p->root_err), p->root_err);
        set_required(s, ev);
        zk_step_end(z, LS_STEP_NO);
        return;
    }
    if (p->root_err != ZK_OK) {
        ls_sb_printf(&b, "getChildren2 / answered %s (%d)", zk_err_name(p->root_err), p->root_err);
        set_error(s, ev);
        zk_step_end(z, LS_STEP_FAILED);
        return;
    }
    if (p->readable == 0 && p->refused_n > 0) {
        ls_sb_printf(&b,
                     "every znode outside /zookeeper refused an anonymous client with NOAUTH (-102); only the "
                     "names under / are visible: %s",
                     p->refused_paths);
        set_required(s, ev);
        zk_step_end(z, LS_STEP_NO);
        return;
    }
    s->svc.auth = LS_AUTH_NONE;
    zk_step_end(z, result == LS_STEP_FAILED ? LS_STEP_FAILED : LS_STEP_OK);
}

static void zk_access(struct ls_session *s, ls_step_cb done)
{
    struct zk *z = s->priv;
    z->outer_done = done;
    /* without a session (srvr said ZooKeeper, the handshake failed) the walk's first request
     * fails from the event loop and the step ends FAILED with the reason */
    zk_walk(s, on_walked);
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static int zk_open(struct ls_session *s)
{
    s->priv = zk_client_new(s);
    return s->priv ? 0 : -1;
}

static void zk_cancel(struct ls_session *s)
{
    if (s->priv)
        zk_client_cancel(s->priv);
}

static void zk_close(struct ls_session *s)
{
    zk_client_close(s->priv);
    s->priv = NULL;
}

static const struct ls_engine_ops zk_ops = {
    .open = zk_open,
    .fingerprint = zk_fingerprint,
    .access = zk_access,
    .inventory = zk_inventory,
    .posture = zk_posture,
    .stream_rows = zk_stream_rows,
    .assess = zk_assess,
    .cancel = zk_cancel,
    .close = zk_close,
};

static const uint16_t zk_ports[] = {2181, 0};
static const uint16_t zk_tls_ports[] = {0};

/* ZooKeeper says nothing first and closes on `GET / HTTP/1.0` (a frame length far beyond
 * jute.maxbuffer): no first_look; the pipeline tries it when a look was inconclusive. */
const struct ls_engine ls_engine_zookeeper = {
    .name = "zookeeper",
    .interface = "jute",
    .display = "ZooKeeper",
    .ports = zk_ports,
    .tls_ports = zk_tls_ports,
    .ops = &zk_ops,
    .first_look = NULL,
};
