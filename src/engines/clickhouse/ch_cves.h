/* ClickHouse CVEs that matter for an exposed server (reference §6) as data, and matching them
 * against a detected version that may be partial ("18.16" from a stack trace, "18.16.1" from the
 * native hello, "22.8.3.13" from version() or an error body). */
#ifndef LS_ENGINES_CH_CVES_H
#define LS_ENGINES_CH_CVES_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define CH_CVE_MAX_FIXES 6

struct ch_cve {
    const char *ids; /* "CVE-2021-43304, CVE-2021-43305" */
    enum ls_severity severity;
    bool preauth; /* reachable without logging in */
    const char *title;
    const char *introduced;              /* first affected release line, NULL = all versions */
    const char *fixed[CH_CVE_MAX_FIXES]; /* fixed release per maintained branch, NULL-terminated */
};

enum ch_cve_match { CH_CVE_NOT_AFFECTED = 0, CH_CVE_AFFECTED, CH_CVE_POSSIBLY };

/* The table (static, n entries). */
const struct ch_cve *ch_cves(size_t *n);
/* Parses up to 4 dot-separated numbers ("22.8.3.13"); returns how many (0 = not a version). */
int ch_version_parse(const char *v, long out[4]);
/* Matches version against c. `why` gets one line of evidence ("18.16.1 is below 19.14.3.3", or
 * for a partial version "18.16: patch unknown, fixed in 18.16.2"). */
enum ch_cve_match ch_cve_match(const struct ch_cve *c, const char *version, char *why, size_t whylen);

#endif
