/* Per-table content analysis: runs the detector over each cell, tallies hits and distinct values per
 * rule (SHA-256 keyed, bounded set), keeps one ls_secret per distinct secret value, and classes the
 * table (secrets, pii, chat, logs by name, columns or content). Cells are batched: one prefilter
 * pass per ~512 KB, then only cells with a prefilter hit are scanned, each alone, so the results
 * are those of scanning every cell alone (see "batching" below). */
#include "detect/tablescan.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/redact.h"
#include "detect/rules.h"
#include "detect/value.h"
#include "util/textutil.h"

#define TS_BATCH_BYTES ((size_t)512 << 10) /* cells per prefilter pass, ~cache-sized */

struct dentry {
    unsigned char h[16]; /* first half of SHA-256(value): 128 bits keep collisions out of reach */
    uint32_t rule1;      /* rule index + 1; 0 = empty slot */
    int32_t secret;      /* index into secrets, or -1 */
};

struct bcell {
    uint32_t off, len;  /* in the batch buffer */
    const char *column; /* the caller's: valid until finish (see tablescan.h) */
};

/* A short cell value the detector found nothing in. The detector keeps no state from one call
 * to the next, so the same bytes again hold nothing again: repeated values that only look
 * interesting to a prefilter ("otel-collector" for the phone rule's "tel-") are not rescanned. */
#define QUIET_SLOTS 4096
#define QUIET_MAX_LEN 120
struct quiet {
    uint64_t h;
    uint32_t len; /* 0 = empty slot */
    char v[QUIET_MAX_LEN];
};

struct ls_tablescan {
    const struct ls_detector *d;
    struct ls_detect_scratch *s;
    bool keep_raw;
    const struct ls_rule *rules;
    size_t nrules;
    uint64_t *count, *distinct;
    struct dentry *set;
    size_t setcap, setn;
    struct ls_secret *sec;
    size_t nsec, capsec;
    uint64_t rows, logrows, checked; /* checked: rows looked at by the log-line heuristic */
    bool row_log;
    const char *column;
    char *tmp;
    size_t tmpcap;
    bool oom;
    /* the batch: cells waiting for one prefilter pass, each followed by a '\n' */
    char *bbuf;
    size_t blen;
    struct bcell *cells;
    uint32_t *coff; /* cells[i].off, apart for the hit -> cell search */
    bool *hit;
    size_t ncells, cellcap;
    size_t hcur;         /* cell of the last hit: hits mostly arrive in order */
    struct quiet *quiet; /* short cells known to hold nothing, QUIET_SLOTS of them, made on first use */
};

struct ls_tablescan *ls_tablescan_new(const struct ls_detector *d, bool keep_raw)
{
    struct ls_tablescan *ts = calloc(1, sizeof *ts);
    if (!ts)
        return NULL;
    ts->d = d;
    ts->keep_raw = keep_raw;
    ts->rules = ls_rules(&ts->nrules);
    ts->count = calloc(ts->nrules ? ts->nrules : 1, sizeof *ts->count);
    ts->distinct = calloc(ts->nrules ? ts->nrules : 1, sizeof *ts->distinct);
    ts->s = d ? ls_detect_scratch_new(d) : NULL;
    if (!ts->count || !ts->distinct || (d && !ts->s)) {
        ls_tablescan_free(ts);
        return NULL;
    }
    return ts;
}

static void free_secret(struct ls_secret *s)
{
    free(s->column);
    free(s->raw);
}

static void reset(struct ls_tablescan *ts)
{
    for (size_t i = 0; i < ts->nsec; i++)
        free_secret(&ts->sec[i]);
    free(ts->sec);
    ts->sec = NULL;
    ts->nsec = ts->capsec = 0;
    free(ts->set);
    ts->set = NULL;
    ts->setcap = ts->setn = 0;
    memset(ts->count, 0, ts->nrules * sizeof *ts->count);
    memset(ts->distinct, 0, ts->nrules * sizeof *ts->distinct);
    ts->rows = ts->logrows = ts->checked = 0;
    ts->row_log = false;
}

