/* Identity and posture probes of the blast radius (ch_blast.h): exact version, uptime, current
 * user (currentUser() or, on 18.x, the user of our own tagged query in system.processes),
 * effective settings, available table functions, and on RBAC-era servers grants, users, roles and
 * quotas. ch_posture_finish derives the account's capabilities (model/access.h) and its
 * ClickHouse facts (readonly, allow_ddl, the table functions that would run, settings) and runs
 * the honeypot consistency checks. Nothing here writes or calls a table
 * function. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/num.h"
#include "util/strbuf.h"

#include "engines/clickhouse/ch_blast.h"
#include "engines/clickhouse/ch_cves.h"
#include "engines/clickhouse/ch_note.h"

static struct ls_access *priv(struct ls_session *s)
{
    return &s->svc.access;
}

static void copy_cell(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (unsigned char)src[i] >= 0x20 && src[i] != 0x7f ? src[i] : '?';
    dst[n] = '\0';
}

/* ---- identity --------------------------------------------------------------------------------- */

static void rows_identity(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ch_blast *b = ch_blast_of(s);
    if (n < 3 || !lens[0])
        return;
    copy_cell(b->sql_version, sizeof b->sql_version, cells[0], lens[0]);
    long parts[4];
    if (ch_version_parse(b->sql_version, parts) < 2)
        return; /* not a version: honeypot_checks says so */
    copy_cell(s->svc.version, sizeof s->svc.version, cells[0], lens[0]);
    free(s->svc.version_source);
    s->svc.version_source = strdup("SELECT version()");
    uint64_t up;
    if (ls_parse_count(cells[1], strlen(cells[1]), &up)) {
        s->svc.uptime_s = up;
        s->svc.uptime_known = true;
    }
    if (lens[2] && !s->svc.timezone[0])
        copy_cell(s->svc.timezone, sizeof s->svc.timezone, cells[2], lens[2]);
    if (n >= 4 && lens[3] && !s->svc.display_name[0])
        copy_cell(s->svc.display_name, sizeof s->svc.display_name, cells[3], lens[3]);
}

static char *sql_arith(struct ls_session *s)
{
    struct ch_blast *b = ch_blast_of(s);
    char *sql = malloc(160);
    if (sql)
        snprintf(sql, 160, "SELECT toString(%" PRIu64 " * %" PRIu64 "), toString(%" PRIu64 " + %" PRIu64 ")", b->a,
                 b->b, b->a, b->c);
    return sql;
}

static void rows_arith(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ch_blast *b = ch_blast_of(s);
    if (n < 2)
        return;
    char want1[32], want2[32];
    snprintf(want1, sizeof want1, "%" PRIu64, b->a * b->b);
    snprintf(want2, sizeof want2, "%" PRIu64, b->a + b->c);
    b->arith_seen = true;
    b->arith_ok = strcmp(cells[0], want1) == 0 && strcmp(cells[1], want2) == 0;
    snprintf(b->arith_got, sizeof b->arith_got, "%.40s, %.40s", cells[0], cells[1]);
    (void)lens;
}

/* ---- who am I --------------------------------------------------------------------------------- */

static void rows_user(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    if (n >= 1 && lens[0] && !priv(s)->user[0])
        copy_cell(priv(s)->user, sizeof priv(s)->user, cells[0], lens[0]);
}

static void after_current_user(struct ls_session *s, bool ok, int code, const char *err)
{
    (void)s, (void)ok, (void)code, (void)err; /* code 46 on 18.x: the processes fallback follows */
}

static char *sql_whoami(struct ls_session *s)
{
    if (priv(s)->user[0])
        return NULL;
    char *sql = malloc(200);
    if (sql)
        snprintf(sql, 200, "SELECT user FROM system.processes WHERE query LIKE '%%leakscan-whoami-%s%%' LIMIT 1",
                 ch_blast_of(s)->nonce);
    return sql;
}

