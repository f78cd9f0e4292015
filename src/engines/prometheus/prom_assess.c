/* Prometheus severity, risks and remediation from what the steps found. An API that answers
 * without a login is high (its configuration and targets map the internal network); the admin API
 * on (anyone may delete every series) or secrets among the sampled lines, targets and series make
 * it critical; the lifecycle API (/-/quit) and a write receiver (forged samples) are high risks of
 * their own. A server behind web.config.file is low. No CVEs are claimed: the version is shown. */
#include <stdio.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/prometheus/prom_int.h"
#include "util/fmt.h"
#include "util/strbuf.h"

static void list_into(struct ls_strbuf *b, const struct prom_list *l, size_t max)
{
    for (size_t i = 0; i < l->n && i < max; i++)
        ls_sb_printf(b, "%s%s", i ? ", " : "", l->items[i]);
    if (l->n > max || l->truncated)
        ls_sb_append(b, ", …");
}

static void config_risk(struct ls_session *s, const struct prom *p)
{
    const struct prom_config *c = &p->cfg;
    char title[200], ev[700];
    struct ls_strbuf b;
    bool clear = c->plain_secrets || c->plain_url_creds;
    snprintf(title, sizeof title, "The configuration is readable: %zu scrape jobs%s, %zu hosts and URLs%s", c->jobs.n,
             c->jobs.truncated ? "+" : "", c->hosts.n, clear ? ", credentials in clear" : "");
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_append(&b, "/api/v1/status/config: jobs ");
    list_into(&b, &c->jobs, 8);
    ls_sb_printf(&b, "; %u secret fields shown as <secret>, %u URL passwords as xxxxx", c->masked, c->masked_urls);
    if (clear)
        ls_sb_printf(&b, "; in clear: %u secret fields, %u URLs with a password", c->plain_secrets, c->plain_url_creds);
    ls_sb_append(&b, " (URL parameters, headers and labels are never masked)");
    ls_sb_mark_cut(&b, " …");
    ls_service_add_risk(&s->svc, "PROM-CONFIG-EXPOSED", clear ? LS_SEV_HIGH : LS_SEV_MEDIUM, title, ev);
}

static void targets_risk(struct ls_session *s, const struct prom *p)
{
    const struct prom_targets *t = &p->tg;
    char title[200], ev[700], num[LS_FMT_NUM];
    struct ls_strbuf b;
    snprintf(title, sizeof title, "%s scrape targets reveal %zu%s internal hosts", ls_fmt_thousands(t->active, num),
             t->hosts.n, t->hosts.truncated ? "+" : "");
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "/api/v1/targets: %llu up, %llu down, %llu dropped; hosts ", (unsigned long long)t->up,
                 (unsigned long long)t->down, (unsigned long long)t->dropped);
    list_into(&b, &t->hosts, 12);
    ls_sb_mark_cut(&b, " …");
    ls_service_add_risk(&s->svc, "PROM-TARGETS-EXPOSED", LS_SEV_MEDIUM, title, ev);
}

static void api_risks(struct ls_session *s, const struct prom_flags *f)
{
    struct ls_service *svc = &s->svc;
    if (f->admin_api == LS_TRI_YES)
        ls_service_add_risk(svc, "PROM-ADMIN-API", LS_SEV_CRITICAL, "The TSDB admin API is open to anyone",
                            "status/flags: web.enable-admin-api=true; POST /api/v1/admin/tsdb/delete_series would "
                            "delete any series and snapshot would fill the disk (not tried)");
    if (f->lifecycle == LS_TRI_YES)
        ls_service_add_risk(svc, "PROM-LIFECYCLE-API", LS_SEV_HIGH, "Anyone can shut Prometheus down or reload it",
                            "status/flags: web.enable-lifecycle=true; POST /-/quit stops the server (not tried)");
    if (f->remote_write_receiver == LS_TRI_YES || f->otlp_receiver == LS_TRI_YES)
        ls_service_add_risk(svc, "PROM-WRITE-RECEIVER", LS_SEV_HIGH, "Anyone can write samples into Prometheus",
                            f->remote_write_receiver == LS_TRI_YES
                                ? "status/flags: web.enable-remote-write-receiver=true; POST /api/v1/write accepts "
                                  "forged series that raise or hide alerts (not tried)"
                                : "status/flags: the OTLP receiver is on; forged series raise or hide alerts "
                                  "(not tried)");
}

static void assess_open(struct ls_session *s, const struct prom *p)
{
    struct ls_service *svc = &s->svc;
    char ev[300];
    snprintf(ev, sizeof ev, "/api/v1/status/buildinfo answered without credentials%s%s",
             svc->version[0] ? "; version " : "", svc->version);
    ls_service_add_risk(svc, "PROM-NOAUTH", LS_SEV_HIGH, "The Prometheus HTTP API answers without a login", ev);
    svc->severity = LS_SEV_HIGH;
    if (p->config_ok)
        config_risk(s, p);
    if (p->targets_ok && p->tg.active)
        targets_risk(s, p);
    if (p->flags_ok)
        api_risks(s, &p->fl);
    if (p->fl.admin_api == LS_TRI_YES)
        ls_raise_severity(svc, LS_SEV_CRITICAL);
    unsigned found = ls_sampled_classes(svc);
    ls_raise_severity(svc, ls_assess_data_risks(svc, "PROM", "configuration, targets and series",
                                                "lines, targets and series", found));
    ls_service_add_remediation(svc, "Require a login: --web.config.file with basic_auth_users (bcrypt) and TLS, or "
                                    "an authenticating reverse proxy; bind --web.listen-address to an internal "
                                    "address and firewall 9090.");
    if (p->fl.admin_api == LS_TRI_YES || p->fl.lifecycle == LS_TRI_YES || p->fl.remote_write_receiver == LS_TRI_YES)
        ls_service_add_remediation(svc, "Drop --web.enable-admin-api, --web.enable-lifecycle and "
                                        "--web.enable-remote-write-receiver unless a trusted client needs them, and "
                                        "then only behind authentication.");
    ls_service_add_remediation(svc, "Keep credentials out of the configuration text: password_file / "
                                    "credentials_file instead of inline values, never tokens in URL params, "
                                    "remote-write headers or target labels; rotate any found here.");
}

void prom_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    const struct prom *p = s->priv;
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: assess_open(s, p); break;
    case LS_AUTH_REQUIRED:
        svc->severity = LS_SEV_LOW;
        ls_service_add_risk(svc, "PROM-REACHABLE", LS_SEV_LOW, "Prometheus is reachable; it requires a password",
                            svc->auth_evidence ? svc->auth_evidence : "HTTP 401");
        ls_service_add_remediation(svc, "Firewall 9090 from untrusted networks; basic auth alone leaves the "
                                        "server open to guessing.");
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
}
