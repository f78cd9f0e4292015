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
#include "util/textutil.h"

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
    ls_copy_printable_utf8(name, sizeof name, c[0], lens[0]);
    list_add(pg->post.remote_ext, sizeof pg->post.remote_ext, name);
}

static void nopass_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    char name[64];
    if (n != 1 || !c[0])
        return;
    ls_copy_printable_utf8(name, sizeof name, c[0], lens[0]);
    list_add(pg->post.nopass_roles, sizeof pg->post.nopass_roles, name);
}

static void setting_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    char name[64], value[160], kv[240];
    if (n != 2 || !c[0] || !c[1])
        return;
    ls_copy_printable_utf8(name, sizeof name, c[0], lens[0]);
    ls_copy_printable_utf8(value, sizeof value, c[1], lens[1]);
    if (strcmp(name, "listen_addresses") == 0)
        ls_copy_printable_utf8(pg->post.listen, sizeof pg->post.listen, value, strlen(value));
    if (strcmp(name, "ssl") == 0)
        ls_copy_printable_utf8(pg->post.ssl, sizeof pg->post.ssl, value, strlen(value));
    snprintf(kv, sizeof kv, "%s=%s", name, value);
    ls_access_fact_list_add(&pg->s->svc.access, "settings", kv);
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
        ls_copy_printable_utf8(cell, sizeof cell, c[i] ? c[i] : "", c[i] ? lens[i] : 0);
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

static enum ls_tri tri(bool known, bool v)
{
    return !known ? LS_TRI_UNKNOWN : v ? LS_TRI_YES : LS_TRI_NO;
}

static void fill_privileges(struct pg *pg)
{
    const struct pg_posture *p = &pg->post;
    struct ls_access *a = &pg->s->svc.access;
    if (!p->whoami_known)
        return;
    ls_access_user(a, p->user);
    bool su = p->superuser;
    ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, "the catalog and SELECT on tables answered");
    ls_access_cap(a, LS_CAP_WRITE, su ? LS_TRI_YES : tri(p->can_write_known, p->can_write),
                  su             ? "superuser"
                  : p->can_write ? "has_table_privilege INSERT/UPDATE/DELETE"
                                 : NULL);
    ls_access_cap(a, LS_CAP_SCHEMA, su ? LS_TRI_YES : tri(p->can_ddl_known, p->can_ddl || p->createrole),
                  su              ? "superuser"
                  : p->can_ddl    ? "has_database_privilege CREATE"
                  : p->createrole ? "rolcreaterole"
                                  : NULL);
    ls_access_cap(a, LS_CAP_RUN_CODE, su || p->exec_program ? LS_TRI_YES : LS_TRI_NO,
                  su || p->exec_program ? "COPY … TO/FROM PROGRAM (superuser or pg_execute_server_program)" : NULL);
    ls_access_cap(a, LS_CAP_READ_FILES, su || p->read_files ? LS_TRI_YES : LS_TRI_NO,
                  su || p->read_files ? "COPY … FROM a server file, pg_read_file (superuser or pg_read_server_files)"
                                      : NULL);
    ls_access_cap(a, LS_CAP_REACH_HOSTS, p->ext_known ? (p->remote_ext[0] ? LS_TRI_YES : LS_TRI_NO) : LS_TRI_UNKNOWN,
                  p->remote_ext[0] ? "dblink/postgres_fdw installed: the server connects to other hosts" : NULL);
    ls_access_fact_bool(a, "superuser", su ? LS_TRI_YES : LS_TRI_NO);
    ls_access_fact_bool(a, "createrole", p->createrole ? LS_TRI_YES : LS_TRI_NO);
    ls_access_fact_bool(a, "createdb", p->createdb ? LS_TRI_YES : LS_TRI_NO);
    ls_access_fact_bool(a, "pg_read_server_files", p->read_files ? LS_TRI_YES : LS_TRI_NO);
    ls_access_fact_bool(a, "pg_write_server_files", p->write_files ? LS_TRI_YES : LS_TRI_NO);
    ls_access_fact_bool(a, "pg_execute_server_program", p->exec_program ? LS_TRI_YES : LS_TRI_NO);
    if (p->ext_known)
        ls_access_fact_text(a, "remote_extensions", p->remote_ext[0] ? p->remote_ext : "none");
    if (p->nopass_known)
        ls_access_fact_text(a, "nopass_login_roles", p->nopass_roles[0] ? p->nopass_roles : "none");
    ls_access_basis(a, "pg_roles of current_user (rolsuper, rolcreaterole, rolcreatedb, pg_has_role for the "
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