/* ---- settings --------------------------------------------------------------------------------- */

static void rows_settings(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ch_blast *b = ch_blast_of(s);
    (void)lens;
    if (n < 2)
        return;
    if (strcmp(cells[0], "readonly") == 0)
        b->readonly = atoi(cells[1]);
    else if (strcmp(cells[0], "allow_ddl") == 0)
        b->allow_ddl = atoi(cells[1]);
    else {
        char line[160];
        snprintf(line, sizeof line, "%.60s=%.80s", cells[0], cells[1]);
        ls_access_fact_list_add(priv(s), "settings", line);
    }
}

/* ---- RBAC ------------------------------------------------------------------------------------- */

/* The table functions that matter for an attacker (they read or write elsewhere), with the grant
 * that allows each on RBAC servers. */
static const char *const source_grants[][2] = {
    {"FILE", "file"},           {"URL", "url"},        {"REMOTE", "remote"},
    {"REMOTE", "remoteSecure"}, {"REMOTE", "cluster"}, {"MYSQL", "mysql"},
    {"POSTGRES", "postgresql"}, {"S3", "s3"},          {"S3", "s3Cluster"},
    {"HDFS", "hdfs"},           {"JDBC", "jdbc"},      {"ODBC", "odbc"},
    {"MONGO", "mongodb"},       {"SQLITE", "sqlite"},  {"AZURE", "azureBlobStorage"},
    {"SOURCES", "executable"},
};
#define NSOURCE_GRANTS (sizeof source_grants / sizeof *source_grants)
_Static_assert(NSOURCE_GRANTS + 1 <= CH_MAX_TF, "every dangerous table function and grant fits the probe state");

static bool dangerous_tf(const char *name, const char **grant);

/* Only the dangerous names are kept, so a modern server's ~90 table functions (26.x) never push
 * url or s3 past a cap; each is kept once. */
static void rows_table_functions(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ch_blast *b = ch_blast_of(s);
    const char *grant;
    b->tf_listed = true;
    if (n < 1 || !lens[0] || !dangerous_tf(cells[0], &grant))
        return;
    for (size_t i = 0; i < b->navailable_tf; i++)
        if (strcmp(b->available_tf[i], cells[0]) == 0)
            return;
    if (b->navailable_tf < CH_MAX_TF)
        b->available_tf[b->navailable_tf++] = strdup(cells[0]);
}

/* One granted privilege (an access type such as "INSERT" or "URL"), from either source. */
static void note_grant(struct ch_blast *b, const char *g)
{
    if (strcmp(g, "ALL") == 0)
        b->grant_all = true;
    else if (strcmp(g, "CREATE TEMPORARY TABLE") == 0 || strcmp(g, "CREATE") == 0)
        b->grant_tmp = true;
    if (strcmp(g, "INSERT") == 0 || strcmp(g, "ALTER") == 0 || strcmp(g, "ALTER TABLE") == 0)
        b->grant_write = true;
    if (strcmp(g, "CREATE") == 0 || strcmp(g, "DROP") == 0 || strcmp(g, "CREATE TABLE") == 0)
        b->grant_ddl = true;
    for (size_t i = 0; i < b->ngranted_sources; i++)
        if (strcmp(b->granted_sources[i], g) == 0)
            return;
    if (b->ngranted_sources < CH_MAX_TF)
        for (size_t i = 0; i < NSOURCE_GRANTS; i++)
            if (strcmp(g, source_grants[i][0]) == 0) {
                b->granted_sources[b->ngranted_sources++] = strdup(g);
                break;
            }
}

static void rows_grants(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ch_blast *b = ch_blast_of(s);
    (void)lens;
    b->rbac = true;
    b->grants_source = CH_GRANTS_TABLE;
    if (n >= 1)
        note_grant(b, cells[0]);
}

