/* Blast-radius risks and remediation for ClickHouse (README "Severity and remediation model"):
 * what the account could do (writes, DDL, table functions), credentials in definitions and system
 * objects, topology leaks, passwordless accounts, ransom notes, known CVEs of the detected
 * version, and the honeypot cap. Called by ch_assess after the base exposure risks. */
#include <stdio.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/clickhouse/ch_blast.h"
#include "engines/clickhouse/ch_cves.h"
#include "util/fmt.h"
#include "util/strbuf.h"

static bool has_tf(const struct ls_fact *tf, const char *name)
{
    for (size_t i = 0; tf && i < tf->nlist; i++)
        if (strcmp(tf->list[i], name) == 0)
            return true;
    return false;
}

static size_t secrets_in(const struct ls_table *t, size_t n, bool only_definitions)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < t[i].nsecrets; j++)
            if (!only_definitions ||
                (t[i].secrets[j].column && strcmp(t[i].secrets[j].column, "create_table_query") == 0))
                k++;
    return k;
}

/* What to rotate, bounded: per table and rule, "rule sha256:abcdef012345… in db.t" for a few
 * distinct secrets, or "2,000 rule values in db.t" for many (their fingerprints are in the secret
 * records). A fingerprint listed once is not repeated. */
#define ROTATION_INLINE 3
static bool rule_done(const struct ls_table *t, size_t j)
{
    for (size_t k = 0; k < j; k++)
        if (strcmp(t->secrets[k].rule, t->secrets[j].rule) == 0)
            return true;
    return false;
}

static void rotation_list(const struct ls_service *svc, char *out, size_t cap)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, cap);
    size_t listed = 0, total = svc->ntables + svc->nsysobjs;
    for (size_t i = 0; i < total && !b.truncated; i++) {
        const struct ls_table *t = i < svc->ntables ? &svc->tables[i] : &svc->sysobjs[i - svc->ntables];
        for (size_t j = 0; j < t->nsecrets && !b.truncated; j++) {
            const struct ls_secret *sec = &t->secrets[j];
            if (rule_done(t, j))
                continue;
            size_t same = 0;
            for (size_t k = j; k < t->nsecrets; k++)
                same += strcmp(t->secrets[k].rule, sec->rule) == 0;
            char num[LS_FMT_NUM];
            if (same > ROTATION_INLINE) {
                ls_sb_printf(&b, "%s%s %s values in %s.%s", listed++ ? ", " : "", ls_fmt_thousands(same, num),
                             sec->rule, t->database, t->name);
                continue;
            }
            for (size_t k = j; k < t->nsecrets && !b.truncated; k++) {
                const struct ls_secret *o = &t->secrets[k];
                char fp[24];
                snprintf(fp, sizeof fp, "%.19s", o->fingerprint);
                if (strcmp(o->rule, sec->rule) != 0 || strstr(out, fp))
                    continue;
                ls_sb_printf(&b, "%s%s %s… in %s.%s", listed++ ? ", " : "", o->rule, fp, t->database, t->name);
            }
        }
    }
    ls_sb_mark_cut(&b, ", …");
}

static void cve_risks(struct ls_service *svc)
{
    size_t n;
    const struct ls_cve *c = ch_cves(&n);
    ls_cve_add_risks(svc, c, n, "", 0);
}

