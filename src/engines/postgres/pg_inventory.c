/* PostgreSQL inventory: the databases (pg_database, datallowconn; the others than the connected
 * one are listed as entries of kind "database", name "*", not read), the connected database's tables (pg_class /
 * pg_namespace, relkind r/p/m, no system schemas, partitions folded into their parent) with the
 * planner's estimate (reltuples, flagged rows_estimated) and bytes (pg_total_relation_size), their
 * columns (pg_attribute, capped), and an exact count(*) — itself bounded by a LIMIT — only for
 * small tables the account may read. The posture step (pg_posture.c) follows. Every query has a
 * LIMIT and runs in a read-only transaction with a statement timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/postgres/pg_int.h"
#include "util/num.h"
#include "util/strbuf.h"
#include "util/textutil.h"

enum { PH_DATABASES, PH_TABLES, PH_COLUMNS, PH_COUNTS, PH_DONE };

static void next_phase(struct pg *pg);

static void unknown(struct pg *pg, const char *what, const char *err)
{
    ls_service_add_unknown(&pg->s->svc, what, err ? err : "query failed");
}

/* ---- databases -------------------------------------------------------------------------------- */

#define DB_SQL                                                                                                         \
    "SELECT datname, CASE WHEN has_database_privilege(oid, 'CONNECT') THEN pg_database_size(oid) END, "                \
    "datname = current_database() FROM pg_database WHERE datallowconn ORDER BY datname LIMIT %u"

static void db_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    struct ls_service *svc = &pg->s->svc;
    if (n != 3 || !c[0])
        return;
    svc->ndatabases++;
    if (c[2] && strcmp(c[2], "t") == 0)
        return; /* its tables are listed one by one */
    struct ls_table *t = ls_service_add_table(svc);
    if (!t)
        return;
    char name[128];
    ls_copy_printable_utf8(name, sizeof name, c[0], lens[0]);
    t->database = strdup(name);
    t->name = strdup("*"); /* the whole database, not read */
    t->kind = "database";
    uint64_t v;
    if (c[1] && ls_parse_count(c[1], lens[1], &v))
        t->bytes = v;
}

static void db_done(struct pg *pg, bool ok, const char *err)
{
    if (!ok)
        unknown(pg, "databases", err);
    pg->phase = PH_TABLES;
    next_phase(pg);
}

/* ---- tables ----------------------------------------------------------------------------------- */

#define TABLES_SQL                                                                                                     \
    "SELECT c.oid, n.nspname, c.relname, c.relkind, "                                                                  \
    "CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(greatest(k.reltuples, 0)), 0)::bigint FROM pg_inherits i "    \
    "JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = c.oid) ELSE c.reltuples::bigint END, "                  \
    "CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) FROM pg_inherits i "  \
    "WHERE i.inhparent = c.oid) ELSE pg_total_relation_size(c.oid) END AS bytes, "                                     \
    "has_table_privilege(c.oid, 'SELECT') "                                                                            \
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "                                                   \
    "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "                    \
    "AND n.nspname !~ '^pg_(toast|temp)' AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class pc ON pc.oid = "    \
    "i.inhparent WHERE i.inhrelid = c.oid AND pc.relkind = 'p') "                                                      \
    "ORDER BY bytes DESC, 2, 3 LIMIT %u"

