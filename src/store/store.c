/* The history store: schema, migrations and every query, written once over the SQL driver seam
 * (sql.h) so that SQLite and PostgreSQL keep the same history. */
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "model/model_json.h"
#include "store/sql.h"
#include "util/num.h"

struct ls_store {
    struct ls_sql *db;
    int opened_version;
};

/* ---- schema: migration N brings version N-1 to N; "%PK%" is the dialect's serial primary key ---- */

static const char *const migrations[LS_STORE_SCHEMA_VERSION][6] = {
    /* 1: scans and services */
    {"CREATE TABLE ls_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
     "CREATE TABLE ls_scans (id %PK%, started_at TEXT NOT NULL, finished_at TEXT, targets TEXT NOT NULL, "
     "services BIGINT NOT NULL DEFAULT 0, exposed BIGINT NOT NULL DEFAULT 0)",
     "CREATE TABLE ls_services (id %PK%, scan_id BIGINT NOT NULL REFERENCES ls_scans(id) ON DELETE CASCADE, "
     "host TEXT NOT NULL, ip TEXT NOT NULL, port INTEGER NOT NULL, engine TEXT NOT NULL, iface TEXT NOT NULL, "
     "version TEXT NOT NULL, auth TEXT NOT NULL, severity TEXT NOT NULL, nrows BIGINT NOT NULL, "
     "nbytes BIGINT NOT NULL, ntables BIGINT NOT NULL, record TEXT NOT NULL)",
     NULL},
    /* 2: secrets by fingerprint, and the scan totals */
    {"CREATE TABLE ls_secrets (service_id BIGINT NOT NULL REFERENCES ls_services(id) ON DELETE CASCADE, "
     "dbname TEXT NOT NULL, tbl TEXT NOT NULL, col TEXT NOT NULL, rule TEXT NOT NULL, category TEXT NOT NULL, "
     "fingerprint TEXT NOT NULL, redacted TEXT NOT NULL, hits BIGINT NOT NULL)",
     "ALTER TABLE ls_scans ADD COLUMN probes BIGINT NOT NULL DEFAULT 0",
     "ALTER TABLE ls_scans ADD COLUMN open_ports BIGINT NOT NULL DEFAULT 0",
     "ALTER TABLE ls_scans ADD COLUMN duration_ms BIGINT NOT NULL DEFAULT 0",
     "ALTER TABLE ls_scans ADD COLUMN tool_version TEXT NOT NULL DEFAULT ''", NULL},
    /* 3: indexes for diff and history */
    {"CREATE INDEX ls_services_scan ON ls_services (scan_id)",
     "CREATE INDEX ls_secrets_service ON ls_secrets (service_id)", NULL},
};

/* ---- small helpers ---- */

static int q(struct ls_store *st, const char *sql, int n, const char *const *params, ls_sql_row_fn fn, void *ud,
             char *err, size_t errlen)
{
    return st->db->ops->query(st->db, sql, n, params, fn, ud, err, errlen);
}

static int x(struct ls_store *st, const char *sql, char *err, size_t errlen)
{
    return st->db->ops->exec(st->db, sql, err, errlen);
}

static int first_cell(void *ud, int ncols, const char *const *cells)
{
    char **out = ud;
    if (ncols > 0 && !*out)
        *out = strdup(cells[0] ? cells[0] : "");
    return 1;
}

/* The first cell of the first row, malloc'd; NULL when there is no row. *failed on error. */
static char *scalar(struct ls_store *st, const char *sql, int n, const char *const *params, int *failed, char *err,
                    size_t errlen)
{
    char *v = NULL;
    *failed = q(st, sql, n, params, first_cell, &v, err, errlen) != 0;
    return v;
}

static void utc_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *u64s(uint64_t v, char out[24])
{
    snprintf(out, 24, "%" PRIu64, v);
    return out;
}

static uint64_t to_u64(const char *s)
{
    uint64_t v;
    return s && ls_parse_count(s, strlen(s), &v) ? v : 0;
}

static char *dup0(const char *s)
{
    return strdup(s ? s : "");
}

/* ---- open, detect, migrate ---- */

