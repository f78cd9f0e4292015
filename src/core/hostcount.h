/* Probes in flight per address, for --max-per-host: a chained hash keyed by the address bytes
 * (port ignored). Entries vanish when their count returns to zero, so memory follows the number
 * of hosts in flight, not the number scanned. */
#ifndef LS_CORE_HOSTCOUNT_H
#define LS_CORE_HOSTCOUNT_H

#include <stddef.h>
#include <sys/socket.h>

struct ls_hostcount;

struct ls_hostcount *ls_hostcount_new(size_t buckets);
/* Current count for the address of sa. */
unsigned ls_hostcount_get(const struct ls_hostcount *h, const struct sockaddr *sa);
/* +1 / -1 for the address of sa. inc returns -1 when out of memory. */
int ls_hostcount_inc(struct ls_hostcount *h, const struct sockaddr *sa);
void ls_hostcount_dec(struct ls_hostcount *h, const struct sockaddr *sa);
void ls_hostcount_free(struct ls_hostcount *h);

#endif
