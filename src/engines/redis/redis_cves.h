/* The Redis CVE table (redis_cves.c), matched by engines/cve.h with LS_CVE_BACKPORTS. */
#ifndef LS_ENGINES_REDIS_CVES_H
#define LS_ENGINES_REDIS_CVES_H

#include <stddef.h>

#include "engines/cve.h"

#define REDIS_CVE_FLAGS LS_CVE_BACKPORTS

const struct ls_cve *redis_cves(size_t *n);
/* Adds a REDIS-CVE-… risk per CVE the version is (possibly) affected by, and the upgrade advice. */
void redis_cve_risks(struct ls_service *svc);

#endif
