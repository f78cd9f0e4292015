/* Finding model helpers: names of enums, totals, the suspect-host wording, and owned-memory management. */
#include "model/model.h"

#include "util/fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"
#include "util/strbuf.h"

const char *ls_auth_name(enum ls_auth a)
{
    switch (a) {
    case LS_AUTH_NONE: return "none";
    case LS_AUTH_DEFAULT_CREDENTIALS: return "default-credentials";
    case LS_AUTH_REQUIRED: return "required";
    case LS_AUTH_UNKNOWN: break;
    }
    return "unknown";
}

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

const char *ls_severity_name(enum ls_severity s)
{
    return (unsigned)s < sizeof severity_names / sizeof *severity_names ? severity_names[s] : "info";
}

int ls_severity_parse(const char *s)
{
    for (size_t i = 0; i < sizeof severity_names / sizeof *severity_names; i++)
        if (strcmp(s, severity_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *ls_class_name(unsigned class_bit)
{
    switch (class_bit) {
    case LS_CLASS_LOGS: return "logs";
    case LS_CLASS_CHAT: return "chat";
    case LS_CLASS_SECRETS: return "secrets";
    case LS_CLASS_PII: return "pii";
    default: return NULL;
    }
}

const char *ls_phase_name(enum ls_phase p)
{
    static const char *const names[LS_PHASE_COUNT] = {"fingerprint", "access", "inventory", "posture", "sampling"};
    return (unsigned)p < LS_PHASE_COUNT ? names[p] : "unknown";
}

static const char *(*engine_display)(const char *engine);

void ls_model_set_engine_display(const char *(*display)(const char *engine))
{
    engine_display = display;
}

const char *ls_engine_display_name(const char *engine)
{
    if (!engine)
        return "unknown";
    const char *d = engine_display ? engine_display(engine) : NULL;
    return d ? d : engine;
}

bool ls_service_unidentified(const struct ls_service *s)
{
    return s->engine && strcmp(s->engine, "unknown") == 0;
}

struct ls_unit_words ls_unit_words(const char *kind)
{
    static const struct {
        const char *kind;
        struct ls_unit_words w;
    } known[] = {
        {"table", {"table", "tables", "row", "rows"}},
        {"unit", {"data unit", "data units", "entry", "entries"}},
        {"keyspace", {"keyspace", "keyspaces", "key", "keys"}},
        {"database", {"database", "databases", "entry", "entries"}},
        {"collection", {"collection", "collections", "document", "documents"}},
        {"index", {"index", "indexes", "document", "documents"}},
        {"queue", {"queue", "queues", "message", "messages"}},
        {"measurement", {"measurement", "measurements", "point", "points"}},
        {"series", {"series", "series", "series", "series"}},
        {"znodes", {"znode tree", "znode trees", "znode", "znodes"}},
        {"targets", {"target list", "target lists", "target", "targets"}},
        {"config", {"configuration", "configurations", "line", "lines"}},
        {"parameters", {"parameter set", "parameter sets", "parameter", "parameters"}},
        {"subscriptions", {"subscription list", "subscription lists", "subscription", "subscriptions"}},
        {"slab", {"slab class", "slab classes", "item", "items"}},
        {"cache", {"cache", "caches", "item", "items"}},
        {"keys", {"key range", "key ranges", "key", "keys"}},
    };
    const char *k = kind ? kind : "table";
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(known[i].kind, k) == 0)
            return known[i].w;
    return (struct ls_unit_words){k, k, "entry", "entries"};
}

const char *ls_service_unit_kind(const struct ls_service *s)
{
    for (size_t i = 1; i < s->ntables; i++) {
        const char *a = s->tables[0].kind, *b = s->tables[i].kind;
        if (a != b && (!a || !b || strcmp(a, b) != 0))
            return "unit";
    }
    return s->ntables ? s->tables[0].kind : NULL;
}

uint64_t ls_service_rows(const struct ls_service *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->ntables; i++)
        n = ls_count_add(n, s->tables[i].rows);
    return n;
}

uint64_t ls_service_bytes(const struct ls_service *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->ntables; i++)
        n = ls_count_add(n, s->tables[i].bytes);
    return n;
}

unsigned ls_service_classes(const struct ls_service *s)
{
    unsigned c = 0;
    for (size_t i = 0; i < s->ntables; i++)
        c |= s->tables[i].classes;
    return c;
}

