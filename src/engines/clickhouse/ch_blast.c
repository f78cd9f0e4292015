/* The blast-radius probe runner (see ch_blast.h) and the helpers its probe lists share: feeding
 * text to the detector, pulling credentials out of engine arguments and URLs, notes. */
#include "engines/clickhouse/ch_blast.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "detect/redact.h"
#include "detect/tablescan.h"

#define ENGINE_CRED_RULE "clickhouse-engine-credentials"

struct ch_blast *ch_blast_of(struct ls_session *s)
{
    return ((struct ch_state *)s->priv)->blast;
}

bool ch_is_external_engine(const char *engine)
{
    static const char *const ext[] = {"MySQL",
                                      "PostgreSQL",
                                      "MongoDB",
                                      "S3",
                                      "URL",
                                      "Kafka",
                                      "JDBC",
                                      "ODBC",
                                      "HDFS",
                                      "AzureBlobStorage",
                                      "RabbitMQ",
                                      "NATS",
                                      "Redis",
                                      "SQLite",
                                      "MaterializedMySQL",
                                      "MaterializedPostgreSQL",
                                      "ExternalDistributed",
                                      "Hive",
                                      "DeltaLake",
                                      "Iceberg",
                                      "Hudi",
                                      "COSN",
                                      "OSS",
                                      "FileLog",
                                      "Dictionary", /* reading it loads the dictionary from its source */
                                      NULL};
    if (!engine)
        return false;
    for (int i = 0; ext[i]; i++)
        if (strcmp(engine, ext[i]) == 0)
            return true;
    return false;
}

void ch_set_note(struct ls_table *t, const char *note)
{
    free(t->note);
    t->note = note ? strdup(note) : NULL;
}

/* ---- detector feed ---------------------------------------------------------------------------- */

void ch_blast_scan_cell(struct ls_session *s, const char *column, const char *val, size_t len)
{
    struct ch_blast *b = ch_blast_of(s);
    if (!b->scan && s->detector)
        b->scan = ls_tablescan_new(s->detector, s->limits->show_secrets);
    if (!b->scan)
        return;
    ls_tablescan_cell(b->scan, column, val, len);
    ls_tablescan_row_end(b->scan);
}

void ch_blast_scan_finish(struct ls_session *s, struct ls_table *t)
{
    struct ch_blast *b = ch_blast_of(s);
    if (!b->scan)
        return;
    if (t)
        ls_tablescan_finish(b->scan, t);
    ls_tablescan_free(b->scan);
    b->scan = NULL;
}

/* ---- credentials in engine arguments ---------------------------------------------------------- */

static bool add_secret(struct ls_session *s, struct ls_table *t, const char *column, const char *v, size_t n)
{
    /* 22.12+ show secrets in definitions as [HIDDEN] (format_display_secrets_in_show_and_select=0):
     * that is the server keeping the secret, not a credential */
    if (n == 8 && memcmp(v, "[HIDDEN]", 8) == 0)
        return false;
    if (n == 0 || n > 512)
        return true;
    char fp[72];
    ls_fingerprint(v, n, fp);
    for (size_t i = 0; i < t->nsecrets; i++)
        if (strcmp(t->secrets[i].fingerprint, fp) == 0) {
            t->secrets[i].count++;
            for (size_t k = 0; k < t->ntallies; k++)
                if (strcmp(t->tallies[k].rule, t->secrets[i].rule) == 0)
                    t->tallies[k].count++;
            return true;
        }
    struct ls_secret *ns = realloc(t->secrets, (t->nsecrets + 1) * sizeof *ns);
    if (!ns)
        return true;
    t->secrets = ns;
    struct ls_secret *sec = &ns[t->nsecrets];
    memset(sec, 0, sizeof *sec);
    sec->rule = ENGINE_CRED_RULE;
    sec->category = "secret";
    sec->column = column ? strdup(column) : NULL;
    memcpy(sec->fingerprint, fp, sizeof fp);
    ls_redact(v, n, sec->redacted, sizeof sec->redacted);
    sec->raw = s->limits->show_secrets ? strndup(v, n) : NULL;
    sec->count = 1;
    t->nsecrets++;
    t->classes |= LS_CLASS_SECRETS;
    struct ls_rule_tally *ty = NULL;
    for (size_t i = 0; i < t->ntallies; i++)
        if (strcmp(t->tallies[i].rule, ENGINE_CRED_RULE) == 0)
            ty = &t->tallies[i];
    if (!ty) {
        struct ls_rule_tally *nt = realloc(t->tallies, (t->ntallies + 1) * sizeof *nt);
        if (!nt)
            return true;
        t->tallies = nt;
        ty = &nt[t->ntallies++];
        *ty = (struct ls_rule_tally){.rule = ENGINE_CRED_RULE, .category = "secret"};
    }
    ty->count++;
    ty->distinct++;
    return true;
}

