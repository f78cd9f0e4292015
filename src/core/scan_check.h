/* Checks of the target list against --scope, --exclude and the built-in never-scan ranges, done
 * once before the first probe, and the per-pair exclusion test used during the walk.
 * Contract of ls_check_init (returns 0, 2 with a one-line err, or 3):
 *   - with a non-empty scope, every address/CIDR/range target must lie inside one scope entry and
 *     every resolved address of a name inside some entry, else 2 ("... is outside --scope");
 *   - a target wholly inside a built-in range is refused with 2 (naming the range);
 *   - a target wholly inside a user exclusion is dropped (no probes), partly excluded targets and
 *     names are checked address by address during the walk (ls_check_excluded). */
#ifndef LS_CORE_SCAN_CHECK_H
#define LS_CORE_SCAN_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/scan_dns.h"
#include "core/scope.h"
#include "core/targets.h"

struct ls_check {
    struct ls_scope builtin;
    const struct ls_scope *exclude; /* may be NULL */
    uint8_t *state;                 /* per target: 0 clean, 1 check each address, 2 all excluded */
};

int ls_check_init(struct ls_check *c, const struct ls_target_list *tl, const struct ls_resolved *res,
                  const struct ls_scope *scope, const struct ls_scope *exclude, char *err, size_t errlen);
static inline bool ls_check_fully_excluded(const struct ls_check *c, size_t t)
{
    return c->state[t] == 2;
}
static inline bool ls_check_excluded(const struct ls_check *c, size_t t, const struct sockaddr *sa)
{
    return c->state[t] == 1 &&
           (ls_scope_contains(&c->builtin, sa) || (c->exclude && ls_scope_contains(c->exclude, sa)));
}
/* Folds the resolved addresses and the exclusions into the caller's hash of the arguments. */
uint64_t ls_check_hash(const struct ls_check *c, uint64_t args_hash, const struct ls_resolved *res, size_t n);
void ls_check_free(struct ls_check *c);

#endif