void ls_tablescan_free(struct ls_tablescan *ts)
{
    if (!ts)
        return;
    if (ts->count && ts->distinct)
        reset(ts);
    free(ts->count);
    free(ts->distinct);
    free(ts->tmp);
    free(ts->bbuf);
    free(ts->cells);
    free(ts->coff);
    free(ts->hit);
    free(ts->quiet);
    ls_detect_scratch_free(ts->s);
    free(ts);
}

/* ---- distinct values ------------------------------------------------------------------------- */

static size_t slot_of(const struct ls_tablescan *ts, const unsigned char *h, uint32_t rule1)
{
    uint64_t x;
    memcpy(&x, h, sizeof x);
    size_t mask = ts->setcap - 1, i = (size_t)(x ^ (rule1 * 0x9E3779B97F4A7C15ull)) & mask;
    while (ts->set[i].rule1 && (ts->set[i].rule1 != rule1 || memcmp(ts->set[i].h, h, 16) != 0))
        i = (i + 1) & mask;
    return i;
}

static bool grow_set(struct ls_tablescan *ts)
{
    size_t ncap = ts->setcap ? ts->setcap * 2 : 1024;
    struct dentry *old = ts->set;
    size_t ocap = ts->setcap;
    ts->set = calloc(ncap, sizeof *ts->set);
    if (!ts->set) {
        ts->set = old;
        return false;
    }
    ts->setcap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].rule1)
            ts->set[slot_of(ts, old[i].h, old[i].rule1)] = old[i];
    free(old);
    return true;
}

static void add_secret(struct ls_tablescan *ts, struct dentry *e, size_t r, const unsigned char *md, const char *v,
                       size_t n)
{
    if (ts->nsec == ts->capsec) {
        size_t nc = ts->capsec ? ts->capsec * 2 : 16;
        struct ls_secret *ns = realloc(ts->sec, nc * sizeof *ns);
        if (!ns) {
            ts->oom = true;
            return;
        }
        ts->sec = ns;
        ts->capsec = nc;
    }
    struct ls_secret *s = &ts->sec[ts->nsec];
    memset(s, 0, sizeof *s);
    s->rule = ts->rules[r].id;
    s->category = ls_category_name(ts->rules[r].category);
    s->count = 1;
    static const char hex[] = "0123456789abcdef";
    memcpy(s->fingerprint, "sha256:", 7);
    for (int i = 0; i < 32; i++) {
        s->fingerprint[7 + 2 * i] = hex[md[i] >> 4];
        s->fingerprint[8 + 2 * i] = hex[md[i] & 15];
    }
    s->fingerprint[71] = '\0';
    ls_redact(v, n, s->redacted, sizeof s->redacted);
    if (ts->column && !(s->column = strdup(ts->column)))
        ts->oom = true;
    if (ts->keep_raw) {
        s->raw = malloc(n + 1);
        if (s->raw) {
            memcpy(s->raw, v, n);
            s->raw[n] = '\0';
        } else {
            ts->oom = true;
        }
    }
    e->secret = (int32_t)ts->nsec++;
}

static void on_match(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    struct ls_tablescan *ts = ud;
    (void)len;
    size_t r = ls_rule_index(m->rule);
    if (r >= ts->nrules)
        return;
    ts->count[r]++;
    size_t n = m->end - m->start;
    if (n > ts->tmpcap) {
        char *nt = realloc(ts->tmp, n);
        if (!nt) {
            ts->oom = true;
            return;
        }
        ts->tmp = nt;
        ts->tmpcap = n;
    }
    n = ls_match_value(buf, m, ts->tmp);
    unsigned char md[32];
    if (ls_sha256(ts->tmp, n, md) != 0)
        return;
    if ((ts->setn + 1) * 2 > ts->setcap && ts->setn < LS_TABLESCAN_MAX_DISTINCT && !grow_set(ts)) {
        ts->oom = true;
        return;
    }
    uint32_t rule1 = (uint32_t)r + 1;
    struct dentry *e = &ts->set[slot_of(ts, md, rule1)];
    if (e->rule1) {
        if (e->secret >= 0)
            ts->sec[e->secret].count++;
        return;
    }
    if (ts->setn >= LS_TABLESCAN_MAX_DISTINCT)
        return; /* bounded: further new values are counted but no longer told apart */
    memcpy(e->h, md, 16);
    e->rule1 = rule1;
    e->secret = -1;
    ts->setn++;
    ts->distinct[r]++;
    if (ts->rules[r].category == LS_CAT_SECRET)
        add_secret(ts, e, r, md, ts->tmp, n);
}

