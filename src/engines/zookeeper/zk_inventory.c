/* ZooKeeper inventory and posture. Inventory: `mntr` (zk_znode_count, zk_server_state) on its own
 * connection, then one unit per top-level znode outside /zookeeper (kind "znodes", database = its
 * path, name "*"): rows = the znodes of that subtree, itself included, exact from
 * getAllChildrenNumber (3.6+; it checks READ on the subtree's root only) or else counted by the
 * walk (flagged an estimate when the walk was cut short or met unreadable znodes); bytes = the
 * data lengths the walk's stats gave. Posture: `envi` (the account and host the server runs as),
 * then the blast radius from the ACLs the walk read: world:anyone holding write/create/delete is
 * write access for anyone; on / (or ADMIN anywhere) it is schema change. Nothing is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/zookeeper/zk_int.h"
#include "engines/zookeeper/zk_text.h"
#include "util/num.h"
#include "util/strbuf.h"

static const char *const table_columns[][2] = {{"path", "String"}, {"acl", "String"}, {"data", "Bytes"}};

static void add_unit(struct ls_session *s, const struct zk_top *top)
{
    struct zk *z = s->priv;
    struct ls_table *t = ls_service_add_table(&s->svc);
    if (!t)
        return;
    t->database = strdup(top->name);
    t->name = strdup("*");
    t->kind = "znodes";
    t->rows_known = true;
    if (top->count_known) {
        t->rows = top->count;
    } else {
        t->rows = top->walked;
        t->rows_estimated = z->post.walk_truncated || top->unreadable > 0;
    }
    t->bytes = top->bytes;
    t->columns = calloc(3, sizeof *t->columns);
    if (t->columns) {
        for (size_t i = 0; i < 3; i++) {
            t->columns[i].name = strdup(table_columns[i][0]);
            t->columns[i].type = strdup(table_columns[i][1]);
        }
        t->ncolumns = 3;
    }
    if (top->unreadable) {
        char note[160];
        snprintf(note, sizeof note, "%llu of %llu walked znodes refused an anonymous client (NOAUTH)",
                 (unsigned long long)top->unreadable, (unsigned long long)top->walked);
        t->note = strdup(note);
    }
}

static void inventory_end(struct ls_session *s)
{
    struct zk *z = s->priv;
    struct ls_service *svc = &s->svc;
    for (size_t i = 0; i < z->ntops; i++) {
        if (svc->ntables >= s->limits->max_tables) {
            svc->inventory_truncated = true;
            break;
        }
        add_unit(s, &z->tops[i]);
    }
    if (z->post.walk_truncated)
        svc->inventory_truncated = true;
    svc->ndatabases = svc->ntables;
    zk_step_end(z, LS_STEP_OK);
}

static void next_count(struct ls_session *s);

static void on_count(struct ls_session *s, uint32_t tag, const struct zk_reply_header *h, const uint8_t *body,
                     size_t len, const char *err)
{
    struct zk *z = s->priv;
    if (!h) {
        ls_service_add_unknown(&s->svc, "znode count", err ? err : "session lost");
        inventory_end(s);
        return;
    }
    if (h->err == ZK_OK && tag < z->ntops) {
        struct zk_reader r;
        zk_reader_init(&r, body, len);
        int32_t n = zk_read_int(&r);
        if (!r.bad && n >= 0) {
            z->tops[tag].count = (uint64_t)n + 1;
            z->tops[tag].count_known = true;
        }
    } else if (h->err == ZK_ERR_UNIMPLEMENTED) {
        z->count_next = z->ntops; /* an older server: the walk's counts stand */
    }
    next_count(s);
}

/* getAllChildrenNumber for each subtree, one at a time (a handful of small replies). */
static void next_count(struct ls_session *s)
{
    struct zk *z = s->priv;
    if (z->count_next >= z->ntops) {
        inventory_end(s);
        return;
    }
    size_t i = z->count_next++;
    zk_request(z, ZK_OP_GET_ALL_CHILDREN_NUMBER, z->tops[i].name, (uint32_t)i, on_count);
}

static void on_mntr(struct ls_session *s, const char *text, size_t len, const char *err)
{
    struct zk *z = s->priv;
    struct zk_posture *p = &z->post;
    char field[64];
    if (text && zk_4lw_refused(text, len, "mntr")) {
        zk_add_refused(z, "mntr");
    } else if (text && zk_text_field(text, len, "zk_znode_count", '\t', field, sizeof field)) {
        p->mntr_ok = true;
        if (ls_parse_count(field, strlen(field), &p->znode_count))
            p->znode_count_known = true;
        if (!p->mode[0])
            zk_text_field(text, len, "zk_server_state", '\t', p->mode, sizeof p->mode);
    } else {
        ls_service_add_unknown(&s->svc, "mntr", text ? "not a mntr reply" : (err ? err : "no reply"));
    }
    /* counts need 3.6's getAllChildrenNumber; without a known version the walk's counts stand */
    bool counts = s->svc.version[0] && zk_version_at_least(s->svc.version, 3, 6);
    z->count_next = counts && z->post.session ? 0 : z->ntops;
    next_count(s);
}

