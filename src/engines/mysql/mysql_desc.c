/* MySQL and MariaDB as an engine family: its identity for the registry (catalog.h). Its port is
 * that of its one interface (mysql.c: 3306). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_mysql = {
    .name = "mysql",
    .display = "MySQL",
    .in_db = true,
    .help = "MySQL and MariaDB. Checks whether root or the anonymous user gets in with an empty password, the "
            "version, schemas and tables with exact or estimated row counts, sampled rows through the detector, "
            "the FILE privilege with secure_file_priv, SUPER and other global grants, accounts without a password.",
};
