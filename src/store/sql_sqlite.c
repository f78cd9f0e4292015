/* SQLite driver for the history store: a file created 0600, $N parameters bound by name, text cells. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sql.h"

struct sqlite_db {
    struct ls_sql base;
    sqlite3 *db;
};

static const struct ls_sql_dialect sqlite_dialect = {
    .name = "sqlite",
    .serial_pk = "INTEGER PRIMARY KEY AUTOINCREMENT",
    .table_exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1",
    .begin_exclusive = "BEGIN IMMEDIATE",
};

static int fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
    return -1;
}

static int sq_exec(struct ls_sql *base, const char *sql, char *err, size_t errlen)
{
    struct sqlite_db *d = (struct sqlite_db *)base;
    char *msg = NULL;
    if (sqlite3_exec(d->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: %s", msg ? msg : sqlite3_errmsg(d->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int sq_query(struct ls_sql *base, const char *sql, int nparams, const char *const *params, ls_sql_row_fn fn,
                    void *ud, char *err, size_t errlen)
{
    struct sqlite_db *d = (struct sqlite_db *)base;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(d->db, "SQLite", err, errlen);
    for (int i = 0; i < nparams; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int idx = sqlite3_bind_parameter_index(st, name);
        if (idx == 0)
            continue; /* the statement does not use this parameter */
        int rc = params[i] ? sqlite3_bind_text(st, idx, params[i], -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, idx);
        if (rc != SQLITE_OK) {
            fail(d->db, "SQLite bind", err, errlen);
            sqlite3_finalize(st);
            return -1;
        }
    }
    int ncols = sqlite3_column_count(st), rc;
    const char **cells = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof *cells);
    if (!cells) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < ncols; c++)
            cells[c] = (const char *)sqlite3_column_text(st, c);
        if (fn && fn(ud, ncols, cells))
            break;
    }
    int ret = 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = fail(d->db, "SQLite", err, errlen);
    free(cells);
    sqlite3_finalize(st);
    return ret;
}

static void sq_close(struct ls_sql *base)
{
    struct sqlite_db *d = (struct sqlite_db *)base;
    sqlite3_close(d->db);
    free(d);
}

static const struct ls_sql_ops sqlite_ops = {sq_exec, sq_query, sq_close};

struct ls_sql *ls_sql_open_sqlite(const char *path, int *foreign, char *err, size_t errlen)
{
    *foreign = 0;
    /* Create the file ourselves so it is 0600 from the first byte (SQLite would use 0644). */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open history '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        close(fd);
        snprintf(err, errlen, "history '%s' is not a regular file", path);
        *foreign = 1;
        return NULL;
    }
    close(fd);
    struct sqlite_db *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->base.ops = &sqlite_ops;
    d->base.dialect = &sqlite_dialect;
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open history '%s': %s", path, d->db ? sqlite3_errmsg(d->db) : "out of memory");
        sq_close(&d->base);
        return NULL;
    }
    sqlite3_busy_timeout(d->db, 15000);
    /* Touch the header now: a file that is not SQLite fails here, not halfway through a scan. */
    char *msg = NULL;
    int rc = sqlite3_exec(d->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int ext = rc & 0xff;
        if (ext == SQLITE_NOTADB || ext == SQLITE_CORRUPT) {
            *foreign = 1;
            snprintf(err, errlen, "'%s' is not a leakscan history (not an SQLite database or corrupt)", path);
        } else
            snprintf(err, errlen, "cannot read history '%s': %s", path, msg ? msg : sqlite3_errmsg(d->db));
        sqlite3_free(msg);
        sq_close(&d->base);
        return NULL;
    }
    sqlite3_exec(d->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return &d->base;
}
