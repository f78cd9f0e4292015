/* Diff of two stored scans: matching services by address and engine, secrets by fingerprint. */
#include "store/diff.h"

#include <stdlib.h>
#include <string.h>

static bool same_service(const struct ls_hist_service *a, const struct ls_hist_service *b)
{
    return a->port == b->port && strcmp(a->ip, b->ip) == 0 && strcmp(a->engine, b->engine) == 0 &&
           strcmp(a->interface, b->interface) == 0;
}

static const struct ls_hist_service *find_service(const struct ls_snapshot *s, const struct ls_hist_service *h)
{
    for (size_t i = 0; i < s->nservices; i++)
        if (same_service(&s->services[i], h))
            return &s->services[i];
    return NULL;
}

static bool has_secret(const struct ls_hist_service *h, const struct ls_hist_secret *x)
{
    for (size_t i = 0; i < h->nsecrets; i++) {
        const struct ls_hist_secret *y = &h->secrets[i];
        if (strcmp(y->fingerprint, x->fingerprint) == 0 && strcmp(y->rule, x->rule) == 0 &&
            strcmp(y->database, x->database) == 0 && strcmp(y->table, x->table) == 0)
            return true;
    }
    return false;
}

/* The secrets of `in` that `other` lacks (all of them when other is NULL). */
static int missing_secrets(const struct ls_hist_service *in, const struct ls_hist_service *other,
                           const struct ls_hist_secret ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!in || !in->nsecrets)
        return 0;
    if (!(*out = calloc(in->nsecrets, sizeof **out)))
        return -1;
    for (size_t i = 0; i < in->nsecrets; i++)
        if (!other || !has_secret(other, &in->secrets[i]))
            (*out)[(*n)++] = &in->secrets[i];
    return 0;
}

static int push(struct ls_diff *d, const struct ls_diff_entry *e)
{
    struct ls_diff_entry *nv = realloc(d->entries, (d->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    d->entries = nv;
    d->entries[d->n++] = *e;
    return 0;
}

static void entry_free(struct ls_diff_entry *e)
{
    free(e->new_secrets);
    free(e->gone_secrets);
}

int ls_diff_compute(const struct ls_snapshot *old_snap, const struct ls_snapshot *new_snap, struct ls_diff *d)
{
    memset(d, 0, sizeof *d);
    d->old_snap = old_snap;
    d->new_snap = new_snap;
    /* Pass 1: new services; pass 2: changed; pass 3: resolved (snapshots are sorted by address). */
    for (int pass = 0; pass < 3; pass++) {
        const struct ls_snapshot *walk = pass == 2 ? old_snap : new_snap;
        for (size_t i = 0; i < walk->nservices; i++) {
            const struct ls_hist_service *h = &walk->services[i];
            struct ls_diff_entry e = {0};
            if (pass == 0 && !find_service(old_snap, h)) {
                e.kind = LS_CHANGE_NEW;
                e.new_svc = h;
                if (missing_secrets(h, NULL, &e.new_secrets, &e.nnew_secrets))
                    goto oom;
            } else if (pass == 1 && (e.old_svc = find_service(old_snap, h))) {
                e.kind = LS_CHANGE_CHANGED;
                e.new_svc = h;
                e.rows_grew = h->rows > e.old_svc->rows;
                e.rows_shrank = h->rows < e.old_svc->rows;
                e.version_changed = strcmp(h->version, e.old_svc->version) != 0;
                e.auth_changed = strcmp(h->auth, e.old_svc->auth) != 0;
                e.severity_changed = strcmp(h->severity, e.old_svc->severity) != 0;
                if (missing_secrets(h, e.old_svc, &e.new_secrets, &e.nnew_secrets) ||
                    missing_secrets(e.old_svc, h, &e.gone_secrets, &e.ngone_secrets)) {
                    entry_free(&e);
                    goto oom;
                }
                if (!e.rows_grew && !e.rows_shrank && !e.version_changed && !e.auth_changed && !e.severity_changed &&
                    !e.nnew_secrets && !e.ngone_secrets) {
                    entry_free(&e);
                    continue; /* unchanged */
                }
            } else if (pass == 2 && !find_service(new_snap, h)) {
                e.kind = LS_CHANGE_RESOLVED;
                e.old_svc = h;
            } else
                continue;
            if (push(d, &e)) {
                entry_free(&e);
                goto oom;
            }
            d->nnew += e.kind == LS_CHANGE_NEW;
            d->nchanged += e.kind == LS_CHANGE_CHANGED;
            d->nresolved += e.kind == LS_CHANGE_RESOLVED;
            d->nnew_secrets += e.nnew_secrets;
        }
    }
    return 0;
oom:
    ls_diff_free(d);
    return -1;
}

bool ls_diff_has_news(const struct ls_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct ls_diff_entry *e = &d->entries[i];
        if (e->kind == LS_CHANGE_NEW || e->nnew_secrets || e->rows_grew || e->version_changed || e->auth_changed ||
            e->severity_changed)
            return true;
    }
    return false;
}

void ls_diff_free(struct ls_diff *d)
{
    for (size_t i = 0; i < d->n; i++)
        entry_free(&d->entries[i]);
    free(d->entries);
    memset(d, 0, sizeof *d);
}
