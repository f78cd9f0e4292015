/* Secret-bearing system objects and ransom notes, the second half of the blast radius
 * (ch_blast.h): the query log (who ran how many queries; the texts through the detector),
 * running queries, the definitions of tables with external engines (credentials in MySQL/URL/S3
 * arguments), dictionary sources, named collections, clusters (internal hosts), macros; then
 * tables or databases named like ransom notes, with the first row of the note redacted. Every
 * query is a bounded SELECT on the catalog; external tables themselves are never read. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/redact.h"
#include "engines/clickhouse/ch_blast.h"
#include "engines/clickhouse/ch_note.h"
#include "util/num.h"

#define NOTE_MAX 480

static struct ls_table *sysobj(struct ls_session *s, const char *name)
{
    struct ls_table *t = ls_service_sysobj(&s->svc, "system", name);
    return t ? t : ls_service_add_sysobj(&s->svc, "system", name);
}

/* Appends "text" to t's note, comma-separated, bounded. */
static void note_append(struct ls_table *t, const char *text)
{
    ch_note_list_add(t, NULL, text);
}

static void count_row(struct ls_table *t)
{
    t->rows++;
    t->rows_known = true;
}

/* ---- query log and running queries ---------------------------------------------------------- */

static void rows_qlog_users(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    struct ls_table *t = sysobj(s, "query_log");
    if (!t || n < 2)
        return;
    uint64_t c;
    if (!ls_parse_count(cells[1], strlen(cells[1]), &c))
        return;
    t->rows = ls_count_add(t->rows, c);
    t->rows_known = true;
    char part[160];
    snprintf(part, sizeof part, "%.60s: %" PRIu64 " queries in 30 days", cells[0][0] ? cells[0] : "(empty user)", c);
    note_append(t, part);
}

static void rows_qlog_texts(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ls_table *t = sysobj(s, "query_log");
    if (!t || n < 1)
        return;
    ch_blast_scan_cell(s, "query", cells[0], lens[0]);
    ch_engine_credentials(s, t, "query", cells[0], lens[0]);
}

static void after_qlog_texts(struct ls_session *s, bool ok, int code, const char *err)
{
    (void)ok, (void)code, (void)err;
    ch_blast_scan_finish(s, ls_service_sysobj(&s->svc, "system", "query_log"));
}

static char *sql_qlog_texts(struct ls_session *s)
{
    /* only when the count above worked: the log exists. Distinct texts, newest first: a query run
     * over and over (a monitoring job, or scanners like this one) takes one of the 200 slots, not
     * all of them, so an older statement with a password in it is still seen. */
    return ls_service_sysobj(&s->svc, "system", "query_log")
               ? strdup(
                     "SELECT query FROM system.query_log WHERE event_date >= today() - 30 AND match(query, "
                     "'(?i)passw|secret|token|key|://|identified|credential|auth|mysql|postgres|mongo|s3') "
                     "AND query NOT LIKE '%leakscan-whoami-%' GROUP BY query ORDER BY max(event_time) DESC LIMIT 200")
               : NULL;
}

static void rows_processes(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ls_table *t = sysobj(s, "processes");
    if (!t || n < 2)
        return;
    count_row(t);
    char part[100];
    snprintf(part, sizeof part, "%.60s", cells[0]);
    if (!t->note || !strstr(t->note, part))
        note_append(t, part);
    ch_blast_scan_cell(s, "query", cells[1], lens[1]);
    ch_engine_credentials(s, t, "query", cells[1], lens[1]);
}

static void after_processes(struct ls_session *s, bool ok, int code, const char *err)
{
    (void)code, (void)err;
    struct ls_table *t = ok ? sysobj(s, "processes") : NULL;
    if (t && !t->rows) {
        t->rows_known = true;
        ch_set_note(t, "no queries of other clients running");
    } else if (t && t->note) {
        char line[NOTE_MAX + 40];
        snprintf(line, sizeof line, "running queries of: %s", t->note);
        ch_set_note(t, line);
    }
    ch_blast_scan_finish(s, t);
}

/* ---- definitions with credentials ------------------------------------------------------------- */