/* system.grants needs SHOW USERS and SHOW ROLES (access_management); 26.x refuses it with 497
 * ACCESS_DENIED otherwise, which says nothing about RBAC being absent: SHOW GRANTS (the current
 * user's own grants, no privilege needed) follows. Other failures (60 on 18.x: no such table)
 * mean a pre-RBAC server. */
#define CH_ACCESS_DENIED 497

static void after_grants(struct ls_session *s, bool ok, int code, const char *err)
{
    struct ch_blast *b = ch_blast_of(s);
    if (ok) {
        b->rbac = true;
        b->grants_source = CH_GRANTS_TABLE;
    } else if (code == CH_ACCESS_DENIED)
        b->grants_refused = true;
    else
        ls_service_add_unknown(&s->svc, "grants", err ? err : "query failed");
}

static char *sql_show_grants(struct ls_session *s)
{
    return ch_blast_of(s)->grants_refused ? strdup("SHOW GRANTS") : NULL;
}

/* One line of SHOW GRANTS, as the server formats it (docs: statements/grant.md):
 *   GRANT SELECT, INSERT, CREATE TEMPORARY TABLE, URL ON *.* TO default
 *   GRANT SELECT(id, name) ON db.t TO alice WITH GRANT OPTION
 *   GRANT analysts TO alice            (a role: its own grants are not listed here)
 * REVOKE lines (partial revokes of a narrower scope) are ignored, as the scope of grants is: like
 * the system.grants probe this asks which access types the account holds anywhere. */
static void rows_show_grants(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ch_blast *b = ch_blast_of(s);
    if (n < 1 || lens[0] < 7 || strncmp(cells[0], "GRANT ", 6) != 0)
        return;
    const char *p = cells[0] + 6, *end = cells[0] + lens[0], *on = NULL;
    int depth = 0;
    for (const char *q = p; q + 4 <= end && !on; q++) {
        if (*q == '(')
            depth++;
        else if (*q == ')' && depth > 0)
            depth--;
        else if (depth == 0 && strncmp(q, " ON ", 4) == 0)
            on = q;
    }
    if (!on)
        return; /* a role grant */
    b->rbac = true;
    b->grants_source = CH_GRANTS_SHOW;
    while (p < on) {
        const char *e = p;
        for (depth = 0; e < on && (depth > 0 || *e != ','); e++)
            depth += *e == '(' ? 1 : *e == ')' ? -1 : 0;
        const char *name_end = memchr(p, '(', (size_t)(e - p));
        if (!name_end)
            name_end = e;
        while (name_end > p && name_end[-1] == ' ')
            name_end--;
        char g[64];
        if (name_end > p && (size_t)(name_end - p) < sizeof g) {
            memcpy(g, p, (size_t)(name_end - p));
            g[name_end - p] = '\0';
            note_grant(b, g);
        }
        p = e < on ? e + 1 : on;
        while (p < on && *p == ' ')
            p++;
    }
}

static void after_show_grants(struct ls_session *s, bool ok, int code, const char *err)
{
    (void)code;
    if (!ok || !ch_blast_of(s)->rbac) {
        char why[300];
        snprintf(why, sizeof why, "system.grants refused (code 497) and SHOW GRANTS %s%.200s",
                 ok ? "listed no privilege" : "failed: ",
                 ok    ? ""
                 : err ? err
                       : "no reason");
        ls_service_add_unknown(&s->svc, "grants", why);
    }
}

static struct ls_table *sysobj(struct ls_session *s, const char *name)
{
    struct ls_table *t = ls_service_sysobj(&s->svc, "system", name);
    return t ? t : ls_service_add_sysobj(&s->svc, "system", name);
}

/* system.users: one row per account; passwordless ones reachable from anywhere are noted */
static void rows_users(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    struct ls_table *t = sysobj(s, "users");
    if (!t || n < 3)
        return;
    t->rows++;
    t->rows_known = true;
    if (strstr(cells[1], "no_password")) {
        char entry[220];
        snprintf(entry, sizeof entry, "%.60s (no password, from %.120s)", cells[0],
                 cells[2][0] ? cells[2] : "no listed address");
        ch_note_list_add(t, "passwordless: ", entry);
    }
}

