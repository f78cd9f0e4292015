/* etcd severity, risks and remediation from what the steps found. Without auth, anyone who can
 * connect reads and rewrites every key (critical with keys, high when empty); Kubernetes Secrets
 * in the keyspace are named as such (ETCD-K8S-SECRETS, critical: a cluster's credentials); the
 * member list's peer URLs map the cluster network (info, or low when auth is on and it is still
 * served); the v2 API is a second store with its own, separate auth (medium). A server that
 * refuses the keyspace without a token is low. No CVEs are claimed: the version alone is shown. */
#include <stdio.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/etcd/etcd_int.h"
#include "util/fmt.h"
#include "util/num.h"
#include "util/strbuf.h"

static void name_secrets(struct ls_service *svc, const struct etcd_facts *f)
{
    for (size_t i = 0; i < svc->ntables; i++) {
        struct ls_table *t = &svc->tables[i];
        if (!t->name || strcmp(t->name, ETCD_K8S_SECRETS) != 0 || !f->secret_names[0])
            continue;
        char note[512];
        struct ls_strbuf b;
        ls_sb_init(&b, note, sizeof note);
        ls_sb_printf(&b, "Kubernetes Secrets (namespace/name), %llu decoded: %s", (unsigned long long)f->secrets_read,
                     f->secret_names);
        free(t->note);
        t->note = strdup(note);
    }
}

static void members_risk(struct ls_service *svc, const struct etcd_facts *f, enum ls_severity sev)
{
    if (!f->members_known || !f->member_urls[0])
        return;
    char ev[700];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "POST /v3/cluster/member/list answered without credentials (%llu member%s): %s",
                 (unsigned long long)f->members, f->members == 1 ? "" : "s", f->member_urls);
    ls_sb_mark_cut(&b, " …");
    ls_service_add_risk(svc, "ETCD-MEMBERS-EXPOSED", sev,
                        "The member list reveals the cluster's peer and client URLs (internal addresses)", ev);
}

static void assess_open(struct ls_session *s, const struct etcd_facts *f)
{
    struct ls_service *svc = &s->svc;
    char ev[600], title[200], num[LS_FMT_NUM], num2[LS_FMT_NUM];
    struct ls_strbuf b;
    unsigned found = ls_sampled_classes(svc);
    uint64_t total = ls_count_add(f->keys, f->v2_keys);
    svc->severity = total > 0 || (found & LS_CLASS_SECRETS) ? LS_SEV_CRITICAL : LS_SEV_HIGH;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "POST /v3/kv/range answered without a token (count_only over the whole keyspace: %s keys)",
                 ls_fmt_thousands(f->keys, num));
    if (svc->version[0])
        ls_sb_printf(&b, "; etcd %s", svc->version);
    ls_service_add_risk(svc, "ETCD-NOAUTH", svc->severity,
                        "etcd has authentication disabled: anyone who can connect reads and writes every key", ev);
    if (f->secrets_known && f->secrets > 0) {
        snprintf(title, sizeof title, "Kubernetes Secrets are readable: %s under %s", ls_fmt_thousands(f->secrets, num),
                 ETCD_K8S_SECRETS);
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "%s of them read and decoded in the sample", ls_fmt_thousands(f->secrets_read, num2));
        if (f->secret_names[0])
            ls_sb_printf(&b, ": %s", f->secret_names);
        ls_sb_mark_cut(&b, "…");
        ls_service_add_risk(svc, "ETCD-K8S-SECRETS", LS_SEV_CRITICAL, title, ev);
    }
    if (total > 0) {
        snprintf(title, sizeof title, "%s keys are readable and writable by anyone who can connect",
                 ls_fmt_thousands(total, num));
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "v3: %s keys", ls_fmt_thousands(f->keys, num));
        if (f->v2_enabled)
            ls_sb_printf(&b, "; v2: %s keys", f->v2_counted ? ls_fmt_thousands(f->v2_keys, num2) : "uncounted");
        ls_service_add_risk(svc, "ETCD-DATA-EXPOSED", LS_SEV_CRITICAL, title, ev);
    }
    ls_assess_data_risks(svc, "ETCD", "keys", "values", found);
    if (f->v2_enabled)
        ls_service_add_risk(svc, "ETCD-V2-ENABLED", LS_SEV_MEDIUM,
                            "The deprecated v2 API is enabled: a second store with its own, separate auth",
                            "GET /v2/keys/ answered with a key tree");
    members_risk(svc, f, LS_SEV_INFO);
    ls_service_add_remediation(svc, "Enable authentication: etcdctl user add root, etcdctl user grant-role root "
                                    "root, etcdctl auth enable; give each client its own user and role.");
    ls_service_add_remediation(svc, "Require client certificates on the client port (--client-cert-auth "
                                    "--trusted-ca-file, https listen-client-urls) and on the peer port "
                                    "(--peer-client-cert-auth).");
    ls_service_add_remediation(svc, "Bind listen-client-urls and listen-peer-urls to internal addresses and "
                                    "firewall 2379/2380 from everything but the cluster's members and clients.");
    if (f->v2_enabled)
        ls_service_add_remediation(svc, "Turn the v2 API off (--enable-v2=false, etcd 3.4's default).");
    if (f->secrets_known && f->secrets > 0)
        ls_service_add_remediation(svc, "Rotate every Kubernetes Secret in this etcd and encrypt Secrets at rest "
                                        "(kube-apiserver --encryption-provider-config).");
    else
        ls_service_add_remediation(svc, "Rotate any credentials found in keys.");
}

void etcd_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct etcd *e = s->priv;
    const struct etcd_facts *f = &e->f;
    name_secrets(svc, f);
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: assess_open(s, f); break;
    case LS_AUTH_REQUIRED:
        svc->severity = LS_SEV_LOW;
        ls_service_add_risk(svc, "ETCD-REACHABLE", LS_SEV_LOW, "etcd is reachable; its keyspace requires a user",
                            svc->auth_evidence ? svc->auth_evidence : "auth error");
        members_risk(svc, f, LS_SEV_LOW);
        ls_service_add_remediation(svc, "Require client certificates (--client-cert-auth) and firewall 2379/2380: "
                                        "a password alone leaves the server open to guessing, and the member "
                                        "list is served without one.");
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
}
