/* InfluxDB inventory and posture. Per database (from SHOW DATABASES, at most IFX_MAX_DBS), one
 * request with four statements — SHOW MEASUREMENTS LIMIT n, SHOW FIELD KEYS, SHOW TAG KEYS, SHOW
 * RETENTION POLICIES — gives one table per measurement (kind "measurement") with its columns
 * (time, tags, fields with their types); then SELECT COUNT(*) per measurement, IFX_COUNT_BATCH
 * statements a request, gives exact point counts (an estimate, flagged, when the fields of a
 * measurement were counted differently). The posture step reads SHOW USERS (admin flags) and SHOW
 * SUBSCRIPTIONS (destinations that receive every write, user information removed). All GET. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/tablescan.h"
#include "engines/influxdb/influx_int.h"
#include "engines/influxdb/influx_parse.h"
#include "util/num.h"
#include "util/strbuf.h"

static void next_db(struct ls_session *s);
static void count_batch(struct ls_session *s);

static size_t table_budget(const struct ls_session *s)
{
    size_t cap = IFX_MAX_MEASUREMENTS;
    if (s->limits->max_tables && s->limits->max_tables < cap)
        cap = s->limits->max_tables;
    return s->svc.ntables < cap ? cap - s->svc.ntables : 0;
}

static void add_column(struct ls_table *t, const char *name, const char *type)
{
    struct ls_column *c = realloc(t->columns, (t->ncolumns + 1) * sizeof *c);
    if (!c)
        return;
    t->columns = c;
    c[t->ncolumns].name = strdup(name);
    c[t->ncolumns].type = strdup(type);
    if (!c[t->ncolumns].name || !c[t->ncolumns].type) {
        free(c[t->ncolumns].name);
        free(c[t->ncolumns].type);
        return;
    }
    t->ncolumns++;
}

/* The series of `result` named `name` (SHOW FIELD KEYS / TAG KEYS: one series per measurement). */
static const json_t *series_named(const json_t *result, const char *name)
{
    size_t n = ifx_nseries(result);
    for (size_t i = 0; i < n && i < 100000; i++) {
        const json_t *se = ifx_series(result, i);
        if (se && strcmp(ifx_series_name(se), name) == 0)
            return se;
    }
    return NULL;
}

/* Adds the column named in `key_col` of every row of the series, typed by `type_col` (or `type`). */
static void add_keys(struct ls_table *t, const json_t *series, const char *key_col, const char *type_col,
                     const char *type)
{
    int k = ifx_column_index(series, key_col);
    int ty = type_col ? ifx_column_index(series, type_col) : -1;
    size_t rows = ifx_nrows(series);
    for (size_t r = 0; k >= 0 && r < rows && t->ncolumns < IFX_MAX_COLUMNS; r++) {
        const char *name = ifx_cell_str(series, r, (size_t)k);
        const char *tname = ty >= 0 ? ifx_cell_str(series, r, (size_t)ty) : NULL;
        if (name && strlen(name) < 256)
            add_column(t, name, tname ? tname : type);
    }
}

/* SHOW RETENTION POLICIES: "db.rp=duration" items of the retention_policies fact ("0s" is
 * infinite, the default policy marked). */
static void retention_facts(struct ls_session *s, const char *db, const json_t *result)
{
    const json_t *se = ifx_series(result, 0);
    int name = ifx_column_index(se, "name"), dur = ifx_column_index(se, "duration");
    int def = ifx_column_index(se, "default");
    size_t rows = ifx_nrows(se);
    for (size_t r = 0; name >= 0 && r < rows && r < 16; r++) {
        const char *rp = ifx_cell_str(se, r, (size_t)name);
        const char *d = dur >= 0 ? ifx_cell_str(se, r, (size_t)dur) : NULL;
        if (!rp)
            continue;
        char item[200];
        struct ls_strbuf b;
        ls_sb_init(&b, item, sizeof item);
        ls_sb_printf(&b, "%s.%s=%s", db, rp, !d ? "?" : strcmp(d, "0s") == 0 ? "infinite" : d);
        if (def >= 0 && json_is_true(ifx_cell(se, r, (size_t)def)))
            ls_sb_append(&b, " (default)");
        ls_access_fact_list_add(&s->svc.access, "retention_policies", item);
    }
}

