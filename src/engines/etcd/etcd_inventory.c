/* etcd inventory and posture. Inventory: the v3 keyspace's exact count came with the access step;
 * one more count_only range over /registry/secrets/ counts the Kubernetes Secrets, which become a
 * unit of their own (the rest of the keyspace is the unit "*", so no key is counted twice); then
 * GET /v2/keys/?recursive=true (at most ETCD_V2_REPLY bytes) says whether the v2 API is enabled
 * and how many keys its separate store holds. Posture: POST /v3/maintenance/status (the database
 * size), then the blast radius from what was seen, never by doing it: with auth off, etcd gives
 * every client every right (put, delete, txn, user and role management, auth enable). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/etcd/etcd_int.h"
#include "util/num.h"
#include "util/strbuf.h"

static const char *const columns_v3[] = {"key", "value", "data"};

static struct ls_table *add_unit(struct ls_service *svc, const char *db, const char *name, const char *kind,
                                 size_t ncols)
{
    struct ls_table *t = ls_service_add_table(svc);
    if (!t)
        return NULL;
    t->database = strdup(db);
    t->name = strdup(name);
    t->kind = kind;
    t->columns = calloc(ncols, sizeof *t->columns);
    if (t->columns) {
        for (size_t i = 0; i < ncols; i++) {
            t->columns[i].name = strdup(columns_v3[i]);
            t->columns[i].type = strdup(i == 2 ? "Kubernetes Secret data (decoded)" : "bytes");
        }
        t->ncolumns = ncols;
    }
    return t;
}

static void build_units(struct ls_session *s)
{
    struct etcd *e = s->priv;
    struct ls_service *svc = &s->svc;
    struct etcd_facts *f = &e->f;
    uint64_t secrets = f->secrets_known && f->secrets <= f->keys ? f->secrets : 0;
    struct ls_table *t = add_unit(svc, ETCD_DB_V3, ETCD_UNIT_ALL, "keyspace", 2);
    if (t) {
        t->rows = f->keys - secrets;
        t->rows_known = true;
        if (secrets)
            t->note = strdup("every v3 key outside /registry/secrets/ (the Kubernetes Secrets are a unit of "
                             "their own)");
    }
    if (secrets && (t = add_unit(svc, ETCD_DB_V3, ETCD_K8S_SECRETS, "prefix", 3))) {
        t->rows = secrets;
        t->rows_known = true;
        t->storage = strdup("Kubernetes Secrets");
    }
    svc->ndatabases = 1;
    if (f->v2_enabled && (t = add_unit(svc, ETCD_DB_V2, ETCD_UNIT_ALL, "keyspace", 2))) {
        t->rows = f->v2_keys;
        t->rows_known = f->v2_counted;
        if (!f->v2_counted)
            t->note = strdup("the v2 tree is larger than the byte cap: not counted or read");
        svc->ndatabases = 2;
    }
}

static void on_v2(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct etcd *e = s->priv;
    const json_t *node = r->json ? json_object_get(r->json, "node") : NULL;
    if (r->ok && r->status == 200 && json_is_object(node)) {
        e->f.v2_enabled = e->f.v2_counted = true;
        e->f.v2_keys = etcd_v2_leaves(node, 64, NULL, NULL);
    } else if (!r->ok && r->err && strstr(r->err, "byte cap")) {
        e->f.v2_enabled = true; /* a tree larger than the cap: v2 answers, but is not read */
    } else if (r->ok && r->status == 200) {
        etcd_unknown(s, "v2", r);
    } else if (!r->ok) {
        etcd_unknown(s, "v2", r);
    } /* else 404: the v2 API is off (etcd 3.4's default) */
    build_units(s);
    etcd_step_end(e, LS_STEP_OK);
}

static void ask_v2(struct ls_session *s)
{
    struct etcd *e = s->priv;
    uint64_t cap = s->limits->max_response_bytes < ETCD_V2_REPLY ? s->limits->max_response_bytes : ETCD_V2_REPLY;
    etcd_request(e, "GET", "/v2/keys/?recursive=true&sorted=true", NULL, cap, on_v2);
}

static void on_secrets_count(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct etcd *e = s->priv;
    uint64_t n;
    if (r->ok && r->status == 200 && etcd_has_header(r->json) && etcd_int_field(r->json, "count", &n)) {
        e->f.secrets = n;
        e->f.secrets_known = true;
    } else {
        etcd_unknown(s, "kubernetes_secrets", r);
    }
    ask_v2(s);
}

void etcd_inventory(struct ls_session *s, ls_step_cb done)
{
    struct etcd *e = s->priv;
    e->step_done = done;
    if (e->f.keys == 0) {
        ask_v2(s);
        return;
    }
    const char *p = ETCD_K8S_SECRETS;
    unsigned char end[64];
    size_t elen = etcd_prefix_end((const unsigned char *)p, strlen(p), end);
    char body[256];
    etcd_range_body((const unsigned char *)p, strlen(p), end, elen, "\"count_only\":true", body, sizeof body);
    etcd_request(e, "POST", "/v3/kv/range", body, ETCD_SMALL_REPLY, on_secrets_count);
}

/* ---- posture ---------------------------------------------------------------------------------- */

static void set_capabilities(struct ls_session *s)
{
    struct etcd *e = s->priv;
    struct ls_access *a = &s->svc.access;
    struct etcd_facts *f = &e->f;
    ls_access_fact_bool(a, "auth_enabled", f->auth_off ? LS_TRI_NO : LS_TRI_UNKNOWN);
    ls_access_fact_bool(a, "v2_api", f->v2_enabled ? LS_TRI_YES : LS_TRI_NO);
    if (f->status_known)
        ls_access_fact_int(a, "db_size_bytes", true, (int64_t)(f->db_size > LS_COUNT_MAX ? LS_COUNT_MAX : f->db_size));
    if (!f->auth_off)
        return;
    ls_access_cap(a, LS_CAP_READ, LS_TRI_YES,
                  "POST /v3/kv/range answered a count over the whole keyspace without a token");
    ls_access_cap(a, LS_CAP_WRITE, LS_TRI_YES,
                  "auth is disabled: every client may put, delete and txn on any key (etcd has no read-only "
                  "anonymous mode) — not tried");
    ls_access_cap(a, LS_CAP_SCHEMA, LS_TRI_YES,
                  "auth is disabled: any client may add users and roles and run `auth enable`, locking the "
                  "owners out — not tried");
    ls_access_cap(a, LS_CAP_RUN_CODE, LS_TRI_NO, "etcd has no API that runs code on the server");
    ls_access_cap(a, LS_CAP_READ_FILES, LS_TRI_NO,
                  "no API reads server files (a snapshot streams the key-value database itself, not tried)");
    ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_UNKNOWN,
                  "MemberAdd is open without auth; the members would then dial the new peer URL — not tried");
    ls_access_basis(a, "the keyspace and member list answered without credentials (etcd auth disabled)");
}

static void on_status(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct etcd *e = s->priv;
    if (r->ok && r->status == 200 && etcd_has_header(r->json) && etcd_int_field(r->json, "dbSize", &e->f.db_size))
        e->f.status_known = true;
    else
        etcd_unknown(s, "status", r);
    set_capabilities(s);
    etcd_step_end(e, LS_STEP_OK);
}

void etcd_posture(struct ls_session *s, ls_step_cb done)
{
    struct etcd *e = s->priv;
    e->step_done = done;
    etcd_request(e, "POST", "/v3/maintenance/status", "{}", ETCD_SMALL_REPLY, on_status);
}
