/* MySQL/MariaDB severity, risks and remediation from what the steps found, never by doing: an
 * account that logs in with an empty password is critical when the sampled data holds secrets,
 * personal data or chat, else high (MYSQL-NOAUTH); the global FILE privilege reads and writes
 * server files through LOAD DATA INFILE / SELECT … INTO OUTFILE — critical when @@secure_file_priv
 * is empty (any directory) (MYSQL-FILE-PRIV); SUPER/ALL PRIVILEGES, PROCESS and GRANT OPTION
 * (MYSQL-SUPER); accounts with an empty password in mysql.user (MYSQL-PASSWORDLESS-USERS); secrets
 * in readable tables (MYSQL-SECRETS-EXPOSED). A password-protected server is low. Known CVEs of
 * the version, MySQL or MariaDB, come from mysql_cves.c (MYSQL-CVE-…). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engines/assess_common.h"
#include "engines/default_creds.h"
#include "engines/mysql/mysql_cves.h"
#include "engines/mysql/mysql_int.h"
#include "util/fmt.h"
#include "util/strbuf.h"

/* ---- SHOW GRANTS ------------------------------------------------------------------------------ */

static bool priv_is(const char *p, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

void my_parse_grant(struct my_posture *post, const char *line)
{
    if (strncasecmp(line, "GRANT ", 6) != 0)
        return;
    const char *privs = line + 6;
    const char *on = strstr(privs, " ON ");
    if (!on)
        return;
    bool global = strncmp(on + 4, "*.* ", 4) == 0;
    bool grant_option = strstr(on, " WITH GRANT OPTION") != NULL;
    struct ls_strbuf b;
    my_sb_resume(&b, post->grants_global, sizeof post->grants_global);
    for (const char *p = privs; p < on;) {
        while (p < on && (*p == ' ' || *p == ','))
            p++;
        const char *e = p;
        while (e < on && *e != ',')
            e++;
        size_t n = (size_t)(e - p);
        while (n && p[n - 1] == ' ')
            n--;
        if (!n)
            break;
        bool all = priv_is(p, n, "ALL PRIVILEGES") || priv_is(p, n, "ALL");
        if (priv_is(p, n, "INSERT") || priv_is(p, n, "UPDATE") || priv_is(p, n, "DELETE") || all)
            post->priv_write = true;
        if (priv_is(p, n, "CREATE") || priv_is(p, n, "DROP") || priv_is(p, n, "ALTER") || all)
            post->priv_ddl = true;
        if (global) {
            post->priv_all |= all;
            post->priv_file |= priv_is(p, n, "FILE");
            post->priv_super |= priv_is(p, n, "SUPER");
            post->priv_process |= priv_is(p, n, "PROCESS");
            if (!priv_is(p, n, "USAGE"))
                ls_sb_printf(&b, "%s%.*s", b.len ? ", " : "", (int)n, p);
        }
        p = e;
    }
    if (global && grant_option) {
        post->priv_grant = true;
        ls_sb_printf(&b, "%sGRANT OPTION", b.len ? ", " : "");
    }
    ls_sb_mark_cut(&b, ", …");
}

/* ---- assessment ------------------------------------------------------------------------------- */

static void file_risk(struct ls_service *svc, const struct my_posture *p)
{
    char ev[600];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    /* MySQL: NULL disables file import/export, '' allows any directory; MariaDB: NULL (unset) and ''
     * both allow any directory (mariadb.com/kb: secure_file_priv) */
    bool disabled = p->sfp_known && p->sfp_null && !p->mariadb;
    bool anywhere = p->sfp_known && !disabled && (p->sfp_null || !p->secure_file_priv[0]);
    ls_sb_printf(&b, "SHOW GRANTS: %s ON *.*; @@secure_file_priv=%s%s", p->priv_all ? "ALL PRIVILEGES" : "FILE",
                 !p->sfp_known            ? "?"
                 : p->sfp_null            ? "NULL"
                 : p->secure_file_priv[0] ? p->secure_file_priv
                                          : "''",
                 anywhere ? " (any directory)" : "");
    if (disabled) {
        ls_sb_append(&b, ": file import and export are disabled, until the setting changes");
        ls_service_add_risk(svc, "MYSQL-FILE-PRIV", LS_SEV_MEDIUM, "The account holds the FILE privilege", ev);
        return;
    }
    ls_sb_append(&b, "; LOAD DATA INFILE / LOAD_FILE() would read and SELECT … INTO OUTFILE write files as the "
                     "server's user — not tried");
    ls_service_add_risk(svc, "MYSQL-FILE-PRIV", anywhere ? LS_SEV_CRITICAL : LS_SEV_HIGH,
                        anywhere ? "FILE privilege with secure_file_priv empty: any server file can be read or written"
                                 : "FILE privilege: files in the secure_file_priv directory can be read or written",
                        ev);
}

static void admin_risk(struct ls_service *svc, const struct my_posture *p)
{
    char ev[600];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "SHOW GRANTS for %s: %s", p->current_user[0] ? p->current_user : "the account",
                 p->grants_global[0] ? p->grants_global : "?");
    ls_sb_append(&b, "; SUPER/ALL changes global settings, kills sessions and bypasses read_only; PROCESS shows "
                     "every session's statements; GRANT OPTION hands privileges on");
    ls_service_add_risk(svc, "MYSQL-SUPER", LS_SEV_HIGH, "The open account is an administrator", ev);
}

