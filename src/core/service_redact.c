/* The model-boundary redaction pass (see service_redact.h). Lists every string field of the
 * model once: a field added to model.h without a line here is a field a server can leak through. */
#include "core/service_redact.h"

#include "detect/textredact.h"

struct pass {
    const struct ls_detector *d;
    struct ls_detect_scratch *s;
};

static void own(struct pass *p, char **str)
{
    ls_redact_text_owned(p->d, p->s, str);
}
static void fixed(struct pass *p, char *buf, size_t cap)
{
    ls_redact_text_buf(p->d, p->s, buf, cap);
}

static void strv(struct pass *p, char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        own(p, &v[i]);
}

static void table(struct pass *p, struct ls_table *t)
{
    own(p, &t->database);
    own(p, &t->name);
    own(p, &t->storage);
    own(p, &t->error);
    own(p, &t->note);
    for (size_t i = 0; i < t->ncolumns; i++) {
        own(p, &t->columns[i].name);
        own(p, &t->columns[i].type);
    }
    for (size_t i = 0; i < t->nsecrets; i++)
        own(p, &t->secrets[i].column);
}

int ls_service_redact(struct ls_service *svc, const struct ls_detector *d)
{
    struct pass p = {d, d ? ls_detect_scratch_new(d) : NULL};
    if (d && !p.s)
        p.d = NULL;
    fixed(&p, svc->version, sizeof svc->version);
    fixed(&p, svc->display_name, sizeof svc->display_name);
    fixed(&p, svc->timezone, sizeof svc->timezone);
    own(&p, &svc->auth_evidence);
    own(&p, &svc->error);
    own(&p, &svc->version_source);
    own(&p, &svc->compromise_evidence);
    own(&p, &svc->banner);
    for (size_t i = 0; i < svc->ntables; i++)
        table(&p, &svc->tables[i]);
    for (size_t i = 0; i < svc->nsysobjs; i++)
        table(&p, &svc->sysobjs[i]);
    for (size_t i = 0; i < svc->nrisks; i++) {
        own(&p, &svc->risks[i].title);
        own(&p, &svc->risks[i].evidence);
    }
    strv(&p, svc->remediation, svc->nremediation);
    for (size_t i = 0; i < svc->nunknowns; i++) {
        own(&p, &svc->unknowns[i].what);
        own(&p, &svc->unknowns[i].reason);
    }
    strv(&p, svc->honeypot.reasons, svc->honeypot.nreasons);
    struct ls_access *ac = &svc->access;
    fixed(&p, ac->user, sizeof ac->user);
    for (size_t i = 0; i < LS_CAP_COUNT; i++)
        own(&p, &ac->caps[i].evidence);
    for (size_t i = 0; i < ac->nfacts; i++) { /* keys are the engine's own names, values the server's */
        own(&p, &ac->facts[i].text);
        strv(&p, ac->facts[i].list, ac->facts[i].nlist);
    }
    own(&p, &ac->basis);
    ls_detect_scratch_free(p.s);
    return d && !p.s ? -1 : 0;
}
