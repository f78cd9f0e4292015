/* The matcher: every rule variant's prefilter in one Vectorscan block database; each prefilter hit
 * is confirmed by the variant's PCRE2-JIT pattern in a window bounded by the variant's `back` and
 * `max_len`, validated, and overlapping confirmations are reduced to one per secret. */
#include "detect/detect.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

#include "detect/dbcache.h"
#include "detect/rules.h"
#include "detect/shortscan.h"
#include "detect/validators.h"
#include "util/num.h"

size_t ls_detect_hs_chunk = (size_t)1 << 30;
#define HS_OVERLAP ((size_t)64 << 10) /* longer than any prefilter match */

struct variant_rt {
    size_t rule; /* index into ls_rules() */
    const struct ls_rule_variant *v;
    pcre2_code *re;
    uint32_t vgroup; /* number of the `v` group, 0 = whole match */
    bool jit;
    bool short_pf; /* found by the short pass (shortscan.h), not by Vectorscan */
};

struct ls_detector {
    hs_database_t *db; /* NULL when no variant needs Vectorscan */
    struct variant_rt *var;
    size_t nvar;
    const struct ls_rule *rules;
    size_t nrules;
    struct ls_shortscan shorts;    /* the short prefilters' needles */
    size_t shortvar[LS_SHORT_MAX]; /* needle -> variant */
};

struct found {
    size_t vs, ve;
    uint32_t rule;
    int prio;
    bool chat;
    bool keep;
};

struct ls_detect_scratch {
    const struct ls_detector *d;
    hs_scratch_t *hs;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jstack;
    size_t *scan_from; /* per variant: match starts below this were processed */
    size_t *covered;   /* per rule: end of the last accepted match */
    /* entries of scan_from / covered made non-zero by this scan: reset those only, so scanning
     * many small cells does not clear two whole arrays per cell */
    uint32_t *tv, *tr;
    size_t ntv, ntr;
    struct found *f;
    size_t nf, capf;
    /* the scan in progress */
    const char *buf;
    size_t len, base;
    bool oom;
    /* newlines per LS_NL_BLOCK of the last scanned buffer (ls_detect_newlines) */
    uint16_t *nl;
    size_t nlcap;
    const char *nl_buf;
    size_t nl_len;
};

/* ---- construction ---------------------------------------------------------------------------- */

/* Single bytes and case-insensitive words of up to three letters go to the short pass: FDR, the
 * literal matcher of Vectorscan, slows down for every pattern when such literals are in its set
 * (a caseless word is all its case variants there), while the short pass finds eight of them at
 * once for about the cost of reading the input. Returns the needle count, 0 for Vectorscan. */
static size_t short_needles(const char *pf, struct ls_short_needle *nd, size_t room)
{
    size_t n = ls_short_parse(pf, nd, room);
    return n && (nd[0].len == 1 || nd[0].caseless) ? n : 0;
}

void ls_detector_free(struct ls_detector *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nvar; i++)
        pcre2_code_free(d->var[i].re);
    free(d->var);
    hs_free_database(d->db);
    free(d);
}

size_t ls_detector_reach(const struct ls_detector *d)
{
    size_t mx = 0;
    for (size_t i = 0; d && i < d->nvar; i++)
        if ((size_t)d->var[i].v->max_len + d->var[i].v->back > mx)
            mx = (size_t)d->var[i].v->max_len + d->var[i].v->back;
    return mx;
}

struct ls_detector *ls_detector_new(char *err, size_t errlen)
{
    return ls_detector_new_for(LS_CATS_ALL, err, errlen);
}

