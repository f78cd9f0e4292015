/* The ClickHouse CVE table (from reference/clickhouse.md §6: security changelog, OSV/NVD, JFrog)
 * and version matching for partial versions. Where a CVE's code did not exist in old releases
 * (codecs added after 18.16), `introduced` says so. */
#include "engines/clickhouse/ch_cves.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ch_cve cves[] = {
    {"CVE-2021-43304, CVE-2021-43305",
     LS_SEV_HIGH,
     false,
     "LZ4 decompression heap overflow via crafted compressed data in a query (potential RCE)",
     NULL,
     {"21.10.2.15", NULL}},
    {"CVE-2021-42387, CVE-2021-42388",
     LS_SEV_MEDIUM,
     false,
     "LZ4 decompression out-of-bounds read (crash, information leak)",
     NULL,
     {"21.10.2.15", NULL}},
    {"CVE-2021-42389, CVE-2021-42390, CVE-2021-42391",
     LS_SEV_MEDIUM,
     false,
     "Divide by zero in the Delta/DeltaDouble/Gorilla codecs (crash)",
     "19.1",
     {"21.10.2.15", NULL}},
    {"CVE-2022-44010",
     LS_SEV_HIGH,
     true,
     "Heap overflow on the HTTP endpoint: unauthenticated crash",
     NULL,
     {"22.3.12.19", "22.6.6.16", "22.7.4.16", "22.8.2.11", "22.9.1.2603", NULL}},
    {"CVE-2022-44011",
     LS_SEV_MEDIUM,
     false,
     "Heap overflow via a malformed CapnProto insert",
     NULL,
     {"22.3.12.19", "22.6.6.16", "22.7.4.16", "22.8.2.11", "22.9.1.2603", NULL}},
    {"CVE-2023-47118",
     LS_SEV_HIGH,
     true,
     "T64 codec heap overflow on the native port, no authentication needed",
     "19.1",
     {"23.3.16.7", "23.8.6.16", "23.9.4.11", "23.10.2.13", NULL}},
    {"CVE-2023-48298",
     LS_SEV_HIGH,
     true,
     "FPC codec integer underflow, no authentication needed",
     "22.1",
     {"23.3.17.13", "23.8.7.24", "23.9.5.29", "23.10.4.25", NULL}},
    {"CVE-2023-48704",
     LS_SEV_HIGH,
     true,
     "Gorilla codec heap overflow on the native port, no authentication needed",
     "19.1",
     {"23.3.18.15", "23.8.8.20", "23.9.6.20", "23.10.5.20", NULL}},
    {"CVE-2024-22412",
     LS_SEV_MEDIUM,
     false,
     "Query cache returns data across role switches",
     "23.1",
     {"23.3.22.3", "23.8.12.13", "23.12.6.19", "24.1.8.22", NULL}},
    {"CVE-2024-6873",
     LS_SEV_HIGH,
     true,
     "Native interface: unauthenticated control-flow redirection (crash, possible code execution)",
     NULL,
     {"23.8.15.35", "24.3.4.147", "24.4.2.141", "24.5.1.1763", "24.6.1.4423", NULL}},
    {"CVE-2025-1385",
     LS_SEV_MEDIUM,
     false,
     "Library bridge and file upload allow code execution on misconfigured servers (needs privileges)",
     "20.1",
     {"25.1.5.5", NULL}},
    {"CVE-2021-25263",
     LS_SEV_MEDIUM,
     false,
     "CREATE DICTIONARY reads files outside the allowed directory",
     "19.17",
     {"20.8.18.32", "21.1.9.41", "21.2.9.41", "21.3.6.55", "21.4.3.21", NULL}},
    {"CVE-2019-16535",
     LS_SEV_HIGH,
     false,
     "Out-of-bounds read/write and integer underflow in decompression over the native protocol (RCE/DoS)",
     NULL,
     {"19.14.3.3", NULL}},
    {"CVE-2019-16536",
     LS_SEV_MEDIUM,
     false,
     "Stack overflow denial of service by an authenticated client",
     NULL,
     {"19.14.3.3", NULL}},
    {"CVE-2019-15024",
     LS_SEV_MEDIUM,
     false,
     "A malicious replica can write arbitrary files via ZooKeeper",
     NULL,
     {"19.14.3.3", NULL}},
    {"CVE-2019-18657",
     LS_SEV_MEDIUM,
     false,
     "HTTP header injection through the url() table function",
     NULL,
     {"19.13.6.1", NULL}},
    {"CVE-2018-14672", LS_SEV_MEDIUM, false, "Path traversal when loading CatBoost models", NULL, {"18.12.13", NULL}},
    {"CVE-2018-14671",
     LS_SEV_HIGH,
     false,
     "unixODBC loads arbitrary shared objects (code execution)",
     NULL,
     {"18.10.3", NULL}},
    {"CVE-2018-14668",
     LS_SEV_MEDIUM,
     false,
     "remote() accepts arbitrary characters in user/password/database",
     NULL,
     {"1.1.54388", NULL}},
    {"CVE-2018-14669",
     LS_SEV_MEDIUM,
     false,
     "MySQL client LOAD DATA LOCAL INFILE reads local files",
     NULL,
     {"1.1.54390", NULL}},
    {"CVE-2018-14670",
     LS_SEV_MEDIUM,
     false,
     "The deb package configuration allowed unauthorized use",
     NULL,
     {"1.1.54131", NULL}},
};

