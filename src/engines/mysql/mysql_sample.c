/* MySQL sampling (stream_rows for one table): SELECT CAST(`col` AS CHAR), … FROM `db`.`t` LIMIT n
 * with backquoted identifiers (inner backquotes doubled), at most MY_MAX_TABLE_COLUMNS columns;
 * cells go to the row callback as text (SQL NULL as an empty cell). With --deep the LIMIT is the
 * deep row cap; the client's byte cap cuts any result. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/mysql/mysql_int.h"
#include "util/strbuf.h"

#define DEEP_ROWS 10000000u /* --deep: still a LIMIT; the byte cap usually ends it first */

static void on_rows(struct ls_session *s, char **cells, const size_t *lens, const bool *null, size_t n)
{
    struct my *m = s->priv;
    (void)null;
    if (!m->row_out || n != m->stream_ncols)
        return;
    m->row_out(s, m->stream_names, cells, lens, n);
}

static void on_done(struct ls_session *s, bool ok, const struct mysql_err *err, const char *why)
{
    struct my *m = s->priv;
    free(m->stream_names);
    m->stream_names = NULL;
    m->row_out = NULL;
    if (!ok) {
        char text[600];
        if (err)
            my_err_text(err, text, sizeof text);
        else
            snprintf(text, sizeof text, "%s", why ? why : "sampling failed");
        free(s->svc.error);
        s->svc.error = strdup(text);
    }
    my_step_end(m, ok ? LS_STEP_OK : LS_STEP_FAILED);
}

/* The sampling statement for t (NULL if nothing can be read); names[i] = column of cell i. */
static char *sample_sql(const struct ls_table *t, uint64_t limit, const char **names, size_t *ncols)
{
    size_t n = t->ncolumns < MY_MAX_TABLE_COLUMNS ? t->ncolumns : MY_MAX_TABLE_COLUMNS;
    size_t cap = 128 + 2 * (strlen(t->database) + strlen(t->name));
    for (size_t i = 0; i < n; i++)
        cap += 2 * strlen(t->columns[i].name) + 32;
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
    struct ls_strbuf b;
    ls_sb_init(&b, sql, cap);
    ls_sb_append(&b, "SELECT ");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t mark = b.len;
        ls_sb_append(&b, k ? ", CAST(" : "CAST(");
        if (!my_quote_ident(&b, t->columns[i].name)) {
            b.len = mark;
            sql[mark] = '\0';
            b.truncated = false;
            continue;
        }
        ls_sb_append(&b, " AS CHAR)");
        names[k++] = t->columns[i].name;
    }
    ls_sb_append(&b, " FROM ");
    bool ok = k && my_quote_ident(&b, t->database);
    ls_sb_append(&b, ".");
    ok = ok && my_quote_ident(&b, t->name);
    ls_sb_printf(&b, " LIMIT %" PRIu64, limit);
    if (!ok || b.truncated) {
        free(sql);
        return NULL;
    }
    *ncols = k;
    return sql;
}

void my_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct my *m = s->priv;
    m->step_done = done;
    free(m->stream_names);
    m->stream_names = calloc(t->ncolumns ? t->ncolumns : 1, sizeof *m->stream_names);
    m->stream_ncols = 0;
    m->row_out = row;
    char *sql = m->stream_names && t->database && t->name
                    ? sample_sql(t, limit ? limit : DEEP_ROWS, m->stream_names, &m->stream_ncols)
                    : NULL;
    /* nothing to read: a round trip that returns no rows still ends the step from the loop */
    my_query(m, sql ? sql : "SELECT 1 FROM DUAL WHERE 0 LIMIT 0", on_rows, on_done);
    free(sql);
}
