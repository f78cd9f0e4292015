/* The MySQL and MariaDB CVE tables (mysql_cves.c): the version string says which one applies
 * ("10.11.19-MariaDB-0+deb12u1" is MariaDB; MariaDB and MySQL numbers overlap below 10). */
#ifndef LS_ENGINES_MYSQL_CVES_H
#define LS_ENGINES_MYSQL_CVES_H

#include <stdbool.h>
#include <stddef.h>

#include "engines/cve.h"

const struct ls_cve *my_cves(bool mariadb, size_t *n);
/* Adds a MYSQL-CVE-… risk per CVE the version is (possibly) affected by, and the upgrade advice. */
void my_cve_risks(struct ls_service *svc, bool is_mariadb);

#endif