static void assess_open(struct ls_session *s, const struct my_posture *p)
{
    struct ls_service *svc = &s->svc;
    char ev[600], num[LS_FMT_NUM];
    struct ls_strbuf b;
    unsigned found = ls_sampled_classes(svc);
    bool secrets = found & LS_CLASS_SECRETS;
    bool sensitive = found & (LS_CLASS_SECRETS | LS_CLASS_PII | LS_CLASS_CHAT);
    svc->severity = sensitive ? LS_SEV_CRITICAL : LS_SEV_HIGH;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "%s; %zu table%s (%s rows) readable", svc->auth_evidence ? svc->auth_evidence : "login accepted",
                 svc->ntables, svc->ntables == 1 ? "" : "s", ls_fmt_thousands(ls_service_rows(svc), num));
    if (svc->auth == LS_AUTH_DEFAULT_CREDENTIALS)
        ls_default_creds_risk(svc, "MYSQL", "MySQL", svc->severity);
    else
        ls_service_add_risk(svc, "MYSQL-NOAUTH", svc->severity, "MySQL accepts a login without a password", ev);
    /* secrets only: personal data and chat raise the severity (above) but get no risk of their own */
    ls_assess_data_risks(svc, "MYSQL", "tables", "rows", found & LS_CLASS_SECRETS);
    if (p->priv_file || p->priv_all)
        file_risk(svc, p);
    if (p->priv_super || p->priv_all || p->priv_process || p->priv_grant)
        admin_risk(svc, p);
    if (p->nnopass) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "mysql.user: %u accounts with an empty authentication string: %s", p->nnopass,
                     p->nopass_users);
        ls_service_add_risk(svc, "MYSQL-PASSWORDLESS-USERS", LS_SEV_HIGH, "Accounts without a password", ev);
    }
    ls_service_add_remediation(svc, "Set a strong password on every account (ALTER USER 'root'@'%' IDENTIFIED BY …) "
                                    "and drop the anonymous accounts (DROP USER ''@'%'; mysql_secure_installation).");
    ls_service_add_remediation(svc, "Bind the server to 127.0.0.1 or an internal address (bind-address) and firewall "
                                    "3306 from untrusted networks.");
    if (p->priv_file || p->priv_all)
        ls_service_add_remediation(svc, "Revoke FILE from application accounts and set secure_file_priv to a "
                                        "dedicated directory (or NULL) in the server configuration.");
    if (p->priv_super || p->priv_all)
        ls_service_add_remediation(svc, "Give applications only the privileges they need on their own schema; keep "
                                        "SUPER, PROCESS and GRANT OPTION for administrators on a local socket.");
    if (secrets || sensitive)
        ls_service_add_remediation(svc, "Rotate the credentials found in the tables and review who read them "
                                        "(general or audit log).");
}

void my_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct my *m = s->priv;
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: assess_open(s, &m->post); break;
    case LS_AUTH_REQUIRED:
        svc->severity = LS_SEV_LOW;
        ls_service_add_risk(svc, "MYSQL-REACHABLE", LS_SEV_LOW, "MySQL is reachable; it requires a password",
                            svc->auth_evidence ? svc->auth_evidence : "access denied");
        ls_service_add_remediation(svc, "Firewall 3306 from untrusted networks: a password alone leaves the server "
                                        "open to guessing.");
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
    my_cve_risks(svc, m->post.mariadb);
}
