/* Unit tests of the blast-radius probe runner and the privilege derivation over a scripted fake
 * transport (no server): an RBAC-era server (grants decide which table functions would run,
 * passwordless users), a server whose answers are inconsistent (honeypot), and one that stops
 * answering (the remaining steps become one `unknown`, not a wait per step); a 26.x server that
 * refuses system.grants (SHOW GRANTS instead) and lists more passwordless accounts than a note
 * holds. The labs' accounts cannot reach every RBAC branch, so this is where they are exercised. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/clickhouse/ch_blast.h"
#include "engines/clickhouse/ch_note.h"

/* One scripted answer: the first rule whose `match` occurs in the SQL answers it. */
struct answer {
    const char *match;
    int code;               /* != 0: fail with this ClickHouse error code; -1: fail without one */
    const char *rows[8][4]; /* up to 8 rows of up to 4 cells, NULL-terminated */
};

struct fake {
    struct ch_state st; /* first, as the engines do */
    const struct answer *answers;
    bool wrong_arithmetic;
    unsigned queries;
    const char *const *list; /* extra rows (cells separated by tabs) for the answer matching list_match */
    const char *list_match;
};

static void fake_query(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done)
{
    struct fake *f = s->priv;
    f->queries++;
    uint64_t a, b, c;
    if (sscanf(sql, "SELECT toString(%" SCNu64 " * %" SCNu64 "), toString(%*u + %" SCNu64 ")", &a, &b, &c) == 3) {
        char p[32], q[32];
        snprintf(p, sizeof p, "%" PRIu64, a * b + (f->wrong_arithmetic ? 1 : 0));
        snprintf(q, sizeof q, "%" PRIu64, a + c);
        char *cells[2] = {p, q};
        size_t lens[2] = {strlen(p), strlen(q)};
        rows(s, cells, lens, 2);
        done(s, true, 0, NULL);
        return;
    }
    for (const struct answer *an = f->answers; an->match; an++) {
        if (!strstr(sql, an->match))
            continue;
        if (an->code) {
            char err[80];
            snprintf(err, sizeof err, "Code: %d. DB::Exception: scripted failure", an->code);
            done(s, false, an->code > 0 ? an->code : 0, an->code > 0 ? err : "timed out");
            return;
        }
        for (const char *const *l = f->list; f->list_match && strstr(sql, f->list_match) && *l; l++) {
            char line[256], *cells[4];
            size_t lens[4], n = 0;
            snprintf(line, sizeof line, "%s", *l);
            for (char *cell = line; cell && n < 4; n++) { /* tab-separated cells */
                cells[n] = cell;
                cell = strchr(cell, '\t');
                if (cell)
                    *cell++ = '\0';
                lens[n] = strlen(cells[n]);
            }
            rows(s, cells, lens, n);
        }
        for (int r = 0; r < 8 && an->rows[r][0]; r++) {
            char *cells[4];
            size_t lens[4], n = 0;
            for (; n < 4 && an->rows[r][n]; n++) {
                cells[n] = (char *)an->rows[r][n];
                lens[n] = strlen(cells[n]);
            }
            rows(s, cells, lens, n);
        }
        done(s, true, 0, NULL);
        return;
    }
    done(s, false, 60, "Code: 60. Table doesn't exist.");
}

static const struct ch_transport fake_tx = {.query = fake_query, .query_unguarded = fake_query};

static struct ls_scan_limits limits;
static bool finished;

static void then(struct ls_session *s)
{
    (void)s;
    finished = true;
}

static void run(struct ls_session *s, struct fake *f, const char *fp_version)
{
    memset(s, 0, sizeof *s);
    s->limits = &limits;
    s->priv = f;
    f->st.tx = &fake_tx;
    snprintf(s->svc.version, sizeof s->svc.version, "%s", fp_version);
    finished = false;
    ch_blast_run(s, then);
    assert_true(finished);
}

static const struct ls_fact *fact(const struct ls_session *s, const char *key)
{
    const struct ls_fact *f = ls_access_fact(&s->svc.access, key);
    assert_non_null(f);
    return f;
}

static bool has(char **v, size_t n, const char *x)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], x) == 0)
            return true;
    return false;
}

