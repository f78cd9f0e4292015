/* RabbitMQ severity, risks and remediation (management API) from what the steps found. A login with
 * the default guest/guest (or an API that needs none) onto a broker holding messages, or with
 * federation/shovel URIs that carry passwords for other brokers, is critical; an empty one high;
 * the administrator tag adds its own risk (users, permissions and upstreams can be changed). A
 * management API that needs a password is low: reachable, guessable. No CVEs are claimed. */
#include <stdio.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/default_creds.h"
#include "engines/rabbitmq/rmq_int.h"
#include "util/fmt.h"
#include "util/num.h"
#include "util/strbuf.h"

static void remediate_common(struct ls_service *svc)
{
    ls_service_add_remediation(svc, "Firewall the management port (15672/15671) and AMQP (5672/5671) from untrusted "
                                    "networks; bind management.tcp.ip to an internal address.");
}

static void assess_open(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct rmq *m = s->priv;
    char ev[600], title[200], num[LS_FMT_NUM], num2[LS_FMT_NUM];
    struct ls_strbuf b;
    uint64_t messages = 0, queues = 0;
    for (size_t i = 0; i < svc->ntables; i++)
        if (svc->tables[i].kind && strcmp(svc->tables[i].kind, "queue") == 0) {
            messages = ls_count_add(messages, svc->tables[i].rows);
            queues++;
        }
    unsigned found = ls_sampled_classes(svc);
    svc->severity = messages || m->uri_passwords || (found & LS_CLASS_SECRETS) ? LS_SEV_CRITICAL : LS_SEV_HIGH;
    if (svc->auth == LS_AUTH_DEFAULT_CREDENTIALS) {
        ls_default_creds_risk(svc, "RABBITMQ", "RabbitMQ", svc->severity);
    } else {
        ls_service_add_risk(svc, "RABBITMQ-NOAUTH", svc->severity,
                            "The RabbitMQ management API answers without credentials",
                            svc->auth_evidence ? svc->auth_evidence : "GET /api/overview answered");
    }
    if (messages) {
        snprintf(title, sizeof title, "%s messages in %s queues can be read (and consumed) through the management API",
                 ls_fmt_thousands(messages, num), ls_fmt_thousands(queues, num2));
        ls_sb_init(&b, ev, sizeof ev);
        size_t shown = 0;
        for (size_t i = 0; i < svc->ntables && shown < 8; i++) {
            const struct ls_table *t = &svc->tables[i];
            if (!t->kind || strcmp(t->kind, "queue") != 0 || !t->rows)
                continue;
            ls_sb_printf(&b, "%s%s (vhost %s): %s", shown++ ? ", " : "", t->name, t->database,
                         ls_fmt_thousands(t->rows, num));
        }
        ls_sb_mark_cut(&b, ", …");
        ls_sb_append(&b, " (counts from /api/queues; no message was fetched)");
        ls_service_add_risk(svc, "RABBITMQ-MESSAGES-EXPOSED", LS_SEV_CRITICAL, title, ev);
    }
    if (m->uri_passwords) {
        snprintf(title, sizeof title, "%u federation/shovel URI%s carry passwords for other brokers", m->uri_passwords,
                 m->uri_passwords == 1 ? "" : "s");
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "GET /api/parameters: %s", m->uri_hosts);
        ls_service_add_risk(svc, "RABBITMQ-URI-CREDENTIALS", LS_SEV_CRITICAL, title, ev);
        ls_service_add_remediation(svc, "Rotate the passwords in the federation upstream and shovel URIs and give "
                                        "those links dedicated least-privilege users on the remote brokers.");
    }
    ls_assess_data_risks(svc, "RABBITMQ", "runtime parameters", "values", found);
    if (m->tag_bits & RMQ_TAG_ADMIN) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "GET /api/whoami: user '%s', tags %s", m->user, m->tags);
        if (m->users_known)
            ls_sb_printf(&b, "; %llu users, administrators: %s", (unsigned long long)m->users,
                         m->admins[0] ? m->admins : "none listed");
        ls_service_add_risk(svc, "RABBITMQ-ADMIN", LS_SEV_HIGH,
                            "The account is an administrator: users, permissions, policies and upstreams to other "
                            "hosts can be changed",
                            ev);
    }
    if (svc->auth == LS_AUTH_DEFAULT_CREDENTIALS)
        ls_service_add_remediation(
            svc, "Delete the guest user (rabbitmqctl delete_user guest) or give it a strong password, "
                 "and keep loopback_users at its default so guest only logs in from localhost.");
    ls_service_add_remediation(svc, "Give applications their own users with permissions limited to their vhost and "
                                    "queues; keep the administrator tag for operators.");
    remediate_common(svc);
}

void rmq_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: assess_open(s); break;
    case LS_AUTH_REQUIRED:
        svc->severity = LS_SEV_LOW;
        ls_service_add_risk(svc, "RABBITMQ-REACHABLE", LS_SEV_LOW,
                            "The RabbitMQ management API is reachable; it needs a password",
                            svc->auth_evidence ? svc->auth_evidence : "HTTP 401");
        ls_service_add_remediation(svc, "Make sure the guest user is deleted or keeps loopback_users (guest/guest is "
                                        "the first login every scanner tries).");
        remediate_common(svc);
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
}
