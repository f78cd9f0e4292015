/* ClickHouse assessment shared by the HTTP and native engines: error classification, inventory
 * (databases, tables, exact row counts, columns) and row sampling over a ch_transport. */
#include "engines/clickhouse/ch_common.h"

#include "engines/clickhouse/ch_blast.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"
#include "util/strbuf.h"

#define SYSTEM_DBS "('system','INFORMATION_SCHEMA','information_schema')"
#define MAX_COLUMNS_TOTAL 100000

bool ch_is_auth_error(int code)
{
    return code == 192 || code == 193 || code == 194 || code == 195 || code == 516;
}

int ch_error_code(const char *body, size_t len)
{
    /* "Code: 194, e.displayText() = …" (≤21.x) or "Code: 516. DB::Exception: …" (newer) */
    static const char tag[] = "Code: ";
    const char *p = NULL;
    size_t scan = len < 4096 ? len : 4096;
    for (size_t i = 0; i + sizeof tag - 1 <= scan; i++)
        if (memcmp(body + i, tag, sizeof tag - 1) == 0) {
            p = body + i + sizeof tag - 1;
            break;
        }
    if (!p)
        return 0;
    int code = 0, digits = 0;
    while (p < body + len && isdigit((unsigned char)*p) && digits < 6) {
        code = code * 10 + (*p++ - '0');
        digits++;
    }
    if (!digits || p >= body + len || (*p != ',' && *p != '.'))
        return 0;
    return code;
}

bool ch_error_version(const char *body, size_t len, char *out, size_t outlen)
{
    static const char tag[] = "(version ";
    size_t scan = len < 8192 ? len : 8192;
    for (size_t i = 0; i + sizeof tag - 1 < scan; i++) {
        if (memcmp(body + i, tag, sizeof tag - 1) != 0)
            continue;
        const char *v = body + i + sizeof tag - 1;
        size_t n = 0;
        while (v + n < body + scan && n + 1 < outlen && (isdigit((unsigned char)v[n]) || v[n] == '.'))
            n++;
        if (n >= 3) {
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
    }
    return false;
}

bool ch_stack_version(const char *trace, size_t len, char *out, size_t outlen)
{
    static const char tag[] = "libclickhouse.so.";
    const char *p = len >= sizeof tag ? memmem(trace, len, tag, sizeof tag - 1) : NULL;
    if (!p)
        return false;
    p += sizeof tag - 1;
    size_t n = 0;
    while (p + n < trace + len && n + 1 < outlen && (isdigit((unsigned char)p[n]) || p[n] == '.'))
        n++;
    while (n && p[n - 1] == '.')
        n--;
    if (n < 3)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

void ch_error_summary(const char *body, size_t len, char *out, size_t outlen)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < outlen && body[i] != '\n'; i++)
        out[n++] = isprint((unsigned char)body[i]) ? body[i] : '?';
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

/* ---- identifiers and projections ---------------------------------------------------------- */

/* Appends `name` as a backquoted identifier; false (and nothing appended) if it holds a control
 * byte or does not fit. */
static bool quote_ident(struct ls_strbuf *b, const char *name)
{
    size_t need = 2;
    for (const char *c = name; *c; c++) {
        if ((unsigned char)*c < 0x20)
            return false;
        need += (*c == '`' || *c == '\\') ? 2 : 1;
    }
    if (need > ls_sb_room(b))
        return false;
    ls_sb_append(b, "`");
    for (const char *c = name; *c; c++) {
        if (*c == '`' || *c == '\\')
            ls_sb_append_n(b, "\\", 1);
        ls_sb_append_n(b, c, 1);
    }
    ls_sb_append(b, "`");
    return true;
}

/* Strips Nullable(…) and LowCardinality(…) wrappers: returns the inner type's start and length. */
static const char *unwrap(const char *type, size_t *len)
{
    size_t n = strlen(type);
    for (int guard = 0; guard < 4; guard++) {
        size_t k = 0;
        if (n > 10 && strncmp(type, "Nullable(", 9) == 0)
            k = 9;
        else if (n > 16 && strncmp(type, "LowCardinality(", 15) == 0)
            k = 15;
        if (!k || type[n - 1] != ')')
            break;
        type += k;
        n -= k + 1;
    }
    *len = n;
    return type;
}

static bool is_text_type(const char *t, size_t n)
{
    return (n == 6 && strncmp(t, "String", 6) == 0) || (n > 12 && strncmp(t, "FixedString(", 12) == 0) ||
           (n == 4 && strncmp(t, "UUID", 4) == 0) || (n > 5 && strncmp(t, "Enum", 4) == 0);
}

/* How a column is read as text: 0 skip, 1 scalar text, 2 array of text. */
static int column_kind(const char *type)
{
    size_t n;
    const char *t = unwrap(type, &n);
    if (is_text_type(t, n))
        return 1;
    if (n > 7 && strncmp(t, "Array(", 6) == 0 && t[n - 1] == ')') {
        char inner[128];
        if (n - 7 >= sizeof inner)
            return 0;
        memcpy(inner, t + 6, n - 7);
        inner[n - 7] = '\0';
        size_t m;
        const char *u = unwrap(inner, &m);
        return is_text_type(u, m) ? 2 : 0;
    }
    return 0;
}

char *ch_sample_sql(const struct ls_table *t, uint64_t limit, const char ***names_out, size_t *ncols)
{
    size_t cap = 256 + strlen(t->database) * 2 + strlen(t->name) * 2;
    for (size_t i = 0; i < t->ncolumns; i++)
        cap += strlen(t->columns[i].name) * 4 + 96;
    char *sql = malloc(cap);
    const char **names = calloc(t->ncolumns ? t->ncolumns : 1, sizeof *names);
    if (!sql || !names)
        goto fail;
    struct ls_strbuf b;
    ls_sb_init(&b, sql, cap);
    ls_sb_append(&b, "SELECT ");
    size_t n = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        int kind = column_kind(t->columns[i].type);
        if (!kind)
            continue;
        size_t mark = b.len;
        if (n)
            ls_sb_append(&b, ", ");
        ls_sb_append(&b, kind == 1 ? "ifNull(toString(" : "arrayStringConcat(arrayMap(x -> ifNull(toString(x), ''), ");
        if (!quote_ident(&b, t->columns[i].name)) {
            b.len = mark;
            sql[mark] = '\0';
            continue;
        }
        ls_sb_append(&b, kind == 1 ? "), '')" : "), '\\n')");
        names[n++] = t->columns[i].name;
    }
    if (!n)
        goto fail;
    ls_sb_append(&b, " FROM ");
    if (!quote_ident(&b, t->database))
        goto fail;
    ls_sb_append(&b, ".");
    if (!quote_ident(&b, t->name))
        goto fail;
    if (limit)
        ls_sb_printf(&b, " LIMIT %" PRIu64, limit);
    if (b.truncated)
        goto fail; /* a cut statement is never sent */
    *names_out = names;
    *ncols = n;
    return sql;
fail:
    free(sql);
    free(names);
    return NULL;
}