static const struct answer rbac[] = {
    {"version()", 0, {{"23.8.2.7", "3600", "UTC", "ch-1"}}},
    {"system.grants", 0, {{"SELECT"}, {"INSERT"}, {"CREATE TEMPORARY TABLE"}, {"URL"}}}, /* before currentUser() */
    {"currentUser()", 0, {{"alice"}}},
    {"system.settings", 0, {{"readonly", "0"}, {"allow_ddl", "1"}, {"max_execution_time", "30"}}},
    {"system.table_functions", 0, {{"file"}, {"numbers"}, {"remote"}, {"url"}}},
    {"system.users", 0, {{"alice", "sha256_password", "::/0"}, {"guest", "no_password", "::/0"}}},
    {"system.roles", 0, {{"2"}}},
    {"system.quotas", 0, {{"1"}}},
    {"system.clusters", 0, {{"prod", "ch-2.internal", "10.0.0.2", "9000"}}},
    {NULL, 0, {{NULL}}},
};

static void test_rbac_server(void **state)
{
    (void)state;
    struct ls_session s;
    struct fake f = {.answers = rbac};
    run(&s, &f, "23.8.2");
    const struct ls_access *p = &s.svc.access;
    assert_true(p->assessed);
    assert_string_equal(p->user, "alice");
    assert_int_equal(fact(&s, "readonly")->num, 0);
    assert_int_equal(ls_access_cap_value(p, LS_CAP_WRITE), LS_TRI_YES); /* INSERT granted */
    assert_int_equal(ls_access_cap_value(p, LS_CAP_SCHEMA), LS_TRI_NO); /* no CREATE/DROP grant */
    /* url(): CREATE TEMPORARY TABLE + URL granted; file()/remote(): not granted; numbers: harmless */
    const struct ls_fact *tf = fact(&s, "table_functions");
    assert_int_equal(tf->nlist, 1);
    assert_true(has(tf->list, tf->nlist, "url"));
    assert_int_equal(ls_access_cap_value(p, LS_CAP_REACH_HOSTS), LS_TRI_YES);
    assert_int_equal(ls_access_cap_value(p, LS_CAP_READ_FILES), LS_TRI_NO); /* file() not granted */
    const struct ls_fact *set = fact(&s, "settings");
    assert_true(has(set->list, set->nlist, "max_execution_time=30"));
    assert_string_equal(s.svc.version, "23.8.2.7");
    assert_true(s.svc.uptime_known && s.svc.uptime_s == 3600);
    const struct ls_table *users = ls_service_sysobj(&s.svc, "system", "users");
    assert_non_null(users);
    assert_int_equal(users->rows, 2);
    assert_non_null(users->note);
    assert_non_null(strstr(users->note, "guest"));
    assert_null(strstr(users->note, "alice"));
    assert_int_equal(ls_service_sysobj(&s.svc, "system", "roles")->rows, 2);
    assert_non_null(strstr(ls_service_sysobj(&s.svc, "system", "clusters")->note, "ch-2.internal (10.0.0.2):9000"));
    if (s.svc.honeypot.suspected)
        fail_msg("suspected: %s", s.svc.honeypot.reasons[0]);
    /* the whoami fallback was not needed; the missing tables are unknown with reasons */
    bool qlog = false;
    for (size_t i = 0; i < s.svc.nunknowns; i++) {
        assert_string_not_equal(s.svc.unknowns[i].what, "current user");
        qlog |= strcmp(s.svc.unknowns[i].what, "system.query_log") == 0;
    }
    assert_true(qlog);
    ch_blast_free(&f.st);
    ls_service_free(&s.svc);
}

static const struct answer old_server[] = {
    {"version()", 0, {{"18.16.1", "60", "UTC", "ch-old"}}},
    {"currentUser()", 46, {{NULL}}},
    {"leakscan-whoami-", 0, {{"default"}}},
    {"system.settings", 0, {{"readonly", "2"}, {"allow_ddl", "0"}}},
    {"system.table_functions", 0, {{"file"}, {"url"}, {"remote"}}},
    {NULL, 0, {{NULL}}},
};