static void table_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    struct ls_service *svc = &pg->s->svc;
    unsigned max = pg->s->limits->max_tables ? pg->s->limits->max_tables : 1000;
    if (n != 7 || !c[0] || !c[1] || !c[2])
        return;
    if (pg->nextra >= max) {
        svc->inventory_truncated = true;
        return;
    }
    struct pg_table_extra *x = realloc(pg->extra, (pg->nextra + 1) * sizeof *x);
    if (!x)
        return;
    pg->extra = x;
    struct ls_table *t = ls_service_add_table(svc);
    if (!t)
        return;
    uint64_t v = 0;
    char buf[256];
    x += pg->nextra++;
    x->table = svc->ntables - 1;
    x->oid = ls_parse_count(c[0], lens[0], &v) && v <= UINT32_MAX ? (uint32_t)v : 0;
    x->selectable = c[6] && strcmp(c[6], "t") == 0;
    ls_copy_printable_utf8(buf, sizeof buf, c[1], lens[1]);
    t->database = strdup(buf); /* schema: database and schema are one level here */
    ls_copy_printable_utf8(buf, sizeof buf, c[2], lens[2]);
    t->name = strdup(buf);
    t->storage = strdup(c[3] && c[3][0] == 'm'   ? "materialized view"
                        : c[3] && c[3][0] == 'p' ? "partitioned table"
                                                 : "table");
    if (c[4] && c[4][0] != '-' && ls_parse_count(c[4], lens[4], &v)) {
        t->rows = v;
        t->rows_known = true;
        t->rows_estimated = true;
    }
    if (c[5] && ls_parse_count(c[5], lens[5], &v))
        t->bytes = v;
}

static void tables_done(struct pg *pg, bool ok, const char *err)
{
    if (!ok)
        unknown(pg, "tables", err);
    pg->phase = PH_COLUMNS;
    next_phase(pg);
}

/* ---- columns ---------------------------------------------------------------------------------- */

static struct pg_table_extra *extra_by_oid(struct pg *pg, uint32_t oid)
{
    for (size_t i = 0; i < pg->nextra; i++)
        if (pg->extra[i].oid == oid)
            return &pg->extra[i];
    return NULL;
}

static void column_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    uint64_t oid;
    if (n != 3 || !c[0] || !c[1] || !ls_parse_count(c[0], lens[0], &oid) || oid > UINT32_MAX)
        return;
    struct pg_table_extra *x = extra_by_oid(pg, (uint32_t)oid);
    if (!x)
        return;
    struct ls_table *t = &pg->s->svc.tables[x->table];
    if (t->ncolumns >= PG_MAX_TABLE_COLS) {
        pg->s->svc.inventory_truncated = true;
        return;
    }
    struct ls_column *cols = realloc(t->columns, (t->ncolumns + 1) * sizeof *cols);
    if (!cols)
        return;
    t->columns = cols;
    char buf[256];
    ls_copy_printable_utf8(buf, sizeof buf, c[1], lens[1]);
    cols[t->ncolumns].name = strdup(buf);
    ls_copy_printable_utf8(buf, sizeof buf, c[2] ? c[2] : "", c[2] ? lens[2] : 0);
    cols[t->ncolumns].type = strdup(buf);
    t->ncolumns++;
}

static void columns_done(struct pg *pg, bool ok, const char *err)
{
    if (!ok)
        unknown(pg, "columns", err);
    pg->phase = PH_COUNTS;
    pg->idx = 0;
    next_phase(pg);
}

static void query_columns(struct pg *pg)
{
    size_t cap = 512 + pg->nextra * 12;
    char *sql = malloc(cap);
    if (!sql) {
        columns_done(pg, false, "out of memory");
        return;
    }
    struct ls_strbuf b;
    ls_sb_init(&b, sql, cap);
    ls_sb_append(&b, "SELECT attrelid, attname, format_type(atttypid, atttypmod) FROM (SELECT a.*, row_number() "
                     "OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS k FROM pg_attribute a WHERE a.attnum > 0 "
                     "AND NOT a.attisdropped AND a.attrelid IN (");
    for (size_t i = 0; i < pg->nextra; i++)
        ls_sb_printf(&b, "%s%u", i ? ", " : "", (unsigned)pg->extra[i].oid);
    ls_sb_printf(&b, ")) q WHERE k <= %u ORDER BY attrelid, attnum LIMIT %zu", PG_MAX_TABLE_COLS + 1,
                 (pg->nextra) * (PG_MAX_TABLE_COLS + 1));
    if (b.truncated)
        columns_done(pg, false, "column query too long");
    else
        pg_query(pg, sql, column_row, columns_done);
    free(sql);
}

