/* Redis inventory: INFO keyspace gives one table per logical database (kind "keyspace") with its
 * exact key count. The posture step (redis_posture) then runs read-only probes of the blast
 * radius, each bounded to one small reply:
 * CONFIG GET dir / dbfilename / protected-mode (readable means CONFIG SET could point the dump at
 * a crontab or authorized_keys — never tried), ACL WHOAMI / ACL LIST (users without a password),
 * INFO replication (role) and MODULE LIST. A probe that fails becomes an `unknown`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/redis/redis_int.h"
#include "util/num.h"
#include "util/strbuf.h"
#include "util/textutil.h"

static const char *const table_columns[][2] = {{"key", "String"}, {"type", "String"}, {"value", "String"}};

static struct ls_table *add_keyspace(struct ls_service *svc, unsigned db, uint64_t keys)
{
    struct ls_table *t = ls_service_add_table(svc);
    if (!t)
        return NULL;
    char name[16];
    snprintf(name, sizeof name, "db%u", db);
    t->database = strdup(name);
    t->name = strdup("*");
    t->kind = "keyspace";
    t->rows = keys;
    t->rows_known = true;
    t->columns = calloc(3, sizeof *t->columns);
    if (t->columns) {
        for (size_t i = 0; i < 3; i++) {
            t->columns[i].name = strdup(table_columns[i][0]);
            t->columns[i].type = strdup(table_columns[i][1]);
        }
        t->ncolumns = 3;
    }
    return t;
}

/* "db0:keys=12,expires=0,avg_ttl=0" lines of INFO keyspace. */
static void on_keyspace(struct ls_session *s, const struct resp_value *v)
{
    struct redis *r = s->priv;
    struct ls_service *svc = &s->svc;
    const char *p = v->str, *end = v->str + v->len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        unsigned db = 0;
        const char *q = p + 2;
        if (le - p > 3 && p[0] == 'd' && p[1] == 'b') {
            while (q < le && *q >= '0' && *q <= '9' && db < 100000)
                db = db * 10 + (unsigned)(*q++ - '0');
            const char *k = (q < le && *q == ':') ? q + 1 : NULL;
            if (k && le - k > 5 && memcmp(k, "keys=", 5) == 0) {
                const char *d = k + 5, *de = d;
                while (de < le && *de >= '0' && *de <= '9')
                    de++;
                uint64_t keys;
                if (!ls_parse_count(d, (size_t)(de - d), &keys)) {
                    ls_service_add_unknown(svc, "keyspace", "key count not a number");
                } else if (svc->ntables >= REDIS_MAX_DBS || svc->ntables >= s->limits->max_tables) {
                    svc->inventory_truncated = true;
                } else {
                    add_keyspace(svc, db, keys);
                    r->post.total_keys = ls_count_add(r->post.total_keys, keys);
                }
            }
        }
        p = le + 1;
    }
    svc->ndatabases = svc->ntables;
}

/* CONFIG GET name → [name, value]. */
static bool config_value(const struct resp_value *v, char *out, size_t n)
{
    if (v->type != RESP_ARRAY || v->nelems < 2 || v->elems[1].type != RESP_BULK)
        return false;
    ls_copy_printable(out, n, v->elems[1].str, v->elems[1].len);
    return true;
}

/* ACL LIST lines: "user default on nopass sanitize-payload ~* &* +@all". Only names and flags are
 * kept, never the password hashes ("#…"). */
static void on_acl_list(struct redis *r, const struct resp_value *v)
{
    struct ls_strbuf b;
    ls_sb_init(&b, r->post.nopass_users, sizeof r->post.nopass_users);
    for (size_t i = 0; i < v->nelems; i++) {
        const struct resp_value *e = &v->elems[i];
        if (e->type != RESP_BULK && e->type != RESP_SIMPLE)
            continue;
        char line[512], user[64];
        ls_copy_printable(line, sizeof line, e->str, e->len);
        if (sscanf(line, "user %63s", user) != 1)
            continue;
        bool on = strstr(line, " on ") != NULL;
        bool nopass = strstr(line, " nopass") != NULL;
        if (on && nopass)
            ls_sb_printf(&b, "%s%s", b.len ? ", " : "", user);
        if (strcmp(user, r->post.whoami) == 0 && (strstr(line, "+@all") || strstr(line, "allcommands")))
            r->post.all_commands = true;
    }
    ls_sb_mark_cut(&b, ", …");
}

static void on_module_list(struct redis *r, const struct resp_value *v)
{
    struct ls_strbuf b;
    ls_sb_init(&b, r->post.modules, sizeof r->post.modules);
    for (size_t i = 0; i < v->nelems; i++) {
        const struct resp_value *m = &v->elems[i];
        for (size_t j = 0; m->type == RESP_ARRAY && j + 1 < m->nelems; j += 2)
            if (resp_is(&m->elems[j], "name") && m->elems[j + 1].type == RESP_BULK) {
                char name[64];
                ls_copy_printable(name, sizeof name, m->elems[j + 1].str, m->elems[j + 1].len);
                ls_sb_printf(&b, "%s%s", b.len ? ", " : "", name);
            }
    }
    ls_sb_mark_cut(&b, ", …");
}

