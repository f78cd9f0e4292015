/* The PostgreSQL CVE table (pg_cves.c), matched by engines/cve.h per major branch (15.x). */
#ifndef LS_ENGINES_PG_CVES_H
#define LS_ENGINES_PG_CVES_H

#include <stddef.h>

#include "engines/cve.h"

#define PG_CVE_FLAGS LS_CVE_BRANCH_MAJOR

const struct ls_cve *pg_cves(size_t *n);
/* Adds a PG-CVE-… risk per CVE the version is (possibly) affected by, and the upgrade advice. */
void pg_cve_risks(struct ls_service *svc);

#endif