static struct ls_table *inventory_table(struct ls_service *svc, const char *db, const char *name)
{
    for (size_t i = 0; i < svc->ntables; i++)
        if (strcmp(svc->tables[i].database, db) == 0 && strcmp(svc->tables[i].name, name) == 0)
            return &svc->tables[i];
    return NULL;
}

/* Where an external engine points: the first quoted argument's host part, for the note. */
static void engine_target(const char *ddl, char *out, size_t cap)
{
    out[0] = '\0';
    const char *e = strstr(ddl, "ENGINE = ");
    const char *q = e ? strchr(e, '\'') : NULL;
    if (!q)
        return;
    q++;
    size_t n = 0;
    while (q[n] && q[n] != '\'' && n + 1 < cap && n < 120)
        n++;
    /* drop user:password@ from URLs */
    const char *at = memchr(q, '@', n), *scheme = strstr(q, "://");
    if (at && scheme && scheme < at) {
        size_t head = (size_t)(scheme + 3 - q);
        snprintf(out, cap, "%.*s…@%.*s", (int)head, q, (int)(n - (size_t)(at + 1 - q)), at + 1);
        return;
    }
    snprintf(out, cap, "%.*s", (int)n, q);
}

static void rows_external(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    if (n < 4)
        return;
    struct ls_table *t = inventory_table(&s->svc, cells[0], cells[1]);
    if (!t) {
        char name[300];
        snprintf(name, sizeof name, "%.120s.%.120s", cells[0], cells[1]);
        t = ls_service_add_sysobj(&s->svc, "definition", name);
    }
    if (!t)
        return;
    uint64_t sampled = t->scanned_rows; /* the definition is not a row of the table */
    ch_blast_scan_cell(s, "create_table_query", cells[3], lens[3]);
    ch_blast_scan_finish(s, t);
    t->scanned_rows = sampled;
    size_t creds = ch_engine_credentials(s, t, "create_table_query", cells[3], lens[3]);
    char target[160], note[400];
    bool external = ch_is_external_engine(cells[2]);
    bool secret = creds || t->nsecrets;
    if (!external && !secret)
        return;
    engine_target(cells[3], target, sizeof target);
    bool hidden = memmem(cells[3], lens[3], "[HIDDEN]", 8) != NULL;
    if (external)
        snprintf(note, sizeof note, "%s engine%s%s; not read (the server would connect out)%s", cells[2],
                 target[0] ? " reading from " : "", target,
                 secret   ? "; credentials in its definition"
                 : hidden ? "; credentials in its definition, shown as [HIDDEN] by the server"
                          : "");
    else
        snprintf(note, sizeof note, "credentials in its definition");
    ch_set_note(t, note);
}

static void rows_dictionaries(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ls_table *t = sysobj(s, "dictionaries");
    if (!t || n < 2)
        return;
    count_row(t);
    char part[200];
    if (lens[1])
        snprintf(part, sizeof part, "%.60s from %.100s", cells[0], cells[1]);
    else /* 21.x and later list the source only once loaded (lazy load): see the definition */
        snprintf(part, sizeof part, "%.60s (source not loaded yet)", cells[0]);
    note_append(t, part);
    ch_blast_scan_cell(s, "source", cells[1], lens[1]);
    ch_engine_credentials(s, t, "source", cells[1], lens[1]);
}

static void after_scan_into(struct ls_session *s, const char *name)
{
    ch_blast_scan_finish(s, ls_service_sysobj(&s->svc, "system", name));
}

static void after_dictionaries(struct ls_session *s, bool ok, int code, const char *err)
{
    (void)ok, (void)code, (void)err;
    after_scan_into(s, "dictionaries");
}

static void rows_named_collections(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    struct ls_table *t = sysobj(s, "named_collections");
    if (!t || n < 2)
        return;
    count_row(t);
    note_append(t, cells[0]);
    ch_blast_scan_cell(s, "collection", cells[1], lens[1]);
    ch_engine_credentials(s, t, "collection", cells[1], lens[1]);
}

static void after_named_collections(struct ls_session *s, bool ok, int code, const char *err)
{
    (void)ok, (void)code, (void)err;
    after_scan_into(s, "named_collections");
}