/* ---- exact counts for small tables ------------------------------------------------------------ */

static bool cheap_to_count(const struct ls_table *t, const struct pg_table_extra *x)
{
    if (!x->selectable)
        return false;
    if (t->rows_known)
        return t->rows < PG_EXACT_MAX_ROWS && (t->rows > 0 || t->bytes < PG_EXACT_MAX_BYTES);
    return t->bytes < PG_EXACT_MAX_BYTES; /* never analyzed: go by its size */
}

static void count_row(struct pg *pg, char **c, const size_t *lens, size_t n)
{
    struct ls_table *t = &pg->s->svc.tables[pg->extra[pg->idx].table];
    uint64_t v;
    if (n == 1 && c[0] && ls_parse_count(c[0], lens[0], &v) && v <= PG_EXACT_MAX_ROWS * 10) {
        t->rows = v;
        t->rows_known = true;
        t->rows_estimated = false;
    }
}

static void count_done(struct pg *pg, bool ok, const char *err)
{
    if (!ok) {
        char what[300];
        struct ls_strbuf b;
        ls_sb_init(&b, what, sizeof what);
        const struct ls_table *t = &pg->s->svc.tables[pg->extra[pg->idx].table];
        ls_sb_printf(&b, "count(*) of %s.%s", t->database, t->name);
        unknown(pg, what, err);
    }
    pg->idx++;
    next_phase(pg);
}

/* SELECT count(*) FROM (SELECT 1 FROM "schema"."table" LIMIT n) q */
static char *count_sql(const struct ls_table *t)
{
    size_t cap = 2 * (strlen(t->database) + strlen(t->name)) + 128;
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
    size_t pos = (size_t)snprintf(sql, cap, "SELECT count(*) FROM (SELECT 1 FROM ");
    bool ok = pgw_quote_ident(sql, cap, &pos, t->database) && pos + 1 < cap;
    if (ok) {
        sql[pos++] = '.';
        ok = pgw_quote_ident(sql, cap, &pos, t->name);
    }
    if (ok && (size_t)snprintf(sql + pos, cap - pos, " LIMIT %u) q", PG_EXACT_MAX_ROWS * 10 + 1) < cap - pos)
        return sql;
    free(sql);
    return NULL;
}

static void next_count(struct pg *pg)
{
    while (pg->idx < pg->nextra && pg->exact_done < PG_EXACT_MAX_TABLES) {
        const struct pg_table_extra *x = &pg->extra[pg->idx];
        const struct ls_table *t = &pg->s->svc.tables[x->table];
        if (cheap_to_count(t, x)) {
            char *sql = count_sql(t);
            if (sql) {
                pg->exact_done++;
                pg_query(pg, sql, count_row, count_done);
                free(sql);
                return;
            }
        }
        pg->idx++;
    }
    pg->phase = PH_DONE;
    next_phase(pg);
}

/* ---- driver ----------------------------------------------------------------------------------- */

static void next_phase(struct pg *pg)
{
    char sql[2048];
    unsigned max = pg->s->limits->max_tables ? pg->s->limits->max_tables : 1000;
    switch (pg->phase) {
    case PH_DATABASES:
        snprintf(sql, sizeof sql, DB_SQL, PG_MAX_DBS);
        pg_query(pg, sql, db_row, db_done);
        return;
    case PH_TABLES:
        snprintf(sql, sizeof sql, TABLES_SQL, max + 1);
        pg_query(pg, sql, table_row, tables_done);
        return;
    case PH_COLUMNS:
        if (!pg->nextra) {
            columns_done(pg, true, NULL);
            return;
        }
        query_columns(pg);
        return;
    case PH_COUNTS: next_count(pg); return;
    default: pg_step_end(pg, LS_STEP_OK); return; /* the posture step follows (pg_posture.c) */
    }
}

void pg_inventory(struct ls_session *s, ls_step_cb done)
{
    struct pg *pg = s->priv;
    pg->step_done = done;
    pg->phase = PH_DATABASES;
    next_phase(pg);
}
