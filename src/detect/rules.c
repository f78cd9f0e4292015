/* The rule table: joins the per-family rule groups into one ordered list, the public ls_rules()
 * view of it, and category names. */
#include "detect/rules.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ls_rule_def *const GROUPS[] = {ls_rules_vendor, ls_rules_cloud,   ls_rules_ai,  ls_rules_devtools,
                                                   ls_rules_auth,   ls_rules_generic, ls_rules_pii, NULL};

/* Sized from the groups at first use: no cap that could drop a rule silently. */
static const struct ls_rule_def **defs;
static struct ls_rule *rules;
static size_t nrules;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
    size_t n = 0;
    for (const struct ls_rule_def *const *g = GROUPS; *g; g++)
        for (const struct ls_rule_def *d = *g; d->rule.id; d++)
            n++;
    defs = calloc(n ? n : 1, sizeof *defs);
    rules = calloc(n ? n : 1, sizeof *rules);
    if (!defs || !rules) {
        /* a detector short of rules would miss secrets without a word: refuse to run instead */
        fputs("leakscan: out of memory loading the detection rules\n", stderr);
        abort();
    }
    for (const struct ls_rule_def *const *g = GROUPS; *g; g++)
        for (const struct ls_rule_def *d = *g; d->rule.id; d++) {
            defs[nrules] = d;
            rules[nrules] = d->rule;
            nrules++;
        }
}

const struct ls_rule *ls_rules(size_t *n)
{
    pthread_once(&once, build);
    *n = nrules;
    return rules;
}

size_t ls_rule_count(void)
{
    pthread_once(&once, build);
    return nrules;
}

const struct ls_rule_def *ls_rule_def_at(size_t i)
{
    pthread_once(&once, build);
    return i < nrules ? defs[i] : NULL;
}

size_t ls_rule_index(const struct ls_rule *r)
{
    pthread_once(&once, build);
    if (r >= rules && r < rules + nrules)
        return (size_t)(r - rules);
    return r ? ls_rule_index_by_id(r->id) : (size_t)-1;
}

size_t ls_rule_index_by_id(const char *id)
{
    pthread_once(&once, build);
    for (size_t i = 0; id && i < nrules; i++)
        if (strcmp(rules[i].id, id) == 0)
            return i;
    return (size_t)-1;
}

const char *ls_category_name(enum ls_category c)
{
    switch (c) {
    case LS_CAT_SECRET: return "secret";
    case LS_CAT_PII: return "pii";
    case LS_CAT_CHAT: return "chat";
    }
    return "unknown";
}