/* ---- inventory ------------------------------------------------------------------------------ */

enum { P_DATABASES, P_TABLES, P_TABLES_OLD, P_PARTS, P_COLUMNS, P_COUNTS, P_DONE };

static struct ch_state *state(struct ls_session *s)
{
    return s->priv;
}

static void set_error(struct ls_session *s, const char *what, const char *err)
{
    free(s->svc.error);
    size_t n = strlen(what) + strlen(err) + 4;
    s->svc.error = malloc(n);
    if (s->svc.error)
        snprintf(s->svc.error, n, "%s: %s", what, err);
}

static uint64_t parse_u64(const char *s, bool *ok)
{
    uint64_t v;
    *ok = ls_parse_count(s, strlen(s), &v);
    return v;
}

static int table_cmp(const void *a, const void *b)
{
    const struct ls_table *x = a, *y = b;
    int c = strcmp(x->database, y->database);
    return c ? c : strcmp(x->name, y->name);
}

static struct ls_table *find_table(struct ls_session *s, const char *db, const char *name)
{
    struct ls_table key = {.database = (char *)db, .name = (char *)name};
    return bsearch(&key, s->svc.tables, s->svc.ntables, sizeof key, table_cmp);
}

static bool is_local_countable(const char *engine)
{
    static const char *const engines[] = {"Log", "TinyLog", "StripeLog", "Memory", NULL};
    for (int i = 0; engines[i]; i++)
        if (strcmp(engine, engines[i]) == 0)
            return true;
    return strstr(engine, "MergeTree") != NULL;
}

static void inventory_next(struct ls_session *s);

static void rows_databases(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)cells, (void)lens;
    if (n >= 1)
        s->svc.ndatabases++;
}

