/* The account's capabilities and engine facts (see access.h). */
#include "model/access.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util/strbuf.h"

static const char *const cap_names[LS_CAP_COUNT] = {"read", "write", "schema", "run_code", "read_files", "reach_hosts"};
static const char *const cap_labels[LS_CAP_COUNT] = {"read data", "write data",        "change schema",
                                                     "run code",  "read server files", "reach other hosts"};

const char *ls_cap_name(enum ls_cap c)
{
    return (unsigned)c < LS_CAP_COUNT ? cap_names[c] : "unknown";
}

const char *ls_cap_label(enum ls_cap c)
{
    return (unsigned)c < LS_CAP_COUNT ? cap_labels[c] : "unknown";
}

enum ls_tri ls_access_cap_value(const struct ls_access *a, enum ls_cap c)
{
    return (unsigned)c < LS_CAP_COUNT && a->caps[c].set ? a->caps[c].value : LS_TRI_UNKNOWN;
}

/* Replaces *slot with a copy of text (NULL stays NULL); -1 on allocation failure. */
static int set_copy(char **slot, const char *text)
{
    char *copy = text ? strdup(text) : NULL;
    if (text && !copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

int ls_access_user(struct ls_access *a, const char *user)
{
    a->assessed = true;
    size_t n = strlen(user);
    if (n >= sizeof a->user)
        n = sizeof a->user - 1;
    memcpy(a->user, user, n);
    a->user[n] = '\0';
    return 0;
}

int ls_access_cap(struct ls_access *a, enum ls_cap c, enum ls_tri v, const char *evidence)
{
    if ((unsigned)c >= LS_CAP_COUNT)
        return -1;
    a->assessed = true;
    if (set_copy(&a->caps[c].evidence, evidence) < 0)
        return -1;
    a->caps[c].set = v != LS_TRI_UNKNOWN;
    a->caps[c].value = v;
    return 0;
}

int ls_access_basis(struct ls_access *a, const char *basis)
{
    a->assessed = true;
    return set_copy(&a->basis, basis);
}

static bool reserved(const char *key)
{
    static const char *const names[] = {"user", "capabilities", "can_write", "can_ddl", "basis"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(key, names[i]) == 0)
            return true;
    return !*key;
}

static void fact_clear(struct ls_fact *f)
{
    free(f->text);
    f->text = NULL;
    ls_strv_free(f->list, f->nlist);
    f->list = NULL;
    f->nlist = 0;
    f->num = 0;
}

/* The fact named key, created empty with `type` if absent, or reset if its type differs. */
static struct ls_fact *fact_slot(struct ls_access *a, const char *key, enum ls_fact_type type)
{
    if (reserved(key))
        return NULL;
    a->assessed = true;
    for (size_t i = 0; i < a->nfacts; i++)
        if (strcmp(a->facts[i].key, key) == 0) {
            if (a->facts[i].type != type) {
                fact_clear(&a->facts[i]);
                a->facts[i].type = type;
            }
            return &a->facts[i];
        }
    struct ls_fact *grown = realloc(a->facts, (a->nfacts + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    a->facts = grown;
    struct ls_fact *f = &a->facts[a->nfacts];
    memset(f, 0, sizeof *f);
    if (!(f->key = strdup(key)))
        return NULL;
    f->type = type;
    a->nfacts++;
    return f;
}

int ls_access_fact_int(struct ls_access *a, const char *key, bool known, int64_t v)
{
    struct ls_fact *f = fact_slot(a, key, LS_FACT_INT);
    if (!f)
        return -1;
    f->known = known;
    f->num = known ? v : 0;
    return 0;
}

int ls_access_fact_bool(struct ls_access *a, const char *key, enum ls_tri v)
{
    struct ls_fact *f = fact_slot(a, key, LS_FACT_BOOL);
    if (!f)
        return -1;
    f->known = v != LS_TRI_UNKNOWN;
    f->num = v == LS_TRI_YES;
    return 0;
}

int ls_access_fact_text(struct ls_access *a, const char *key, const char *text)
{
    struct ls_fact *f = fact_slot(a, key, LS_FACT_TEXT);
    if (!f || set_copy(&f->text, text) < 0)
        return -1;
    f->known = text != NULL;
    return 0;
}

int ls_access_fact_list(struct ls_access *a, const char *key, bool known)
{
    struct ls_fact *f = fact_slot(a, key, LS_FACT_LIST);
    if (!f)
        return -1;
    f->known = known;
    return 0;
}

int ls_access_fact_list_add(struct ls_access *a, const char *key, const char *item)
{
    struct ls_fact *f = fact_slot(a, key, LS_FACT_LIST);
    if (!f)
        return -1;
    f->known = true;
    return ls_strv_add(&f->list, &f->nlist, item);
}

const struct ls_fact *ls_access_fact(const struct ls_access *a, const char *key)
{
    for (size_t i = 0; i < a->nfacts; i++)
        if (strcmp(a->facts[i].key, key) == 0)
            return &a->facts[i];
    return NULL;
}

char *ls_fact_label(const struct ls_fact *f, char *out, size_t n)
{
    size_t i = 0;
    for (; n && f->key[i] && i < n - 1; i++)
        out[i] = f->key[i] == '_' ? ' ' : f->key[i];
    if (n)
        out[i] = '\0';
    return out;
}

char *ls_fact_value(const struct ls_fact *f, char *out, size_t n)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    if (!f->known)
        ls_sb_append(&b, "unknown");
    else if (f->type == LS_FACT_INT)
        ls_sb_printf(&b, "%" PRId64, f->num);
    else if (f->type == LS_FACT_BOOL)
        ls_sb_append(&b, f->num ? "yes" : "no");
    else if (f->type == LS_FACT_TEXT)
        ls_sb_append(&b, f->text ? f->text : "");
    else if (!f->nlist)
        ls_sb_append(&b, "none");
    for (size_t i = 0; f->known && f->type == LS_FACT_LIST && i < f->nlist; i++) {
        if (i)
            ls_sb_append(&b, ", ");
        ls_sb_append(&b, f->list[i]);
    }
    return out;
}

const char *ls_tri_word(enum ls_tri v)
{
    return v == LS_TRI_YES ? "yes" : v == LS_TRI_NO ? "no" : "unknown";
}

void ls_access_free(struct ls_access *a)
{
    for (size_t i = 0; i < LS_CAP_COUNT; i++)
        free(a->caps[i].evidence);
    for (size_t i = 0; i < a->nfacts; i++) {
        fact_clear(&a->facts[i]);
        free(a->facts[i].key);
    }
    free(a->facts);
    free(a->basis);
    memset(a, 0, sizeof *a);
}