static int table_exists(struct ls_store *st, const char *name, int *failed, char *err, size_t errlen)
{
    const char *p[] = {name};
    char *v = scalar(st, st->db->dialect->table_exists, 1, p, failed, err, errlen);
    free(v);
    return v != NULL;
}

/* Runs migration `to` inside the caller's transaction. 0 or -1. */
static int migrate_one(struct ls_store *st, int to, char *err, size_t errlen)
{
    for (const char *const *step = migrations[to - 1]; *step; step++) {
        /* Substitute the dialect's serial key for %PK%. */
        char sql[1024];
        const char *pk = strstr(*step, "%PK%");
        if (pk)
            snprintf(sql, sizeof sql, "%.*s%s%s", (int)(pk - *step), *step, st->db->dialect->serial_pk, pk + 4);
        else
            snprintf(sql, sizeof sql, "%s", *step);
        if (x(st, sql, err, errlen))
            return -1;
    }
    char ver[24];
    const char *p[] = {u64s((uint64_t)to, ver)};
    if (to == 1)
        return x(st, "INSERT INTO ls_meta (key, value) VALUES ('application', 'leakscan')", err, errlen) ||
                       q(st, "INSERT INTO ls_meta (key, value) VALUES ('schema_version', $1)", 1, p, NULL, NULL, err,
                         errlen)
                   ? -1
                   : 0;
    return q(st, "UPDATE ls_meta SET value = $1 WHERE key = 'schema_version'", 1, p, NULL, NULL, err, errlen);
}

static void rollback(struct ls_store *st)
{
    char ignored[64];
    x(st, "ROLLBACK", ignored, sizeof ignored);
}

/* Finds the schema version: 0 for an empty database, -1 (foreign) when it holds other tables. */
static int detect_version(struct ls_store *st, const char *where, int *rc, char *err, size_t errlen)
{
    int failed;
    int has_meta = table_exists(st, "ls_meta", &failed, err, errlen);
    if (failed)
        return *rc = LS_STORE_FAIL, -1;
    if (!has_meta) {
        if (strcmp(st->db->dialect->name, "sqlite") == 0) {
            char *any = scalar(st, "SELECT name FROM sqlite_master LIMIT 1", 0, NULL, &failed, err, errlen);
            if (any || failed) {
                free(any);
                if (!failed)
                    snprintf(err, errlen, "'%s' is another application's database, not a leakscan history", where);
                return *rc = failed ? LS_STORE_FAIL : LS_STORE_BAD, -1;
            }
        }
        return 0;
    }
    char *app = scalar(st, "SELECT value FROM ls_meta WHERE key = 'application'", 0, NULL, &failed, err, errlen);
    char *ver =
        failed ? NULL
               : scalar(st, "SELECT value FROM ls_meta WHERE key = 'schema_version'", 0, NULL, &failed, err, errlen);
    int v = ver ? atoi(ver) : 0;
    int ok = !failed && app && strcmp(app, "leakscan") == 0 && v >= 1;
    free(app);
    free(ver);
    if (failed)
        return *rc = LS_STORE_FAIL, -1;
    if (!ok) {
        snprintf(err, errlen, "'%s' is not a leakscan history (its ls_meta table says otherwise)", where);
        return *rc = LS_STORE_BAD, -1;
    }
    if (v > LS_STORE_SCHEMA_VERSION) {
        snprintf(err, errlen, "history '%s' has schema version %d, newer than this leakscan's %d: upgrade leakscan",
                 where, v, LS_STORE_SCHEMA_VERSION);
        return *rc = LS_STORE_BAD, -1;
    }
    return v;
}

static int is_pg_uri(const char *s)
{
    return strncmp(s, "postgres://", 11) == 0 || strncmp(s, "postgresql://", 13) == 0;
}