static void rows_tables(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    if (n < 3 || s->svc.ntables >= s->limits->max_tables) {
        s->svc.inventory_truncated = s->svc.ntables >= s->limits->max_tables;
        return;
    }
    struct ls_table *t = ls_service_add_table(&s->svc);
    if (!t)
        return;
    t->database = strdup(cells[0]);
    t->name = strdup(cells[1]);
    t->storage = strdup(cells[2]);
    if (n >= 5) {
        bool ok1, ok2;
        t->rows = parse_u64(cells[3], &ok1);
        t->bytes = parse_u64(cells[4], &ok2);
        t->rows_known = ok1;
    }
}

static void rows_parts(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    if (n < 4)
        return;
    struct ls_table *t = find_table(s, cells[0], cells[1]);
    if (!t)
        return;
    bool ok1, ok2;
    t->rows = parse_u64(cells[2], &ok1);
    t->bytes = parse_u64(cells[3], &ok2);
    t->rows_known = ok1;
}

static void rows_columns(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    if (n < 4)
        return;
    struct ls_table *t = find_table(s, cells[0], cells[1]);
    if (!t || t->ncolumns >= 4096)
        return;
    struct ls_column *nc = realloc(t->columns, (t->ncolumns + 1) * sizeof *nc);
    if (!nc)
        return;
    t->columns = nc;
    nc[t->ncolumns].name = strdup(cells[2]);
    nc[t->ncolumns].type = strdup(cells[3]);
    if (!nc[t->ncolumns].name || !nc[t->ncolumns].type) {
        free(nc[t->ncolumns].name);
        free(nc[t->ncolumns].type);
        return;
    }
    t->ncolumns++;
}

static void rows_count(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    struct ch_state *st = state(s);
    if (n < 1 || st->count_index >= s->svc.ntables)
        return;
    bool ok;
    struct ls_table *t = &s->svc.tables[st->count_index];
    t->rows = parse_u64(cells[0], &ok);
    t->rows_known = ok;
}

static void finish_inventory(struct ls_session *s, enum ls_step r)
{
    struct ch_state *st = state(s);
    st->phase = P_DONE;
    ls_step_cb cb = st->step_done;
    st->step_done = NULL;
    cb(s, r);
}

static void after_blast(struct ls_session *s)
{
    struct ch_state *st = state(s);
    ls_step_cb cb = st->step_done;
    st->step_done = NULL;
    if (cb)
        cb(s, LS_STEP_OK);
}

/* The posture step (engine.h): the blast-radius probes, after the inventory (they need the table
 * list) and before sampling. A probe that fails is an `unknown`; the step itself always ends OK. */
void ch_posture_step(struct ls_session *s, ls_step_cb done)
{
    struct ch_state *st = state(s);
    st->step_done = done;
    ch_blast_run(s, after_blast);
}

void ch_state_cleanup(struct ch_state *st)
{
    free(st->stream_names);
    st->stream_names = NULL;
    ch_blast_free(st);
}

static void inventory_done(struct ls_session *s, bool ok, int code, const char *err)
{
    struct ch_state *st = state(s);
    switch (st->phase) {
    case P_DATABASES:
        if (!ok) {
            set_error(s, "listing databases", err);
            finish_inventory(s, LS_STEP_FAILED);
            return;
        }
        st->phase = P_TABLES;
        break;
    case P_TABLES:
        /* system.tables.total_rows appeared in 20.3; older servers need system.parts */
        st->have_total_rows = ok;
        st->phase = ok ? P_COLUMNS : P_TABLES_OLD;
        if (!ok) {
            for (size_t i = 0; i < s->svc.ntables; i++)
                ls_table_free(&s->svc.tables[i]);
            s->svc.ntables = 0;
        }
        break;
    case P_TABLES_OLD:
        if (!ok) {
            set_error(s, "listing tables", err);
            finish_inventory(s, LS_STEP_FAILED);
            return;
        }
        st->phase = P_PARTS;
        break;
    case P_PARTS:
        if (!ok)
            set_error(s, "row counts from system.parts", err);
        st->phase = P_COLUMNS;
        break;
    case P_COLUMNS:
        if (!ok)
            set_error(s, "listing columns", err);
        st->phase = P_COUNTS;
        st->count_index = 0;
        break;
    case P_COUNTS:
        if (!ok) {
            struct ls_table *t = &s->svc.tables[st->count_index];
            free(t->error);
            t->error = strdup(err);
        }
        st->count_index++;
        break;
    }
    (void)code;
    if (st->phase == P_COLUMNS || st->phase == P_PARTS)
        ls_sort(s->svc.tables, s->svc.ntables, sizeof *s->svc.tables, table_cmp);
    inventory_next(s);
}