struct ls_detector *ls_detector_new_for(unsigned categories, char *err, size_t errlen)
{
    struct ls_detector *d = calloc(1, sizeof *d);
    const char **exprs = NULL;
    unsigned *flags = NULL, *ids = NULL;
    unsigned nexpr = 0;
    struct ls_short_needle needles[LS_SHORT_MAX];
    size_t nneedle = 0;
    if (!d)
        goto oom;
    d->rules = ls_rules(&d->nrules);
    size_t cap = d->nrules * LS_MAX_VARIANTS;
    d->var = calloc(cap ? cap : 1, sizeof *d->var);
    exprs = calloc(cap ? cap : 1, sizeof *exprs);
    flags = calloc(cap ? cap : 1, sizeof *flags);
    ids = calloc(cap ? cap : 1, sizeof *ids);
    if (!d->var || !exprs || !flags || !ids)
        goto oom;
    for (size_t r = 0; r < d->nrules; r++) {
        const struct ls_rule_def *def = ls_rule_def_at(r);
        if (!(categories & (1u << def->rule.category)))
            continue;
        for (size_t k = 0; k < LS_MAX_VARIANTS && def->variants[k].prefilter; k++) {
            struct variant_rt *vr = &d->var[d->nvar];
            vr->rule = r;
            vr->v = &def->variants[k];
            int ec;
            PCRE2_SIZE eo;
            vr->re = pcre2_compile((PCRE2_SPTR)vr->v->confirm, PCRE2_ZERO_TERMINATED, PCRE2_USE_OFFSET_LIMIT, &ec, &eo,
                                   NULL);
            if (!vr->re) {
                PCRE2_UCHAR msg[160];
                pcre2_get_error_message(ec, msg, sizeof msg);
                snprintf(err, errlen, "rule %s: confirm pattern %zu: %s at offset %zu", def->rule.id, k,
                         (const char *)msg, (size_t)eo);
                goto fail;
            }
            vr->jit = pcre2_jit_compile(vr->re, PCRE2_JIT_COMPLETE) == 0;
            int g = pcre2_substring_number_from_name(vr->re, (PCRE2_SPTR) "v");
            vr->vgroup = g > 0 ? (uint32_t)g : 0;
            /* when the short pass is full, Vectorscan takes the rest, but for a lookbehind it
             * does not support: that rule set needs a bigger short pass */
            size_t ns = short_needles(vr->v->prefilter, needles + nneedle, LS_SHORT_MAX - nneedle);
            if (ns == 0 && strstr(vr->v->prefilter, "(?<!")) {
                snprintf(err, errlen, "rule %s: prefilter %s needs the short pass, which is full (%d needles)",
                         def->rule.id, vr->v->prefilter, LS_SHORT_MAX);
                pcre2_code_free(vr->re); /* not yet counted in d->nvar */
                goto fail;
            }
            vr->short_pf = ns > 0;
            for (size_t j = 0; j < ns; j++)
                d->shortvar[nneedle++] = d->nvar;
            if (!vr->short_pf) {
                exprs[nexpr] = vr->v->prefilter;
                flags[nexpr] = 0;
                ids[nexpr] = (unsigned)d->nvar;
                nexpr++;
            }
            d->nvar++;
        }
    }
    ls_shortscan_init(&d->shorts, needles, nneedle);
    hs_compile_error_t *ce = NULL;
    unsigned char key[LS_DBCACHE_KEY];
    if (nexpr) {
        ls_dbcache_key(exprs, flags, ids, nexpr, HS_MODE_BLOCK, key);
        d->db = ls_dbcache_load(key);
    }
    if (nexpr && !d->db) {
        if (hs_compile_multi(exprs, flags, ids, nexpr, HS_MODE_BLOCK, NULL, &d->db, &ce) != HS_SUCCESS) {
            int bad = ce ? ce->expression : -1;
            snprintf(err, errlen, "rule %s: prefilter: %s", bad >= 0 ? d->rules[d->var[ids[bad]].rule].id : "?",
                     ce ? ce->message : "compile failed");
            hs_free_compile_error(ce);
            goto fail;
        }
        ls_dbcache_store(key, d->db);
    }
    free(exprs);
    free(flags);
    free(ids);
    return d;
oom:
    snprintf(err, errlen, "out of memory building the detector");
fail:
    free(exprs);
    free(flags);
    free(ids);
    ls_detector_free(d);
    return NULL;
}

void ls_detect_scratch_free(struct ls_detect_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jstack);
    free(s->scan_from);
    free(s->covered);
    free(s->tv);
    free(s->tr);
    free(s->f);
    free(s->nl);
    free(s);
}

