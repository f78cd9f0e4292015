/* ClickHouse CVEs that matter for an exposed server (reference §6) as data, matched by the shared
 * engines/cve.h against a detected version that may be partial ("18.16" from a stack trace,
 * "18.16.1" from the native hello, "22.8.3.13" from version() or an error body). */
#ifndef LS_ENGINES_CH_CVES_H
#define LS_ENGINES_CH_CVES_H

#include <stddef.h>

#include "engines/cve.h"

enum ch_cve_match {
    CH_CVE_NOT_AFFECTED = LS_CVE_NOT_AFFECTED,
    CH_CVE_AFFECTED = LS_CVE_AFFECTED,
    CH_CVE_POSSIBLY = LS_CVE_POSSIBLY
};

/* The table (static, n entries). */
const struct ls_cve *ch_cves(size_t *n);
/* ls_version_parse under its older name (ch_posture.c uses it). */
int ch_version_parse(const char *v, long out[4]);
/* ls_cve_match with ClickHouse's branches (major.minor). */
enum ch_cve_match ch_cve_match(const struct ls_cve *c, const char *version, char *why, size_t whylen);

#endif