static void test_old_server_readonly2(void **state)
{
    (void)state;
    struct ls_session s;
    struct fake f = {.answers = old_server};
    run(&s, &f, "18.16.1");
    const struct ls_access *p = &s.svc.access;
    assert_string_equal(p->user, "default");                           /* from system.processes */
    assert_int_equal(ls_access_cap_value(p, LS_CAP_WRITE), LS_TRI_NO); /* readonly=2 */
    assert_int_equal(ls_access_cap_value(p, LS_CAP_SCHEMA), LS_TRI_NO);
    assert_int_equal(fact(&s, "table_functions")->nlist, 3); /* readonly=2 allows table functions, no RBAC */
    assert_int_equal(ls_access_cap_value(p, LS_CAP_READ_FILES), LS_TRI_YES);
    ch_blast_free(&f.st);
    ls_service_free(&s.svc);
}

/* A 26.x server lists about 90 table functions; the dangerous ones sort after the 64th name
 * (issue 18): every one must still be found. */
#define PAD(n) "aaPad" #n
static const char *const many_tf[] = {
    PAD(00),      PAD(01), PAD(02),      PAD(03),  PAD(04),        PAD(05), PAD(06),     PAD(07),  PAD(08), PAD(09),
    PAD(10),      PAD(11), PAD(12),      PAD(13),  PAD(14),        PAD(15), PAD(16),     PAD(17),  PAD(18), PAD(19),
    PAD(20),      PAD(21), PAD(22),      PAD(23),  PAD(24),        PAD(25), PAD(26),     PAD(27),  PAD(28), PAD(29),
    PAD(30),      PAD(31), PAD(32),      PAD(33),  PAD(34),        PAD(35), PAD(36),     PAD(37),  PAD(38), PAD(39),
    PAD(40),      PAD(41), PAD(42),      PAD(43),  PAD(44),        PAD(45), PAD(46),     PAD(47),  PAD(48), PAD(49),
    PAD(50),      PAD(51), PAD(52),      PAD(53),  PAD(54),        PAD(55), PAD(56),     PAD(57),  PAD(58), PAD(59),
    PAD(60),      PAD(61), PAD(62),      PAD(63),  PAD(64),        PAD(65), PAD(66),     PAD(67),  PAD(68), PAD(69),
    "numbers",    "odbc",  "postgresql", "remote", "remoteSecure", "s3",    "s3Cluster", "sqlite", "url",   "url",
    "urlCluster", "zeros", NULL};

static const struct answer modern[] = {
    {"version()", 0, {{"26.7.2.1", "100", "UTC", "ch-26"}}},
    {"system.grants", 0, {{"ALL"}}}, /* before currentUser(), which its SQL contains */
    {"currentUser()", 0, {{"default"}}},
    {"system.settings", 0, {{"readonly", "0"}, {"allow_ddl", "1"}}},
    {"system.table_functions", 0, {{NULL}}},
    {NULL, 0, {{NULL}}},
};

static void test_modern_many_table_functions(void **state)
{
    (void)state;
    struct ls_session s;
    struct fake f = {.answers = modern, .list = many_tf, .list_match = "system.table_functions"};
    run(&s, &f, "26.7.2");
    const struct ls_fact *tf = fact(&s, "table_functions");
    static const char *const want[] = {"odbc", "postgresql", "remote", "remoteSecure",
                                       "s3",   "s3Cluster",  "sqlite", "url"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!has(tf->list, tf->nlist, want[i]))
            fail_msg("%s missing from table_functions (%zu: %s)", want[i], tf->nlist, tf->nlist ? tf->list[0] : "");
    assert_int_equal(tf->nlist, sizeof want / sizeof *want); /* url listed twice is kept once */
    assert_int_equal(ls_access_cap_value(&s.svc.access, LS_CAP_REACH_HOSTS), LS_TRI_YES);
    ch_blast_free(&f.st);
    ls_service_free(&s.svc);
}

static void test_inconsistent_server(void **state)
{
    (void)state;
    struct ls_session s;
    struct fake f = {.answers = rbac, .wrong_arithmetic = true};
    run(&s, &f, "18.16.1"); /* the hello said 18.16, version() says 23.8 */
    assert_true(s.svc.honeypot.suspected);
    assert_int_equal(s.svc.honeypot.nreasons, 2);
    ch_blast_free(&f.st);
    ls_service_free(&s.svc);
}

static const struct answer silent[] = {{"SELECT", -1, {{NULL}}}, {NULL, 0, {{NULL}}}};