static void rows_clusters(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    struct ls_table *t = sysobj(s, "clusters");
    if (!t || n < 4)
        return;
    count_row(t);
    char part[300];
    if (strcmp(cells[1], cells[2]) != 0 && cells[2][0])
        snprintf(part, sizeof part, "%.60s: %.80s (%.46s):%.6s", cells[0], cells[1], cells[2], cells[3]);
    else
        snprintf(part, sizeof part, "%.60s: %.80s:%.6s", cells[0], cells[1], cells[3]);
    note_append(t, part);
}

static void rows_macros(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    struct ls_table *t = sysobj(s, "macros");
    if (!t || n < 2)
        return;
    count_row(t);
    char part[200];
    snprintf(part, sizeof part, "%.60s=%.100s", cells[0], cells[1]);
    note_append(t, part);
}

/* ---- ransom notes ----------------------------------------------------------------------------- */

/* Names attackers give their notes: exact short names, or tell-tale phrases anywhere. */
#define RANSOM_RE                                                                                                      \
    "'^(readme|read_me|read-me|warning|readme_to_recover.*|how_to_.*)$|recover_your|restore_your|your_data|"           \
    "meow|pwned|ransom|decrypt_|bitcoin'"

static void rows_ransom(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    (void)lens;
    struct ch_blast *b = ch_blast_of(s);
    if (n < 2)
        return;
    char line[400];
    snprintf(line, sizeof line, "%s%s%.120s%s%.120s", s->svc.compromise_evidence ? s->svc.compromise_evidence : "",
             s->svc.compromise_evidence ? "; " : "", cells[0], cells[1][0] ? "." : "", cells[1]);
    s->svc.compromised = true;
    free(s->svc.compromise_evidence);
    s->svc.compromise_evidence = strdup(line);
    if (!b->ransom_table[0] && cells[1][0]) {
        snprintf(b->ransom_db, sizeof b->ransom_db, "%s", cells[0]);
        snprintf(b->ransom_table, sizeof b->ransom_table, "%s", cells[1]);
    }
}

static char *sql_ransom_row(struct ls_session *s)
{
    struct ch_blast *b = ch_blast_of(s);
    if (!b->ransom_table[0])
        return NULL;
    struct ls_table *t = inventory_table(&s->svc, b->ransom_db, b->ransom_table);
    if (!t || ch_is_external_engine(t->storage))
        return NULL;
    const char **names = NULL;
    size_t ncols = 0;
    char *sql = ch_sample_sql(t, 1, &names, &ncols);
    free(names);
    return sql;
}

/* The note's first row: its cells joined, each secret or personal datum the detector finds (and
 * anything that looks like an address or e-mail) redacted, bounded. */
struct redact_ctx {
    char *out;
    size_t cap, pos;
    const char *buf;
    size_t done;
};

static void redact_append(struct redact_ctx *c, const char *p, size_t n)
{
    for (size_t i = 0; i < n && c->pos + 1 < c->cap; i++)
        c->out[c->pos++] = (unsigned char)p[i] >= 0x20 ? p[i] : ' ';
    c->out[c->pos] = '\0';
}

static void on_match(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    struct redact_ctx *c = ud;
    (void)len;
    if (m->start < c->done)
        return;
    redact_append(c, buf + c->done, m->start - c->done);
    char red[64];
    ls_redact(buf + m->start, m->end - m->start, red, sizeof red);
    redact_append(c, red, strlen(red));
    c->done = m->end;
}

/* Redacts long alphanumeric runs (wallet addresses, keys) the rules do not know. */
static void redact_words(char *text)
{
    char *p = text;
    while (*p) {
        if (!isalnum((unsigned char)*p)) {
            p++;
            continue;
        }
        char *w = p;
        while (*p && (isalnum((unsigned char)*p) || *p == '@' || *p == '.' || *p == '-' || *p == '_'))
            p++;
        size_t n = (size_t)(p - w);
        bool digits = false;
        for (char *q = w; q < p; q++)
            digits |= isdigit((unsigned char)*q) != 0;
        if ((n >= 20 && digits) || memchr(w, '@', n)) {
            for (size_t i = 2; i + 2 < n; i++)
                w[i] = '*';
        }
    }
}

