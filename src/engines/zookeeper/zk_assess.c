/* ZooKeeper severity, risks and remediation from what the steps found. An anonymous client that
 * can list znodes is ZK-NOAUTH (high; critical with secrets in the data or znodes anyone may
 * change); world:anyone write/create/delete is ZK-OPEN-ACL (anyone may rewrite service
 * configuration, e.g. point clients at another database — stated, never tried); mntr/envi
 * answering anyone is ZK-4LW-EXPOSED. A server whose ACLs refuse everything is low. One CVE whose
 * affected versions the Apache advisory states (CVE-2023-44981, GHSA-7286-pgfv-vxvh: < 3.7.2,
 * 3.8.0-3.8.2, 3.9.0) is named by version, with its precondition (SASL quorum authentication),
 * which a client cannot see. */
#include <stdio.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/zookeeper/zk_int.h"
#include "engines/zookeeper/zk_text.h"
#include "util/fmt.h"
#include "util/strbuf.h"

/* CVE-2023-44981: affected < 3.7.2, 3.8.0 to 3.8.2, 3.9.0 (fixed 3.7.2, 3.8.3, 3.9.1). */
static bool cve_2023_44981(const char *v)
{
    int a = 0, b = 0, c = 0;
    if (sscanf(v, "%d.%d.%d", &a, &b, &c) != 3)
        return false;
    if (a != 3)
        return a < 3;
    if (b < 7)
        return true;
    if (b == 7)
        return c < 2;
    if (b == 8)
        return c < 3;
    return b == 9 && c == 0;
}

static void assess_4lw(struct ls_service *svc, const struct zk_posture *p)
{
    if (!p->mntr_ok && !p->envi_ok)
        return;
    char ev[400];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "%s%s%s answered without authentication", p->mntr_ok ? "mntr" : "",
                 p->mntr_ok && p->envi_ok ? " and " : "", p->envi_ok ? "envi" : "");
    if (p->envi_ok)
        ls_sb_printf(&b, "; envi: user.name=%s host.name=%s java.version=%s", p->server_user, p->host_name,
                     p->java_version);
    ls_service_add_risk(svc, "ZK-4LW-EXPOSED", LS_SEV_LOW,
                        "Four-letter words reveal the server's environment and metrics to anyone", ev);
    ls_service_add_remediation(svc,
                               "Allow only the four-letter words monitoring needs: 4lw.commands.whitelist=srvr,ruok "
                               "(the default is srvr alone).");
}

static void assess_open(struct ls_session *s, const struct zk_posture *p)
{
    struct ls_service *svc = &s->svc;
    char ev[512], title[200], num[LS_FMT_NUM];
    struct ls_strbuf b;
    unsigned found = ls_sampled_classes(svc);
    uint64_t znodes = ls_service_rows(svc);
    svc->severity = znodes > 0 ? LS_SEV_HIGH : LS_SEV_MEDIUM;
    if (p->world_writable)
        svc->severity = znodes > 0 ? LS_SEV_CRITICAL : LS_SEV_HIGH;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "an anonymous session listed / (getChildren2)%s%s", svc->version[0] ? "; version " : "",
                 svc->version);
    if (p->znode_count_known)
        ls_sb_printf(&b, "; %s znodes in all (zk_znode_count, system nodes included)",
                     ls_fmt_thousands(p->znode_count, num));
    ls_service_add_risk(svc, "ZK-NOAUTH", svc->severity, "ZooKeeper answers clients that never authenticated", ev);
    if (znodes > 0) {
        snprintf(title, sizeof title, "%s znodes in %zu subtrees are readable by anyone who can connect",
                 ls_fmt_thousands(znodes, num), svc->ntables);
        ls_sb_init(&b, ev, sizeof ev);
        for (size_t i = 0; i < svc->ntables && i < 8; i++)
            ls_sb_printf(&b, "%s%s: %s znodes", i ? ", " : "", svc->tables[i].database,
                         ls_fmt_thousands(svc->tables[i].rows, num));
        ls_sb_mark_cut(&b, ", …");
        ls_service_add_risk(svc, "ZK-DATA-EXPOSED", LS_SEV_HIGH, title, ev);
    }
    if (p->world_writable) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "getACL: %llu znodes give world:anyone write, create or delete; ACL of /: %s (not tried)",
                     (unsigned long long)p->world_writable, p->root_acl[0] ? p->root_acl : "?");
        ls_service_add_risk(svc, "ZK-OPEN-ACL", znodes > 0 ? LS_SEV_CRITICAL : LS_SEV_HIGH,
                            "Anyone may create, change and delete znodes (OPEN_ACL_UNSAFE): service configuration "
                            "can be rewritten",
                            ev);
    }
    if (p->refused_n) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "%llu znodes refused with NOAUTH: %s", (unsigned long long)p->refused_n, p->refused_paths);
        ls_service_add_risk(svc, "ZK-PARTIAL-ACL", LS_SEV_INFO, "Some znodes are protected by ACLs, the rest are not",
                            ev);
    }
    ls_raise_severity(svc, ls_assess_data_risks(svc, "ZK", "znodes", "values", found));
    ls_service_add_remediation(
        svc, "Give every znode an ACL that names its users (digest, sasl or x509 schemes) instead of world:anyone, "
             "starting with / (setAcl / sasl:<admin>:cdrwa), and create new znodes with CREATOR_ALL_ACL.");
    ls_service_add_remediation(svc, "Require client authentication: SASL (Kerberos or DIGEST-MD5) with "
                                    "enforce.auth.enabled=true and enforce.auth.schemes=sasl.");
    ls_service_add_remediation(svc, "Bind the client port to an internal address (clientPortAddress=…) and firewall "
                                    "2181 from untrusted networks; rotate any credentials found in znode data.");
}

void zk_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct zk *z = s->priv;
    const struct zk_posture *p = &z->post;
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: assess_open(s, p); break;
    case LS_AUTH_REQUIRED:
        svc->severity = LS_SEV_LOW;
        ls_service_add_risk(svc, "ZK-REACHABLE", LS_SEV_LOW,
                            "ZooKeeper is reachable; its ACLs refuse an anonymous client",
                            svc->auth_evidence ? svc->auth_evidence : "NOAUTH");
        ls_service_add_remediation(svc, "Firewall 2181 from untrusted networks: ACLs alone leave the server open "
                                        "to session floods and to reads of any znode an ACL forgets.");
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
    assess_4lw(svc, p);
    if (svc->version[0] && cve_2023_44981(svc->version)) {
        char ev[300];
        snprintf(ev, sizeof ev,
                 "version %s is in the affected range (< 3.7.2, 3.8.0-3.8.2, 3.9.0; Apache advisory, "
                 "GHSA-7286-pgfv-vxvh); exploitable only where quorum.auth.enableSasl=true, which a client "
                 "cannot see",
                 svc->version);
        ls_service_add_risk(svc, "CVE-2023-44981", LS_SEV_LOW,
                            "SASL quorum peer authorization bypass: a peer without an instance part may join", ev);
        ls_service_add_remediation(svc, "Upgrade ZooKeeper to 3.8.3, 3.7.2 or 3.9.1 or later, and firewall the "
                                        "quorum and election ports (2888/3888).");
    }
}