static void on_catalog(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct influx *x = s->priv;
    struct ls_service *svc = &s->svc;
    const char *db = x->dbs[x->db_next];
    const json_t *meas = r->ok && r->status == 200 ? ifx_result(r->json, 0) : NULL;
    if (!meas || ifx_result_error(meas)) {
        char why[400], what[300];
        snprintf(what, sizeof what, "measurements of %s", db);
        ifx_reply_why(r, what, why, sizeof why);
        if (meas && ifx_result_error(meas))
            snprintf(why, sizeof why, "%s: %s", what, ifx_result_error(meas));
        ls_service_add_unknown(svc, "measurements", why);
        if (!r->ok) { /* the server went away or stalls: stop here */
            ifx_step_end(x, LS_STEP_FAILED);
            return;
        }
        x->db_next++;
        next_db(s);
        return;
    }
    const json_t *fields = ifx_result(r->json, 1), *tags = ifx_result(r->json, 2);
    retention_facts(s, db, ifx_result(r->json, 3));
    const json_t *se = ifx_series(meas, 0);
    int col = ifx_column_index(se, "name");
    size_t rows = ifx_nrows(se), budget = table_budget(s);
    x->count_next = svc->ntables;
    for (size_t i = 0; col >= 0 && i < rows; i++) {
        const char *m = ifx_cell_str(se, i, (size_t)col);
        if (!m || !m[0] || strlen(m) > 1024)
            continue;
        if (!budget--) {
            svc->inventory_truncated = true;
            break;
        }
        struct ls_table *t = ls_service_add_table(svc);
        if (!t)
            break;
        t->database = strdup(db);
        t->name = strdup(m);
        t->kind = "measurement";
        add_column(t, "time", "timestamp");
        add_keys(t, series_named(tags, m), "tagKey", NULL, "tag");
        add_keys(t, series_named(fields, m), "fieldKey", "fieldType", "field");
    }
    x->count_end = svc->ntables;
    count_batch(s);
}

static void on_counts(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct influx *x = s->priv;
    struct ls_service *svc = &s->svc;
    size_t first = x->count_next, end = first + x->count_n;
    x->count_next = end;
    if (!r->ok || r->status != 200 || !r->json) {
        char why[300];
        ifx_reply_why(r, "SELECT COUNT(*)", why, sizeof why);
        ls_service_add_unknown(svc, "point counts", why);
        if (!r->ok) {
            ifx_step_end(x, LS_STEP_FAILED);
            return;
        }
        count_batch(s);
        return;
    }
    for (size_t i = first; i < end; i++) {
        struct ls_table *t = &svc->tables[i];
        const json_t *res = ifx_result(r->json, i - first);
        uint64_t points;
        bool uneven;
        if (!ifx_count_points(res, &points, &uneven)) {
            char why[400];
            snprintf(why, sizeof why, "%s.%s: %s", t->database, t->name,
                     ifx_result_error(res) ? ifx_result_error(res) : "no count in the answer");
            ls_service_add_unknown(svc, "point counts", why);
            continue;
        }
        t->rows = points;
        t->rows_known = true;
        t->rows_estimated = uneven;
        x->counts_estimated |= uneven;
        x->total_points = ls_count_add(x->total_points, points);
    }
    count_batch(s);
}

/* The next IFX_COUNT_BATCH measurements of the current database, or the next database. */
static void count_batch(struct ls_session *s)
{
    struct influx *x = s->priv;
    struct ls_service *svc = &s->svc;
    if (x->count_next >= x->count_end) {
        x->db_next++;
        next_db(s);
        return;
    }
    char q[IFX_MAX_QUERY], ident[1100], stmt[1200];
    struct ls_strbuf b;
    ls_sb_init(&b, q, sizeof q);
    x->count_n = 0;
    for (size_t i = x->count_next; i < x->count_end && x->count_n < IFX_COUNT_BATCH; i++) {
        if (!ifx_quote_ident(svc->tables[i].name, ident, sizeof ident))
            snprintf(ident, sizeof ident, "\"\""); /* cannot happen: names are capped at 1024 */
        int len = snprintf(stmt, sizeof stmt, "%sSELECT COUNT(*) FROM %s", x->count_n ? "; " : "", ident);
        if (len < 0 || (size_t)len > ls_sb_room(&b))
            break; /* long names: the rest go in the next request */
        ls_sb_append(&b, stmt);
        x->count_n++;
    }
    ifx_query(x, x->dbs[x->db_next], q, IFX_MAX_BODY, on_counts);
}

