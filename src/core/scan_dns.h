/* Name resolution for the scan driver: every A and AAAA of each NAME target, asynchronously on the
 * scan's event loop (evdns), before the first probe. Internal to src/core/scan*.c. */
#ifndef LS_CORE_SCAN_DNS_H
#define LS_CORE_SCAN_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/targets.h"

struct event_base;

struct ls_resolved {
    struct sockaddr_storage *addrs; /* unique, at most 64 */
    size_t n;
    int error; /* EVUTIL_EAI_* or 0 */
};

/* Resolves every NAME target of tl; res gets tl->n entries (non-names stay empty). hosts_file, if
 * non-NULL, is loaded into the resolver (an /etc/hosts-format file; the hidden --hosts-file option
 * for tests). Returns 0, 2 (err: "cannot resolve 'x': ...") or 3. */
int ls_resolve_all(struct event_base *base, const struct ls_target_list *tl, const char *hosts_file,
                   struct ls_resolved **res, char *err, size_t errlen);
void ls_resolved_free(struct ls_resolved *res, size_t n);

#endif
