/* RabbitMQ inventory, posture and sampling over the management API, GET only and bounded (one page
 * of at most 500 items per list, RMQ_MAX_BODY per answer):
 *   inventory  /api/vhosts (count: the databases), /api/queues (one unit of kind "queue" per queue
 *              with its message count and bytes; messages are never fetched, consumed or
 *              requeued), /api/parameters (federation upstreams, shovels: one unit of kind
 *              "parameters" whose values are sampled)
 *   posture    /api/whoami (tags), /api/users (names and tags only; the password hashes in the
 *              answer are never kept), /api/permissions (what our user may configure, write, read),
 *              /api/policies (count)
 *   sampling   the parameter values kept from the inventory, one row each through the detector.
 * A probe that fails (a non-administrator gets 401 on /api/users) becomes an `unknown`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/rabbitmq/rmq_int.h"
#include "util/strbuf.h"

static const char *const param_columns[][2] = {
    {"component", "String"}, {"vhost", "String"}, {"name", "String"}, {"value", "JSON"}};
#define NPARAM_COLS (sizeof param_columns / sizeof param_columns[0])

static void list_path(struct ls_session *s, char *out, size_t n, const char *what, const char *columns)
{
    unsigned size =
        s->limits->max_tables && s->limits->max_tables < RMQ_MAX_PAGE ? s->limits->max_tables : RMQ_MAX_PAGE;
    snprintf(out, n, "/api/%s?page=1&page_size=%u&columns=%s", what, size, columns);
}

/* ---- inventory -------------------------------------------------------------------------------- */

static void on_parameters(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct rmq *m = s->priv;
    if (!r->ok || r->status != 200 || !json_is_array(r->json)) {
        rmq_unknown(s, "parameters", r);
        rmq_step_end(s, r->ok ? LS_STEP_OK : LS_STEP_FAILED);
        return;
    }
    json_decref(m->params);
    m->params = json_incref(r->json);
    size_t n = json_array_size(r->json);
    for (size_t i = 0; i < n; i++) {
        const json_t *p = json_array_get(r->json, i);
        const json_t *comp = json_object_get(p, "component");
        const char *c = json_is_string(comp) ? json_string_value(comp) : "";
        m->federation_upstreams += strcmp(c, "federation-upstream") == 0;
        m->shovels += strcmp(c, "shovel") == 0;
        char hosts[256];
        unsigned k = rmq_uri_passwords(json_object_get(p, "value"), hosts, sizeof hosts);
        if (k) {
            m->uri_passwords += k;
            struct ls_strbuf b;
            ls_sb_init(&b, m->uri_hosts + strlen(m->uri_hosts), sizeof m->uri_hosts - strlen(m->uri_hosts));
            ls_sb_printf(
                &b, "%s%s %s/%s → %s", m->uri_hosts[0] ? "; " : "", c,
                json_string_value(json_object_get(p, "vhost")) ? json_string_value(json_object_get(p, "vhost")) : "?",
                json_string_value(json_object_get(p, "name")) ? json_string_value(json_object_get(p, "name")) : "?",
                hosts);
            ls_sb_mark_cut(&b, "…");
        }
    }
    if (n) {
        struct ls_table *t = ls_service_add_table(&s->svc);
        if (t) {
            t->database = strdup("(runtime)");
            t->name = strdup("parameters");
            t->kind = "parameters";
            t->rows = n;
            t->rows_known = true;
            t->columns = calloc(NPARAM_COLS, sizeof *t->columns);
            for (size_t i = 0; t->columns && i < NPARAM_COLS; i++) {
                t->columns[i].name = strdup(param_columns[i][0]);
                t->columns[i].type = strdup(param_columns[i][1]);
            }
            t->ncolumns = t->columns ? NPARAM_COLS : 0;
        }
    }
    rmq_step_end(s, LS_STEP_OK);
}

static void on_queues(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct ls_service *svc = &s->svc;
    struct rmq_page page;
    if (!r->ok || r->status != 200 || !rmq_page(r->json, &page)) {
        rmq_unknown(s, "queues", r);
        if (!r->ok) {
            rmq_step_end(s, LS_STEP_FAILED);
            return;
        }
    } else {
        size_t n = json_array_size(page.items);
        for (size_t i = 0; i < n; i++) {
            struct rmq_queue q;
            if (!rmq_queue_item(json_array_get(page.items, i), &q))
                continue;
            if (svc->ntables >= s->limits->max_tables) {
                svc->inventory_truncated = true;
                break;
            }
            struct ls_table *t = ls_service_add_table(svc);
            if (!t)
                break;
            t->database = strdup(q.vhost);
            t->name = strdup(q.name);
            t->storage = q.type ? strdup(q.type) : NULL;
            t->kind = "queue";
            t->rows = q.messages;
            t->rows_known = q.messages_known;
            t->bytes = q.bytes;
        }
        if (page.total > n)
            svc->inventory_truncated = true;
    }
    rmq_get(s, "/api/parameters", RMQ_MAX_BODY, on_parameters);
}

