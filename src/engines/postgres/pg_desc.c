/* PostgreSQL as an engine family: its identity for the registry (catalog.h). Its port is that
 * of its one interface (pg.c: 5432). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_postgresql = {
    .name = "postgresql",
    .display = "PostgreSQL",
    .in_db = true,
    .help = "Relational database. Checks whether a well-known user gets in without a password (trust), the version, "
            "databases, schemas and tables with exact or estimated row counts, sampled rows through the detector, "
            "superuser and server-file/program roles (COPY ... PROGRAM), dblink/postgres_fdw, passwordless roles.",
};