/* Quoted SQL string arguments after `open` (just past '('): up to max, as [start,len) pairs into
 * the text (escapes left in place). Stops at the closing parenthesis. Returns the count. */
static size_t quoted_args(const char *p, const char *end, const char **starts, size_t *lens, size_t max)
{
    size_t n = 0;
    int depth = 0;
    while (p < end && n < max) {
        if (*p == '\'') {
            const char *q = ++p;
            while (p < end && *p != '\'') {
                if (*p == '\\' && p + 1 < end)
                    p++;
                p++;
            }
            starts[n] = q;
            lens[n++] = (size_t)(p - q);
            if (p < end)
                p++;
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth-- == 0)
            break;
        p++;
    }
    return n;
}

static bool word_before(const char *text, const char *at, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(at - text) < n || strncasecmp(at - n, word, n) != 0)
        return false;
    return at - n == text || !(isalnum((unsigned char)at[-(ptrdiff_t)n - 1]) || at[-(ptrdiff_t)n - 1] == '_');
}

size_t ch_engine_credentials(struct ls_session *s, struct ls_table *t, const char *column, const char *ddl, size_t len)
{
    static const char *const userpw[] = {
        "MySQL", "PostgreSQL", "MongoDB", "MaterializedMySQL", "MaterializedPostgreSQL", NULL};
    static const char *const keypair[] = {"S3", "COSN", "OSS", "s3Cluster", NULL};
    const char *end = ddl + len;
    size_t found = 0;
    for (const char *p = memchr(ddl, '(', len); p; p = memchr(p + 1, '(', (size_t)(end - p - 1))) {
        const char *starts[6];
        size_t lens[6];
        for (int i = 0; userpw[i]; i++)
            if (word_before(ddl, p, userpw[i])) {
                size_t n = quoted_args(p + 1, end, starts, lens, 6);
                if (n >= 5 && lens[4]) {
                    found += add_secret(s, t, column, starts[4], lens[4]);
                }
            }
        for (int i = 0; keypair[i]; i++)
            if (word_before(ddl, p, keypair[i])) {
                size_t n = quoted_args(p + 1, end, starts, lens, 6);
                if (n >= 3 && lens[1] >= 16 && lens[2] >= 16) {
                    found += add_secret(s, t, column, starts[2], lens[2]);
                }
            }
        if (p + 1 >= end)
            break;
    }
    /* http(s)/ftp/s3 URLs with user:password@ (database schemes are the detector's rule) */
    static const char *const schemes[] = {"http://", "https://", "ftp://", "s3://", NULL};
    for (int i = 0; schemes[i]; i++) {
        size_t sl = strlen(schemes[i]);
        for (const char *p = ddl; p && p + sl < end; p++) {
            if (strncasecmp(p, schemes[i], sl) != 0)
                continue;
            const char *u = p + sl, *colon = NULL, *q = u;
            while (q < end && *q != '@' && *q != '/' && *q != '\'' && *q != ' ' && q - u < 256) {
                if (*q == ':' && !colon)
                    colon = q;
                q++;
            }
            if (q < end && *q == '@' && colon && q > colon + 1) {
                found += add_secret(s, t, column, colon + 1, (size_t)(q - colon - 1));
            }
        }
    }
    return found;
}

