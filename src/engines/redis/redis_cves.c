/* Redis CVEs that matter for an exposed server: bugs any client that got in can reach (Lua
 * scripts, HyperLogLog) or that need no login at all. Fixed releases as the Redis release notes
 * and security advisories state them (each entry names its source). redis_version carries no
 * distribution mark while distributions backport fixes into old numbers (Debian 12 ships 7.0.15
 * with these fixes), so below a fix is reported as "possibly" (LS_CVE_BACKPORTS). */
#include "engines/redis/redis_cves.h"

static const struct ls_cve cves[] = {
    {"CVE-2025-49844, CVE-2025-46817, CVE-2025-46818",
     LS_SEV_HIGH,
     false,
     "Lua scripts: use-after-free in the parser, integer overflow in unpack, scripts run as another user "
     "(remote code execution by any client allowed EVAL)",
     NULL,
     {"6.2.20", "7.2.11", "7.4.6", "8.0.4", "8.2.2", NULL},
     "https://github.com/redis/redis/security/advisories/GHSA-4789-qfc9-5f9q"},
    {"CVE-2025-32023",
     LS_SEV_HIGH,
     false,
     "HyperLogLog commands write out of bounds (remote code execution by any client allowed PFADD/PFMERGE)",
     NULL,
     {"6.2.19", "7.2.10", "7.4.5", "8.0.3", NULL},
     "https://nvd.nist.gov/vuln/detail/CVE-2025-32023"},
    {"CVE-2025-48367",
     LS_SEV_MEDIUM,
     true,
     "An unauthenticated connection's repeated I/O errors starve other clients (denial of service)",
     NULL,
     {"6.2.19", "7.2.10", "7.4.5", "8.0.3", NULL},
     "https://nvd.nist.gov/vuln/detail/CVE-2025-48367"},
    {"CVE-2024-31449",
     LS_SEV_HIGH,
     false,
     "Lua bit library stack overflow (remote code execution by any client allowed EVAL)",
     NULL,
     {"6.2.16", "7.2.6", "7.4.1", NULL},
     "https://github.com/redis/redis/security/advisories/GHSA-whxg-wx83-85p5"},
    {"CVE-2022-24834",
     LS_SEV_HIGH,
     false,
     "Lua cjson/cmsgpack heap overflow (remote code execution by any client allowed EVAL)",
     NULL,
     {"6.0.20", "6.2.13", "7.0.12", NULL},
     "https://github.com/redis/redis/pull/12401"},
};

const struct ls_cve *redis_cves(size_t *n)
{
    *n = sizeof cves / sizeof *cves;
    return cves;
}

void redis_cve_risks(struct ls_service *svc)
{
    size_t n;
    const struct ls_cve *tab = redis_cves(&n);
    if (ls_cve_add_risks(svc, tab, n, "REDIS-", REDIS_CVE_FLAGS) > 0)
        ls_service_add_remediation(
            svc, "Upgrade Redis to a release with the fixes named in the CVE risks (or install the distribution's "
                 "security update), and restrict EVAL/FUNCTION with ACLs where scripts are not needed.");
}