/* ---- log-line heuristics --------------------------------------------------------------------- */

static bool dig(char c)
{
    return c >= '0' && c <= '9';
}

/* 2025-01-06T10:00:00 / 2025-01-06 10:00 / 06/Jan/2025:10:00:00 within the first 40 bytes, or a
 * syslog "Jan  6 10:00:00" prefix. Cheap: runs on every cell until a row is known to be a log. */
static bool has_timestamp(const char *p, size_t n)
{
    size_t lim = n < 40 ? n : 40;
    for (size_t i = 0; i < lim; i++) {
        if (!dig(p[i]))
            continue;
        if (i + 16 <= n && p[i + 4] == '-' && p[i + 7] == '-' && (p[i + 10] == 'T' || p[i + 10] == ' ') &&
            p[i + 13] == ':' && dig(p[i + 1]) && dig(p[i + 2]) && dig(p[i + 3]) && dig(p[i + 5]) && dig(p[i + 6]) &&
            dig(p[i + 8]) && dig(p[i + 9]) && dig(p[i + 11]) && dig(p[i + 12]) && dig(p[i + 14]))
            return true;
        if (i + 14 <= n && p[i + 2] == '/' && p[i + 6] == '/' && p[i + 11] == ':' && dig(p[i + 1]) && dig(p[i + 7]) &&
            dig(p[i + 10]) && dig(p[i + 12]))
            return true;
    }
    static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (n >= 15 && p[3] == ' ' && p[9] == ':' && p[12] == ':' && dig(p[7]) && dig(p[8]))
        for (size_t m = 0; m < 12; m++)
            if (memcmp(p, mon + 3 * m, 3) == 0)
                return true;
    return false;
}

/* A level word (INFO, WARN, ERROR, …) standing alone within the first `within` bytes. */
static bool has_level(const char *p, size_t n, size_t within)
{
    static const struct {
        const char *w;
        size_t n;
    } lv[] = {{"TRACE", 5},   {"DEBUG", 5}, {"INFO", 4},  {"NOTICE", 6},  {"WARN", 4},
              {"WARNING", 7}, {"ERROR", 5}, {"FATAL", 5}, {"CRITICAL", 8}};
    size_t lim = n < within ? n : within;
    for (size_t i = 0; i < lim; i++) {
        char c = p[i];
        switch (c) {
        case 'T':
        case 'D':
        case 'I':
        case 'N':
        case 'W':
        case 'E':
        case 'F':
        case 'C': break;
        default: continue;
        }
        if (i > 0 && ls_is_alpha(p[i - 1]))
            continue;
        for (size_t k = 0; k < sizeof lv / sizeof lv[0]; k++)
            if (lv[k].w[0] == c && i + lv[k].n <= n && memcmp(p + i, lv[k].w, lv[k].n) == 0 &&
                (i + lv[k].n == n || !ls_is_alpha(p[i + lv[k].n])))
                return true;
    }
    return false;
}

static bool find_in(const char *p, size_t n, const char *w)
{
    return memmem(p, n, w, strlen(w)) != NULL;
}

