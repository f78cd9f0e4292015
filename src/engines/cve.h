/* Known CVEs as data, shared by every engine: one table per engine (ids, severity, whether the bug
 * is reachable before login, the first affected release, the fixed release of each branch and
 * the primary source), a matcher for full, partial ("18.16") and distribution-built versions
 * ("15.18 (Debian 15.18-0+deb12u1)", "10.11.19-MariaDB-0+deb12u1"), and one call that turns the
 * matches into risks "<PREFIX>CVE-YYYY-NNNN" on a service. */
#ifndef LS_ENGINES_CVE_H
#define LS_ENGINES_CVE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define LS_CVE_MAX_FIXES 7

struct ls_cve {
    const char *ids; /* "CVE-2021-43304, CVE-2021-43305"; the first names the risk */
    enum ls_severity severity;
    bool preauth; /* reachable without logging in */
    const char *title;
    const char *introduced;              /* first affected release, NULL = all versions */
    const char *fixed[LS_CVE_MAX_FIXES]; /* fixed release per maintained branch, NULL-terminated */
    const char *source;                  /* primary source (NVD, vendor advisory), NULL when not recorded */
};

enum ls_cve_verdict { LS_CVE_NOT_AFFECTED = 0, LS_CVE_AFFECTED, LS_CVE_POSSIBLY };

/* Matching options. */
#define LS_CVE_BRANCH_MAJOR 0x1u /* a release branch is the first number (PostgreSQL 10+), not the first two */
#define LS_CVE_BACKPORTS 0x2u    /* the version cannot show backported fixes (Redis): below a fix is "possibly" */

/* Parses up to 4 dot-separated numbers ("22.8.3.13"); returns how many (0 = not a version). */
int ls_version_parse(const char *v, long out[4]);
/* The distribution named in a version string ("Debian", "Ubuntu", "deb12u1", ".el9"), or NULL. */
const char *ls_version_distro(const char *version);
/* Matches version against c. `why` gets one line of evidence ("18.16.1 is below the fix 19.14.3.3",
 * "18.16: patch level unknown, fixed in 18.16.2"). A version below the fix that a distribution
 * built (or any version under LS_CVE_BACKPORTS) is POSSIBLY: distributions backport fixes without
 * changing the upstream number. */
enum ls_cve_verdict ls_cve_match(const struct ls_cve *c, const char *version, unsigned flags, char *why, size_t whylen);
/* Adds a risk per affected or possibly affected entry of tab to svc ("<prefix>CVE-…"; prefix may be
 * ""), the severity one step lower for "possibly" and post-login bugs low when the server demands a
 * password; raises the service's severity (at most high) when it is open. Returns how many. */
size_t ls_cve_add_risks(struct ls_service *svc, const struct ls_cve *tab, size_t n, const char *prefix, unsigned flags);

#endif
