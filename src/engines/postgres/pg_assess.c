/* PostgreSQL severity, risks and remediation from what the steps found. A server that logs in the
 * well-known `postgres` user without a password (trust) is high, critical when its tables hold
 * secrets, personal data or chats; a superuser session is critical on its own (COPY … TO/FROM
 * PROGRAM runs shell commands as the server's OS user) — stated from rolsuper, never tried; the
 * pg_*_server_* roles, dblink/postgres_fdw (reach other hosts), password-less login roles and ssl
 * off add their own risks. A server that asks for a password is low. No CVEs are claimed: no
 * verified source was consulted for this engine, so the version alone is shown. */
#include <stdio.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/default_creds.h"
#include "engines/postgres/pg_cves.h"
#include "engines/postgres/pg_int.h"
#include "util/fmt.h"
#include "util/strbuf.h"

static void risk(struct ls_service *svc, const char *id, enum ls_severity sev, const char *title, const char *ev)
{
    ls_service_add_risk(svc, id, sev, title, ev);
    ls_raise_severity(svc, sev);
}

static void data_risks(struct ls_service *svc)
{
    char ev[512], num[LS_FMT_NUM];
    struct ls_strbuf b;
    unsigned found = ls_sampled_classes(svc);
    bool sensitive = found & (LS_CLASS_SECRETS | LS_CLASS_PII | LS_CLASS_CHAT);
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "%s", svc->auth_evidence ? svc->auth_evidence : "logged in without a password");
    if (svc->version[0])
        ls_sb_printf(&b, "; version %s", svc->version);
    size_t ntab = 0;
    for (size_t i = 0; i < svc->ntables; i++)
        ntab += !svc->tables[i].kind; /* not the databases listed by name only */
    ls_sb_printf(&b, "; %zu tables, %s rows", ntab, ls_fmt_thousands(ls_service_rows(svc), num));
    enum ls_severity sev = sensitive ? LS_SEV_CRITICAL : LS_SEV_HIGH;
    if (svc->auth == LS_AUTH_DEFAULT_CREDENTIALS) {
        ls_default_creds_risk(svc, "PG", "PostgreSQL", sev);
        ls_raise_severity(svc, sev);
    } else {
        risk(svc, "PG-NOAUTH", sev, "PostgreSQL lets the postgres user in without a password (trust)", ev);
    }
    ls_raise_severity(svc, ls_assess_data_risks(svc, "PG", "tables", "rows", found));
}

static void blast_risks(struct ls_service *svc, const struct pg_posture *p)
{
    char ev[512];
    struct ls_strbuf b;
    if (p->superuser) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b,
                     "pg_roles: rolsuper = true for \"%s\"; COPY … TO/FROM PROGRAM would run shell commands as "
                     "the server's OS user, pg_read_file/COPY read and write its files — not tried",
                     p->user);
        risk(svc, "PG-SUPERUSER", LS_SEV_CRITICAL, "The session is a superuser: command execution on the server", ev);
    } else if (p->exec_program || p->read_files || p->write_files) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "\"%s\" is a member of%s%s%s", p->user, p->exec_program ? " pg_execute_server_program" : "",
                     p->read_files ? " pg_read_server_files" : "", p->write_files ? " pg_write_server_files" : "");
        risk(svc, "PG-SERVER-FILES", p->exec_program ? LS_SEV_CRITICAL : LS_SEV_HIGH,
             p->exec_program ? "The session may run programs on the server (COPY … PROGRAM)"
                             : "The session may read or write the server's files (COPY … FILE)",
             ev);
    }
    if (!p->superuser && p->createrole) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "pg_roles: rolcreaterole = true for \"%s\"", p->user);
        risk(svc, "PG-CREATEROLE", LS_SEV_HIGH, "The session may create roles and grant itself memberships", ev);
    }
    if (p->remote_ext[0]) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "pg_extension: %s installed; queries can open connections to other hosts from the server",
                     p->remote_ext);
        risk(svc, "PG-REMOTE", LS_SEV_HIGH, "Extensions that reach other database servers are installed", ev);
    }
    if (p->nopass_roles[0]) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "pg_authid: login roles with no password: %s", p->nopass_roles);
        risk(svc, "PG-NOPASS-ROLES", LS_SEV_MEDIUM, "Roles that can log in have no password", ev);
    }
    if (p->trust_rules[0]) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "pg_hba_file_rules: %s", p->trust_rules);
        risk(svc, "PG-HBA-TRUST", LS_SEV_HIGH, "pg_hba.conf trusts clients without a password", ev);
    }
    if (strcmp(p->ssl, "off") == 0)
        risk(svc, "PG-SSL-OFF", LS_SEV_LOW, "TLS is off: logins and data cross the network in clear text",
             "current_setting('ssl') = off");
}

static void remediation_open(struct ls_service *svc, const struct pg_posture *p)
{
    ls_service_add_remediation(
        svc, "In pg_hba.conf replace `trust` with `scram-sha-256` (with the "
             "password_encryption setting at scram-sha-256 and a strong secret for every login role), then reload.");
    ls_service_add_remediation(svc, "Set listen_addresses to localhost or an internal address and firewall 5432 "
                                    "from untrusted networks.");
    if (p->superuser || p->exec_program || p->read_files || p->write_files)
        ls_service_add_remediation(svc, "Let applications connect as a non-superuser role with only the grants they "
                                        "need; REVOKE pg_execute_server_program, pg_read_server_files and "
                                        "pg_write_server_files from application roles.");
    if (p->remote_ext[0])
        ls_service_add_remediation(svc, "DROP EXTENSION dblink / postgres_fdw where unused, or REVOKE USAGE on "
                                        "their foreign servers from untrusted roles.");
    if (strcmp(p->ssl, "off") == 0)
        ls_service_add_remediation(svc, "Enable ssl = on with a certificate and use hostssl lines in pg_hba.conf.");
    ls_service_add_remediation(svc, "Rotate every credential found in the tables.");
}

void pg_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct pg *pg = s->priv;
    svc->severity = LS_SEV_INFO;
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS:
        data_risks(svc);
        blast_risks(svc, &pg->post);
        remediation_open(svc, &pg->post);
        break;
    case LS_AUTH_REQUIRED:
        risk(svc, "PG-REACHABLE", LS_SEV_LOW, "PostgreSQL is reachable; it requires a password",
             svc->auth_evidence ? svc->auth_evidence : "authentication requested");
        ls_service_add_remediation(svc, "Firewall 5432 from untrusted networks (listen_addresses, pg_hba.conf host "
                                        "lines): a password alone leaves the server open to guessing.");
        break;
    case LS_AUTH_UNKNOWN: break;
    }
    pg_cve_risks(svc);
}