static bool looks_like_log_line(const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t' || *p == '['))
        p++, n--;
    if (n < 16)
        return false;
    size_t head = n < 256 ? n : 256;
    if (*p == '{')
        return (find_in(p, head, "\"level\"") || find_in(p, head, "\"severity\"") || find_in(p, head, "\"lvl\"")) &&
               (find_in(p, head, "\"msg\"") || find_in(p, head, "\"message\""));
    if (has_timestamp(p, n) && (n >= 32 || has_level(p, n, 64)))
        return true;
    return has_level(p, n, 12); /* "ERROR: …", "[WARN] …" */
}

/* The log-line share is estimated: every row of a sample, then one row in 16 of a deep scan. */
static bool checks_row(const struct ls_tablescan *ts)
{
    return ts->rows < 1024 || ts->rows % 16 == 0;
}

/* ---- batching --------------------------------------------------------------------------------
 * Cells are copied into one buffer, '\n' after each, and the buffer gets one prefilter pass
 * (ls_detect_prefilter) instead of one detector call per cell. Only the cells a prefilter hit
 * ends in are then scanned, each on its own exactly as before, in input order: a cell with no
 * hit is one where the detector finds nothing, so the results are those of per-cell scanning,
 * and the per-call cost is paid by the few cells that hold something. */

static size_t scan_one(struct ls_tablescan *ts, const char *column, const char *val, size_t len)
{
    ts->column = column;
    size_t n = ls_detect_scan(ts->d, ts->s, val, len, on_match, ts);
    ts->column = NULL;
    return n;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    for (; n; p++, n--)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

/* Scans a cell unless it is a short value already found empty. */
static void scan_cell(struct ls_tablescan *ts, const char *column, const char *val, size_t len)
{
    if (len > QUIET_MAX_LEN || (!ts->quiet && !(ts->quiet = calloc(QUIET_SLOTS, sizeof *ts->quiet)))) {
        scan_one(ts, column, val, len);
        return;
    }
    uint64_t h = hash_bytes(val, len);
    struct quiet *q = &ts->quiet[h & (QUIET_SLOTS - 1)];
    if (q->len == len && q->h == h && memcmp(q->v, val, len) == 0)
        return;
    if (scan_one(ts, column, val, len) == 0 && !ls_detect_scan_incomplete(ts->s)) { /* truly empty */
        q->h = h;
        q->len = (uint32_t)len;
        memcpy(q->v, val, len);
    }
}

/* A prefilter hit ending at `end`: its last byte lies in at most one cell (or on a separator).
 * Vectorscan reports hits in input order, so the cell of the previous hit is the place to start. */
static void on_hit(void *ud, size_t end)
{
    struct ls_tablescan *ts = ud;
    if (end == 0)
        return;
    size_t pos = end - 1, i = ts->hcur;
    if (i >= ts->ncells || ts->coff[i] > pos) {
        size_t lo = 0, hi = ts->ncells; /* last cell starting at or before pos */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (ts->coff[mid] <= pos)
                lo = mid;
            else
                hi = mid;
        }
        i = lo;
    } else {
        while (i + 1 < ts->ncells && ts->coff[i + 1] <= pos)
            i++;
    }
    ts->hcur = i;
    if (i < ts->ncells && pos < (size_t)ts->cells[i].off + ts->cells[i].len)
        ts->hit[i] = true;
}

static void flush(struct ls_tablescan *ts)
{
    if (ts->ncells == 0)
        return;
    memset(ts->hit, 0, ts->ncells * sizeof *ts->hit);
    ts->hcur = 0;
    ls_detect_prefilter(ts->d, ts->s, ts->bbuf, ts->blen, on_hit, ts);
    for (size_t i = 0; i < ts->ncells; i++) {
        const struct bcell *c = &ts->cells[i];
        if (ts->hit[i])
            scan_cell(ts, c->column, ts->bbuf + c->off, c->len);
    }
    ts->ncells = 0;
    ts->blen = 0;
}

static bool grow_cells(struct ls_tablescan *ts)
{
    size_t nc = ts->cellcap ? ts->cellcap * 2 : 1024;
    struct bcell *cells = realloc(ts->cells, nc * sizeof *cells);
    if (!cells)
        return false;
    ts->cells = cells;
    uint32_t *coff = realloc(ts->coff, nc * sizeof *coff);
    if (!coff)
        return false;
    ts->coff = coff;
    bool *hit = realloc(ts->hit, nc * sizeof *hit);
    if (!hit)
        return false;
    ts->hit = hit;
    ts->cellcap = nc;
    return true;
}

/* Queues a cell; false when it cannot be (too big, or out of memory): then it is scanned alone. */
static bool enqueue(struct ls_tablescan *ts, const char *column, const char *val, size_t len)
{
    if (len >= TS_BATCH_BYTES / 4)
        return false;
    if (!ts->bbuf && !(ts->bbuf = malloc(TS_BATCH_BYTES)))
        return false;
    if (ts->blen + len + 1 > TS_BATCH_BYTES)
        flush(ts);
    if (ts->ncells == ts->cellcap && !grow_cells(ts))
        return false;
    struct bcell *c = &ts->cells[ts->ncells];
    c->off = (uint32_t)ts->blen;
    c->len = (uint32_t)len;
    c->column = column;
    ts->coff[ts->ncells++] = c->off;
    memcpy(ts->bbuf + ts->blen, val, len);
    ts->blen += len;
    ts->bbuf[ts->blen++] = '\n';
    return true;
}

void ls_tablescan_cell(struct ls_tablescan *ts, const char *column, const char *val, size_t len)
{
    if (!ts || !val || len == 0)
        return;
    if (!ts->row_log && checks_row(ts) && looks_like_log_line(val, len))
        ts->row_log = true;
    if (!ts->s)
        return;
    if (!enqueue(ts, column, val, len)) {
        flush(ts); /* keeps the order of the cells */
        scan_one(ts, column, val, len);
    }
}

void ls_tablescan_row_end(struct ls_tablescan *ts)
{
    if (!ts)
        return;
    ts->rows++;
    if (checks_row(ts))
        ts->checked++;
    ts->logrows += ts->row_log;
    ts->row_log = false;
}

/* ---- classes by name and columns ------------------------------------------------------------- */

/* Splits a name into lowercase tokens at non-alphanumerics and camelCase humps; calls f on each. */
static bool any_token(const char *name, bool (*f)(const char *tok))
{
    char tok[64];
    size_t k = 0;
    for (const char *p = name;; p++) {
        bool alnum = *p && isalnum((unsigned char)*p);
        bool hump = alnum && k > 0 && isupper((unsigned char)*p) && islower((unsigned char)p[-1]);
        if ((!alnum || hump) && k > 0) {
            tok[k] = '\0';
            if (f(tok))
                return true;
            k = 0;
        }
        if (!*p)
            return false;
        if (alnum && k < sizeof tok - 1)
            tok[k++] = (char)tolower((unsigned char)*p);
    }
}

static bool in_list(const char *tok, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(tok, *list) == 0)
            return true;
    return false;
}