const struct ch_cve *ch_cves(size_t *n)
{
    *n = sizeof cves / sizeof *cves;
    return cves;
}

int ch_version_parse(const char *v, long out[4])
{
    int n = 0;
    if (!v)
        return 0;
    while (n < 4 && isdigit((unsigned char)*v)) {
        char *end;
        out[n++] = strtol(v, &end, 10);
        v = end;
        if (*v != '.')
            break;
        v++;
    }
    return n;
}

/* Compares the first k parts (k = min of both counts); *partial when a's parts ran out first
 * while equal so far (the answer depends on parts we do not know). */
static int cmp(const long *a, int na, const long *b, int nb, bool *partial)
{
    int k = na < nb ? na : nb;
    for (int i = 0; i < k; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    *partial = na < nb;
    return 0;
}

enum ch_cve_match ch_cve_match(const struct ch_cve *c, const char *version, char *why, size_t whylen)
{
    long v[4];
    int nv = ch_version_parse(version, v);
    bool partial = false;
    why[0] = '\0';
    if (nv == 0)
        return CH_CVE_NOT_AFFECTED;
    if (c->introduced) {
        long in[4];
        int ni = ch_version_parse(c->introduced, in);
        if (cmp(v, nv, in, ni, &partial) < 0)
            return CH_CVE_NOT_AFFECTED; /* the code did not exist yet */
    }
    /* the fix on the same release branch (major.minor) decides */
    long hi[4] = {0};
    int nhi = 0;
    for (int i = 0; i < CH_CVE_MAX_FIXES && c->fixed[i]; i++) {
        long f[4];
        int nf = ch_version_parse(c->fixed[i], f);
        bool p = false;
        if (nv >= 2 && nf >= 2 && f[0] == v[0] && f[1] == v[1]) {
            int r = cmp(v, nv, f, nf, &p);
            if (r >= 0 && !p)
                return CH_CVE_NOT_AFFECTED;
            snprintf(why, whylen, p ? "%s: patch level unknown, fixed in %s" : "%s is below the fix %s", version,
                     c->fixed[i]);
            return p ? CH_CVE_POSSIBLY : CH_CVE_AFFECTED;
        }
        if (!nhi || cmp(f, nf, hi, nhi, &p) > 0)
            memcpy(hi, f, sizeof f), nhi = nf;
    }
    if (!nhi)
        return CH_CVE_NOT_AFFECTED;
    /* no fix on this branch: newer than the newest fixed branch means fixed, older is affected */
    partial = false;
    int r = cmp(v, nv < 2 ? nv : 2, hi, 2, &partial);
    if (r > 0)
        return CH_CVE_NOT_AFFECTED;
    if (nv == 1 && partial) {
        snprintf(why, whylen, "%s: only the major version is known; fixed in %s", version, c->fixed[0]);
        return CH_CVE_POSSIBLY;
    }
    const char *newest = NULL;
    for (int i = 0; i < CH_CVE_MAX_FIXES && c->fixed[i]; i++)
        newest = c->fixed[i];
    if (newest != c->fixed[0])
        snprintf(why, whylen, "%s has no fixed release on its branch (fixed in %s … %s)", version, c->fixed[0], newest);
    else
        snprintf(why, whylen, "%s is below the fix %s", version, c->fixed[0]);
    return CH_CVE_AFFECTED;
}