static void next_db(struct ls_session *s)
{
    struct influx *x = s->priv;
    if (x->db_next >= x->ndbs || table_budget(s) == 0) {
        if (x->db_next < x->ndbs)
            s->svc.inventory_truncated = true;
        ifx_step_end(x, LS_STEP_OK);
        return;
    }
    char q[128];
    snprintf(q, sizeof q, "SHOW MEASUREMENTS LIMIT %zu; SHOW FIELD KEYS; SHOW TAG KEYS; SHOW RETENTION POLICIES",
             table_budget(s) + 1);
    ifx_query(x, x->dbs[x->db_next], q, IFX_MAX_BODY, on_catalog);
}

void ifx_inventory(struct ls_session *s, ls_step_cb done)
{
    struct influx *x = s->priv;
    x->step_done = done;
    x->db_next = 0;
    if (!x->ndbs) {
        ifx_step_defer(x, LS_STEP_OK);
        return;
    }
    next_db(s);
}

/* ---- posture ---------------------------------------------------------------------------------- */

static void read_users(struct ls_session *s, const json_t *result)
{
    struct influx_posture *p = &((struct influx *)s->priv)->post;
    const json_t *se = ifx_series(result, 0);
    int user = ifx_column_index(se, "user"), admin = ifx_column_index(se, "admin");
    if (!result || ifx_result_error(result) || (se && user < 0))
        return;
    p->users_known = true;
    struct ls_strbuf b;
    ls_sb_init(&b, p->admins, sizeof p->admins);
    ls_access_fact_list(&s->svc.access, "users", true);
    size_t rows = ifx_nrows(se);
    for (size_t r = 0; user >= 0 && r < rows && r < 100000; r++) {
        const char *name = ifx_cell_str(se, r, (size_t)user);
        if (!name)
            continue;
        bool is_admin = admin >= 0 && json_is_true(ifx_cell(se, r, (size_t)admin));
        p->nusers++;
        if (is_admin) {
            p->nadmins++;
            ls_sb_printf(&b, "%s%s", b.len ? ", " : "", name);
        }
        if (r < 64) {
            char item[300];
            struct ls_strbuf ib;
            ls_sb_init(&ib, item, sizeof item);
            ls_sb_printf(&ib, "%.255s%s", name, is_admin ? " (admin)" : "");
            ls_access_fact_list_add(&s->svc.access, "users", item);
        }
    }
    ls_sb_mark_cut(&b, ", …");
    ls_access_fact_int(&s->svc.access, "admin_users", true, (int64_t)p->nadmins);
}

