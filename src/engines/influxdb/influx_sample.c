/* InfluxDB sampling (stream_rows for one measurement): one GET /query?db=<db>&q=SELECT * FROM "<m>"
 * LIMIT n (n = --sample, at most IFX_MAX_SAMPLE, or IFX_MAX_SAMPLE_DEEP with --deep), its answer
 * capped at --max-response bytes. Each point becomes a row {time, tags…, fields…} of text cells
 * for the detector; a point never holds more than IFX_MAX_COLUMNS cells of IFX_MAX_CELL bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/influxdb/influx_int.h"
#include "engines/influxdb/influx_parse.h"

/* The text of one point's cells goes into one arena of this size (each cell at most IFX_MAX_CELL). */
#define IFX_ROW_ARENA (1u << 20)

struct row_buf {
    char *arena;
    char *cells[IFX_MAX_COLUMNS];
    size_t lens[IFX_MAX_COLUMNS];
    const char *names[IFX_MAX_COLUMNS];
};

/* Hands every row of one series to the row callback. */
static void deliver_series(struct ls_session *s, const json_t *se, struct row_buf *rb)
{
    struct influx *x = s->priv;
    size_t nc = ifx_ncolumns(se), rows = ifx_nrows(se);
    if (nc > IFX_MAX_COLUMNS)
        nc = IFX_MAX_COLUMNS;
    for (size_t c = 0; c < nc; c++) {
        rb->names[c] = ifx_column(se, c);
        if (!rb->names[c])
            rb->names[c] = "?";
    }
    for (size_t r = 0; r < rows; r++) {
        size_t off = 0;
        for (size_t c = 0; c < nc; c++) {
            size_t room = off < IFX_ROW_ARENA ? IFX_ROW_ARENA - off : 1; /* then "": the arena has slack */
            if (room > IFX_MAX_CELL + 1)
                room = IFX_MAX_CELL + 1;
            rb->cells[c] = rb->arena + off;
            rb->lens[c] = ifx_cell_text(ifx_cell(se, r, c), rb->cells[c], room);
            off += rb->lens[c] + 1;
        }
        x->row(s, rb->names, rb->cells, rb->lens, nc);
    }
}

static void on_points(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct influx *x = s->priv;
    char why[400];
    const json_t *res = ifx_first_result(r, "SELECT *", why, sizeof why);
    if (!res) {
        ifx_set_error(s, why);
        ifx_step_end(x, LS_STEP_FAILED);
        return;
    }
    struct row_buf *rb = calloc(1, sizeof *rb);
    if (rb)
        rb->arena = malloc(IFX_ROW_ARENA + IFX_MAX_COLUMNS);
    if (!rb || !rb->arena) {
        free(rb);
        ifx_set_error(s, "out of memory reading points");
        ifx_step_end(x, LS_STEP_FAILED);
        return;
    }
    size_t ns = ifx_nseries(res);
    for (size_t i = 0; i < ns; i++)
        deliver_series(s, ifx_series(res, i), rb);
    free(rb->arena);
    free(rb);
    ifx_step_end(x, LS_STEP_OK);
}

void ifx_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct influx *x = s->priv;
    x->step_done = done;
    x->row = row;
    uint64_t cap = s->limits->deep ? IFX_MAX_SAMPLE_DEEP : IFX_MAX_SAMPLE;
    if (limit && limit < cap)
        cap = limit;
    char ident[1100], q[1200];
    if (!t->database || !t->name || !ifx_quote_ident(t->name, ident, sizeof ident)) {
        ifx_set_error(s, "measurement name not usable in a query");
        ifx_step_defer(x, LS_STEP_FAILED);
        return;
    }
    snprintf(q, sizeof q, "SELECT * FROM %s LIMIT %llu", ident, (unsigned long long)cap);
    uint64_t max_body = s->limits->max_response_bytes ? s->limits->max_response_bytes : IFX_MAX_BODY;
    ifx_query(x, t->database, q, max_body, on_points);
}