static bool log_name_token(const char *tok)
{
    static const char *const words[] = {"log",     "logs", "logging", "syslog", "event",  "events",  "trace", "traces",
                                        "tracing", "span", "spans",   "audit",  "audits", "journal", NULL};
    static const char *const prefixes[] = {"access", "audit",  "error", "query", "app",  "web",   "event", "request",
                                           "sys",    "server", "debug", "api",   "http", "nginx", "text",  NULL};
    if (in_list(tok, words))
        return true;
    size_t n = strlen(tok);
    size_t cut = n >= 4 && strcmp(tok + n - 4, "logs") == 0  ? n - 4
                 : n >= 3 && strcmp(tok + n - 3, "log") == 0 ? n - 3
                                                             : 0;
    if (cut == 0)
        return false;
    char pre[64];
    memcpy(pre, tok, cut);
    pre[cut] = '\0';
    return in_list(pre, prefixes);
}

static bool time_token(const char *tok)
{
    static const char *const w[] = {"timestamp", "ts", "time", "datetime", "timestamps", NULL};
    return in_list(tok, w);
}

static bool logish_token(const char *tok)
{
    static const char *const w[] = {"message", "msg",    "level", "severity", "loglevel", "levelname",
                                    "span",    "spanid", "trace", "traceid",  "logger",   NULL};
    return in_list(tok, w);
}