static void inventory_next(struct ls_session *s)
{
    struct ch_state *st = state(s);
    char sql[1024];
    switch (st->phase) {
    case P_DATABASES:
        st->tx->query(s, "SELECT name FROM system.databases WHERE name NOT IN " SYSTEM_DBS " LIMIT 10000",
                      rows_databases, inventory_done);
        return;
    case P_TABLES:
        snprintf(sql, sizeof sql,
                 "SELECT database, name, engine, ifNull(toString(total_rows), ''), "
                 "ifNull(toString(total_bytes), '') FROM system.tables WHERE database NOT IN " SYSTEM_DBS
                 " ORDER BY database, name LIMIT %u",
                 s->limits->max_tables + 1);
        st->tx->query(s, sql, rows_tables, inventory_done);
        return;
    case P_TABLES_OLD:
        snprintf(sql, sizeof sql,
                 "SELECT database, name, engine FROM system.tables WHERE database NOT IN " SYSTEM_DBS
                 " ORDER BY database, name LIMIT %u",
                 s->limits->max_tables + 1);
        st->tx->query(s, sql, rows_tables, inventory_done);
        return;
    case P_PARTS:
        st->tx->query(s,
                      "SELECT database, table, toString(sum(rows)), toString(sum(bytes_on_disk)) "
                      "FROM system.parts WHERE active AND database NOT IN " SYSTEM_DBS
                      " GROUP BY database, table LIMIT 100000",
                      rows_parts, inventory_done);
        return;
    case P_COLUMNS:
        snprintf(sql, sizeof sql,
                 "SELECT database, table, name, type FROM system.columns WHERE database NOT IN " SYSTEM_DBS " LIMIT %u",
                 MAX_COLUMNS_TOTAL);
        st->tx->query(s, sql, rows_columns, inventory_done);
        return;
    case P_COUNTS:
        /* exact counts for local tables the catalog did not count (Log, Memory, …) */
        while (st->count_index < s->svc.ntables) {
            struct ls_table *t = &s->svc.tables[st->count_index];
            if (!t->rows_known && is_local_countable(t->storage)) {
                struct ls_strbuf b;
                ls_sb_init(&b, sql, sizeof sql);
                ls_sb_append(&b, "SELECT toString(count()) FROM ");
                if (quote_ident(&b, t->database)) {
                    ls_sb_append(&b, ".");
                    if (quote_ident(&b, t->name) && !b.truncated) {
                        st->tx->query(s, sql, rows_count, inventory_done);
                        return;
                    }
                }
            }
            st->count_index++;
        }
        finish_inventory(s, LS_STEP_OK);
        return;
    default: finish_inventory(s, LS_STEP_OK);
    }
}

void ch_inventory(struct ls_session *s, ls_step_cb done)
{
    struct ch_state *st = state(s);
    st->step_done = done;
    st->phase = P_DATABASES;
    inventory_next(s);
}

/* ---- sampling ------------------------------------------------------------------------------- */

static void rows_stream(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ch_state *st = state(s);
    if (n != st->stream_ncols)
        return;
    st->row_out(s, st->stream_names, cells, lens, n);
}

static void stream_done(struct ls_session *s, bool ok, int code, const char *err)
{
    struct ch_state *st = state(s);
    (void)code;
    free(st->stream_names);
    st->stream_names = NULL;
    ls_step_cb cb = st->step_done;
    st->step_done = NULL;
    if (!ok && err) {
        /* the table-level error is recorded by the core from svc.error */
        set_error(s, "sampling rows", err);
    }
    cb(s, ok ? LS_STEP_OK : LS_STEP_FAILED);
}

void ch_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct ch_state *st = state(s);
    st->step_done = done;
    st->row_out = row;
    st->streaming = t;
    /* tables of external engines are never read: the server would connect out on our behalf */
    char *sql =
        ch_is_external_engine(t->storage) ? NULL : ch_sample_sql(t, limit, &st->stream_names, &st->stream_ncols);
    if (!sql) {
        /* nothing textual to read: report success with no rows, from the loop */
        st->stream_ncols = 0;
        st->tx->query(s, "SELECT 1 WHERE 0", rows_stream, stream_done);
        return;
    }
    st->tx->query(s, sql, rows_stream, stream_done);
    free(sql);
}
