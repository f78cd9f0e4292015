/* Address sets for --scope, --exclude and the built-in never-scan ranges.
 * An entry is an address, CIDR or A-B range (the target syntax of targets.h, v4 or v6), given
 * directly or as @file / "-" lists; host names and :ports are refused (exit 2, naming the value).
 * Contracts:
 *   - ls_scope_contains(s, sa): the address of sa lies in some entry.
 *   - ls_scope_covers(s, t): every address of ADDR/CIDR/RANGE target t lies in ONE entry (a target
 *     spanning two adjacent scope entries is refused: list it in pieces instead).
 *   - the built-in set (ls_scope_add_builtin) is 0.0.0.0/8, 224.0.0.0/4 (multicast),
 *     240.0.0.0/4 (reserved, incl. the limited broadcast 255.255.255.255), the documentation
 *     ranges 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32, the unspecified
 *     address :: and IPv6 multicast ff00::/8. Loopback is allowed. */
#ifndef LS_CORE_SCOPE_H
#define LS_CORE_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/targets.h"

struct ls_scope_entry {
    int family;
    uint8_t lo[16], hi[16]; /* inclusive, network byte order */
    uint32_t lo4, hi4;      /* host byte order copies for IPv4 */
    char text[64];          /* as given, for messages */
};

struct ls_scope {
    struct ls_scope_entry *v;
    size_t n;
    char origin[160]; /* where a scan's scope came from, for messages ("" = --scope; scope_default.h) */
};

/* Adds "CIDR|ADDR|A-B|@file|-". Returns 0, or -1 with err naming the bad value (prefixed by what,
 * e.g. "--exclude"). */
int ls_scope_add(struct ls_scope *s, const char *what, const char *arg, char *err, size_t errlen);
int ls_scope_add_builtin(struct ls_scope *s);
bool ls_scope_contains(const struct ls_scope *s, const struct sockaddr *sa);
/* The entry that holds all of t, or NULL. */
const struct ls_scope_entry *ls_scope_covers(const struct ls_scope *s, const struct ls_target *t);
/* The entry that holds any address of t, or NULL (first one found). */
const struct ls_scope_entry *ls_scope_overlaps(const struct ls_scope *s, const struct ls_target *t);
/* What a refusal names as the scope: s->origin, or "--scope". */
const char *ls_scope_origin(const struct ls_scope *s);
void ls_scope_free(struct ls_scope *s);

#endif
