/* PostgreSQL blast radius, from the catalog and settings only (never by doing): extensions that
 * reach other hosts (dblink, postgres_fdw), login roles without a password (pg_authid, readable
 * only by a superuser), server settings worth knowing (listen_addresses, ssl, …), whether the
 * account may write tables or create objects, and — for a superuser — the pg_hba.conf lines that
 * trust without a password. The account's role flags came with the access step (pg.c). Each
 * probe that fails is an `unknown` with the server's words; the inventory still ends OK. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/postgres/pg_int.h"
#include "util/strbuf.h"

static void next_probe(struct pg *pg);

static void list_add(char *list, size_t n, const char *item)
{
    char tmp[512];
    struct ls_strbuf b;
    ls_sb_init(&b, tmp, n < sizeof tmp ? n : sizeof tmp);
    ls_sb_printf(&b, "%s%s%s", list, list[0] ? ", " : "", item);
    ls_sb_mark_cut(&b, "…");
    memcpy(list, tmp, b.len + 1);
}

static void ext_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    char name[64];
    if (n != 1 || !c[0])
        return;
    pg_copy(name, sizeof name, c[0], lens[0]);
    list_add(pg->post.remote_ext, sizeof pg->post.remote_ext, name);
}

static void nopass_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    char name[64];
    if (n != 1 || !c[0])
        return;
    pg_copy(name, sizeof name, c[0], lens[0]);
    list_add(pg->post.nopass_roles, sizeof pg->post.nopass_roles, name);
}

static void setting_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    char name[64], value[160], kv[240];
    if (n != 2 || !c[0] || !c[1])
        return;
    pg_copy(name, sizeof name, c[0], lens[0]);
    pg_copy(value, sizeof value, c[1], lens[1]);
    if (strcmp(name, "listen_addresses") == 0)
        pg_copy(pg->post.listen, sizeof pg->post.listen, value, strlen(value));
    if (strcmp(name, "ssl") == 0)
        pg_copy(pg->post.ssl, sizeof pg->post.ssl, value, strlen(value));
    snprintf(kv, sizeof kv, "%s=%s", name, value);
    ls_strv_add(&pg->s->svc.privileges.settings, &pg->s->svc.privileges.nsettings, kv);
}

static void write_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    (void)lens;
    if (n != 2)
        return;
    pg->post.can_write_known = c[0] != NULL;
    pg->post.can_write = c[0] && strcmp(c[0], "t") == 0;
    pg->post.can_ddl_known = c[1] != NULL;
    pg->post.can_ddl = c[1] && strcmp(c[1], "t") == 0;
}

static void hba_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    char line[200];
    struct ls_strbuf b;
    if (n != 5)
        return;
    ls_sb_init(&b, line, sizeof line);
    for (size_t i = 0; i < n; i++) {
        char cell[64];
        pg_copy(cell, sizeof cell, c[i] ? c[i] : "", c[i] ? lens[i] : 0);
        ls_sb_printf(&b, i == 0 ? "line %s:" : " %s", cell[0] ? cell : "-");
    }
    ls_sb_append(&b, " trust");
    list_add(pg->post.trust_rules, sizeof pg->post.trust_rules, line);
}

struct probe {
    const char *what;
    const char *sql;
    pg_rows_cb row;
    bool superuser_only;
};

static const struct probe probes[] = {
    {"extensions", "SELECT extname FROM pg_extension WHERE extname IN ('dblink', 'postgres_fdw') ORDER BY 1 LIMIT 10",
     ext_row, false},
    {"roles without a password",
     "SELECT rolname FROM pg_authid WHERE rolcanlogin AND rolpassword IS NULL ORDER BY 1 LIMIT 20", nopass_row, false},
    {"settings",
     "SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'ssl', 'log_statement', "
     "'log_connections', 'shared_preload_libraries') ORDER BY 1 LIMIT 10",
     setting_row, false},
    {"write and DDL privileges",
     "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN "
     "('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_' AND "
     "has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')), has_database_privilege(current_database(), "
     "'CREATE') OR EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
     "AND n.nspname !~ '^pg_' AND has_schema_privilege(n.oid, 'CREATE')) LIMIT 1",
     write_row, false},
    {"pg_hba.conf trust rules",
     "SELECT line_number, type, array_to_string(database, ','), array_to_string(user_name, ','), address FROM "
     "pg_hba_file_rules WHERE auth_method = 'trust' ORDER BY 1 LIMIT 10",
     hba_row, true},
};

static void probe_done(struct pg *pg, bool ok, const char *err)
{
    const struct probe *p = &probes[pg->idx];
    if (!ok) {
        if (p->row == nopass_row)
            pg->post.nopass_known = false;
        ls_service_add_unknown(&pg->s->svc, p->what, err ? err : "query failed");
    } else if (p->row == nopass_row) {
        pg->post.nopass_known = true;
    } else if (p->row == ext_row) {
        pg->post.ext_known = true;
    }
    pg->idx++;
    next_probe(pg);
}

static void fill_privileges(struct pg *pg)
{
    const struct pg_posture *p = &pg->post;
    struct ls_privileges *pv = &pg->s->svc.privileges;
    pv->assessed = p->whoami_known;
    if (!pv->assessed)
        return;
    snprintf(pv->user, sizeof pv->user, "%s", p->user);
    pv->readonly = -1;
    pv->allow_ddl = -1;
    pv->can_write = p->superuser          ? LS_TRI_YES
                    : !p->can_write_known ? LS_TRI_UNKNOWN
                    : p->can_write        ? LS_TRI_YES
                                          : LS_TRI_NO;
    pv->can_ddl = p->superuser ? LS_TRI_YES : !p->can_ddl_known ? LS_TRI_UNKNOWN : p->can_ddl ? LS_TRI_YES : LS_TRI_NO;
    pv->table_functions_known = LS_TRI_UNKNOWN;
    char kv[300];
    static const char *const tf[] = {"false", "true"};
    snprintf(kv, sizeof kv, "rolsuper=%s", tf[p->superuser]);
    ls_strv_add(&pv->settings, &pv->nsettings, kv);
    snprintf(kv, sizeof kv, "rolcreaterole=%s", tf[p->createrole]);
    ls_strv_add(&pv->settings, &pv->nsettings, kv);
    snprintf(kv, sizeof kv, "rolcreatedb=%s", tf[p->createdb]);
    ls_strv_add(&pv->settings, &pv->nsettings, kv);
    snprintf(kv, sizeof kv, "pg_read_server_files=%s", tf[p->read_files]);
    ls_strv_add(&pv->settings, &pv->nsettings, kv);
    snprintf(kv, sizeof kv, "pg_write_server_files=%s", tf[p->write_files]);
    ls_strv_add(&pv->settings, &pv->nsettings, kv);
    snprintf(kv, sizeof kv, "pg_execute_server_program=%s", tf[p->exec_program]);
    ls_strv_add(&pv->settings, &pv->nsettings, kv);
    if (p->ext_known) {
        snprintf(kv, sizeof kv, "remote_extensions=%s", p->remote_ext[0] ? p->remote_ext : "none");
        ls_strv_add(&pv->settings, &pv->nsettings, kv);
    }
    if (p->nopass_known) {
        snprintf(kv, sizeof kv, "nopass_login_roles=%s", p->nopass_roles[0] ? p->nopass_roles : "none");
        ls_strv_add(&pv->settings, &pv->nsettings, kv);
    }
    free(pv->basis);
    pv->basis = strdup("pg_roles of current_user (rolsuper, rolcreaterole, rolcreatedb, pg_has_role for the "
                       "pg_*_server_* roles), has_table_privilege/has_database_privilege, pg_extension, pg_settings, "
                       "pg_authid and pg_hba_file_rules where readable");
}

static void next_probe(struct pg *pg)
{
    while (pg->idx < sizeof probes / sizeof *probes) {
        const struct probe *p = &probes[pg->idx];
        if (p->superuser_only && !pg->post.superuser) {
            pg->idx++;
            continue;
        }
        pg_query(pg, p->sql, p->row, probe_done);
        return;
    }
    fill_privileges(pg);
    pg_step_end(pg, pg->step_result);
}

void pg_posture(struct ls_session *s, ls_step_cb done)
{
    struct pg *pg = s->priv;
    pg->step_done = done;
    pg->step_result = LS_STEP_OK;
    pg->idx = 0;
    next_probe(pg);
}