static void on_replication(struct redis *r, const struct resp_value *v)
{
    char n[32];
    redis_info_field(v->str, v->len, "role", r->post.role, sizeof r->post.role);
    if (redis_info_field(v->str, v->len, "connected_slaves", n, sizeof n))
        ls_parse_count(n, strlen(n), &r->post.connected_slaves);
    redis_info_field(v->str, v->len, "master_host", r->post.master_host, sizeof r->post.master_host);
}

/* ---- the probe sequence ----------------------------------------------------------------------- */

enum probe_id { P_KEYSPACE, P_DIR, P_DBFILE, P_PROTECTED, P_WHOAMI, P_ACL_LIST, P_REPL, P_MODULES, P_COUNT };

static const struct {
    const char *argv[3];
    size_t argc;
    const char *what; /* the unknown's name when it fails */
    enum resp_type want;
} probes[P_COUNT] = {
    [P_KEYSPACE] = {{"INFO", "keyspace"}, 2, "keyspace", RESP_BULK},
    [P_DIR] = {{"CONFIG", "GET", "dir"}, 3, "config", RESP_ARRAY},
    [P_DBFILE] = {{"CONFIG", "GET", "dbfilename"}, 3, "config", RESP_ARRAY},
    [P_PROTECTED] = {{"CONFIG", "GET", "protected-mode"}, 3, "config", RESP_ARRAY},
    [P_WHOAMI] = {{"ACL", "WHOAMI"}, 2, "acl", RESP_BULK},
    [P_ACL_LIST] = {{"ACL", "LIST"}, 2, "acl", RESP_ARRAY},
    [P_REPL] = {{"INFO", "replication"}, 2, "replication", RESP_BULK},
    [P_MODULES] = {{"MODULE", "LIST"}, 2, "modules", RESP_ARRAY},
};

static void next_probe(struct ls_session *s);

static void on_probe(struct ls_session *s, const struct resp_value *v, const char *err)
{
    struct redis *r = s->priv;
    enum probe_id id = (enum probe_id)r->probe++;
    if (!v || v->type != probes[id].want) {
        bool dup = (id == P_DBFILE || id == P_PROTECTED) && !r->post.config_readable;
        bool acl_dup = id == P_ACL_LIST && !r->post.acl_known;
        if (!dup && !acl_dup)
            redis_unknown(s, probes[id].what, v, err);
        if (!v) {
            redis_step_end(r, LS_STEP_FAILED); /* the connection is gone: stop here */
            return;
        }
        if (id == P_KEYSPACE) {
            redis_step_end(r, LS_STEP_OK); /* the inventory ends; the posture step reads the rest */
            return;
        }
        next_probe(s);
        return;
    }
    struct redis_posture *p = &r->post;
    switch (id) {
    case P_KEYSPACE: on_keyspace(s, v); break;
    case P_DIR: p->config_readable = config_value(v, p->dir, sizeof p->dir); break;
    case P_DBFILE: config_value(v, p->dbfilename, sizeof p->dbfilename); break;
    case P_PROTECTED: config_value(v, p->protected_mode, sizeof p->protected_mode); break;
    case P_WHOAMI:
        ls_copy_printable(p->whoami, sizeof p->whoami, v->str, v->len);
        p->acl_known = true;
        break;
    case P_ACL_LIST: on_acl_list(r, v); break;
    case P_REPL: on_replication(r, v); break;
    case P_MODULES:
        p->module_allowed = true;
        on_module_list(r, v);
        break;
    case P_COUNT: break;
    }
    if (id == P_KEYSPACE) {
        redis_step_end(r, LS_STEP_OK); /* the inventory ends; the posture step reads the rest */
        return;
    }
    next_probe(s);
}

static void next_probe(struct ls_session *s)
{
    struct redis *r = s->priv;
    if (r->probe >= P_COUNT) {
        redis_fill_access(s);
        redis_step_end(r, LS_STEP_OK);
        return;
    }
    redis_command(r, probes[r->probe].argv, NULL, probes[r->probe].argc, on_probe);
}

/* The posture step (engine.h): the blast-radius probes after the keyspace, one small reply each. */
void redis_posture(struct ls_session *s, ls_step_cb done)
{
    struct redis *r = s->priv;
    r->ec.step_done = done;
    next_probe(s);
}

void redis_inventory(struct ls_session *s, ls_step_cb done)
{
    struct redis *r = s->priv;
    r->ec.step_done = done;
    r->probe = 0;
    next_probe(s);
}