static void on_vhosts(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct rmq_page page;
    if (r->ok && r->status == 200 && rmq_page(r->json, &page))
        s->svc.ndatabases = page.total;
    else
        rmq_unknown(s, "vhosts", r);
    if (!r->ok) {
        rmq_step_end(s, LS_STEP_FAILED);
        return;
    }
    char path[200];
    list_path(s, path, sizeof path, "queues", "name,vhost,type,messages,message_bytes");
    rmq_get(s, path, RMQ_MAX_BODY, on_queues);
}

void rmq_inventory(struct ls_session *s, ls_step_cb done)
{
    struct rmq *m = s->priv;
    m->step_done = done;
    char path[200];
    list_path(s, path, sizeof path, "vhosts", "name");
    rmq_get(s, path, RMQ_MAX_BODY, on_vhosts);
}

/* ---- posture ---------------------------------------------------------------------------------- */

enum probe { P_WHOAMI, P_USERS, P_PERMISSIONS, P_POLICIES, P_COUNT };
static const char *const probe_path[P_COUNT] = {"/api/whoami", "/api/users", "/api/permissions", "/api/policies"};
static const char *const probe_what[P_COUNT] = {"whoami", "users", "permissions", "policies"};

static void on_whoami(struct rmq *m, const json_t *j)
{
    const json_t *name = json_object_get(j, "name");
    if (json_is_string(name) && !m->user[0])
        snprintf(m->user, sizeof m->user, "%s", json_string_value(name));
    m->tag_bits = rmq_tags(json_object_get(j, "tags"), m->tags, sizeof m->tags);
    m->tags_known = true;
}

static void on_users(struct rmq *m, const json_t *j)
{
    struct ls_strbuf b;
    ls_sb_init(&b, m->admins, sizeof m->admins);
    m->users = json_array_size(j);
    m->users_known = true;
    for (size_t i = 0; i < json_array_size(j); i++) {
        const json_t *u = json_array_get(j, i), *name = json_object_get(u, "name");
        char tags[160];
        if (json_is_string(name) && (rmq_tags(json_object_get(u, "tags"), tags, sizeof tags) & RMQ_TAG_ADMIN))
            ls_sb_printf(&b, "%s%s", b.len ? ", " : "", json_string_value(name));
    }
    ls_sb_mark_cut(&b, ", …");
}

static void add_vhost(char *list, size_t n, const char *vhost)
{
    struct ls_strbuf b;
    size_t len = strlen(list);
    ls_sb_init(&b, list + len, n - len);
    ls_sb_printf(&b, "%s%s", len ? ", " : "", vhost);
    ls_sb_mark_cut(&b, "…");
}

static void on_permissions(struct rmq *m, const json_t *j)
{
    m->perms_known = true;
    for (size_t i = 0; i < json_array_size(j); i++) {
        struct rmq_permission p;
        if (!rmq_permission_item(json_array_get(j, i), &p) || strcmp(p.user, m->user) != 0)
            continue;
        if (p.read[0])
            add_vhost(m->perm_read, sizeof m->perm_read, p.vhost);
        if (p.write[0])
            add_vhost(m->perm_write, sizeof m->perm_write, p.vhost);
        if (p.configure[0])
            add_vhost(m->perm_configure, sizeof m->perm_configure, p.vhost);
    }
}

static void next_probe(struct ls_session *s);

static void on_probe(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct rmq *m = s->priv;
    enum probe id = (enum probe)m->probe++;
    bool good = r->ok && r->status == 200 && (id == P_WHOAMI ? json_is_object(r->json) : json_is_array(r->json));
    if (!good) {
        rmq_unknown(s, probe_what[id], r);
        if (!r->ok) {
            m->probe = P_COUNT; /* the server stopped answering: what we have is the posture */
        }
    } else {
        switch (id) {
        case P_WHOAMI: on_whoami(m, r->json); break;
        case P_USERS: on_users(m, r->json); break;
        case P_PERMISSIONS: on_permissions(m, r->json); break;
        case P_POLICIES:
            m->policies = json_array_size(r->json);
            m->policies_known = true;
            break;
        case P_COUNT: break;
        }
    }
    next_probe(s);
}

/* The blast radius from tags and permissions (rabbitmq.com/management.html "Permissions": the
 * administrator tag manages users, vhosts, permissions, policies and parameters; policymaker
 * policies and parameters of its vhosts; configure/write/read are regexes per vhost,
 * rabbitmq.com/access-control.html). Federation upstreams and shovels are parameters that make
 * the broker connect to any URI. */
