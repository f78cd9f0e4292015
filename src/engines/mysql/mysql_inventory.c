/* MySQL inventory and (as the posture step, from SHOW GRANTS on) blast radius, one bounded query at a time: the session
 * is made read-only (SET SESSION TRANSACTION READ ONLY) with a statement time limit (max_statement_time on MariaDB,
 * max_execution_time on MySQL); SELECT VERSION() with the current user and @@secure_file_priv;
 * information_schema.SCHEMATA and TABLES (system schemas excluded; TABLE_ROWS is exact for MyISAM
 * and Aria, an estimate for InnoDB and the rest — flagged, and replaced by an exact COUNT(*) for
 * at most 50 small tables), DATA_LENGTH+INDEX_LENGTH as bytes, COLUMNS (capped); SHOW GRANTS for
 * the current user (global FILE, SUPER, PROCESS, GRANT OPTION, ALL) and, where mysql.user is
 * readable, accounts with an empty authentication string. Every SELECT has a LIMIT; a probe that
 * fails becomes an `unknown` with the server's words. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/mysql/mysql_int.h"
#include "util/num.h"
#include "util/strbuf.h"
#include "util/textutil.h"

#define SYSTEM_SCHEMAS "('mysql', 'information_schema', 'performance_schema', 'sys')"

enum probe { P_READ_ONLY, P_TIMEOUT, P_VERSION, P_SCHEMATA, P_TABLES, P_COLUMNS, P_COUNTS, P_GRANTS, P_USERS, P_END };

static void next_probe(struct ls_session *s);

static void unknown_from(struct ls_session *s, const char *what, const struct mysql_err *err, const char *why)
{
    char text[600];
    if (err)
        my_err_text(err, text, sizeof text);
    else
        snprintf(text, sizeof text, "%s", why ? why : "failed");
    ls_service_add_unknown(&s->svc, what, text);
}

static char *dup_cell(const char *c)
{
    return strdup(c ? c : "");
}

/* ---- rows of each probe ------------------------------------------------------------------------ */

static void rows_version(struct ls_session *s, char **c, const size_t *l, const bool *null, size_t n)
{
    struct my *m = s->priv;
    (void)l;
    if (n < 4)
        return;
    if (c[0][0]) {
        snprintf(s->svc.version, sizeof s->svc.version, "%s", c[0]);
        free(s->svc.version_source);
        s->svc.version_source = strdup("SELECT VERSION()");
        m->post.mariadb = strstr(c[0], "MariaDB") != NULL;
    }
    snprintf(m->post.current_user, sizeof m->post.current_user, "%s", c[1]);
    m->post.sfp_known = !null[2];
    m->post.sfp_null = strcmp(c[2], "1") == 0;
    snprintf(m->post.secure_file_priv, sizeof m->post.secure_file_priv, "%s", c[3]);
}

static void rows_schemata(struct ls_session *s, char **c, const size_t *l, const bool *null, size_t n)
{
    (void)c, (void)l, (void)null, (void)n;
    s->svc.ndatabases++;
}

static bool exact_engine(const char *engine)
{
    return strcmp(engine, "MyISAM") == 0 || strcmp(engine, "Aria") == 0;
}

static void rows_tables(struct ls_session *s, char **c, const size_t *l, const bool *null, size_t n)
{
    struct ls_service *svc = &s->svc;
    if (n < 5)
        return;
    if (svc->ntables >= s->limits->max_tables) {
        svc->inventory_truncated = true;
        return;
    }
    struct ls_table *t = ls_service_add_table(svc);
    if (!t)
        return;
    t->database = dup_cell(c[0]);
    t->name = dup_cell(c[1]);
    t->storage = strdup(c[2][0] ? c[2] : "table");
    if (!null[3] && ls_parse_count(c[3], l[3], &t->rows)) {
        t->rows_known = true;
        t->rows_estimated = !exact_engine(c[2]);
    }
    uint64_t bytes = 0;
    if (!null[4] && ls_parse_count(c[4], l[4], &bytes))
        t->bytes = bytes;
}