int ls_store_open(const char *where, struct ls_store **out, char *err, size_t errlen)
{
    *out = NULL;
    struct ls_store *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return LS_STORE_FAIL;
    }
    int foreign = 0, rc = LS_STORE_FAIL;
    st->db =
        is_pg_uri(where) ? ls_sql_open_postgres(where, err, errlen) : ls_sql_open_sqlite(where, &foreign, err, errlen);
    if (!st->db) {
        free(st);
        return foreign ? LS_STORE_BAD : LS_STORE_FAIL;
    }
    /* Detection and migration in one exclusive transaction: two scans starting at once on a new
     * history must not both create it. */
    if (x(st, st->db->dialect->begin_exclusive, err, errlen))
        goto fail;
    int v = detect_version(st, where, &rc, err, errlen);
    if (v < 0) {
        rollback(st);
        goto fail;
    }
    st->opened_version = v;
    for (int to = v + 1; to <= LS_STORE_SCHEMA_VERSION; to++)
        if (migrate_one(st, to, err, errlen)) {
            char why[256];
            snprintf(why, sizeof why, "%s", err);
            snprintf(err, errlen, "cannot migrate history '%s' to schema %d: %s", where, to, why);
            rollback(st);
            rc = LS_STORE_FAIL;
            goto fail;
        }
    if (x(st, "COMMIT", err, errlen)) {
        rollback(st);
        goto fail;
    }
    *out = st;
    return LS_STORE_OK;
fail:
    ls_store_close(st);
    return rc;
}

void ls_store_close(struct ls_store *st)
{
    if (!st)
        return;
    if (st->db)
        st->db->ops->close(st->db);
    free(st);
}

int ls_store_opened_version(const struct ls_store *st)
{
    return st->opened_version;
}

char *ls_store_default_path(char *buf, size_t n, char *err, size_t errlen)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char dir[4096];
    if (xdg && *xdg == '/')
        snprintf(dir, sizeof dir, "%s/leakscan", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/share/leakscan", home);
    else {
        snprintf(err, errlen, "no history location: set XDG_DATA_HOME or HOME, or pass --db");
        return NULL;
    }
    /* mkdir -p, each missing component 0700 */
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
                return NULL;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    snprintf(buf, n, "%s/history.db", dir);
    return buf;
}

/* ---- writing a scan ---- */

static int returned_id(struct ls_store *st, const char *sql, int n, const char *const *p, int64_t *id, char *err,
                       size_t errlen)
{
    int failed;
    char *v = scalar(st, sql, n, p, &failed, err, errlen);
    if (!failed && !v)
        snprintf(err, errlen, "insert returned no id");
    *id = v ? strtoll(v, NULL, 10) : 0;
    free(v);
    return failed || *id <= 0 ? -1 : 0;
}

int ls_store_scan_begin(struct ls_store *st, const char *targets, int64_t *scan_id, char *err, size_t errlen)
{
    char now[32];
    utc_now(now);
    const char *p[] = {now, targets ? targets : "", LS_VERSION};
    return returned_id(st, "INSERT INTO ls_scans (started_at, targets, tool_version) VALUES ($1, $2, $3) RETURNING id",
                       3, p, scan_id, err, errlen);
}

static int add_secrets(struct ls_store *st, const char *sid, const struct ls_table *t, char *err, size_t errlen)
{
    for (size_t k = 0; k < t->nsecrets; k++) {
        const struct ls_secret *sec = &t->secrets[k];
        char hits[24];
        /* Only the fingerprint and the redacted form: sec->raw never reaches the history. */
        const char *p[] = {sid,
                           t->database ? t->database : "",
                           t->name ? t->name : "",
                           sec->column ? sec->column : "",
                           sec->rule ? sec->rule : "",
                           sec->category ? sec->category : "",
                           sec->fingerprint,
                           sec->redacted,
                           u64s(sec->count, hits)};
        if (q(st,
              "INSERT INTO ls_secrets (service_id, dbname, tbl, col, rule, category, fingerprint, redacted, hits) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
              9, p, NULL, NULL, err, errlen))
            return -1;
    }
    return 0;
}

