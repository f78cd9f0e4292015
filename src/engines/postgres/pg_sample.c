/* PostgreSQL row streaming: SELECT "col"::text, … FROM "schema"."table" LIMIT n (identifiers
 * always quoted, inner quotes doubled), every cell handed to the core's row callback under its
 * column name. Under --deep the LIMIT is the byte cap's business (pg_client.c stops a response
 * past max_response_bytes). Entries of kind "database" have no columns and are never streamed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/postgres/pg_int.h"

void pg_sample_free(struct pg *pg)
{
    free(pg->sample_names);
    pg->sample_names = NULL;
    pg->sample_ncols = 0;
    pg->row_out = NULL;
}

/* The sampling SELECT for t, or NULL. */
static char *sample_sql(const struct ls_table *t, size_t ncols, uint64_t limit)
{
    size_t cap = 128 + 2 * (strlen(t->database) + strlen(t->name));
    for (size_t i = 0; i < ncols; i++)
        cap += 2 * strlen(t->columns[i].name) + 12;
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
    size_t pos = (size_t)snprintf(sql, cap, "SELECT ");
    bool ok = true;
    for (size_t i = 0; ok && i < ncols; i++) {
        if (i)
            sql[pos++] = ',';
        ok = pgw_quote_ident(sql, cap, &pos, t->columns[i].name) && pos + 8 < cap;
        if (ok) {
            memcpy(sql + pos, "::text", 7);
            pos += 6;
        }
    }
    if (ok && pos + 8 < cap) {
        memcpy(sql + pos, " FROM ", 7);
        pos += 6;
        ok = pgw_quote_ident(sql, cap, &pos, t->database) && pos + 2 < cap;
    }
    if (ok) {
        sql[pos++] = '.';
        ok = pgw_quote_ident(sql, cap, &pos, t->name);
    }
    if (ok && limit && (size_t)snprintf(sql + pos, cap - pos, " LIMIT %" PRIu64, limit) >= cap - pos)
        ok = false;
    if (ok)
        return sql;
    free(sql);
    return NULL;
}

static void sample_row(struct pg *pg, char **cells, const size_t *lens, size_t n)
{
    if (!pg->row_out || n != pg->sample_ncols)
        return;
    char *empty = (char *)"";
    for (size_t i = 0; i < n; i++)
        if (!cells[i])
            cells[i] = empty; /* SQL NULL: nothing to scan */
    pg->row_out(pg->s, pg->sample_names, cells, lens, n);
}

static void sample_done(struct pg *pg, bool ok, const char *err)
{
    pg_sample_free(pg);
    if (!ok) {
        free(pg->s->svc.error);
        pg->s->svc.error = strdup(err ? err : "query failed");
    }
    pg_step_end(pg, ok ? LS_STEP_OK : LS_STEP_FAILED);
}

void pg_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct pg *pg = s->priv;
    pg->step_done = done;
    pg_sample_free(pg);
    size_t ncols = t->ncolumns < PG_MAX_TABLE_COLS ? t->ncolumns : PG_MAX_TABLE_COLS;
    char *sql = ncols ? sample_sql(t, ncols, limit) : NULL;
    pg->sample_names = calloc(ncols ? ncols : 1, sizeof *pg->sample_names);
    if (!sql || !pg->sample_names) {
        free(sql);
        pg_sample_free(pg);
        free(s->svc.error);
        s->svc.error = strdup("cannot build the sampling query");
        pg_step_later(pg, LS_STEP_FAILED);
        return;
    }
    for (size_t i = 0; i < ncols; i++)
        pg->sample_names[i] = t->columns[i].name;
    pg->sample_ncols = ncols;
    pg->row_out = row;
    pg_query(pg, sql, sample_row, sample_done);
    free(sql);
}
