/* Address sets for --scope / --exclude / built-in exclusions; see scope.h. */
#include "core/scope.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/textutil.h"

static const char *const builtin[] = {
    "0.0.0.0/8",      "224.0.0.0/4",   "240.0.0.0/4", "192.0.2.0/24", "198.51.100.0/24",
    "203.0.113.0/24", "2001:db8::/32", "::",          "ff00::/8",
};

static uint32_t be32(const uint8_t *a)
{
    return (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
}

/* First and last address of an ADDR/CIDR/RANGE target. */
static void target_bounds(const struct ls_target *t, uint8_t lo[16], uint8_t hi[16])
{
    size_t n = t->family == AF_INET ? 4 : 16;
    memset(lo, 0, 16);
    memset(hi, 0, 16);
    memcpy(lo, t->addr, n);
    memcpy(hi, t->kind == LS_TARGET_RANGE ? t->addr_end : t->addr, n);
    if (t->kind == LS_TARGET_CIDR)
        for (unsigned b = 0; b < n * 8; b++)
            if (b >= t->prefix)
                hi[b / 8] |= (uint8_t)(0x80 >> (b % 8));
}

static int push(struct ls_scope *s, const struct ls_target *t)
{
    struct ls_scope_entry *nv = realloc(s->v, (s->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    s->v = nv;
    struct ls_scope_entry *e = &nv[s->n++];
    memset(e, 0, sizeof *e);
    e->family = t->family;
    target_bounds(t, e->lo, e->hi);
    e->lo4 = be32(e->lo);
    e->hi4 = be32(e->hi);
    snprintf(e->text, sizeof e->text, "%.59s", t->name);
    return 0;
}

int ls_scope_add(struct ls_scope *s, const char *what, const char *arg, char *err, size_t errlen)
{
    struct ls_target_list l = {0};
    char e2[400], q[LS_QUOTE_MAX + 8];
    if (ls_targets_parse_set(&l, arg, e2, sizeof e2) != 0) {
        ls_set_err(err, errlen, "%s: %s", what, e2);
        return -1;
    }
    for (size_t i = 0; i < l.n; i++) {
        const struct ls_target *t = &l.v[i];
        if (t->kind == LS_TARGET_NAME || t->port) {
            ls_set_err(err, errlen, "%s: bad value '%s': only addresses, CIDRs and A-B ranges are allowed", what,
                       ls_quote(q, sizeof q, t->name, strlen(t->name)));
            ls_target_list_free(&l);
            return -1;
        }
        if (push(s, t) != 0) {
            ls_set_err(err, errlen, "%s: out of memory", what);
            ls_target_list_free(&l);
            return -1;
        }
    }
    ls_target_list_free(&l);
    return 0;
}

int ls_scope_add_builtin(struct ls_scope *s)
{
    char err[256];
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (ls_scope_add(s, "built-in exclusion", builtin[i], err, sizeof err) != 0)
            return -1;
    return 0;
}

bool ls_scope_contains(const struct ls_scope *s, const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
        for (size_t i = 0; i < s->n; i++)
            if (s->v[i].family == AF_INET && a >= s->v[i].lo4 && a <= s->v[i].hi4)
                return true;
        return false;
    }
    const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].family == AF_INET6 && memcmp(a, s->v[i].lo, 16) >= 0 && memcmp(a, s->v[i].hi, 16) <= 0)
            return true;
    return false;
}

const struct ls_scope_entry *ls_scope_covers(const struct ls_scope *s, const struct ls_target *t)
{
    uint8_t lo[16], hi[16];
    target_bounds(t, lo, hi);
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].family == t->family && memcmp(lo, s->v[i].lo, 16) >= 0 && memcmp(hi, s->v[i].hi, 16) <= 0)
            return &s->v[i];
    return NULL;
}

const struct ls_scope_entry *ls_scope_overlaps(const struct ls_scope *s, const struct ls_target *t)
{
    uint8_t lo[16], hi[16];
    target_bounds(t, lo, hi);
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].family == t->family && memcmp(lo, s->v[i].hi, 16) <= 0 && memcmp(hi, s->v[i].lo, 16) >= 0)
            return &s->v[i];
    return NULL;
}

const char *ls_scope_origin(const struct ls_scope *s)
{
    return s && s->origin[0] ? s->origin : "--scope";
}

void ls_scope_free(struct ls_scope *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
    s->origin[0] = '\0';
}