struct ls_table *ls_service_add_table(struct ls_service *s)
{
    struct ls_table *nt = realloc(s->tables, (s->ntables + 1) * sizeof *nt);
    if (!nt)
        return NULL;
    s->tables = nt;
    memset(&nt[s->ntables], 0, sizeof *nt);
    return &nt[s->ntables++];
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

int ls_service_add_risk(struct ls_service *s, const char *id, enum ls_severity sev, const char *title,
                        const char *evidence)
{
    struct ls_risk *nr = realloc(s->risks, (s->nrisks + 1) * sizeof *nr);
    if (!nr)
        return -1;
    s->risks = nr;
    struct ls_risk *r = &nr[s->nrisks];
    r->id = dup_or_null(id);
    r->severity = sev;
    r->title = dup_or_null(title);
    r->evidence = dup_or_null(evidence);
    if (!r->id || !r->title) {
        free(r->id);
        free(r->title);
        free(r->evidence);
        return -1;
    }
    s->nrisks++;
    return 0;
}

int ls_service_add_remediation(struct ls_service *s, const char *text)
{
    char **nr = realloc(s->remediation, (s->nremediation + 1) * sizeof *nr);
    if (!nr)
        return -1;
    s->remediation = nr;
    if (!(nr[s->nremediation] = strdup(text)))
        return -1;
    s->nremediation++;
    return 0;
}

struct ls_table *ls_service_add_sysobj(struct ls_service *s, const char *database, const char *name)
{
    struct ls_table *nt = realloc(s->sysobjs, (s->nsysobjs + 1) * sizeof *nt);
    if (!nt)
        return NULL;
    s->sysobjs = nt;
    struct ls_table *t = &nt[s->nsysobjs];
    memset(t, 0, sizeof *t);
    t->database = strdup(database);
    t->name = strdup(name);
    t->storage = strdup("system");
    if (!t->database || !t->name || !t->storage) {
        ls_table_free(t);
        return NULL;
    }
    s->nsysobjs++;
    return t;
}

struct ls_table *ls_service_sysobj(struct ls_service *s, const char *database, const char *name)
{
    for (size_t i = 0; i < s->nsysobjs; i++)
        if (strcmp(s->sysobjs[i].database, database) == 0 && strcmp(s->sysobjs[i].name, name) == 0)
            return &s->sysobjs[i];
    return NULL;
}

int ls_service_add_unknown(struct ls_service *s, const char *what, const char *reason)
{
    struct ls_unknown *nu = realloc(s->unknowns, (s->nunknowns + 1) * sizeof *nu);
    if (!nu)
        return -1;
    s->unknowns = nu;
    nu[s->nunknowns].what = strdup(what);
    nu[s->nunknowns].reason = strdup(reason ? reason : "no reason given");
    if (!nu[s->nunknowns].what || !nu[s->nunknowns].reason) {
        free(nu[s->nunknowns].what);
        free(nu[s->nunknowns].reason);
        return -1;
    }
    s->nunknowns++;
    return 0;
}

char *ls_suspect_describe(const struct ls_suspect_host *h, char *out, size_t n)
{
    if (!n)
        return out;
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    ls_sb_printf(&b, "open on the default ports of %u database engines at once (", h->nengines);
    for (unsigned i = 0; i < h->nengines && i < LS_SUSPECT_MAX_ENGINES; i++)
        ls_sb_printf(&b, "%s%s", i ? ", " : "", h->engines[i] ? h->engines[i] : "?");
    ls_sb_printf(&b, "), %u open database port%s: likely a honeypot or tarpit", h->open_db_ports,
                 h->open_db_ports == 1 ? "" : "s");
    return out;
}

const char ls_suspects_intro[] = "Open on the default ports of many database engines at once, which real servers "
                                 "rarely are: what they seem to expose may be bait.";

char *ls_suspects_heading(uint64_t total, char *out, size_t n)
{
    char num[LS_FMT_NUM];
    const char *s = total == 1 ? "" : "s";
    snprintf(out, n, "Likely honeypot%s or tarpit%s: %s host%s", s, s, ls_fmt_thousands(total, num), s);
    return out;
}

int ls_strv_add(char ***v, size_t *n, const char *text)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], text) == 0)
            return 0;
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    if (!(nv[*n] = strdup(text)))
        return -1;
    (*n)++;
    return 0;
}

void ls_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void ls_table_free(struct ls_table *t)
{
    free(t->database);
    free(t->name);
    free(t->storage);
    for (size_t i = 0; i < t->ncolumns; i++) {
        free(t->columns[i].name);
        free(t->columns[i].type);
    }
    free(t->columns);
    free(t->tallies);
    for (size_t i = 0; i < t->nsecrets; i++) {
        free(t->secrets[i].column);
        free(t->secrets[i].raw);
    }
    free(t->secrets);
    free(t->error);
    free(t->note);
    memset(t, 0, sizeof *t);
}

void ls_service_free(struct ls_service *s)
{
    for (size_t i = 0; i < s->ntables; i++)
        ls_table_free(&s->tables[i]);
    free(s->tables);
    for (size_t i = 0; i < s->nrisks; i++) {
        free(s->risks[i].id);
        free(s->risks[i].title);
        free(s->risks[i].evidence);
    }
    free(s->risks);
    for (size_t i = 0; i < s->nremediation; i++)
        free(s->remediation[i]);
    free(s->remediation);
    free(s->auth_evidence);
    free(s->error);
    free(s->version_source);
    ls_access_free(&s->access);
    for (size_t i = 0; i < s->nsysobjs; i++)
        ls_table_free(&s->sysobjs[i]);
    free(s->sysobjs);
    for (size_t i = 0; i < s->nunknowns; i++) {
        free(s->unknowns[i].what);
        free(s->unknowns[i].reason);
    }
    free(s->unknowns);
    ls_strv_free(s->honeypot.reasons, s->honeypot.nreasons);
    free(s->compromise_evidence);
    free(s->banner);
    memset(s, 0, sizeof *s);
}