static void exposed_risks(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    const struct ls_access *p = &svc->access;
    const struct ls_fact *tf = ls_access_fact(p, "table_functions");
    size_t ntf = tf ? tf->nlist : 0;
    int readonly = ch_access_readonly(svc);
    char ev[600];

    if (ls_access_cap_value(p, LS_CAP_WRITE) == LS_TRI_YES) {
        snprintf(ev, sizeof ev, "effective settings of '%s': %s", p->user[0] ? p->user : "default",
                 p->basis ? p->basis : "readonly=0");
        ls_service_add_risk(svc, "CH-WRITE", LS_SEV_HIGH,
                            ls_access_cap_value(p, LS_CAP_SCHEMA) == LS_TRI_YES
                                ? "Anyone can insert, alter, drop tables and databases"
                                : "Anyone can insert and alter data",
                            ev);
        ls_raise_severity(svc, LS_SEV_HIGH);
    } else if (readonly == 1) {
        ls_service_add_risk(svc, "CH-READONLY", LS_SEV_INFO,
                            "The open account is readonly=1: no writes, no DDL, no table functions (reads remain)",
                            p->basis ? p->basis : "readonly=1");
    }
    if (ntf) {
        struct ls_strbuf b;
        ls_sb_init(&b, ev, sizeof ev);
        for (size_t i = 0; i < ntf; i++)
            ls_sb_printf(&b, "%s%s()", i ? ", " : "", tf->list[i]);
        ls_sb_printf(&b, " would run (derived from readonly=%d and the catalog; none was called)", readonly);
        bool ssrf = has_tf(tf, "url") || has_tf(tf, "remote") || has_tf(tf, "s3") || has_tf(tf, "mysql") ||
                    has_tf(tf, "postgresql");
        ls_service_add_risk(svc, "CH-TABLE-FUNCTIONS", LS_SEV_HIGH,
                            ssrf ? "Table functions reach other hosts from the server (SSRF, lateral movement) and "
                                   "read files under user_files_path"
                                 : "Table functions read files or external sources from the server",
                            ev);
        ls_raise_severity(svc, LS_SEV_HIGH);
    }
    size_t def = secrets_in(svc->tables, svc->ntables, true);
    if (def) {
        snprintf(ev, sizeof ev,
                 "%zu credential%s in create_table_query of external-engine tables (see the secret "
                 "records, column create_table_query)",
                 def, def == 1 ? "" : "s");
        ls_service_add_risk(svc, "CH-EXTERNAL-CREDENTIALS", LS_SEV_CRITICAL,
                            "Credentials of other systems are readable in table definitions", ev);
        ls_raise_severity(svc, LS_SEV_CRITICAL);
    }
    for (size_t i = 0; i < svc->nsysobjs; i++) {
        const struct ls_table *t = &svc->sysobjs[i];
        char id[64], title[300];
        if (t->nsecrets) {
            snprintf(ev, sizeof ev, "%zu distinct secret%s in %s.%s (see the secret records)", t->nsecrets,
                     t->nsecrets == 1 ? "" : "s", t->database, t->name);
            snprintf(title, sizeof title, "Credentials are readable in %s.%s", t->database, t->name);
            ls_service_add_risk(svc, "CH-SYSTEM-SECRETS", LS_SEV_CRITICAL, title, ev);
            ls_raise_severity(svc, LS_SEV_CRITICAL);
        }
        if (strcmp(t->name, "query_log") == 0 && t->rows) {
            snprintf(ev, sizeof ev, "%s", t->note ? t->note : "entries present");
            ls_service_add_risk(svc, "CH-QUERY-LOG", LS_SEV_MEDIUM,
                                "Everyone's past queries (with their literals) are readable in system.query_log", ev);
            ls_raise_severity(svc, LS_SEV_MEDIUM);
        } else if (strcmp(t->name, "clusters") == 0 && t->rows) {
            snprintf(id, sizeof id, "CH-TOPOLOGY");
            ls_service_add_risk(svc, id, LS_SEV_MEDIUM, "Internal hosts and ports of other cluster nodes are revealed",
                                t->note ? t->note : "");
            ls_raise_severity(svc, LS_SEV_MEDIUM);
        } else if (strcmp(t->name, "users") == 0 && t->note) {
            ls_service_add_risk(svc, "CH-PASSWORDLESS-USERS", LS_SEV_HIGH, "Accounts without a password", t->note);
            ls_raise_severity(svc, LS_SEV_HIGH);
        }
    }
    if (svc->compromised) {
        ls_service_add_risk(svc, "CH-RANSOM-NOTE", LS_SEV_CRITICAL,
                            "A ransom note: the server has already been attacked (data may be gone or copied)",
                            svc->compromise_evidence ? svc->compromise_evidence : "");
        ls_raise_severity(svc, LS_SEV_CRITICAL);
        ls_service_add_remediation(svc, "Treat the server as compromised: isolate it, keep system.query_log and the "
                                        "server logs for investigation, restore from a backup taken before the "
                                        "attack, and do not pay — such notes rarely come with a copy of the data.");
    }
    if (ntf)
        ls_service_add_remediation(svc, "Set <remote_url_allow_hosts> in config.xml to the hosts url()/remote()/s3() "
                                        "may reach, keep <user_files_path> empty of secrets, and give untrusted "
                                        "accounts readonly=1 (which forbids table functions).");
    char list[900];
    rotation_list(svc, list, sizeof list);
    if (list[0]) {
        char line[1100];
        snprintf(line, sizeof line, "Rotate the credentials found, by rule and fingerprint: %s.", list);
        ls_service_add_remediation(svc, line);
    }
}

void ch_assess_blast(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    if (svc->auth == LS_AUTH_NONE || svc->auth == LS_AUTH_DEFAULT_CREDENTIALS)
        exposed_risks(s);
    cve_risks(svc);
    if (svc->honeypot.suspected) {
        char ev[600];
        struct ls_strbuf b;
        ls_sb_init(&b, ev, sizeof ev);
        for (size_t i = 0; i < svc->honeypot.nreasons; i++)
            ls_sb_printf(&b, "%s%s", i ? "; " : "", svc->honeypot.reasons[i]);
        ls_sb_mark_cut(&b, "; …");
        ls_service_add_risk(svc, "CH-HONEYPOT", LS_SEV_INFO,
                            "Answers are inconsistent: possibly a honeypot or tarpit (severity capped at medium)", ev);
        if (svc->severity > LS_SEV_MEDIUM)
            svc->severity = LS_SEV_MEDIUM;
    }
}