/* ---- the runner ------------------------------------------------------------------------------- */

static const struct {
    const struct ch_probe *probes;
    const size_t *n;
} lists[] = {{ch_posture_probes, &ch_posture_nprobes}, {ch_sysobj_probes, &ch_sysobj_nprobes}};
#define NLISTS (sizeof lists / sizeof *lists)

static void run_next(struct ls_session *s);

/* After this many consecutive failures without a ClickHouse error (timeouts, lost connections)
 * the server is not answering any more: the remaining probes are skipped, not waited for. */
#define MAX_SILENT_FAILURES 2

static const struct ch_probe *current(struct ch_blast *b)
{
    return b->list < NLISTS && b->index < *lists[b->list].n ? &lists[b->list].probes[b->index] : NULL;
}

static void probe_done(struct ls_session *s, bool ok, int code, const char *err)
{
    struct ch_blast *b = ch_blast_of(s);
    const struct ch_probe *p = current(b);
    if (p) {
        if (!ok && !p->quiet)
            ls_service_add_unknown(&s->svc, p->what, err ? err : "query failed");
        if (p->after)
            p->after(s, ok, code, err);
    }
    ch_blast_scan_finish(s, NULL); /* a probe that did not claim its scan */
    b->index++;
    b->silent_failures = !ok && code == 0 ? b->silent_failures + 1 : 0;
    if (b->silent_failures >= MAX_SILENT_FAILURES && current(b)) {
        char why[300];
        snprintf(why, sizeof why, "skipped: %u steps in a row failed without an answer from the server (%.200s)",
                 b->silent_failures, err ? err : "no reason");
        ls_service_add_unknown(&s->svc, "remaining blast-radius steps", why);
        b->list = NLISTS;
    }
    run_next(s);
}

static void run_next(struct ls_session *s)
{
    struct ch_state *st = s->priv;
    struct ch_blast *b = st->blast;
    while (b->list < NLISTS) {
        const struct ch_probe *p = current(b);
        if (!p) {
            b->list++;
            b->index = 0;
            continue;
        }
        char *sql = p->sql ? strdup(p->sql) : p->build(s);
        if (!sql) {
            b->index++;
            continue;
        }
        if (p->unguarded && st->tx->query_unguarded)
            st->tx->query_unguarded(s, sql, p->rows, probe_done);
        else
            st->tx->query(s, sql, p->rows, probe_done);
        free(sql);
        return;
    }
    ch_posture_finish(s);
    b->then(s);
}

void ch_blast_run(struct ls_session *s, void (*then)(struct ls_session *s))
{
    struct ch_state *st = s->priv;
    if (!st->blast) {
        st->blast = calloc(1, sizeof *st->blast);
        if (!st->blast) {
            ls_service_add_unknown(&s->svc, "privileges", "out of memory");
            then(s);
            return;
        }
    }
    struct ch_blast *b = st->blast;
    b->then = then;
    b->readonly = b->allow_ddl = -1;
    /* per-session randomness: different answers for every scan (a canned honeypot repeats) */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)(uintptr_t)s;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 29;
    b->a = 100003 + x % 899981;
    b->b = 200017 + (x >> 20) % 799979;
    b->c = 7 + (x >> 40) % 9973;
    snprintf(b->nonce, sizeof b->nonce, "%016llx", (unsigned long long)x);
    snprintf(b->fp_version, sizeof b->fp_version, "%s", s->svc.version);
    run_next(s);
}

void ch_blast_free(struct ch_state *st)
{
    struct ch_blast *b = st->blast;
    if (!b)
        return;
    ls_tablescan_free(b->scan);
    for (size_t i = 0; i < b->navailable_tf; i++)
        free(b->available_tf[i]);
    for (size_t i = 0; i < b->ngranted_sources; i++)
        free(b->granted_sources[i]);
    free(b);
    st->blast = NULL;
}