static void rows_count_into(struct ls_session *s, const char *name, char **cells, size_t n)
{
    struct ls_table *t = sysobj(s, name);
    if (!t || n < 1)
        return;
    t->rows_known = ls_parse_count(cells[0], strlen(cells[0]), &t->rows);
}

static void rows_roles(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    rows_count_into(s, "roles", cells, n);
}

static void rows_quotas(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    rows_count_into(s, "quotas", cells, n);
}

const struct ch_probe ch_posture_probes[] = {
    {.what = "identity", .sql = "SELECT version(), toString(uptime()), timezone(), hostName()", .rows = rows_identity},
    {.what = "consistency check", .build = sql_arith, .rows = rows_arith},
    {.what = "current user",
     .sql = "SELECT currentUser()",
     .rows = rows_user,
     .after = after_current_user,
     .quiet = true},
    {.what = "current user", .build = sql_whoami, .rows = rows_user},
    {.what = "settings",
     .sql = "SELECT name, value FROM system.settings WHERE name IN ('readonly', 'allow_ddl', "
            "'allow_introspection_functions', 'log_queries', 'max_execution_time', 'max_result_rows', "
            "'max_memory_usage', 'max_rows_to_read') LIMIT 20",
     .rows = rows_settings,
     .unguarded = true},
    {.what = "table functions",
     .sql = "SELECT name FROM system.table_functions ORDER BY name LIMIT 200",
     .rows = rows_table_functions},
    {.what = "grants",
     .sql = "SELECT DISTINCT toString(access_type) FROM system.grants WHERE user_name = currentUser() OR role_name IN "
            "(SELECT granted_role_name FROM system.role_grants WHERE user_name = currentUser()) LIMIT 500",
     .rows = rows_grants,
     .after = after_grants,
     .quiet = true},
    {.what = "grants", .build = sql_show_grants, .rows = rows_show_grants, .after = after_show_grants, .quiet = true},
    {.what = "users",
     .sql = "SELECT name, toString(auth_type), arrayStringConcat(arrayConcat(host_ip, host_names), ',') "
            "FROM system.users LIMIT 200",
     .rows = rows_users},
    {.what = "roles", .sql = "SELECT toString(count()) FROM system.roles", .rows = rows_roles},
    {.what = "quotas", .sql = "SELECT toString(count()) FROM system.quotas", .rows = rows_quotas},
};
const size_t ch_posture_nprobes = sizeof ch_posture_probes / sizeof *ch_posture_probes;

/* ---- derivation ------------------------------------------------------------------------------- */

static bool granted_source(const struct ch_blast *b, const char *grant)
{
    for (size_t i = 0; i < b->ngranted_sources; i++)
        if (strcmp(b->granted_sources[i], grant) == 0 || strcmp(b->granted_sources[i], "SOURCES") == 0)
            return true;
    return false;
}

/* The table functions that matter for an attacker (reads/writes elsewhere). */
static bool dangerous_tf(const char *name, const char **grant)
{
    for (size_t i = 0; i < NSOURCE_GRANTS; i++)
        if (strcmp(name, source_grants[i][1]) == 0) {
            *grant = source_grants[i][0];
            return true;
        }
    return false;
}

static void suspect(struct ls_session *s, const char *reason)
{
    s->svc.honeypot.suspected = true;
    ls_strv_add(&s->svc.honeypot.reasons, &s->svc.honeypot.nreasons, reason);
}