/* SHOW SUBSCRIPTIONS: one series per database; rows retention_policy, name, mode, destinations. */
static void read_subscriptions(struct ls_session *s, const json_t *result)
{
    struct influx_posture *p = &((struct influx *)s->priv)->post;
    if (!result || ifx_result_error(result))
        return;
    p->subs_known = true;
    ls_access_fact_list(&s->svc.access, "subscriptions", true);
    /* the destination URLs, as they are, go through the detector (a password in one is a secret
     * record of the system object "meta"."subscriptions"); the facts and notes name them without */
    struct ls_tablescan *scan = s->detector ? ls_tablescan_new(s->detector, s->limits->show_secrets) : NULL;
    struct ls_strbuf b;
    ls_sb_init(&b, p->subs, sizeof p->subs);
    size_t ns = ifx_nseries(result);
    for (size_t i = 0; i < ns && i < IFX_MAX_DBS; i++) {
        const json_t *se = ifx_series(result, i);
        int rp = ifx_column_index(se, "retention_policy"), name = ifx_column_index(se, "name");
        int dest = ifx_column_index(se, "destinations");
        size_t rows = ifx_nrows(se);
        for (size_t r = 0; name >= 0 && dest >= 0 && r < rows && r < 64; r++) {
            const char *sub = ifx_cell_str(se, r, (size_t)name);
            const char *rpn = rp >= 0 ? ifx_cell_str(se, r, (size_t)rp) : NULL;
            const json_t *d = ifx_cell(se, r, (size_t)dest);
            if (!sub)
                continue;
            p->nsubs++;
            for (size_t k = 0; json_is_array(d) && k < json_array_size(d) && k < 16; k++) {
                const char *url = json_string_value(json_array_get(d, k));
                if (!url)
                    continue;
                if (scan) {
                    ls_tablescan_cell(scan, "destinations", url, strlen(url));
                    ls_tablescan_row_end(scan);
                }
                char clean[256], item[512];
                bool userinfo;
                ifx_strip_userinfo(url, clean, sizeof clean, &userinfo);
                p->subs_userinfo |= userinfo;
                struct ls_strbuf ib;
                ls_sb_init(&ib, item, sizeof item);
                ls_sb_printf(&ib, "%.100s.%.60s.%.100s -> %s%s", ifx_series_name(se), rpn ? rpn : "?", sub, clean,
                             userinfo ? " (with user information)" : "");
                ls_access_fact_list_add(&s->svc.access, "subscriptions", item);
                ls_sb_printf(&b, "%s%s", b.len ? "; " : "", item);
            }
        }
    }
    ls_sb_mark_cut(&b, "; …");
    if (p->nsubs) {
        struct ls_table *t = ls_service_add_sysobj(&s->svc, "meta", "subscriptions");
        if (t) {
            t->kind = "subscriptions";
            t->rows = p->nsubs;
            t->rows_known = true;
            t->note = strdup(p->subs);
            if (scan)
                ls_tablescan_finish(scan, t);
        }
    }
    ls_tablescan_free(scan);
}

static void open_capabilities(struct ls_session *s)
{
    struct ls_access *a = &s->svc.access;
    ls_access_fact_bool(a, "auth_enabled", LS_TRI_NO);
    ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, "SHOW DATABASES and SELECT answered without credentials");
    ls_access_cap(a, LS_CAP_WRITE, LS_TRI_YES,
                  "auth-enabled is off: POST /write and DELETE/DROP SERIES are accepted from anyone (not tried)");
    ls_access_cap(
        a, LS_CAP_SCHEMA, LS_TRI_YES,
        "auth-enabled is off: DROP DATABASE and CREATE USER … WITH ALL PRIVILEGES run for anyone (not tried)");
    ls_access_cap(a, LS_CAP_RUN_CODE, LS_TRI_NO, "InfluxQL has no statement that runs programs on the server");
    ls_access_cap(a, LS_CAP_READ_FILES, LS_TRI_NO, "InfluxQL has no statement that reads the server's files");
    ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_YES,
                  "CREATE SUBSCRIPTION … DESTINATIONS makes the server send every write to any host (not tried)");
    ls_access_basis(a, "GET /query answered with no login, and with auth-enabled = false InfluxDB 1.x authorizes "
                       "every statement as an admin's");
}

static void on_posture(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct influx *x = s->priv;
    if (!r->ok || r->status != 200 || !r->json) {
        char why[300];
        ifx_reply_why(r, "SHOW USERS; SHOW SUBSCRIPTIONS", why, sizeof why);
        ls_service_add_unknown(&s->svc, "users", why);
    } else {
        read_users(s, ifx_result(r->json, 0));
        read_subscriptions(s, ifx_result(r->json, 1));
        if (!x->post.users_known)
            ls_service_add_unknown(&s->svc, "users", "SHOW USERS: no user list in the answer");
    }
    ifx_step_end(x, LS_STEP_OK);
}

void ifx_posture(struct ls_session *s, ls_step_cb done)
{
    struct influx *x = s->priv;
    x->step_done = done;
    if (s->svc.auth != LS_AUTH_NONE) {
        ifx_step_defer(x, LS_STEP_OK);
        return;
    }
    open_capabilities(s);
    ifx_query(x, NULL, "SHOW USERS; SHOW SUBSCRIPTIONS", IFX_MAX_BODY, on_posture);
}
