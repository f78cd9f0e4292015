/* The JSON of the model (model_json.h): every string through one valid-UTF-8 path, records in
 * contract order. */
#include "model/model_json.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "util/fmt.h"

/* ---- values: every string goes through here, so the output is always valid UTF-8, without C1
 * controls or bidirectional overrides (U+FFFD instead) ---- */

static json_t *jstrn(const char *s, size_t n)
{
    if (ls_utf8_display_safe(s, n))
        return json_stringn(s, n);
    char *clean = ls_utf8_display_sanitize(s, n);
    if (!clean)
        return NULL;
    json_t *j = json_string(clean);
    free(clean);
    return j;
}

static json_t *jstr(const char *s)
{
    return s ? jstrn(s, strlen(s)) : json_null();
}

/* A fixed-size char array of the model, which is NUL-terminated unless an engine overfilled it. */
#define JFIXED(arr) jstrn((arr), strnlen((arr), sizeof(arr)))

static json_t *jint(uint64_t v)
{
    return json_integer(v > (uint64_t)INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v);
}

/* Both steal `v` (also on failure) and fail on v == NULL, so a failed allocation anywhere surfaces. */
static int put(json_t *o, const char *key, json_t *v)
{
    return json_object_set_new(o, key, v) < 0;
}

static int append(json_t *a, json_t *v)
{
    return json_array_append_new(a, v) < 0;
}

static json_t *done(json_t *o, int err)
{
    if (err) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *host_of(const struct ls_service *s)
{
    return s->host[0] ? JFIXED(s->host) : JFIXED(s->ip);
}

/* ---- records ---- */

static json_t *classes_array(unsigned classes)
{
    json_t *a = json_array();
    int err = !a;
    for (unsigned i = 0; !err && i < LS_CLASS_COUNT; i++)
        if (classes & (1u << i))
            err |= append(a, json_string(ls_class_name(1u << i)));
    return a ? done(a, err) : NULL;
}

static json_t *columns_array(const struct ls_table *t)
{
    json_t *a = json_array();
    int err = !a;
    for (size_t i = 0; !err && i < t->ncolumns; i++) {
        json_t *c = json_object();
        if (!c) {
            err = 1;
            break;
        }
        int cerr = put(c, "name", jstr(t->columns[i].name));
        cerr |= put(c, "type", jstr(t->columns[i].type));
        err |= append(a, done(c, cerr));
    }
    return a ? done(a, err) : NULL;
}

static json_t *findings_array(const struct ls_table *t)
{
    json_t *a = json_array();
    int err = !a;
    for (size_t i = 0; !err && i < t->ntallies; i++) {
        const struct ls_rule_tally *ty = &t->tallies[i];
        json_t *f = json_object();
        if (!f) {
            err = 1;
            break;
        }
        int ferr = put(f, "rule", jstr(ty->rule));
        ferr |= put(f, "category", jstr(ty->category));
        ferr |= put(f, "count", jint(ty->count));
        ferr |= put(f, "distinct", jint(ty->distinct));
        err |= append(a, done(f, ferr));
    }
    return a ? done(a, err) : NULL;
}

static json_t *table_record(const struct ls_table *t)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int err = put(o, "database", jstr(t->database));
    err |= put(o, "name", jstr(t->name));
    err |= put(o, "engine", jstr(t->storage));
    if (t->kind) /* a unit other than a table: "keyspace", "database", … */
        err |= put(o, "kind", json_string(t->kind));
    err |= put(o, "rows", t->rows_known ? jint(t->rows) : json_null());
    if (t->rows_known && t->rows_estimated)
        err |= put(o, "rows_estimated", json_true());
    err |= put(o, "bytes", jint(t->bytes));
    err |= put(o, "columns", columns_array(t));
    err |= put(o, "classes", classes_array(t->classes));
    err |= put(o, "scanned_rows", jint(t->scanned_rows));
    err |= put(o, "findings", findings_array(t));
    if (t->note)
        err |= put(o, "note", jstr(t->note));
    if (t->error)
        err |= put(o, "error", jstr(t->error));
    return done(o, err);
}