void zk_inventory(struct ls_session *s, ls_step_cb done)
{
    struct zk *z = s->priv;
    z->ec.step_done = done;
    zk_4lw(z, "mntr", on_mntr);
}

/* ---- posture ---------------------------------------------------------------------------------- */

static void facts(struct ls_session *s)
{
    struct zk *z = s->priv;
    const struct zk_posture *p = &z->post;
    struct ls_access *a = &s->svc.access;
    char ev[400];
    ls_access_user(a, "world:anyone (no authentication)");
    ls_access_fact_int(a, "znode_count", p->znode_count_known, (int64_t)p->znode_count);
    ls_access_fact_list(a, "four_letter_words", true);
    if (p->srvr_ok)
        ls_access_fact_list_add(a, "four_letter_words", "srvr");
    if (p->mntr_ok)
        ls_access_fact_list_add(a, "four_letter_words", "mntr");
    if (p->envi_ok)
        ls_access_fact_list_add(a, "four_letter_words", "envi");
    ls_access_fact_text(a, "four_letter_words_refused", p->refused[0] ? p->refused : NULL);
    ls_access_fact_text(a, "mode", p->mode[0] ? p->mode : NULL);
    ls_access_fact_text(a, "server_user", p->server_user[0] ? p->server_user : NULL);
    ls_access_fact_text(a, "server_host", p->host_name[0] ? p->host_name : NULL);
    ls_access_fact_text(a, "java_version", p->java_version[0] ? p->java_version : NULL);
    if (!p->session)
        return;
    ls_access_fact_text(a, "root_acl", p->root_acl[0] ? p->root_acl : NULL);
    ls_access_fact_int(a, "walked_znodes", true, (int64_t)(z->nnodes ? z->nnodes - 1 : 0));
    ls_access_fact_int(a, "unreadable_znodes", true, (int64_t)p->refused_n);
    ls_access_fact_int(a, "world_writable_znodes", true, (int64_t)p->world_writable);
    ls_access_fact_bool(a, "walk_truncated", p->walk_truncated ? LS_TRI_YES : LS_TRI_NO);
    ls_access_basis(a, "the ACL of every walked znode (getACL) and what an anonymous session could list; nothing "
                       "was written");
    if (s->svc.auth == LS_AUTH_NONE) {
        snprintf(ev, sizeof ev, "getChildren2 answered an anonymous session on %llu znodes",
                 (unsigned long long)p->readable + 1);
        ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, ev);
    } else {
        ls_access_cap(a, LS_CAP_READ, LS_TRI_NO, s->svc.auth_evidence);
    }
    bool complete = !p->walk_truncated;
    if (p->world_writable) {
        snprintf(ev, sizeof ev,
                 "getACL: %llu znodes give world:anyone write, create or delete (ACL of /: %s); not tried",
                 (unsigned long long)p->world_writable, p->root_acl[0] ? p->root_acl : "?");
        ls_access_cap(a, LS_CAP_WRITE, LS_TRI_YES, ev);
    } else if (complete) {
        ls_access_cap(a, LS_CAP_WRITE, LS_TRI_NO, "getACL: no walked znode gives world:anyone write, create or delete");
    }
    bool root_schema = p->root_world >= 0 && (p->root_world & (ZK_PERM_CREATE | ZK_PERM_DELETE | ZK_PERM_ADMIN));
    if (root_schema) {
        snprintf(ev, sizeof ev, "getACL /: %s — anyone may create and delete top-level znodes; not tried", p->root_acl);
        ls_access_cap(a, LS_CAP_SCHEMA, LS_TRI_YES, ev);
    } else if (p->world_admin) {
        snprintf(ev, sizeof ev,
                 "getACL: %llu znodes give world:anyone ADMIN: anyone may change their ACLs and lock out their "
                 "owners; not tried",
                 (unsigned long long)p->world_admin);
        ls_access_cap(a, LS_CAP_SCHEMA, LS_TRI_YES, ev);
    } else if (complete && p->root_world >= 0) {
        ls_access_cap(a, LS_CAP_SCHEMA, LS_TRI_NO, "getACL: world:anyone has no create, delete or admin on /");
    }
}

static void on_envi(struct ls_session *s, const char *text, size_t len, const char *err)
{
    struct zk *z = s->priv;
    struct zk_posture *p = &z->post;
    (void)err;
    if (text && zk_4lw_refused(text, len, "envi")) {
        zk_add_refused(z, "envi");
    } else if (text && zk_text_field(text, len, "user.name", '=', p->server_user, sizeof p->server_user)) {
        p->envi_ok = true;
        zk_text_field(text, len, "host.name", '=', p->host_name, sizeof p->host_name);
        zk_text_field(text, len, "java.version", '=', p->java_version, sizeof p->java_version);
    }
    facts(s);
    zk_step_end(z, LS_STEP_OK);
}

void zk_posture(struct ls_session *s, ls_step_cb done)
{
    struct zk *z = s->priv;
    z->ec.step_done = done;
    zk_4lw(z, "envi", on_envi);
}
