/* --default-credentials: the shared wording of its outcome (see default_creds.h). */
#include "engines/default_creds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ls_default_creds_accepted(struct ls_service *svc, const char *user)
{
    char ev[256];
    snprintf(ev, sizeof ev, "accepted user '%s' with a default password from the documented list", user);
    svc->auth = LS_AUTH_DEFAULT_CREDENTIALS;
    free(svc->auth_evidence);
    svc->auth_evidence = strdup(ev);
}

void ls_default_creds_refused(struct ls_service *svc, size_t tried)
{
    const char *old = svc->auth_evidence ? svc->auth_evidence : "";
    size_t n = strlen(old) + 96;
    char *ev = malloc(n);
    if (!ev)
        return;
    snprintf(ev, n, "%s%s(%zu default login%s from the documented list refused)", old, old[0] ? " " : "", tried,
             tried == 1 ? "" : "s");
    free(svc->auth_evidence);
    svc->auth_evidence = ev;
}

void ls_default_creds_risk(struct ls_service *svc, const char *prefix, const char *display, enum ls_severity sev)
{
    char id[64], title[160];
    snprintf(id, sizeof id, "%s-DEFAULT-CREDENTIALS", prefix);
    snprintf(title, sizeof title, "%s accepts a default password from a published list", display);
    ls_service_add_risk(svc, id, sev, title, svc->auth_evidence ? svc->auth_evidence : "default login accepted");
    ls_service_add_remediation(svc, "Replace the default password with a long random one and restrict who can "
                                    "connect: default passwords are the first ones every scanner tries.");
}