static void rows_ransom_row(struct ls_session *s, char **cells, const size_t *lens, size_t n)
{
    char joined[1024];
    size_t pos = 0;
    for (size_t i = 0; i < n && pos + 4 < sizeof joined; i++) {
        size_t take = lens[i] < sizeof joined - pos - 4 ? lens[i] : sizeof joined - pos - 4;
        if (i)
            joined[pos++] = ' ', joined[pos++] = '|', joined[pos++] = ' ';
        memcpy(joined + pos, cells[i], take);
        pos += take;
    }
    joined[pos] = '\0';
    char red[600];
    struct redact_ctx c = {.out = red, .cap = sizeof red, .buf = joined};
    red[0] = '\0';
    struct ls_detect_scratch *scratch = s->detector ? ls_detect_scratch_new(s->detector) : NULL;
    if (scratch) {
        ls_detect_scan(s->detector, scratch, joined, pos, on_match, &c);
        ls_detect_scratch_free(scratch);
    }
    redact_append(&c, joined + c.done, pos - c.done);
    redact_words(red);
    if (c.pos + 1 >= c.cap && c.cap > 4)
        memcpy(red + c.cap - 4, "…", 4); /* 3 bytes + NUL */
    char line[1100];
    snprintf(line, sizeof line, "%s; first row: %.300s", s->svc.compromise_evidence ? s->svc.compromise_evidence : "",
             red);
    free(s->svc.compromise_evidence);
    s->svc.compromise_evidence = strdup(line);
}

const struct ch_probe ch_sysobj_probes[] = {
    {.what = "system.query_log",
     .sql = "SELECT user, toString(count()) FROM system.query_log WHERE event_date >= today() - 30 GROUP BY user "
            "ORDER BY count() DESC LIMIT 20",
     .rows = rows_qlog_users},
    {.what = "system.query_log texts", .build = sql_qlog_texts, .rows = rows_qlog_texts, .after = after_qlog_texts},
    {.what = "system.processes",
     .sql = "SELECT user, query FROM system.processes WHERE query NOT LIKE '%system.processes%' LIMIT 100",
     .rows = rows_processes,
     .after = after_processes},
    {.what = "external table definitions",
     .sql = "SELECT database, name, engine, create_table_query FROM system.tables WHERE engine IN ('MySQL', "
            "'PostgreSQL', 'MongoDB', 'S3', 'URL', 'Kafka', 'JDBC', 'ODBC', 'HDFS', 'AzureBlobStorage', 'RabbitMQ', "
            "'NATS', 'Redis', 'SQLite', 'Dictionary', 'MaterializedMySQL', 'MaterializedPostgreSQL', 'COSN', 'OSS') "
            "OR create_table_query LIKE '%assword%' OR create_table_query LIKE '%SECRET%' LIMIT 200",
     .rows = rows_external},
    {.what = "system.dictionaries",
     .sql = "SELECT name, source FROM system.dictionaries LIMIT 200",
     .rows = rows_dictionaries,
     .after = after_dictionaries},
    {.what = "system.named_collections",
     .sql = "SELECT name, toString(collection) FROM system.named_collections LIMIT 100",
     .rows = rows_named_collections,
     .after = after_named_collections},
    {.what = "system.clusters",
     .sql = "SELECT cluster, host_name, host_address, toString(port) FROM system.clusters WHERE is_local = 0 LIMIT 500",
     .rows = rows_clusters},
    {.what = "system.macros", .sql = "SELECT macro, substitution FROM system.macros LIMIT 100", .rows = rows_macros},
    {.what = "ransom notes",
     .sql = "SELECT name, '' FROM system.databases WHERE match(lower(name), " RANSOM_RE ") AND name NOT IN "
            "(SELECT database FROM system.tables WHERE match(lower(name), " RANSOM_RE ")) LIMIT 20 "
            "UNION ALL SELECT database, name FROM system.tables WHERE database != 'system' AND "
            "(match(lower(name), " RANSOM_RE ") OR match(lower(database), " RANSOM_RE ")) LIMIT 20",
     .rows = rows_ransom},
    {.what = "ransom note", .build = sql_ransom_row, .rows = rows_ransom_row},
};
const size_t ch_sysobj_nprobes = sizeof ch_sysobj_probes / sizeof *ch_sysobj_probes;