struct ls_detect_scratch *ls_detect_scratch_new(const struct ls_detector *d)
{
    struct ls_detect_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->d = d;
    s->md = pcre2_match_data_create(16, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    s->jstack = pcre2_jit_stack_create(32 << 10, 4 << 20, NULL);
    s->scan_from = calloc(d->nvar ? d->nvar : 1, sizeof *s->scan_from);
    s->covered = calloc(d->nrules ? d->nrules : 1, sizeof *s->covered);
    s->tv = calloc(d->nvar ? d->nvar : 1, sizeof *s->tv);
    s->tr = calloc(d->nrules ? d->nrules : 1, sizeof *s->tr);
    if (!s->md || !s->mctx || !s->jstack || !s->scan_from || !s->covered || !s->tv || !s->tr ||
        (d->db && hs_alloc_scratch(d->db, &s->hs) != HS_SUCCESS)) {
        ls_detect_scratch_free(s);
        return NULL;
    }
    pcre2_jit_stack_assign(s->mctx, NULL, s->jstack);
    pcre2_set_match_limit(s->mctx, 5000000);
    pcre2_set_depth_limit(s->mctx, 100000);
    return s;
}

/* Scratches abandoned mid-scan: Vectorscan refuses to free one still marked in use, so they are
 * parked here (a few KB each, one per truncated-while-scanned file, at most ABANDONED_MAX). */
#define ABANDONED_MAX 256
static hs_scratch_t *abandoned[ABANDONED_MAX];
static size_t nabandoned;
static pthread_mutex_t abandoned_mu = PTHREAD_MUTEX_INITIALIZER;

int ls_detect_scratch_recover(struct ls_detect_scratch *s)
{
    /* Vectorscan marks a scratch in use for the length of hs_scan: a jump out of it leaves the
     * mark, so the scratch is replaced */
    s->buf = NULL;
    if (!s->d->db)
        return 0;
    if (s->hs && hs_free_scratch(s->hs) != HS_SUCCESS) {
        pthread_mutex_lock(&abandoned_mu);
        if (nabandoned < ABANDONED_MAX)
            abandoned[nabandoned++] = s->hs;
        pthread_mutex_unlock(&abandoned_mu);
    }
    s->hs = NULL;
    return hs_alloc_scratch(s->d->db, &s->hs) == HS_SUCCESS ? 0 : -1;
}

/* ---- confirmation ---------------------------------------------------------------------------- */

static void accept(struct ls_detect_scratch *s, const struct variant_rt *vr, size_t ms, size_t me, size_t vs, size_t ve)
{
    const struct ls_rule_def *def = ls_rule_def_at(vr->rule);
    const char *v = s->buf + vs;
    size_t n = ve - vs;
    if (n == 0)
        return;
    if (!def->no_global_rejects && ls_is_placeholder(v, n))
        return;
    if (def->min_entropy > 0 && ls_entropy(v, n) < def->min_entropy)
        return;
    struct ls_vctx c = {s->buf, s->len, ms, me, vs, ve};
    if (def->validate && !def->validate(&c))
        return;
    if (s->nf == s->capf) {
        size_t nc = s->capf ? s->capf * 2 : 64;
        struct found *nf = realloc(s->f, nc * sizeof *nf);
        if (!nf) {
            s->oom = true;
            return;
        }
        s->f = nf;
        s->capf = nc;
    }
    s->f[s->nf++] = (struct found){vs, ve, (uint32_t)vr->rule, def->prio, def->rule.category == LS_CAT_CHAT, false};
    /* coverage is only meaningful for hits that arrive in input order, i.e. Vectorscan's */
    if (!vr->short_pf && me > s->covered[vr->rule]) {
        if (s->covered[vr->rule] == 0)
            s->tr[s->ntr++] = (uint32_t)vr->rule;
        s->covered[vr->rule] = me;
    }
}

static int run_re(const struct ls_detect_scratch *s, const struct variant_rt *vr, size_t subj_len, size_t pos)
{
    if (vr->jit)
        return pcre2_jit_match(vr->re, (PCRE2_SPTR)s->buf, subj_len, pos, 0, s->md, s->mctx);
    return pcre2_match(vr->re, (PCRE2_SPTR)s->buf, subj_len, pos, 0, s->md, s->mctx);
}

/* A prefilter hit of variant vi ended at e: every confirm match it can belong to starts in
 * [e - back, e]. Matches are enumerated left to right from there; scan_from remembers how far
 * starts are done, so dense hits of one variant never re-run the same search. */
static void confirm(struct ls_detect_scratch *s, size_t vi, size_t e)
{
    const struct variant_rt *vr = &s->d->var[vi];
    size_t *done = &s->scan_from[vi];
    if (e < *done || (!vr->short_pf && e <= s->covered[vr->rule]))
        return; /* already searched, or inside a match this rule already reported */
    if (vr->v->quick && !vr->v->quick(s->buf, s->len, e))
        return;
    if (*done == 0)
        s->tv[s->ntv++] = (uint32_t)vi; /* set below (to at least 1) */
    size_t ws = e > vr->v->back ? e - vr->v->back : 0;
    if (ws < *done)
        ws = *done;
    size_t we = e + vr->v->max_len + 16;
    if (we > s->len || we < e)
        we = s->len;
    size_t pos = ws;
    /* only matches starting at or before e belong to this hit: the offset limit stops PCRE2 from
     * searching the rest of the window for later starts */
    pcre2_set_offset_limit(s->mctx, e);
    while (pos <= e) {
        int rc = run_re(s, vr, we, pos);
        if (rc <= 0)
            break; /* no match (or a match/JIT limit: treated as no match) */
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
        size_t ms = ov[0], me = ov[1];
        if (ms > e) {
            *done = ms; /* nothing starts in [pos, ms); that match has a later hit of its own */
            return;
        }
        size_t vs = ms, ve = me;
        if (vr->vgroup && (uint32_t)rc > vr->vgroup && ov[2 * vr->vgroup] != PCRE2_UNSET &&
            ov[2 * vr->vgroup + 1] > ov[2 * vr->vgroup]) {
            vs = ov[2 * vr->vgroup];
            ve = ov[2 * vr->vgroup + 1];
        }
        accept(s, vr, ms, me, vs, ve);
        pos = me > ms ? me : ms + 1;
    }
    *done = pos > e + 1 ? pos : e + 1;
}

static int on_hit(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx)
{
    struct ls_detect_scratch *s = ctx;
    (void)from, (void)flags;
    confirm(s, id, s->base + (size_t)to);
    return s->oom ? 1 : 0;
}

/* A short-pass hit: needle k ends at `end` of the scanned buffer. */
static int on_short(void *ud, size_t k, size_t end)
{
    struct ls_detect_scratch *s = ud;
    confirm(s, s->d->shortvar[k], end);
    return s->oom ? 1 : 0;
}

/* ---- overlap reduction ----------------------------------------------------------------------- */

static int by_class_start(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->chat != y->chat)
        return x->chat ? 1 : -1;
    if (x->vs != y->vs)
        return x->vs < y->vs ? -1 : 1;
    if (x->ve != y->ve)
        return x->ve > y->ve ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int by_start(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->vs != y->vs)
        return x->vs < y->vs ? -1 : 1;
    if (x->ve != y->ve)
        return x->ve < y->ve ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static bool overlaps(const struct found *a, const struct found *b)
{
    return a->vs < b->ve && b->vs < a->ve;
}

/* Better: lower priority number, then longer, then earlier. */
static bool better(const struct found *a, const struct found *b)
{
    if (a->prio != b->prio)
        return a->prio < b->prio;
    if (a->ve - a->vs != b->ve - b->vs)
        return a->ve - a->vs > b->ve - b->vs;
    return a->vs < b->vs;
}

#define CLUSTER_EXACT 64

/* f[0..n) is one chain of overlapping values: keep the best, then the best of what does not
 * overlap anything kept, and so on. Huge clusters (adversarial input) fall back to a sweep. */
static void reduce_cluster(struct found *f, size_t n)
{
    if (n > CLUSTER_EXACT) {
        size_t last = 0;
        f[0].keep = true;
        for (size_t i = 1; i < n; i++)
            if (!overlaps(&f[last], &f[i]))
                f[i].keep = true, last = i;
        return;
    }
    bool used[CLUSTER_EXACT] = {false};
    for (;;) {
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            if (used[i])
                continue;
            bool clash = false;
            for (size_t k = 0; k < n && !clash; k++)
                clash = f[k].keep && overlaps(&f[k], &f[i]);
            if (clash) {
                used[i] = true;
                continue;
            }
            if (best == n || better(&f[i], &f[best]))
                best = i;
        }
        if (best == n)
            return;
        f[best].keep = true;
        used[best] = true;
    }
}