static void derive_access(struct ls_session *s)
{
    struct rmq *m = s->priv;
    struct ls_access *a = &s->svc.access;
    char ev[400];
    ls_access_user(a, m->user);
    bool admin = m->tag_bits & RMQ_TAG_ADMIN, policy = m->tag_bits & (RMQ_TAG_ADMIN | RMQ_TAG_POLICYMAKER);
    if (m->tags_known)
        ls_access_fact_text(a, "tags", m->tags[0] ? m->tags : "(none)");
    ls_access_fact_int(a, "vhosts", true, (int64_t)s->svc.ndatabases);
    ls_access_fact_int(a, "users", m->users_known, (int64_t)m->users);
    if (m->admins[0])
        ls_access_fact_text(a, "administrators", m->admins);
    ls_access_fact_int(a, "federation_upstreams", m->params != NULL, (int64_t)m->federation_upstreams);
    ls_access_fact_int(a, "shovels", m->params != NULL, (int64_t)m->shovels);
    ls_access_fact_int(a, "policies", m->policies_known, (int64_t)m->policies);
    if (m->ov.cluster[0])
        ls_access_fact_text(a, "cluster_name", m->ov.cluster);
    if (m->perm_read[0]) {
        snprintf(ev, sizeof ev, "read permission on vhosts %s: queues can be read through the API (not done)",
                 m->perm_read);
        ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, ev);
    } else if (admin) {
        ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, "tag administrator: can grant itself read on every vhost");
    }
    if (admin) {
        ls_access_cap(a, LS_CAP_WRITE, LS_TRI_YES,
                      "tag administrator: can publish and purge on every vhost it grants itself");
        ls_access_cap(a, LS_CAP_SCHEMA, LS_TRI_YES,
                      "tag administrator: creates and deletes users, vhosts, permissions, policies and queues");
    } else {
        if (m->perm_write[0]) {
            snprintf(ev, sizeof ev, "write permission on vhosts %s: can publish messages", m->perm_write);
            ls_access_cap(a, LS_CAP_WRITE, LS_TRI_YES, ev);
        } else if (m->perms_known) {
            ls_access_cap(a, LS_CAP_WRITE, LS_TRI_NO, "no write permission on any vhost");
        }
        if (m->perm_configure[0]) {
            snprintf(ev, sizeof ev, "configure permission on vhosts %s: declares and deletes queues and exchanges",
                     m->perm_configure);
            ls_access_cap(a, LS_CAP_SCHEMA, LS_TRI_YES, ev);
        } else if (policy) {
            ls_access_cap(a, LS_CAP_SCHEMA, LS_TRI_YES, "tag policymaker: sets policies and runtime parameters");
        }
    }
    bool plugin = m->ov.federation_plugin || m->federation_upstreams || m->shovels;
    if (policy && plugin) {
        snprintf(
            ev, sizeof ev, "tag %s with the %s plugin: a federation upstream or shovel connects the broker to any host",
            admin ? "administrator" : "policymaker", m->shovels && !m->ov.federation_plugin ? "shovel" : "federation");
        ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_YES, ev);
    } else if (policy) {
        ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_UNKNOWN,
                      "may set runtime parameters; no sign of the federation or shovel plugin");
    } else if (m->tags_known) {
        ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_NO, "neither administrator nor policymaker: cannot add upstreams");
    }
    ls_access_basis(a, "GET /api/whoami (tags) and /api/permissions (regexes per vhost); nothing was changed");
}

static void next_probe(struct ls_session *s)
{
    struct rmq *m = s->priv;
    if (m->probe >= P_COUNT) {
        derive_access(s);
        rmq_step_end(s, LS_STEP_OK);
        return;
    }
    rmq_get(s, probe_path[m->probe], RMQ_MAX_BODY, on_probe);
}

void rmq_posture(struct ls_session *s, ls_step_cb done)
{
    struct rmq *m = s->priv;
    m->step_done = done;
    m->probe = 0;
    next_probe(s);
}

/* ---- sampling: the parameter values ----------------------------------------------------------- */

static const char *str_or(const json_t *v, const char *dflt)
{
    return json_is_string(v) ? json_string_value(v) : dflt;
}

void rmq_sample_run(struct ls_session *s)
{
    struct rmq *m = s->priv;
    ls_row_cb row = m->sample_row;
    m->sample_row = NULL;
    static const char *const names[NPARAM_COLS] = {"component", "vhost", "name", "value"};
    size_t n = json_array_size(m->params);
    for (size_t i = 0; row && i < n && (!m->sample_limit || i < m->sample_limit); i++) {
        const json_t *p = json_array_get(m->params, i);
        char *value = rmq_value_text(json_object_get(p, "value"), RMQ_MAX_VALUE);
        char *cells[NPARAM_COLS] = {(char *)str_or(json_object_get(p, "component"), ""),
                                    (char *)str_or(json_object_get(p, "vhost"), ""),
                                    (char *)str_or(json_object_get(p, "name"), ""), value ? value : (char *)""};
        size_t lens[NPARAM_COLS];
        for (size_t k = 0; k < NPARAM_COLS; k++)
            lens[k] = strlen(cells[k]);
        row(s, names, cells, lens, NPARAM_COLS);
        free(value);
    }
}

void rmq_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct rmq *m = s->priv;
    m->step_done = done;
    /* queues are never read: fetching their messages would consume or requeue them */
    if (t->kind && strcmp(t->kind, "parameters") == 0 && m->params) {
        m->sample_row = row; /* rows go out from the event loop, just before the step ends */
        m->sample_limit = limit;
    }
    rmq_end_later(s, LS_STEP_OK);
}
