/* ClickHouse severity, risks and remediation from what the steps found (shared by both
 * interfaces). The model: no password + rows + secrets or chat = critical; no password + rows =
 * high; no password and no data = medium; password required = low; unknown = info. The blast
 * radius (ch_assess_blast.c) then raises it (writes, table functions, credentials in definitions
 * or system objects, ransom notes, CVEs) or caps it (suspected honeypot); see the README. */
#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"

#include "engines/assess_common.h"
#include "engines/clickhouse/ch_blast.h"
#include "engines/clickhouse/ch_common.h"
#include "engines/default_creds.h"
#include "util/fmt.h"

void ch_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    char evidence[512], title[256];
    uint64_t rows = ls_service_rows(svc);
    unsigned classes = ls_service_classes(svc);
    /* secrets count when found in sampled rows (not only in table definitions, see ch_assess_blast.c) */
    bool sampled_secrets = ls_sampled_classes(svc) & LS_CLASS_SECRETS;
    const char *iface = svc->interface;

    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: {
        enum ls_severity sev = LS_SEV_MEDIUM;
        if (rows > 0)
            sev = (sampled_secrets || (classes & LS_CLASS_CHAT)) ? LS_SEV_CRITICAL : LS_SEV_HIGH;
        svc->severity = sev;
        snprintf(evidence, sizeof evidence,
                 "user 'default' with an empty password ran SELECT version() over the %s interface%s%s", iface,
                 svc->version[0] ? " and got " : "", svc->version);
        if (svc->auth == LS_AUTH_DEFAULT_CREDENTIALS)
            ls_default_creds_risk(svc, "CH", "ClickHouse", sev);
        else
            ls_service_add_risk(svc, "CH-NOAUTH", sev, "ClickHouse accepts the default user without a password",
                                evidence);
        if (rows > 0) {
            char num[LS_FMT_NUM];
            snprintf(title, sizeof title, "%s rows in %zu tables are readable by anyone who can connect",
                     ls_fmt_thousands(rows, num), svc->ntables);
            struct ls_strbuf b;
            ls_sb_init(&b, evidence, sizeof evidence);
            for (size_t i = 0; i < svc->ntables && i < 5; i++)
                if (svc->tables[i].rows_known) /* external-engine tables have no count to show */
                    ls_sb_printf(&b, "%s%s.%s (%s rows)", b.len ? ", " : "", svc->tables[i].database,
                                 svc->tables[i].name, ls_fmt_thousands(svc->tables[i].rows, num));
                else
                    ls_sb_printf(&b, "%s%s.%s (rows unknown)", b.len ? ", " : "", svc->tables[i].database,
                                 svc->tables[i].name);
            ls_sb_mark_cut(&b, ", …");
            ls_service_add_risk(svc, "CH-DATA-EXPOSED", sev, title, evidence);
        }
        ls_assess_data_risks(svc, "CH", "tables", "rows",
                             (sampled_secrets ? LS_CLASS_SECRETS : 0u) | (classes & (LS_CLASS_CHAT | LS_CLASS_PII)));
        ls_service_add_remediation(svc, "Set a password for 'default': in users.d/default-password.xml give it "
                                        "<password_sha256_hex> (echo -n \"$PW\" | sha256sum) instead of an empty "
                                        "<password>.");
        ls_service_add_remediation(svc, "Restrict every user's <networks> to ::1 and the application subnets; the "
                                        "stock users.xml allows ::/0 (any host).");
        ls_service_add_remediation(svc, "Bind <listen_host> to an internal address rather than :: or 0.0.0.0 and "
                                        "firewall the ClickHouse ports (8123, 8443, 9000, 9440, 9004, 9005, 9009) "
                                        "from untrusted networks.");
        if (ch_access_readonly(svc) != 1)
            ls_service_add_remediation(svc, "Give 'default' a readonly profile (<readonly>1</readonly>) or remove it "
                                            "and use named users with only the grants they need.");
        break;
    }
    case LS_AUTH_REQUIRED:
        svc->severity = LS_SEV_LOW;
        ls_service_add_risk(svc, "CH-REACHABLE", LS_SEV_LOW, "ClickHouse is reachable; it requires a password",
                            svc->auth_evidence ? svc->auth_evidence : "credentials rejected");
        if (svc->display_name[0]) {
            snprintf(evidence, sizeof evidence, "server display name '%s' sent without logging in", svc->display_name);
            ls_service_add_risk(svc, "CH-NAME-LEAK", LS_SEV_INFO, "Internal host name revealed before login", evidence);
        }
        ls_service_add_remediation(svc, "Firewall the ClickHouse ports from untrusted networks; a password alone "
                                        "leaves the server open to guessing and to pre-auth bugs.");
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
    ch_assess_blast(s);
    /* the headline risk carries the service's final severity */
    for (size_t i = 0; i < svc->nrisks; i++)
        if (strcmp(svc->risks[i].id, "CH-NOAUTH") == 0)
            svc->risks[i].severity = svc->severity;
}