int ls_store_add_service(struct ls_store *st, int64_t scan_id, const struct ls_service *s, char *err, size_t errlen)
{
    json_t *rec = ls_json_service(s);
    char *record = rec ? json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(rec);
    if (!record) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char id[24], port[24], rows[24], bytes[24], ntables[24];
    snprintf(id, sizeof id, "%" PRId64, scan_id);
    const char *p[] = {id,
                       s->host[0] ? s->host : s->ip,
                       s->ip,
                       u64s(s->port, port),
                       s->engine ? s->engine : "",
                       s->interface ? s->interface : "",
                       s->version,
                       ls_auth_name(s->auth),
                       ls_severity_name(s->severity),
                       u64s(ls_service_rows(s), rows),
                       u64s(ls_service_bytes(s), bytes),
                       u64s(s->ntables, ntables),
                       record};
    int64_t service_id;
    int rc = -1;
    if (x(st, "BEGIN", err, errlen))
        goto out;
    if (returned_id(st,
                    "INSERT INTO ls_services (scan_id, host, ip, port, engine, iface, version, auth, severity, nrows, "
                    "nbytes, ntables, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                    "RETURNING id",
                    13, p, &service_id, err, errlen))
        goto undo;
    char sid[24];
    snprintf(sid, sizeof sid, "%" PRId64, service_id);
    for (size_t i = 0; i < s->ntables; i++)
        if (add_secrets(st, sid, &s->tables[i], err, errlen))
            goto undo;
    if (x(st, "COMMIT", err, errlen))
        goto undo;
    rc = 0;
    goto out;
undo:
    rollback(st);
out:
    free(record);
    return rc;
}

int ls_store_scan_end(struct ls_store *st, int64_t scan_id, const struct ls_scan_summary *sum, char *err, size_t errlen)
{
    char now[32], id[24], a[24], b[24], c[24], d[24], e[24];
    utc_now(now);
    snprintf(id, sizeof id, "%" PRId64, scan_id);
    const char *p[] = {now,
                       u64s(sum->services, a),
                       u64s(sum->exposed, b),
                       u64s(sum->probes, c),
                       u64s(sum->open_ports, d),
                       u64s(sum->duration_ms, e),
                       id};
    return q(st,
             "UPDATE ls_scans SET finished_at = $1, services = $2, exposed = $3, probes = $4, open_ports = $5, "
             "duration_ms = $6 WHERE id = $7",
             7, p, NULL, NULL, err, errlen);
}

/* ---- reading ---- */

#define SCAN_COLS                                                                                                      \
    "id, started_at, finished_at, targets, tool_version, services, exposed, probes, open_ports, duration_ms"

struct scan_rows {
    struct ls_hist_scan *v;
    size_t n;
    int oom;
};

static int scan_row(void *ud, int ncols, const char *const *c)
{
    struct scan_rows *r = ud;
    struct ls_hist_scan *nv = realloc(r->v, (r->n + 1) * sizeof *nv);
    if (!nv || ncols < 10)
        return r->oom = 1;
    r->v = nv;
    struct ls_hist_scan *h = &r->v[r->n++];
    h->id = strtoll(c[0], NULL, 10);
    h->started_at = dup0(c[1]);
    h->finished_at = dup0(c[2]);
    h->targets = dup0(c[3]);
    h->tool_version = dup0(c[4]);
    h->services = to_u64(c[5]);
    h->exposed = to_u64(c[6]);
    h->probes = to_u64(c[7]);
    h->open_ports = to_u64(c[8]);
    h->duration_ms = to_u64(c[9]);
    return 0;
}

int ls_store_list(struct ls_store *st, struct ls_hist_scan **scans, size_t *n, char *err, size_t errlen)
{
    struct scan_rows r = {0};
    int rc = q(st, "SELECT " SCAN_COLS " FROM ls_scans ORDER BY id", 0, NULL, scan_row, &r, err, errlen);
    if (!rc && r.oom) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    if (rc) {
        ls_hist_scans_free(r.v, r.n);
        return -1;
    }
    *scans = r.v;
    *n = r.n;
    return 0;
}

static void scan_fields_free(struct ls_hist_scan *h)
{
    free(h->started_at);
    free(h->finished_at);
    free(h->targets);
    free(h->tool_version);
}

void ls_hist_scans_free(struct ls_hist_scan *scans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        scan_fields_free(&scans[i]);
    free(scans);
}

struct load_ctx {
    struct ls_snapshot *snap;
    int64_t *ids; /* service ids, parallel to snap->services */
    int oom;
};