static json_t *tri(enum ls_tri v)
{
    return v == LS_TRI_UNKNOWN ? json_null() : json_boolean(v == LS_TRI_YES);
}

static json_t *strv_array(char *const *v, size_t n)
{
    json_t *a = json_array();
    int err = !a;
    for (size_t i = 0; !err && i < n; i++)
        err |= append(a, jstr(v[i]));
    return a ? done(a, err) : NULL;
}

static json_t *fact_value(const struct ls_fact *f)
{
    if (!f->known)
        return json_null();
    switch (f->type) {
    case LS_FACT_TEXT: return jstr(f->text ? f->text : "");
    case LS_FACT_INT: return json_integer((json_int_t)f->num);
    case LS_FACT_BOOL: return json_boolean(f->num != 0);
    case LS_FACT_LIST: return strv_array(f->list, f->nlist);
    }
    return json_null();
}

/* The `privileges` object: the user, the six capabilities ("can": true, false or null, and evidence), `can_write` and
 * `can_ddl` (the write and schema capabilities, kept for earlier consumers), then the engine's
 * facts under their own keys, and the basis. */
static json_t *privileges_object(const struct ls_access *a)
{
    json_t *o = json_object(), *caps = json_object();
    if (!o || !caps) {
        json_decref(o);
        json_decref(caps);
        return NULL;
    }
    int err = put(o, "user", a->user[0] ? JFIXED(a->user) : json_null());
    for (int c = 0; c < LS_CAP_COUNT; c++) {
        json_t *one = json_object();
        if (!one) {
            err = 1;
            break;
        }
        int cerr = put(one, "can", tri(ls_access_cap_value(a, (enum ls_cap)c)));
        if (a->caps[c].evidence)
            cerr |= put(one, "evidence", jstr(a->caps[c].evidence));
        err |= put(caps, ls_cap_name((enum ls_cap)c), done(one, cerr));
    }
    err |= put(o, "capabilities", caps);
    err |= put(o, "can_write", tri(ls_access_cap_value(a, LS_CAP_WRITE)));
    err |= put(o, "can_ddl", tri(ls_access_cap_value(a, LS_CAP_SCHEMA)));
    for (size_t i = 0; i < a->nfacts; i++)
        err |= put(o, a->facts[i].key, fact_value(&a->facts[i]));
    if (a->basis)
        err |= put(o, "basis", jstr(a->basis));
    return done(o, err);
}

static json_t *sysobjs_array(const struct ls_service *s)
{
    json_t *a = json_array();
    int err = !a;
    for (size_t i = 0; !err && i < s->nsysobjs; i++) {
        const struct ls_table *t = &s->sysobjs[i];
        json_t *o = json_object();
        if (!o) {
            err = 1;
            break;
        }
        char name[600];
        snprintf(name, sizeof name, "%s.%s", t->database, t->name);
        int oerr = put(o, "name", jstr(name));
        oerr |= put(o, "entries", t->rows_known ? jint(t->rows) : json_null());
        if (t->note)
            oerr |= put(o, "note", jstr(t->note));
        oerr |= put(o, "classes", classes_array(t->classes));
        oerr |= put(o, "findings", findings_array(t));
        err |= append(a, done(o, oerr));
    }
    return a ? done(a, err) : NULL;
}

static json_t *unknown_array(const struct ls_service *s)
{
    json_t *a = json_array();
    int err = !a;
    for (size_t i = 0; !err && i < s->nunknowns; i++) {
        json_t *o = json_object();
        if (!o) {
            err = 1;
            break;
        }
        int oerr = put(o, "what", jstr(s->unknowns[i].what));
        oerr |= put(o, "reason", jstr(s->unknowns[i].reason));
        err |= append(a, done(o, oerr));
    }
    return a ? done(a, err) : NULL;
}