static struct ls_table *find_table(struct ls_session *s, const char *db, const char *name)
{
    struct my *m = s->priv;
    struct ls_service *svc = &s->svc;
    for (size_t k = 0; k < 2; k++) { /* the last table, or the next: columns come in table order */
        size_t i = m->col_table + k;
        if (i < svc->ntables && strcmp(svc->tables[i].database, db) == 0 && strcmp(svc->tables[i].name, name) == 0)
            return &svc->tables[m->col_table = i];
    }
    for (size_t i = 0; i < svc->ntables; i++)
        if (strcmp(svc->tables[i].database, db) == 0 && strcmp(svc->tables[i].name, name) == 0)
            return &svc->tables[m->col_table = i];
    return NULL;
}

static void rows_columns(struct ls_session *s, char **c, const size_t *l, const bool *null, size_t n)
{
    (void)l, (void)null;
    if (n < 4)
        return;
    struct ls_table *t = find_table(s, c[0], c[1]);
    if (!t)
        return;
    if (t->ncolumns >= MY_MAX_TABLE_COLUMNS) {
        s->svc.inventory_truncated = true;
        return;
    }
    if (!t->columns && !(t->columns = calloc(MY_MAX_TABLE_COLUMNS, sizeof *t->columns)))
        return;
    t->columns[t->ncolumns].name = dup_cell(c[2]);
    t->columns[t->ncolumns].type = dup_cell(c[3]);
    t->ncolumns++;
}

static void rows_count(struct ls_session *s, char **c, const size_t *l, const bool *null, size_t n)
{
    struct my *m = s->priv;
    struct ls_table *t = &s->svc.tables[m->count_i];
    uint64_t v;
    if (n >= 1 && !null[0] && ls_parse_count(c[0], l[0], &v)) {
        t->rows = v;
        t->rows_known = true;
        t->rows_estimated = false;
    }
}

static void rows_grants(struct ls_session *s, char **c, const size_t *l, const bool *null, size_t n)
{
    struct my *m = s->priv;
    (void)l, (void)null;
    if (n >= 1)
        my_parse_grant(&m->post, c[0]);
}

static void rows_users(struct ls_session *s, char **c, const size_t *l, const bool *null, size_t n)
{
    struct my *m = s->priv;
    (void)l, (void)null;
    if (n < 2)
        return;
    struct ls_strbuf b;
    my_sb_resume(&b, m->post.nopass_users, sizeof m->post.nopass_users);
    ls_sb_printf(&b, "%s'%s'@'%s'", b.len ? ", " : "", c[0], c[1]);
    ls_sb_mark_cut(&b, ", …");
    m->post.nnopass++;
}

/* ---- the probe sequence ----------------------------------------------------------------------- */

static void on_probe_done(struct ls_session *s, bool ok, const struct mysql_err *err, const char *why)
{
    struct my *m = s->priv;
    enum probe p = (enum probe)m->probe;
    static const char *const what[P_END] = {"read-only session", "statement time limit", "version", "schemas", "tables",
                                            "columns",           "row counts",           "grants",  "accounts"};
    if (ok && m->truncated) /* a result over the byte cap was cut (and the connection dropped) */
        unknown_from(s, what[p], NULL, "result over the byte cap: cut");
    if (p == P_COUNTS) {
        if (!ok && !err) { /* the connection is gone: stop counting */
            unknown_from(s, what[p], err, why);
            m->probe++;
        } else {
            m->count_i++;
        }
        next_probe(s);
        return;
    }
    if (ok && !m->truncated) {
        if (p == P_READ_ONLY) {
            m->post.read_only_session = true;
            my_add_setup(m, "SET SESSION TRANSACTION READ ONLY");
        } else if (p == P_GRANTS) {
            m->post.grants_known = true;
        } else if (p == P_USERS) {
            m->post.users_known = true;
        }
    } else if (p != P_USERS || (err && err->code != 1142 && err->code != 1044)) {
        unknown_from(s, what[p], err, why); /* mysql.user unreadable (1142) is expected for most accounts */
    }
    if (!ok && !err && p <= P_TABLES) { /* lost the connection before the inventory */
        m->probe = P_END;
        next_probe(s);
        return;
    }
    m->probe++;
    next_probe(s);
}