static void honeypot_checks(struct ls_session *s)
{
    struct ch_blast *b = ch_blast_of(s);
    struct ch_state *st = s->priv;
    char line[300];
    if (b->arith_seen && !b->arith_ok) {
        snprintf(line, sizeof line, "computed %" PRIu64 "*%" PRIu64 " and %" PRIu64 "+%" PRIu64 " wrongly (got %s)",
                 b->a, b->b, b->a, b->c, b->arith_got);
        suspect(s, line);
    }
    long fv[4], sv[4];
    int fn = ch_version_parse(b->fp_version, fv), sn = ch_version_parse(b->sql_version, sv);
    if (b->sql_version[0] && sn < 2) {
        snprintf(line, sizeof line, "SELECT version() answered '%.60s', which is not a version", b->sql_version);
        suspect(s, line);
    }
    if (fn >= 2 && sn >= 2 && (fv[0] != sv[0] || fv[1] != sv[1])) {
        snprintf(line, sizeof line, "the protocol announced version %s but version() says %s", b->fp_version,
                 b->sql_version);
        suspect(s, line);
    }
    /* the HTTP header set is a version oracle (reference §1.2) */
    const char *v = sn >= 2 ? b->sql_version : s->svc.version;
    long vv[4];
    int vn = ch_version_parse(v, vv);
    if (st->http_seen && vn >= 2) {
        bool modern = vv[0] > 20 || (vv[0] == 20 && vv[1] >= 4);
        bool old = vv[0] < 19;
        if (modern && !(st->http_headers & CH_HDR_TIMEZONE)) {
            snprintf(line, sizeof line, "claims version %s but sends no X-ClickHouse-Timezone header (20.3+)", v);
            suspect(s, line);
        }
        if (old && (st->http_headers & (CH_HDR_QUERY_ID | CH_HDR_SUMMARY | CH_HDR_TIMEZONE))) {
            snprintf(line, sizeof line, "claims version %s but sends X-ClickHouse headers of 19.x and later", v);
            suspect(s, line);
        }
    }
    if (s->svc.uptime_known && vn >= 1 && s->svc.uptime_s > 20ull * 365 * 86400)
        suspect(s, "reports an uptime of more than 20 years");
}

static bool has_tf(const struct ls_fact *tf, const char *const *names)
{
    for (size_t i = 0; tf && i < tf->nlist; i++)
        for (const char *const *n = names; *n; n++)
            if (strcmp(tf->list[i], *n) == 0)
                return true;
    return false;
}

/* Capabilities from the facts: writes and DDL from the profile and grants; server files, code
 * and other hosts from the table functions that would run. */
static void derive_caps(struct ls_access *a, const struct ch_blast *b, enum ls_tri can_write, enum ls_tri can_ddl)
{
    char ev[120];
    snprintf(ev, sizeof ev, "readonly=%d", b->readonly);
    ls_access_cap(a, LS_CAP_READ, b->readonly >= 0 ? LS_TRI_YES : LS_TRI_UNKNOWN,
                  b->readonly >= 0 ? "system.settings and the tables answered" : NULL);
    ls_access_cap(a, LS_CAP_WRITE, can_write, can_write == LS_TRI_YES ? ev : NULL);
    if (b->allow_ddl >= 0)
        snprintf(ev, sizeof ev, "readonly=%d, allow_ddl=%d", b->readonly, b->allow_ddl);
    ls_access_cap(a, LS_CAP_SCHEMA, can_ddl, can_ddl == LS_TRI_YES ? ev : NULL);
    const struct ls_fact *tf = ls_access_fact(a, "table_functions");
    if (!tf || !tf->known)
        return;
    static const char *const files[] = {"file", NULL}, *const code[] = {"executable", NULL};
    static const char *const hosts[] = {"url",        "remote",  "remoteSecure",     "cluster", "mysql",
                                        "postgresql", "s3",      "s3Cluster",        "hdfs",    "jdbc",
                                        "odbc",       "mongodb", "azureBlobStorage", NULL};
    ls_access_cap(a, LS_CAP_READ_FILES, has_tf(tf, files) ? LS_TRI_YES : LS_TRI_NO,
                  has_tf(tf, files) ? "the file() table function would run" : NULL);
    ls_access_cap(a, LS_CAP_RUN_CODE, has_tf(tf, code) ? LS_TRI_YES : LS_TRI_UNKNOWN,
                  has_tf(tf, code) ? "the executable() table function would run (scripts in user_scripts_path)" : NULL);
    ls_access_cap(a, LS_CAP_REACH_HOSTS, has_tf(tf, hosts) ? LS_TRI_YES : LS_TRI_NO,
                  has_tf(tf, hosts) ? "url(), remote() or similar table functions would run (SSRF)" : NULL);
}