static void reduce(struct found *f, size_t n)
{
    if (n == 1)
        f[0].keep = true;
    if (n <= 1)
        return;
    ls_sort(f, n, sizeof *f, by_class_start);
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1, end = f[i].ve;
        while (j < n && f[j].chat == f[i].chat && f[j].vs < end) {
            if (f[j].ve > end)
                end = f[j].ve;
            j++;
        }
        reduce_cluster(f + i, j - i);
        i = j;
    }
    ls_sort(f, n, sizeof *f, by_start);
}

/* ---- scanning -------------------------------------------------------------------------------- */

/* Runs the Vectorscan database over buf in overlapping chunks of at most ls_detect_hs_chunk bytes
 * (hs_scan takes an unsigned length); s->base is the offset of the chunk being scanned. */
static void hs_chunks(const struct ls_detector *d, struct ls_detect_scratch *s, const char *buf, size_t len,
                      match_event_handler fn, void *ctx)
{
    size_t chunk = ls_detect_hs_chunk;
    if (chunk == 0 || chunk > (size_t)UINT_MAX - HS_OVERLAP)
        chunk = (size_t)UINT_MAX - HS_OVERLAP;
    for (size_t off = 0; d->db && off < len && !s->oom; off += chunk) {
        size_t n = len - off;
        if (n > chunk + HS_OVERLAP)
            n = chunk + HS_OVERLAP;
        s->base = off;
        if (hs_scan(d->db, buf + off, (unsigned)n, 0, s->hs, fn, ctx) != HS_SUCCESS && !s->oom)
            break;
        if (off + n >= len)
            break;
    }
}