static void test_silent_server(void **state)
{
    (void)state;
    struct ls_session s;
    struct fake f = {.answers = silent};
    run(&s, &f, "18.16.1");
    /* identity fails, the (scripted) arithmetic answers, currentUser() and the whoami fallback
     * fail: two silent failures in a row end it */
    assert_int_equal(f.queries, 4);
    assert_int_equal(s.svc.nunknowns, 3);
    assert_string_equal(s.svc.unknowns[2].what, "remaining blast-radius steps");
    assert_non_null(strstr(s.svc.unknowns[2].reason, "timed out"));
    assert_int_equal(ls_access_cap_value(&s.svc.access, LS_CAP_WRITE), LS_TRI_UNKNOWN);
    ch_blast_free(&f.st);
    ls_service_free(&s.svc);
}

/* 14 passwordless accounts (issue 18): the note separates every entry and counts what no longer
 * fits instead of gluing names together and dropping the rest. */
static const char *const many_users[] = {"analyst\tno_password\t::/0",    "etl_loader\tno_password\t::/0",
                                         "grafana\tno_password\t::/0",    "metabase\tno_password\t::/0",
                                         "superset\tno_password\t::/0",   "airflow\tno_password\t::/0",
                                         "dbt_runner\tno_password\t::/0", "jupyter\tno_password\t::/0",
                                         "tableau\tno_password\t::/0",    "looker\tno_password\t::/0",
                                         "reporting\tno_password\t::/0",  "debezium\tno_password\t::/0",
                                         "viewer\tno_password\t::/0",     "intern\tno_password\t10.0.0.0/8,::1",
                                         "admin\tsha256_password\t::/0",  NULL};

static const struct answer modern_users[] = {
    {"version()", 0, {{"26.7.2.1", "100", "UTC", "ch-26"}}},
    {"system.grants", 0, {{"ALL"}}},
    {"currentUser()", 0, {{"default"}}},
    {"system.settings", 0, {{"readonly", "0"}, {"allow_ddl", "1"}}},
    {"system.users", 0, {{NULL}}}, /* the rows come from many_users */
    {NULL, 0, {{NULL}}},
};

static void test_many_passwordless_users(void **state)
{
    (void)state;
    struct ls_session s;
    struct fake f = {.answers = modern_users, .list = many_users, .list_match = "system.users"};
    run(&s, &f, "26.7.2");
    const struct ls_table *users = ls_service_sysobj(&s.svc, "system", "users");
    assert_non_null(users);
    assert_int_equal(users->rows, 15);
    const char *note = users->note;
    assert_non_null(note);
    assert_true(strncmp(note, "passwordless: ", 14) == 0);
    for (const char *c = strchr(note, ')'); c; c = strchr(c + 1, ')')) /* no glued entries */
        assert_true(c[1] == '\0' || strncmp(c + 1, ", ", 2) == 0);
    assert_null(strstr(note, "admin"));
    /* every listed entry is separated from the next by ", "; the unlisted ones are counted */
    size_t listed = 0;
    for (const char *const *u = many_users; *u; u++) {
        char name[32], entry[96];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(*u, "\t"), *u);
        if (strcmp(name, "admin") == 0)
            continue;
        snprintf(entry, sizeof entry, "%s (no password, from ", name);
        const char *at = strstr(note, entry);
        if (!at)
            continue;
        assert_true(at == note + 14 || strncmp(at - 2, ", ", 2) == 0);
        const char *close = strchr(at, ')');
        assert_non_null(close);
        assert_true(close[1] == '\0' || strncmp(close + 1, ", ", 2) == 0);
        listed++;
    }
    unsigned long more = 0;
    const char *tail = strstr(note, ", and ");
    if (tail)
        assert_int_equal(sscanf(tail, ", and %lu more", &more), 1);
    assert_true(listed >= 5);
    if (listed + more != 14)
        fail_msg("%zu listed + %lu counted != 14 passwordless accounts: %s", listed, more, note);
    assert_true(strlen(note) <= CH_NOTE_LIST_MAX);
    ch_blast_free(&f.st);
    ls_service_free(&s.svc);
}

/* 26.x refuses system.grants without access_management (code 497, "Not enough privileges"); the
 * account's own grants come from SHOW GRANTS and still decide which table functions would run. */
