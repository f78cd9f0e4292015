/* Scope and exclusion checks of the target list before the first probe; see scan_check.h. */
#include "core/scan_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/permute.h"
#include "net/conn.h"

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

int ls_check_init(struct ls_check *c, const struct ls_target_list *tl, const struct ls_resolved *res,
                  const struct ls_scope *scope, const struct ls_scope *exclude, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->exclude = exclude;
    c->state = calloc(tl->n ? tl->n : 1, 1);
    if (!c->state || ls_scope_add_builtin(&c->builtin) != 0) {
        snprintf(err, errlen, "out of memory");
        return 3;
    }
    bool have_scope = scope && scope->n > 0;
    for (size_t i = 0; i < tl->n; i++) {
        const struct ls_target *t = &tl->v[i];
        const struct ls_scope_entry *e;
        if (t->kind == LS_TARGET_NAME) {
            for (size_t k = 0; k < res[i].n; k++) {
                const struct sockaddr *sa = (const struct sockaddr *)&res[i].addrs[k];
                if (have_scope && !ls_scope_contains(scope, sa)) {
                    char ip[64];
                    ls_sockaddr_ip(sa, ip, sizeof ip);
                    snprintf(err, errlen, "target '%s' resolves to %s, which is outside %s", t->name, ip,
                             ls_scope_origin(scope));
                    return 2;
                }
            }
            c->state[i] = 1;
            continue;
        }
        if (have_scope && !ls_scope_covers(scope, t)) {
            snprintf(err, errlen, "target '%s' is outside %s", t->name, ls_scope_origin(scope));
            return 2;
        }
        if ((e = ls_scope_covers(&c->builtin, t))) {
            snprintf(err, errlen, "target '%s' lies in %s, a range leakscan never scans", t->name, e->text);
            return 2;
        }
        if (exclude && ls_scope_covers(exclude, t))
            c->state[i] = 2;
        else if (ls_scope_overlaps(&c->builtin, t) || (exclude && ls_scope_overlaps(exclude, t)))
            c->state[i] = 1;
    }
    return 0;
}

uint64_t ls_check_hash(const struct ls_check *c, uint64_t args_hash, const struct ls_resolved *res, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ args_hash;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < res[i].n; k++)
            h = hash_bytes(h, &res[i].addrs[k], sizeof res[i].addrs[k]);
    if (c->exclude)
        for (size_t i = 0; i < c->exclude->n; i++)
            h = hash_bytes(h, c->exclude->v[i].lo, 32);
    return ls_mix64(h) | 1; /* never 0: 0 means "no resume" */
}

void ls_check_free(struct ls_check *c)
{
    ls_scope_free(&c->builtin);
    free(c->state);
    c->state = NULL;
}
