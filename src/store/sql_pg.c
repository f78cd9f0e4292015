/* PostgreSQL driver for the history store (libpq): text parameters and results, one connection. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql.h"

struct pg_db {
    struct ls_sql base;
    PGconn *conn;
};

static const struct ls_sql_dialect pg_dialect = {
    .name = "postgres",
    .serial_pk = "BIGSERIAL PRIMARY KEY",
    .table_exists = "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                    "AND table_name::text = $1",
    /* a transaction-scoped advisory lock, key "lksc" */
    .begin_exclusive = "BEGIN; SELECT pg_advisory_xact_lock(1819964259)",
};

/* libpq messages end in a newline and may span lines; keep the first line. */
static void pg_error(const char *msg, char *err, size_t errlen)
{
    size_t n = strcspn(msg, "\n");
    snprintf(err, errlen, "PostgreSQL: %.*s", (int)n, msg);
}

static int pg_exec(struct ls_sql *base, const char *sql, char *err, size_t errlen)
{
    struct pg_db *d = (struct pg_db *)base;
    PGresult *res = PQexec(d->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        pg_error(res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn), err, errlen);
    PQclear(res);
    return ok ? 0 : -1;
}

static int pg_query(struct ls_sql *base, const char *sql, int nparams, const char *const *params, ls_sql_row_fn fn,
                    void *ud, char *err, size_t errlen)
{
    struct pg_db *d = (struct pg_db *)base;
    PGresult *res = PQexecParams(d->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        pg_error(res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn), err, errlen);
        PQclear(res);
        return -1;
    }
    int ncols = PQnfields(res), nrows = PQntuples(res);
    const char **cells = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof *cells);
    if (!cells) {
        PQclear(res);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int r = 0; fn && r < nrows; r++) {
        for (int c = 0; c < ncols; c++)
            cells[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
        if (fn(ud, ncols, cells))
            break;
    }
    free(cells);
    PQclear(res);
    return 0;
}

static void pg_close(struct ls_sql *base)
{
    struct pg_db *d = (struct pg_db *)base;
    PQfinish(d->conn);
    free(d);
}

static const struct ls_sql_ops pg_ops = {pg_exec, pg_query, pg_close};

static void no_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* "relation already exists, skipping" and the like are not for the user */
}

struct ls_sql *ls_sql_open_postgres(const char *uri, char *err, size_t errlen)
{
    struct pg_db *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->base.ops = &pg_ops;
    d->base.dialect = &pg_dialect;
    d->conn = PQconnectdb(uri);
    if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
        pg_error(d->conn ? PQerrorMessage(d->conn) : "out of memory", err, errlen);
        pg_close(&d->base);
        return NULL;
    }
    PQsetNoticeProcessor(d->conn, no_notices, NULL);
    return &d->base;
}
