/* InfluxDB severity, risks and remediation from what the steps found. No authentication with
 * points (or secrets) is critical, with nothing stored high: anyone can read and write points,
 * drop databases and create admin users (stated from auth-enabled being off, never tried).
 * Authentication on without any admin user is high: the first CREATE USER … WITH ALL PRIVILEGES
 * is accepted from anyone. A server that asks for credentials is low. One CVE is matched by
 * version, CVE-2019-20933 (CVE record and GHSA-2rmp-fw5r-j5qv: "InfluxDB before 1.7.6 has an
 * authentication bypass vulnerability … because a JWT token may have an empty SharedSecret";
 * fixed upstream in 1.7.6, backported by Debian in DSA-4823), reported as possible since
 * distribution builds keep their old version string. */
#include <stdio.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/influxdb/influx_int.h"
#include "engines/influxdb/influx_parse.h"
#include "util/fmt.h"
#include "util/strbuf.h"

static void data_exposed(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct influx *x = s->priv;
    char title[240], ev[512], num[LS_FMT_NUM], num2[LS_FMT_NUM];
    uint64_t points = ls_service_rows(svc);
    if (!points)
        return;
    snprintf(title, sizeof title, "%s%s points in %zu measurements are readable and writable by anyone who can connect",
             x->counts_estimated ? "about " : "", ls_fmt_thousands(points, num), svc->ntables);
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    for (size_t i = 0, shown = 0; i < svc->ntables && shown < 8; i++) {
        const struct ls_table *t = &svc->tables[i];
        if (!t->rows)
            continue;
        ls_sb_printf(&b, "%s%s.%s: %s%s points", shown++ ? ", " : "", t->database, t->name,
                     t->rows_estimated ? "~" : "", ls_fmt_thousands(t->rows, num2));
    }
    ls_sb_mark_cut(&b, ", …");
    ls_service_add_risk(svc, "INFLUX-DATA-EXPOSED", LS_SEV_CRITICAL, title, ev);
}

static void assess_open(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct influx *x = s->priv;
    const struct influx_posture *p = &x->post;
    char ev[640];
    struct ls_strbuf b;
    unsigned found = ls_sampled_classes(svc);
    svc->severity = ls_service_rows(svc) > 0 || (found & LS_CLASS_SECRETS) ? LS_SEV_CRITICAL : LS_SEV_HIGH;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "GET /query?q=SHOW DATABASES answered without credentials (%llu databases)%s%s",
                 (unsigned long long)svc->ndatabases, svc->version[0] ? "; version " : "", svc->version);
    ls_service_add_risk(svc, "INFLUX-NOAUTH", svc->severity,
                        "InfluxDB answers queries without credentials (auth-enabled = false)", ev);
    data_exposed(s);
    ls_assess_data_risks(svc, "INFLUX", "measurements", "points", found);
    ls_service_add_risk(svc, "INFLUX-ADMIN-OPEN", LS_SEV_HIGH,
                        "Anyone can write points, drop databases and create admin users",
                        "auth-enabled is off, so InfluxDB 1.x authorizes every statement (CREATE USER … WITH ALL "
                        "PRIVILEGES, DROP DATABASE, POST /write) — not tried");
    if (p->users_known && p->nusers > 0) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "SHOW USERS lists %llu users, %llu of them admins%s%s", (unsigned long long)p->nusers,
                     (unsigned long long)p->nadmins, p->admins[0] ? " (" : "", p->admins);
        if (p->admins[0])
            ls_sb_append(&b, ")");
        ls_sb_append(&b, ", read without a login");
        ls_service_add_risk(svc, "INFLUX-USERS-UNENFORCED", LS_SEV_MEDIUM,
                            "Users are defined but authentication is off: their passwords protect nothing", ev);
    }
    if (p->nsubs > 0) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "SHOW SUBSCRIPTIONS: %s", p->subs);
        ls_service_add_risk(svc, p->subs_userinfo ? "INFLUX-SUBSCRIPTION-CREDENTIALS" : "INFLUX-SUBSCRIPTIONS",
                            p->subs_userinfo ? LS_SEV_HIGH : LS_SEV_MEDIUM,
                            p->subs_userinfo ? "Subscriptions send every write to other hosts with credentials in "
                                               "their URLs"
                                             : "Subscriptions send every write to other hosts (internal endpoints "
                                               "revealed)",
                            ev);
    }
    ls_service_add_remediation(svc, "Turn authentication on: [http] auth-enabled = true in influxdb.conf, create an "
                                    "admin user (CREATE USER … WITH ALL PRIVILEGES) and non-admin users with "
                                    "GRANT READ/WRITE per database, then restart influxd.");
    ls_service_add_remediation(svc, "Bind the HTTP API to an internal address ([http] bind-address) and firewall "
                                    "8086 (and the 8088 RPC port) from untrusted networks.");
    ls_service_add_remediation(svc, "Rotate every credential found in the sampled points and stop writing secrets "
                                    "into tags or fields.");
    if (p->nsubs > 0)
        ls_service_add_remediation(svc, "Review SHOW SUBSCRIPTIONS: DROP SUBSCRIPTION the destinations that are not "
                                        "yours, and rotate passwords that appear in destination URLs.");
}

static void cve_2019_20933(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    bool below;
    if (!svc->version[0] || !ifx_version_below(svc->version, 1, 7, 6, &below) || !below)
        return;
    char ev[400];
    snprintf(ev, sizeof ev,
             "version %s is below 1.7.6; with [http] shared-secret empty (the default) a JWT signed with an empty key "
             "passes as any user. Distribution builds may carry the fix (Debian DSA-4823) under the old version: "
             "not tried",
             svc->version);
    ls_service_add_risk(svc, "CVE-2019-20933", LS_SEV_HIGH,
                        "CVE-2019-20933 (possibly): authentication bypass with a JWT token and an empty shared "
                        "secret — reachable before login",
                        ev);
    ls_service_add_remediation(svc, "Upgrade InfluxDB to 1.7.6 or later (or a distribution build with the "
                                    "CVE-2019-20933 fix), and set [http] shared-secret to a long random value.");
}

void ifx_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct influx *x = s->priv;
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: assess_open(s); break;
    case LS_AUTH_REQUIRED:
        if (x->no_admin) {
            svc->severity = LS_SEV_HIGH;
            ls_service_add_risk(svc, "INFLUX-NO-ADMIN-USER", LS_SEV_HIGH,
                                "Authentication is on but no admin user exists: anyone can create the first one",
                                svc->auth_evidence ? svc->auth_evidence : "create admin user first");
            ls_service_add_remediation(svc, "Create the admin user now (CREATE USER … WITH PASSWORD … WITH ALL "
                                            "PRIVILEGES) from a trusted host, before anyone else does.");
        } else {
            svc->severity = LS_SEV_LOW;
            ls_service_add_risk(svc, "INFLUX-REACHABLE", LS_SEV_LOW, "InfluxDB is reachable; it requires credentials",
                                svc->auth_evidence ? svc->auth_evidence : "401");
        }
        cve_2019_20933(s);
        ls_service_add_remediation(svc, "Firewall 8086 from untrusted networks; a password alone leaves the API open "
                                        "to guessing.");
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
}
