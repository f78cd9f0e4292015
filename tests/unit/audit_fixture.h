/* Shared by the audit unit tests: audit an in-memory file and find a finding by rule. */
#ifndef LS_TEST_AUDIT_FIXTURE_H
#define LS_TEST_AUDIT_FIXTURE_H

#include <string.h>

#include "audit/audit.h"

static inline void audit_text(struct ls_audit *a, const char *path, const char *text, enum ls_audit_type t)
{
    ls_audit_init(a, NULL, NULL);
    if (ls_audit_buffer(a, path, text, strlen(text), t) != 0)
        a->oom = true;
}

static inline const struct ls_config_finding *find_rule(const struct ls_audit *a, const char *rule)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].rule, rule) == 0)
            return &a->v[i];
    return NULL;
}

#endif