static const struct answer refused_grants[] = {
    {"version()", 0, {{"26.7.2.1", "100", "UTC", "ch-26"}}},
    {"system.grants", 497, {{NULL}}}, /* before currentUser(), which its SQL contains */
    {"SHOW GRANTS",
     0,
     {{"GRANT SELECT, INSERT, CREATE TEMPORARY TABLE, URL ON *.* TO default"},
      {"GRANT SELECT(id, name), S3 ON db.t TO default WITH GRANT OPTION"},
      {"GRANT analysts TO default"},
      {"REVOKE FILE ON secret.* FROM default"}}},
    {"currentUser()", 0, {{"default"}}},
    {"system.settings", 0, {{"readonly", "0"}, {"allow_ddl", "1"}}},
    {"system.table_functions", 0, {{"file"}, {"numbers"}, {"remote"}, {"s3"}, {"url"}}},
    {NULL, 0, {{NULL}}},
};

static void test_grants_refused_show_grants(void **state)
{
    (void)state;
    struct ls_session s;
    struct fake f = {.answers = refused_grants};
    run(&s, &f, "26.7.2");
    const struct ls_access *p = &s.svc.access;
    const struct ls_fact *tf = fact(&s, "table_functions");
    assert_true(tf->known);
    assert_true(has(tf->list, tf->nlist, "url"));
    assert_true(has(tf->list, tf->nlist, "s3"));
    assert_int_equal(tf->nlist, 2);                                     /* file() and remote() not granted */
    assert_int_equal(ls_access_cap_value(p, LS_CAP_WRITE), LS_TRI_YES); /* INSERT */
    assert_int_equal(ls_access_cap_value(p, LS_CAP_SCHEMA), LS_TRI_NO); /* no CREATE/DROP */
    assert_int_equal(ls_access_cap_value(p, LS_CAP_READ_FILES), LS_TRI_NO);
    assert_int_equal(ls_access_cap_value(p, LS_CAP_REACH_HOSTS), LS_TRI_YES);
    assert_non_null(p->basis);
    assert_non_null(strstr(p->basis, "SHOW GRANTS"));
    assert_null(strstr(p->basis, "pre-RBAC"));
    for (size_t i = 0; i < s.svc.nunknowns; i++)
        assert_string_not_equal(s.svc.unknowns[i].what, "grants");
    ch_blast_free(&f.st);
    ls_service_free(&s.svc);
}

/* Both refused: the grants are unknown, so are writes and the table functions (not "pre-RBAC"). */
static const struct answer no_grants[] = {
    {"version()", 0, {{"26.7.2.1", "100", "UTC", "ch-26"}}},
    {"system.grants", 497, {{NULL}}},
    {"SHOW GRANTS", 497, {{NULL}}},
    {"currentUser()", 0, {{"default"}}},
    {"system.settings", 0, {{"readonly", "0"}, {"allow_ddl", "1"}}},
    {"system.table_functions", 0, {{"file"}, {"url"}}},
    {NULL, 0, {{NULL}}},
};

static void test_grants_unknown(void **state)
{
    (void)state;
    struct ls_session s;
    struct fake f = {.answers = no_grants};
    run(&s, &f, "26.7.2");
    const struct ls_access *p = &s.svc.access;
    assert_int_equal(ls_access_cap_value(p, LS_CAP_WRITE), LS_TRI_UNKNOWN);
    assert_int_equal(ls_access_cap_value(p, LS_CAP_REACH_HOSTS), LS_TRI_UNKNOWN);
    assert_false(fact(&s, "table_functions")->known);
    assert_null(strstr(p->basis, "pre-RBAC"));
    bool grants = false;
    for (size_t i = 0; i < s.svc.nunknowns; i++)
        grants |= strcmp(s.svc.unknowns[i].what, "grants") == 0 && strstr(s.svc.unknowns[i].reason, "SHOW GRANTS");
    assert_true(grants);
    ch_blast_free(&f.st);
    ls_service_free(&s.svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rbac_server),
        cmocka_unit_test(test_old_server_readonly2),
        cmocka_unit_test(test_modern_many_table_functions),
        cmocka_unit_test(test_inconsistent_server),
        cmocka_unit_test(test_silent_server),
        cmocka_unit_test(test_many_passwordless_users),
        cmocka_unit_test(test_grants_refused_show_grants),
        cmocka_unit_test(test_grants_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