static void run(struct ls_session *s, const char *sql, my_rows_cb rows)
{
    my_query(s->priv, sql, rows, on_probe_done);
}

static bool count_next(struct ls_session *s)
{
    struct my *m = s->priv;
    struct ls_service *svc = &s->svc;
    for (; m->count_i < svc->ntables && m->counted < MY_EXACT_COUNT_TABLES; m->count_i++) {
        const struct ls_table *t = &svc->tables[m->count_i];
        if (!t->rows_known || !t->rows_estimated || t->rows >= MY_EXACT_COUNT_MAX)
            continue;
        char sql[1400];
        struct ls_strbuf b;
        ls_sb_init(&b, sql, sizeof sql);
        ls_sb_append(&b, "SELECT COUNT(*) FROM ");
        if (!my_quote_ident(&b, t->database))
            continue;
        ls_sb_append(&b, ".");
        if (!my_quote_ident(&b, t->name))
            continue;
        ls_sb_append(&b, " LIMIT 1");
        if (b.truncated)
            continue;
        m->counted++;
        run(s, sql, rows_count);
        return true;
    }
    return false;
}

static void finish(struct ls_session *s)
{
    struct my *m = s->priv;
    const struct my_posture *p = &m->post;
    struct ls_access *a = &s->svc.access;
    if (p->current_user[0]) {
        char user[160];
        ls_copy_printable_utf8(user, sizeof user, p->current_user, strlen(p->current_user));
        ls_access_user(a, user);
    }
    enum ls_tri unknown = LS_TRI_UNKNOWN;
#define GRANT(b) (p->grants_known ? ((b) || p->priv_all ? LS_TRI_YES : LS_TRI_NO) : unknown)
    ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, "SHOW DATABASES and information_schema answered");
    ls_access_cap(a, LS_CAP_WRITE, GRANT(p->priv_write),
                  p->priv_write || p->priv_all ? "global INSERT/UPDATE/DELETE" : NULL);
    ls_access_cap(a, LS_CAP_SCHEMA, GRANT(p->priv_ddl || p->priv_grant),
                  p->priv_ddl || p->priv_all ? "global CREATE/DROP/ALTER"
                  : p->priv_grant            ? "GRANT OPTION"
                                             : NULL);
    bool file = p->priv_file || p->priv_all;
    bool files_off = p->sfp_known && p->sfp_null && !p->mariadb;
    ls_access_cap(a, LS_CAP_READ_FILES,
                  !p->grants_known     ? unknown
                  : file && !files_off ? LS_TRI_YES
                                       : LS_TRI_NO,
                  file && !files_off ? "FILE privilege (LOAD DATA INFILE, LOAD_FILE) within @@secure_file_priv" : NULL);
    ls_access_cap(a, LS_CAP_RUN_CODE, GRANT(p->priv_super && file),
                  p->priv_super && file ? "SUPER with FILE: a UDF library written to the plugin dir would load" : NULL);
    ls_access_cap(a, LS_CAP_REACH_HOSTS, GRANT(p->priv_super),
                  p->priv_super || p->priv_all ? "SUPER: CHANGE MASTER TO / FEDERATED tables connect to other hosts"
                                               : NULL);
#undef GRANT
    if (p->grants_known)
        ls_access_fact_text(a, "global_privileges", p->grants_global[0] ? p->grants_global : "USAGE");
    if (p->sfp_known)
        ls_access_fact_text(a, "secure_file_priv", p->sfp_null ? "NULL" : p->secure_file_priv);
    if (p->users_known)
        ls_access_fact_text(a, "accounts_without_password", p->nopass_users[0] ? p->nopass_users : "none");
    ls_access_fact_bool(a, "read_only_session", p->read_only_session ? LS_TRI_YES : LS_TRI_NO);
    ls_access_basis(a, "SHOW GRANTS (global privileges ON *.*) and @@secure_file_priv; nothing was exercised");
    my_step_end(m, LS_STEP_OK);
}