void ch_posture_finish(struct ls_session *s)
{
    struct ch_blast *b = ch_blast_of(s);
    struct ls_access *p = priv(s);
    enum ls_tri can_write = LS_TRI_UNKNOWN, can_ddl = LS_TRI_UNKNOWN;
    ls_access_fact_int(p, "readonly", b->readonly >= 0, b->readonly);
    ls_access_fact_int(p, "allow_ddl", b->allow_ddl >= 0, b->allow_ddl);
    ls_access_fact_list(p, "table_functions", false);
    ls_access_fact_list(p, "settings", true);
    char basis[400];
    struct ls_strbuf bb;
    ls_sb_init(&bb, basis, sizeof basis);
    if (b->readonly >= 0) {
        bool rbac_restricts = b->rbac && !b->grant_all;
        bool grants_unknown = b->grants_refused && !b->rbac; /* RBAC server, neither source answered */
        can_write = b->readonly != 0 ? LS_TRI_NO
                    : grants_unknown ? LS_TRI_UNKNOWN
                    : rbac_restricts ? (b->grant_write ? LS_TRI_YES : LS_TRI_NO)
                                     : LS_TRI_YES;
        can_ddl = b->readonly != 0 || b->allow_ddl == 0 ? LS_TRI_NO
                  : grants_unknown                      ? LS_TRI_UNKNOWN
                  : rbac_restricts                      ? (b->grant_ddl ? LS_TRI_YES : LS_TRI_NO)
                                                        : (b->allow_ddl == 1 ? LS_TRI_YES : LS_TRI_UNKNOWN);
        ls_sb_printf(&bb, "profile readonly=%d", b->readonly);
        if (b->allow_ddl >= 0)
            ls_sb_printf(&bb, ", allow_ddl=%d", b->allow_ddl);
        if (b->tf_listed && b->readonly != 1 && !grants_unknown) {
            ls_access_fact_list(p, "table_functions", true);
            for (size_t i = 0; i < b->navailable_tf; i++) {
                const char *grant;
                if (!b->available_tf[i] || !dangerous_tf(b->available_tf[i], &grant))
                    continue;
                if (rbac_restricts && !(b->grant_tmp && granted_source(b, grant)))
                    continue;
                ls_access_fact_list_add(p, "table_functions", b->available_tf[i]);
            }
        } else if (b->readonly == 1)
            ls_access_fact_list(p, "table_functions", true); /* none: forbidden in readonly=1 */
        static const char *const source[] = {[CH_GRANTS_NONE] = "",
                                             [CH_GRANTS_TABLE] = " in system.grants",
                                             [CH_GRANTS_SHOW] = " by SHOW GRANTS (system.grants refused: code 497)"};
        if (b->rbac)
            ls_sb_printf(&bb, "; %s%s", b->grant_all ? "grants: ALL" : "grants listed", source[b->grants_source]);
        else
            ls_sb_printf(&bb, "%s",
                         grants_unknown ? "; grants unknown (system.grants refused: code 497, SHOW GRANTS failed)"
                                        : "; no system.grants (pre-RBAC server: no per-source grants)");
        if (b->readonly == 1)
            ls_sb_printf(&bb, "; table functions are forbidden at readonly=1");
        else if (b->tf_listed)
            ls_sb_printf(&bb, "; table functions from system.table_functions");
        ls_access_basis(p, basis);
    }
    derive_caps(p, b, can_write, can_ddl);
    honeypot_checks(s);
}