/* The blast-radius fields (documented in the README); only for engines that assessed them. */
static int put_blast(json_t *o, const struct ls_service *s)
{
    int err = 0;
    if (s->version_source)
        err |= put(o, "version_source", jstr(s->version_source));
    if (s->uptime_known)
        err |= put(o, "uptime_s", jint(s->uptime_s));
    if (s->access.assessed)
        err |= put(o, "privileges", privileges_object(&s->access));
    if (s->nsysobjs)
        err |= put(o, "system_objects", sysobjs_array(s));
    if (s->access.assessed || s->honeypot.suspected) {
        json_t *h = json_object();
        if (h) {
            int herr = put(h, "suspected", json_boolean(s->honeypot.suspected));
            herr |= put(h, "reasons", strv_array(s->honeypot.reasons, s->honeypot.nreasons));
            h = done(h, herr);
        }
        err |= put(o, "honeypot", h);
    }
    if (s->access.assessed || s->compromised) {
        err |= put(o, "compromised", json_boolean(s->compromised));
        if (s->compromise_evidence)
            err |= put(o, "compromise_evidence", jstr(s->compromise_evidence));
    }
    if (s->nunknowns)
        err |= put(o, "unknown", unknown_array(s));
    return err;
}

static json_t *risks_array(const struct ls_service *s)
{
    json_t *a = json_array();
    int err = !a;
    for (size_t i = 0; !err && i < s->nrisks; i++) {
        const struct ls_risk *rk = &s->risks[i];
        json_t *o = json_object();
        if (!o) {
            err = 1;
            break;
        }
        int rerr = put(o, "id", jstr(rk->id));
        rerr |= put(o, "severity", json_string(ls_severity_name(rk->severity)));
        rerr |= put(o, "title", jstr(rk->title));
        rerr |= put(o, "evidence", jstr(rk->evidence));
        err |= append(a, done(o, rerr));
    }
    return a ? done(a, err) : NULL;
}

json_t *ls_json_service(const struct ls_service *s)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int err = put(o, "type", json_string("service"));
    err |= put(o, "host", host_of(s));
    err |= put(o, "ip", JFIXED(s->ip));
    err |= put(o, "port", json_integer(s->port));
    err |= put(o, "tls", json_boolean(s->tls));
    err |= put(o, "engine", jstr(s->engine));
    err |= put(o, "interface", jstr(s->interface));
    err |= put(o, "version", s->version[0] ? JFIXED(s->version) : json_null());
    if (s->display_name[0])
        err |= put(o, "display_name", JFIXED(s->display_name));
    if (s->timezone[0])
        err |= put(o, "timezone", JFIXED(s->timezone));
    err |= put(o, "auth", json_string(ls_auth_name(s->auth)));
    if (s->auth_evidence)
        err |= put(o, "auth_evidence", jstr(s->auth_evidence));
    err |= put(o, "severity", json_string(ls_severity_name(s->severity)));
    if (ls_service_unidentified(s)) {
        err |= put(o, "protocol", jstr(s->interface));
        err |= put(o, "banner", s->banner ? jstr(s->banner) : json_null());
    }

    json_t *exp = json_object();
    if (exp) {
        int eerr = put(exp, "databases", jint(s->ndatabases));
        eerr |= put(exp, "tables", jint(s->ntables));
        eerr |= put(exp, "rows", jint(ls_service_rows(s)));
        eerr |= put(exp, "bytes", jint(ls_service_bytes(s)));
        exp = done(exp, eerr);
    }
    err |= put(o, "exposure", exp);

    json_t *tables = json_array();
    for (size_t i = 0; tables && !err && i < s->ntables; i++)
        err |= append(tables, table_record(&s->tables[i]));
    err |= put(o, "tables", tables);
    if (s->inventory_truncated)
        err |= put(o, "inventory_truncated", json_true());

    err |= put_blast(o, s);
    json_t *steps = NULL;
    for (int i = 0; i < LS_PHASE_COUNT; i++)
        if (s->phase_ran[i]) {
            if (!steps && !(steps = json_object()))
                break;
            err |= put(steps, ls_phase_name((enum ls_phase)i), json_integer(s->phase_ms[i]));
        }
    if (steps)
        err |= put(o, "steps_ms", steps);
    err |= put(o, "risks", risks_array(s));
    json_t *rem = json_array();
    for (size_t i = 0; rem && !err && i < s->nremediation; i++)
        err |= append(rem, jstr(s->remediation[i]));
    err |= put(o, "remediation", rem);
    if (s->error)
        err |= put(o, "error", jstr(s->error));
    return done(o, err);
}