static int service_row(void *ud, int ncols, const char *const *c)
{
    struct load_ctx *l = ud;
    struct ls_snapshot *s = l->snap;
    struct ls_hist_service *nv = realloc(s->services, (s->nservices + 1) * sizeof *nv);
    int64_t *ni = nv ? realloc(l->ids, (s->nservices + 1) * sizeof *ni) : NULL;
    if (nv)
        s->services = nv;
    if (!ni || ncols < 13)
        return l->oom = 1;
    l->ids = ni;
    l->ids[s->nservices] = strtoll(c[0], NULL, 10);
    struct ls_hist_service *h = &s->services[s->nservices++];
    memset(h, 0, sizeof *h);
    h->host = dup0(c[1]);
    h->ip = dup0(c[2]);
    h->port = (unsigned)to_u64(c[3]);
    h->engine = dup0(c[4]);
    h->interface = dup0(c[5]);
    h->version = dup0(c[6]);
    h->auth = dup0(c[7]);
    h->severity = dup0(c[8]);
    h->rows = to_u64(c[9]);
    h->bytes = to_u64(c[10]);
    h->tables = to_u64(c[11]);
    return 0;
}

static int secret_row(void *ud, int ncols, const char *const *c)
{
    struct load_ctx *l = ud;
    struct ls_snapshot *s = l->snap;
    int64_t sid = strtoll(c[0], NULL, 10);
    struct ls_hist_service *h = NULL;
    for (size_t i = 0; i < s->nservices && !h; i++)
        if (l->ids[i] == sid)
            h = &s->services[i];
    if (!h || ncols < 9)
        return 0;
    struct ls_hist_secret *nv = realloc(h->secrets, (h->nsecrets + 1) * sizeof *nv);
    if (!nv)
        return l->oom = 1;
    h->secrets = nv;
    struct ls_hist_secret *x1 = &h->secrets[h->nsecrets++];
    x1->database = dup0(c[1]);
    x1->table = dup0(c[2]);
    x1->column = dup0(c[3]);
    x1->rule = dup0(c[4]);
    x1->category = dup0(c[5]);
    x1->fingerprint = dup0(c[6]);
    x1->redacted = dup0(c[7]);
    x1->count = to_u64(c[8]);
    return 0;
}

int ls_store_load(struct ls_store *st, int64_t scan_id, struct ls_snapshot *snap, char *err, size_t errlen)
{
    memset(snap, 0, sizeof *snap);
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, scan_id);
    const char *p[] = {id};
    struct scan_rows r = {0};
    if (q(st, "SELECT " SCAN_COLS " FROM ls_scans WHERE id = $1", 1, p, scan_row, &r, err, errlen) || r.oom) {
        ls_hist_scans_free(r.v, r.n);
        return -1;
    }
    if (r.n == 0) {
        free(r.v);
        return 1;
    }
    snap->scan = r.v[0];
    free(r.v);
    struct load_ctx l = {.snap = snap};
    int rc = q(st,
               "SELECT id, host, ip, port, engine, iface, version, auth, severity, nrows, nbytes, ntables, scan_id "
               "FROM ls_services WHERE scan_id = $1 ORDER BY ip, port, engine, iface",
               1, p, service_row, &l, err, errlen);
    if (!rc)
        rc = q(st,
               "SELECT x.service_id, x.dbname, x.tbl, x.col, x.rule, x.category, x.fingerprint, x.redacted, x.hits "
               "FROM ls_secrets x JOIN ls_services s ON s.id = x.service_id WHERE s.scan_id = $1 "
               "ORDER BY x.service_id, x.rule, x.fingerprint",
               1, p, secret_row, &l, err, errlen);
    free(l.ids);
    if (!rc && l.oom) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    if (rc) {
        ls_snapshot_free(snap);
        return -1;
    }
    return 0;
}

void ls_snapshot_free(struct ls_snapshot *snap)
{
    scan_fields_free(&snap->scan);
    for (size_t i = 0; i < snap->nservices; i++) {
        struct ls_hist_service *h = &snap->services[i];
        for (size_t k = 0; k < h->nsecrets; k++) {
            struct ls_hist_secret *x1 = &h->secrets[k];
            free(x1->database);
            free(x1->table);
            free(x1->column);
            free(x1->rule);
            free(x1->category);
            free(x1->fingerprint);
            free(x1->redacted);
        }
        free(h->secrets);
        free(h->host);
        free(h->ip);
        free(h->engine);
        free(h->interface);
        free(h->version);
        free(h->auth);
        free(h->severity);
    }
    free(snap->services);
    memset(snap, 0, sizeof *snap);
}
