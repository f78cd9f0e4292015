/* The SQL driver seam under the history store: one small vtable per database library (SQLite,
 * libpq). The store's queries are written once (store.c) against it; a driver only executes SQL.
 * Contract: placeholders are written $1, $2, … in every dialect; parameters and result cells are
 * passed as text (NULL = SQL NULL); each call reports failures as a one-line message in err. */
#ifndef LS_STORE_SQL_H
#define LS_STORE_SQL_H

#include <stddef.h>

/* Called once per result row with ncols text cells (NULL for SQL NULL). Return non-zero to stop. */
typedef int (*ls_sql_row_fn)(void *ud, int ncols, const char *const *cells);

struct ls_sql_dialect {
    const char *name;      /* "sqlite" or "postgres" */
    const char *serial_pk; /* column definition of an auto-incrementing 64-bit primary key */
    /* SQL returning one row with one cell "1" when table $1 exists, else no row. */
    const char *table_exists;
    /* Starts a transaction that excludes every other writer (and other leakscan processes opening
     * the same history): schema detection and migration run inside it. */
    const char *begin_exclusive;
};

struct ls_sql;
struct ls_sql_ops {
    /* Runs one or more statements without parameters or results. 0 or -1. */
    int (*exec)(struct ls_sql *db, const char *sql, char *err, size_t errlen);
    /* Runs one statement with nparams text parameters; calls fn per row (fn may be NULL). 0 or -1. */
    int (*query)(struct ls_sql *db, const char *sql, int nparams, const char *const *params, ls_sql_row_fn fn, void *ud,
                 char *err, size_t errlen);
    void (*close)(struct ls_sql *db);
};

struct ls_sql {
    const struct ls_sql_ops *ops;
    const struct ls_sql_dialect *dialect;
};

/* Opens (creating it 0600 if absent) the SQLite file at path. Returns NULL with err set; *foreign
 * is set when the file exists but is not an SQLite database (corrupt or something else). */
struct ls_sql *ls_sql_open_sqlite(const char *path, int *foreign, char *err, size_t errlen);
/* Connects to PostgreSQL with a libpq connection URI (postgres://…). NULL with err set. */
struct ls_sql *ls_sql_open_postgres(const char *uri, char *err, size_t errlen);

#endif
