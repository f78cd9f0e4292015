/* Assessment pieces shared by the engines (see assess_common.h): one place for the data-exposure
 * risks' ids, titles, evidence and severities, so that every engine words them alike. */
#include <stdio.h>

#include "engines/assess_common.h"

unsigned ls_sampled_classes(const struct ls_service *svc)
{
    unsigned cls = 0;
    for (size_t i = 0; i < svc->ntables; i++)
        if (svc->tables[i].scanned_rows > 0)
            cls |= svc->tables[i].classes;
    return cls;
}

void ls_raise_severity(struct ls_service *svc, enum ls_severity sev)
{
    if (sev > svc->severity)
        svc->severity = sev;
}

static void add(struct ls_service *svc, enum ls_severity *top, const char *prefix, const char *kind,
                enum ls_severity sev, const char *title, const char *evidence)
{
    char id[64];
    snprintf(id, sizeof id, "%s-%s-EXPOSED", prefix, kind);
    ls_service_add_risk(svc, id, sev, title, evidence);
    if (sev > *top)
        *top = sev;
}

enum ls_severity ls_assess_data_risks(struct ls_service *svc, const char *prefix, const char *store, const char *item,
                                      unsigned found)
{
    enum ls_severity top = LS_SEV_INFO;
    char title[160], ev[160];
    if (found & LS_CLASS_SECRETS) {
        snprintf(title, sizeof title, "Credentials (API keys, tokens, passwords) are stored in readable %s", store);
        snprintf(ev, sizeof ev, "the sampled %s matched secret rules; see the secret records", item);
        add(svc, &top, prefix, "SECRETS", LS_SEV_CRITICAL, title, ev);
    }
    if (found & LS_CLASS_CHAT) {
        snprintf(ev, sizeof ev, "the sampled %s hold chat messages (role/content)", item);
        add(svc, &top, prefix, "CHAT", LS_SEV_CRITICAL, "Chat histories are readable", ev);
    }
    if (found & LS_CLASS_PII) {
        snprintf(ev, sizeof ev, "the sampled %s matched personal-data rules", item);
        add(svc, &top, prefix, "PII", LS_SEV_HIGH, "Personal data (e-mail addresses, phone numbers) is readable", ev);
    }
    return top;
}