static unsigned classes_by_schema(const struct ls_table *t)
{
    if (t->name && any_token(t->name, log_name_token))
        return LS_CLASS_LOGS;
    bool time = false, logish = false;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const char *n = t->columns[i].name, *ty = t->columns[i].type;
        if (!n)
            continue;
        if (strcmp(n, "@timestamp") == 0 || any_token(n, time_token) ||
            (ty && (strncmp(ty, "DateTime", 8) == 0 || strncmp(ty, "Nullable(DateTime", 17) == 0 ||
                    strncmp(ty, "timestamp", 9) == 0)))
            time = true;
        if (any_token(n, logish_token))
            logish = true;
    }
    return time && logish ? LS_CLASS_LOGS : 0;
}

/* ---- finish ---------------------------------------------------------------------------------- */

static int merge_tallies(struct ls_tablescan *ts, struct ls_table *t)
{
    for (size_t r = 0; r < ts->nrules; r++) {
        if (!ts->count[r])
            continue;
        struct ls_rule_tally *hit = NULL;
        for (size_t i = 0; i < t->ntallies && !hit; i++)
            if (strcmp(t->tallies[i].rule, ts->rules[r].id) == 0)
                hit = &t->tallies[i];
        if (!hit) {
            struct ls_rule_tally *nt = realloc(t->tallies, (t->ntallies + 1) * sizeof *nt);
            if (!nt)
                return -1;
            t->tallies = nt;
            hit = &t->tallies[t->ntallies++];
            *hit = (struct ls_rule_tally){ts->rules[r].id, ls_category_name(ts->rules[r].category), 0, 0};
        }
        hit->count += ts->count[r];
        hit->distinct += ts->distinct[r];
    }
    return 0;
}

static int merge_secrets(struct ls_tablescan *ts, struct ls_table *t)
{
    if (ts->nsec == 0)
        return 0;
    struct ls_secret *ns = realloc(t->secrets, (t->nsecrets + ts->nsec) * sizeof *ns);
    if (!ns)
        return -1;
    t->secrets = ns;
    size_t old = t->nsecrets;
    for (size_t i = 0; i < ts->nsec; i++) {
        struct ls_secret *s = &ts->sec[i];
        struct ls_secret *dup = NULL;
        for (size_t k = 0; k < old && !dup; k++) /* only when a table is fed by several scans */
            if (strcmp(t->secrets[k].fingerprint, s->fingerprint) == 0 && strcmp(t->secrets[k].rule, s->rule) == 0)
                dup = &t->secrets[k];
        if (dup) {
            dup->count += s->count;
            free_secret(s);
        } else {
            t->secrets[t->nsecrets++] = *s;
        }
    }
    ts->nsec = 0; /* ownership moved */
    return 0;
}

int ls_tablescan_finish(struct ls_tablescan *ts, struct ls_table *t)
{
    if (!ts || !t)
        return -1;
    flush(ts);
    unsigned cls = classes_by_schema(t);
    for (size_t r = 0; r < ts->nrules; r++) {
        if (!ts->count[r])
            continue;
        switch (ts->rules[r].category) {
        case LS_CAT_SECRET: cls |= LS_CLASS_SECRETS; break;
        case LS_CAT_PII: cls |= LS_CLASS_PII; break;
        case LS_CAT_CHAT: cls |= LS_CLASS_CHAT; break;
        }
    }
    if (ts->checked > 0 && ts->logrows * 10 >= ts->checked * 3)
        cls |= LS_CLASS_LOGS;
    t->classes |= cls;
    t->scanned_rows += ts->rows;
    int rc = merge_tallies(ts, t) == 0 && merge_secrets(ts, t) == 0 && !ts->oom ? 0 : -1;
    reset(ts); /* a second finish adds nothing twice */
    ts->oom = false;
    return rc;
}