json_t *ls_json_secret(const struct ls_service *s, const struct ls_table *t, const struct ls_secret *sec,
                       bool show_secrets)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int err = put(o, "type", json_string("secret"));
    err |= put(o, "host", host_of(s));
    err |= put(o, "port", json_integer(s->port));
    err |= put(o, "database", jstr(t->database));
    err |= put(o, "table", jstr(t->name));
    err |= put(o, "column", jstr(sec->column));
    err |= put(o, "rule", jstr(sec->rule));
    err |= put(o, "category", jstr(sec->category));
    err |= put(o, "fingerprint", JFIXED(sec->fingerprint));
    err |= put(o, "redacted", JFIXED(sec->redacted));
    err |= put(o, "count", jint(sec->count));
    if (show_secrets && sec->raw)
        err |= put(o, "value", jstr(sec->raw));
    return done(o, err);
}

/* The first index >= i in s[0, n) of a byte JSON needs escaped (control, '"', '\\'), or n. Records
 * are mostly plain ASCII (paths, rule ids, fingerprints): SSE2 clears 16 bytes per step. */
static size_t plain_run_end(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    const __m128i ctl = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v), /* v <= 0x1F unsigned */
                                   _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
        int mask = _mm_movemask_epi8(hit);
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return i;
    }
    return n;
}

/* A JSON string exactly as jansson's compact dump writes the value jstrn() builds: invalid UTF-8
 * replaced by U+FFFD, then '"', '\\' and control characters escaped (\b \f \n \r \t, others
 * \u00XX in upper case), everything else verbatim. NULL is null. */
static void buf_json_string(struct ls_buf *b, const char *s, size_t n)
{
    if (!s) {
        ls_buf_puts(b, "null");
        return;
    }
    char *clean = NULL;
    if (!ls_utf8_display_safe(s, n)) {
        if (!(clean = ls_utf8_display_sanitize(s, n))) {
            b->oom = true;
            return;
        }
        s = clean;
        n = strlen(clean);
    }
    ls_buf_add(b, "\"", 1);
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; (i = plain_run_end(s, i, n)) < n; i++) {
        unsigned char c = (unsigned char)s[i];
        ls_buf_add(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': ls_buf_add(b, "\\\"", 2); break;
        case '\\': ls_buf_add(b, "\\\\", 2); break;
        case '\b': ls_buf_add(b, "\\b", 2); break;
        case '\f': ls_buf_add(b, "\\f", 2); break;
        case '\n': ls_buf_add(b, "\\n", 2); break;
        case '\r': ls_buf_add(b, "\\r", 2); break;
        case '\t': ls_buf_add(b, "\\t", 2); break;
        default: ls_buf_printf(b, "\\u%04X", (unsigned)c); break;
        }
    }
    ls_buf_add(b, s + run, n - run);
    ls_buf_add(b, "\"", 1);
    free(clean);
}

