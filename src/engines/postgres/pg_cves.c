/* PostgreSQL CVEs that matter for an exposed server: reachable before login, or by any
 * low-privilege role that can run SQL. Fixed minor releases as postgresql.org's security pages
 * and the NVD state them (each entry names its source; the Debian changelogs of postgresql-15
 * list the same CVEs under the same upstream minors). Branches are majors (10+): "15.18". A
 * Debian/Ubuntu build ("15.17 (Debian 15.17-0+deb12u1)") below a fix is "possibly". */
#include "engines/postgres/pg_cves.h"

static const struct ls_cve cves[] = {
    {"CVE-2026-6479",
     LS_SEV_MEDIUM,
     true,
     "Unbounded recursion on alternating SSL/GSS requests in the startup packet crashes the backend",
     NULL,
     {"14.23", "15.18", "16.14", "17.10", "18.4", NULL},
     "https://www.postgresql.org/support/security/CVE-2026-6479/"},
    {"CVE-2026-6473",
     LS_SEV_HIGH,
     false,
     "Integer wraparound undersizes allocations: any role that runs SQL writes out of bounds (code execution)",
     NULL,
     {"14.23", "15.18", "16.14", "17.10", "18.4", NULL},
     "https://www.postgresql.org/support/security/CVE-2026-6473/"},
    {"CVE-2026-2006, CVE-2026-2005",
     LS_SEV_HIGH,
     false,
     "Crafted SQL overruns string buffers (multibyte lengths; pgcrypto PGP decryption): code execution",
     NULL,
     {"14.21", "15.16", "16.12", "17.8", "18.2", NULL},
     "https://www.postgresql.org/support/security/CVE-2026-2006/"},
    {"CVE-2024-10979",
     LS_SEV_HIGH,
     false,
     "PL/Perl lets an unprivileged role change the server's environment (PATH): code execution",
     NULL,
     {"12.21", "13.17", "14.14", "15.9", "16.5", "17.1", NULL},
     "https://nvd.nist.gov/vuln/detail/CVE-2024-10979"},
    {"CVE-2024-0985",
     LS_SEV_HIGH,
     false,
     "REFRESH MATERIALIZED VIEW CONCURRENTLY runs the object creator's SQL as the (superuser) caller",
     NULL,
     {"12.18", "13.14", "14.11", "15.6", "16.2", NULL},
     "https://www.postgresql.org/support/security/CVE-2024-0985/"},
    {"CVE-2023-5869",
     LS_SEV_HIGH,
     false,
     "Integer overflow in array modification lets an authenticated role write server memory",
     NULL,
     {"11.22", "12.17", "13.13", "14.10", "15.5", "16.1", NULL},
     "https://www.postgresql.org/support/security/CVE-2023-5869/"},
};

const struct ls_cve *pg_cves(size_t *n)
{
    *n = sizeof cves / sizeof *cves;
    return cves;
}

void pg_cve_risks(struct ls_service *svc)
{
    size_t n;
    const struct ls_cve *tab = pg_cves(&n);
    if (ls_cve_add_risks(svc, tab, n, "PG-", PG_CVE_FLAGS) > 0)
        ls_service_add_remediation(
            svc, "Upgrade PostgreSQL to the latest minor release of its major version (or the distribution's security "
                 "update): minor releases carry the fixes named in the CVE risks.");
}