static void next_probe(struct ls_session *s)
{
    struct my *m = s->priv;
    if (!m->in_posture && (m->probe == P_GRANTS || m->probe == P_END)) {
        my_step_end(m, LS_STEP_OK); /* the inventory ends here; the posture step goes on */
        return;
    }
    char sql[600];
    switch ((enum probe)m->probe) {
    case P_READ_ONLY: run(s, "SET SESSION TRANSACTION READ ONLY", NULL); return;
    case P_TIMEOUT: {
        unsigned ms = s->limits->io_timeout_ms ? s->limits->io_timeout_ms : 10000;
        if (m->post.mariadb)
            snprintf(sql, sizeof sql, "SET SESSION max_statement_time = %u.%03u", ms / 1000, ms % 1000);
        else
            snprintf(sql, sizeof sql, "SET SESSION max_execution_time = %u", ms);
        my_add_setup(m, sql);
        run(s, sql, NULL);
        return;
    }
    case P_VERSION:
        run(s,
            "SELECT VERSION(), CURRENT_USER(), @@GLOBAL.secure_file_priv IS NULL, "
            "IFNULL(@@GLOBAL.secure_file_priv, '') LIMIT 1",
            rows_version);
        return;
    case P_SCHEMATA:
        s->svc.ndatabases = 0;
        run(s,
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN " SYSTEM_SCHEMAS
            " LIMIT 100000",
            rows_schemata);
        return;
    case P_TABLES:
        snprintf(sql, sizeof sql,
                 "SELECT TABLE_SCHEMA, TABLE_NAME, IFNULL(ENGINE, ''), TABLE_ROWS, "
                 "IFNULL(DATA_LENGTH, 0) + IFNULL(INDEX_LENGTH, 0) FROM information_schema.TABLES "
                 "WHERE TABLE_SCHEMA NOT IN " SYSTEM_SCHEMAS " AND TABLE_TYPE <> 'VIEW' "
                 "ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT %u",
                 s->limits->max_tables + 1);
        run(s, sql, rows_tables);
        return;
    case P_COLUMNS:
        m->col_table = 0;
        snprintf(sql, sizeof sql,
                 "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
                 "WHERE TABLE_SCHEMA NOT IN " SYSTEM_SCHEMAS " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION "
                 "LIMIT %u",
                 MY_MAX_COLUMNS_LISTED);
        run(s, sql, rows_columns);
        return;
    case P_COUNTS:
        if (count_next(s))
            return;
        m->probe++;
        next_probe(s);
        return;
    case P_GRANTS:
        run(s, "SHOW GRANTS", rows_grants); /* the current user's grants: a handful of rows */
        return;
    case P_USERS:
        /* accounts whose password is empty; socket-authenticated ones need no password by design,
         * and MariaDB roles (is_role) cannot log in */
        run(s,
            m->post.mariadb ? "SELECT User, Host FROM mysql.user WHERE authentication_string = '' AND Password = '' "
                              "AND is_role = 'N' AND User <> 'mariadb.sys' "
                              "AND plugin NOT IN ('unix_socket', 'auth_socket', 'pam', 'gssapi') "
                              "LIMIT 50"
                            : "SELECT User, Host FROM mysql.user WHERE authentication_string = '' "
                              "AND plugin NOT IN ('auth_socket', 'authentication_pam', 'authentication_ldap_sasl') "
                              "AND account_locked = 'N' LIMIT 50",
            rows_users);
        return;
    case P_END: finish(s); return;
    }
}

void my_posture(struct ls_session *s, ls_step_cb done)
{
    struct my *m = s->priv;
    m->step_done = done;
    m->in_posture = true;
    next_probe(s);
}

void my_inventory(struct ls_session *s, ls_step_cb done)
{
    struct my *m = s->priv;
    m->step_done = done;
    m->in_posture = false;
    m->probe = P_READ_ONLY;
    m->count_i = 0;
    next_probe(s);
}