/* The short prefilters (hits of one variant arrive in input order), indexing newlines on the way. */
static void short_pass(const struct ls_detector *d, struct ls_detect_scratch *s, const char *buf, size_t len)
{
    s->nl_buf = NULL;
    if (!d->shorts.count)
        return;
    size_t blocks = (len + LS_NL_BLOCK - 1) / LS_NL_BLOCK;
    if (blocks > s->nlcap) {
        uint16_t *nl = realloc(s->nl, blocks * sizeof *nl);
        if (nl)
            s->nl = nl, s->nlcap = blocks;
    }
    bool index = blocks <= s->nlcap; /* without memory for it, newlines are counted when asked */
    ls_shortscan(&d->shorts, buf, len, 0, len, on_short, s, index ? s->nl : NULL);
    if (index && !s->oom)
        s->nl_buf = buf, s->nl_len = len;
}

uint64_t ls_detect_newlines(const struct ls_detect_scratch *s, const char *buf, size_t from, size_t to)
{
    if (from >= to)
        return 0;
    if (!s || buf != s->nl_buf || to > s->nl_len)
        return ls_count_newlines(buf + from, to - from);
    size_t b0 = (from + LS_NL_BLOCK - 1) / LS_NL_BLOCK, b1 = to / LS_NL_BLOCK; /* whole blocks inside */
    if (b0 >= b1)
        return ls_count_newlines(buf + from, to - from);
    uint64_t c = ls_count_newlines(buf + from, b0 * LS_NL_BLOCK - from);
    for (size_t b = b0; b < b1; b++)
        c += s->nl[b];
    return c + ls_count_newlines(buf + b1 * LS_NL_BLOCK, to - b1 * LS_NL_BLOCK);
}

size_t ls_detect_scan(const struct ls_detector *d, struct ls_detect_scratch *s, const char *buf, size_t len,
                      ls_match_cb cb, void *ud)
{
    if (!d || !s || !buf || len == 0)
        return 0;
    s->buf = buf;
    s->len = len;
    s->nf = 0;
    s->oom = false;
    for (size_t i = 0; i < s->ntv; i++)
        s->scan_from[s->tv[i]] = 0;
    for (size_t i = 0; i < s->ntr; i++)
        s->covered[s->tr[i]] = 0;
    s->ntv = s->ntr = 0;
    hs_chunks(d, s, buf, len, on_hit, s);
    short_pass(d, s, buf, len);
    reduce(s->f, s->nf);
    size_t out = 0;
    for (size_t i = 0; i < s->nf; i++) {
        if (!s->f[i].keep)
            continue;
        struct ls_match m = {&d->rules[s->f[i].rule], s->f[i].vs, s->f[i].ve};
        if (cb)
            cb(ud, &m, buf, len);
        out++;
    }
    s->buf = NULL;
    return out;
}

bool ls_detect_scan_incomplete(const struct ls_detect_scratch *s)
{
    return s && s->oom;
}

/* ---- prefilter pass alone (batch screening) -------------------------------------------------- */

struct screen {
    struct ls_detect_scratch *s;
    ls_hit_cb hit;
    void *ud;
    size_t n;
};

static int on_screen_hit(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx)
{
    struct screen *sc = ctx;
    (void)id, (void)from, (void)flags;
    sc->hit(sc->ud, sc->s->base + (size_t)to);
    sc->n++;
    return 0;
}

static int on_screen_short(void *ud, size_t k, size_t end)
{
    struct screen *sc = ud;
    (void)k;
    sc->hit(sc->ud, end);
    sc->n++;
    return 0;
}

size_t ls_detect_prefilter(const struct ls_detector *d, struct ls_detect_scratch *s, const char *buf, size_t len,
                           ls_hit_cb hit, void *ud)
{
    if (!d || !s || !buf || len == 0 || !hit)
        return 0;
    struct screen sc = {s, hit, ud, 0};
    s->oom = false;
    hs_chunks(d, s, buf, len, on_screen_hit, &sc);
    if (d->shorts.count)
        ls_shortscan(&d->shorts, buf, len, 0, len, on_screen_short, &sc, NULL);
    return sc.n;
}
