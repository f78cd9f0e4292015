/* MySQL and MariaDB CVEs that matter for an exposed server: reachable before login, or by an
 * account that got in. Fixed releases as the CVE records (NVD / MariaDB's GitHub advisories)
 * state them; each entry names its source. A distribution build ("-0+deb12u1", "-0ubuntu")
 * below a fix is "possibly": Debian and Ubuntu backport fixes. */
#include "engines/mysql/mysql_cves.h"

static const struct ls_cve mariadb[] = {
    {"CVE-2012-2122",
     LS_SEV_HIGH,
     true,
     "Authentication bypass: repeating a wrong password eventually logs in (memcmp return value)",
     NULL,
     {"5.1.62", "5.2.12", "5.3.6", "5.5.23", NULL},
     "https://nvd.nist.gov/vuln/detail/CVE-2012-2122"},
    {"CVE-2021-27928",
     LS_SEV_HIGH,
     false,
     "A SUPER account runs OS commands by setting wsrep_provider / wsrep_notify_cmd",
     "10.2",
     {"10.2.37", "10.3.28", "10.4.18", "10.5.9", NULL},
     "https://nvd.nist.gov/vuln/detail/CVE-2021-27928"},
    {"CVE-2026-49261",
     LS_SEV_HIGH,
     false,
     "With Galera's wsrep_notify_cmd set, a joiner node's name runs shell commands",
     "10.6.1",
     {"10.6.27", "10.11.18", "11.4.12", "11.8.8", "12.3.2", NULL},
     "https://github.com/MariaDB/server/security/advisories/GHSA-3p3m-4x7c-p4pw"},
};

static const struct ls_cve mysql[] = {
    {"CVE-2012-2122",
     LS_SEV_HIGH,
     true,
     "Authentication bypass: repeating a wrong password eventually logs in (memcmp return value)",
     "5.1",
     {"5.1.63", "5.5.24", "5.6.6", NULL},
     "https://nvd.nist.gov/vuln/detail/CVE-2012-2122"},
};

const struct ls_cve *my_cves(bool is_mariadb, size_t *n)
{
    if (is_mariadb) {
        *n = sizeof mariadb / sizeof *mariadb;
        return mariadb;
    }
    *n = sizeof mysql / sizeof *mysql;
    return mysql;
}

void my_cve_risks(struct ls_service *svc, bool is_mariadb)
{
    size_t n;
    const struct ls_cve *tab = my_cves(is_mariadb, &n);
    if (ls_cve_add_risks(svc, tab, n, "MYSQL-", 0) > 0)
        ls_service_add_remediation(svc, "Upgrade the server to a release with the fixes named in the CVE risks (or the "
                                        "distribution's security update).");
}