static void buf_json_uint(struct ls_buf *b, uint64_t v)
{
    /* digits by hand: vsnprintf cost ~700 instructions a number, three numbers a record */
    char d[20];
    size_t k = sizeof d;
    v = v > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : v;
    do {
        d[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ls_buf_add(b, d + k, sizeof d - k);
}

/* The one definition of the `leakscan secrets` record, written straight as compact JSON: building
 * a jansson object and dumping it cost ~30k instructions per record, more than scanning the
 * megabyte of log that held the secret. */
/* a literal's length is known at compile time: no strlen per field */
#define PUT_LIT(b, lit) ls_buf_add((b), (lit), sizeof(lit) - 1)

void ls_jsonl_file_secret(struct ls_buf *b, const struct ls_file_secret *fs, bool show_secrets)
{
    PUT_LIT(b, "{\"type\":\"secret\",\"path\":");
    buf_json_string(b, fs->path, fs->path ? strlen(fs->path) : 0);
    PUT_LIT(b, ",\"line\":");
    buf_json_uint(b, fs->line);
    PUT_LIT(b, ",\"column\":");
    buf_json_uint(b, fs->column);
    PUT_LIT(b, ",\"rule\":");
    buf_json_string(b, fs->sec.rule, fs->sec.rule ? strlen(fs->sec.rule) : 0);
    PUT_LIT(b, ",\"category\":");
    buf_json_string(b, fs->sec.category, fs->sec.category ? strlen(fs->sec.category) : 0);
    PUT_LIT(b, ",\"fingerprint\":");
    buf_json_string(b, fs->sec.fingerprint, strnlen(fs->sec.fingerprint, sizeof fs->sec.fingerprint));
    PUT_LIT(b, ",\"redacted\":");
    buf_json_string(b, fs->sec.redacted, strnlen(fs->sec.redacted, sizeof fs->sec.redacted));
    PUT_LIT(b, ",\"count\":");
    buf_json_uint(b, fs->sec.count);
    if (show_secrets && fs->sec.raw) {
        PUT_LIT(b, ",\"value\":");
        buf_json_string(b, fs->sec.raw, strlen(fs->sec.raw));
    }
    PUT_LIT(b, "}");
}

#undef PUT_LIT

json_t *ls_json_file_secret(const struct ls_file_secret *fs, bool show_secrets)
{
    struct ls_buf b = {0};
    ls_jsonl_file_secret(&b, fs, show_secrets);
    json_t *o = b.oom || !b.p ? NULL : json_loadb(b.p, b.len, 0, NULL);
    ls_buf_free(&b);
    return o;
}

json_t *ls_json_summary(const struct ls_scan_summary *sum)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int err = put(o, "type", json_string("summary"));
    err |= put(o, "targets", jint(sum->targets));
    err |= put(o, "probes", jint(sum->probes));
    err |= put(o, "open_ports", jint(sum->open_ports));
    err |= put(o, "services", jint(sum->services));
    err |= put(o, "exposed", jint(sum->exposed));
    if (sum->unidentified) /* beyond the contract: only when some open port was not identified */
        err |= put(o, "unidentified", jint(sum->unidentified));
    err |= put(o, "duration_ms", jint(sum->duration_ms));
    return done(o, err);
}

int ls_json_summary_add_suspects(json_t *summary, const struct ls_scan_summary *sum)
{
    if (sum->nsuspects) {
        json_t *a = json_array();
        int err = !a;
        for (size_t i = 0; !err && i < sum->nsuspects; i++) {
            const struct ls_suspect_host *h = &sum->suspects[i];
            json_t *o = json_object(), *engines = json_array();
            err |= !o || !engines;
            for (unsigned k = 0; !err && k < h->nengines && k < LS_SUSPECT_MAX_ENGINES; k++)
                err |= append(engines, jstr(h->engines[k]));
            if (o) {
                err |= put(o, "ip", JFIXED(h->ip));
                err |= put(o, "engines", engines);
                err |= put(o, "open_db_ports", jint(h->open_db_ports));
                err |= append(a, o);
            } else
                json_decref(engines);
        }
        if (put(summary, "honeypots", a ? done(a, err) : NULL))
            return -1;
    }
    if (sum->suspects_omitted && put(summary, "honeypots_omitted", jint(sum->suspects_omitted)))
        return -1;
    return 0;
}
