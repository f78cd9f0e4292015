/* `leakscan secrets` machinery: per-file streaming scan with distinct-value records (line/column of
 * the first occurrence), the recursive directory walk, the ordered parallel scan over files, and
 * the redacting copy filter. Contracts in filescan.h. */
#include "detect/filescan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect/rawmap.h"
#include "detect/redact.h"
#include "detect/rules.h"
#include "detect/stream.h"
#include "detect/value.h"
#include "util/fmt.h"
#include "util/safe_file.h"

/* ---- one file ------------------------------------------------------------------------------- */

/* Every raw value already recorded (e-mail addresses, phone numbers and keys repeat a lot in logs,
 * thousands of distinct ones interleaved) maps to its record, so a repeat is counted without
 * decoding and SHA-256 again. One spelling per record fits in the entry limit; the byte limit
 * bounds key blocks. Past either, values take the decode-and-hash path: exact, only slower. */
#define RAW_MAX_ENTRIES LS_FILESCAN_MAX_DISTINCT
#define RAW_MAX_BYTES (16u << 20)
/* Every record by its fingerprint (a value's other spellings, e.g. JSON-escaped, find it here). */
#define FP_LEN 71 /* "sha256:" and 64 hex digits */
size_t ls_filescan_fp_entries = LS_FILESCAN_MAX_DISTINCT;

struct fstate {
    const struct ls_filescan_opts *o;
    const struct ls_detect_scratch *s; /* its newline index of the window being reported */
    struct ls_rawmap raw;              /* (rule, raw bytes) -> index into res->secrets */
    struct ls_file_result *res;
    size_t cap;
    struct ls_rawmap byfp; /* (rule, fingerprint) -> index into res->secrets */
    uint32_t *unmapped;    /* records byfp refused (by chance only): scanned on a miss */
    size_t nunmapped, capunmapped;
    uint64_t line, line_start; /* line number at absolute offset `pos`, offset where it starts */
    uint64_t pos;
    char *tmp;
    size_t tmpcap;
    bool oom;
};

/* Advances the line counter to absolute offset `to` (inside buf, which starts at `base`). */
static void count_lines(struct fstate *f, const char *buf, uint64_t base, uint64_t to)
{
    if (to <= f->pos)
        return;
    const char *p = buf + (f->pos - base);
    size_t n = (size_t)(to - f->pos);
    uint64_t c = ls_detect_newlines(f->s, buf, (size_t)(f->pos - base), (size_t)(to - base));
    if (c) {
        f->line += c;
        const char *last = memrchr(p, '\n', n);
        f->line_start = base + (uint64_t)(last + 1 - buf);
    }
    f->pos = to;
}

/* The record of (rule, fingerprint), or -1. The map holds every record but those it refused (its
 * probe bound or a failed allocation: a matter of chance with a seeded hash), which a miss checks
 * one by one, so the answer stays exact. */
static long find_record(const struct fstate *f, uint64_t h, uint32_t rule, const char fp[72])
{
    uint32_t idx;
    if (ls_rawmap_get(&f->byfp, h, rule, fp, FP_LEN, &idx))
        return (long)idx;
    for (size_t i = 0; i < f->nunmapped; i++) {
        const struct ls_file_secret *fs = &f->res->secrets[f->unmapped[i]];
        if (fs->rule_index == rule && memcmp(fs->sec.fingerprint, fp, FP_LEN) == 0)
            return (long)f->unmapped[i];
    }
    return -1;
}

/* Record idx is in byfp, or else on the unmapped list; false when neither fits in memory. */
static bool index_record(struct fstate *f, uint64_t h, uint32_t rule, const char fp[72], size_t idx)
{
    if (ls_rawmap_put(&f->byfp, h, rule, fp, FP_LEN, (uint32_t)idx) == 0)
        return true;
    if (f->nunmapped == f->capunmapped) {
        size_t nc = f->capunmapped ? f->capunmapped * 2 : 16;
        uint32_t *nu = realloc(f->unmapped, nc * sizeof *nu);
        if (!nu)
            return false;
        f->unmapped = nu, f->capunmapped = nc;
    }
    f->unmapped[f->nunmapped++] = (uint32_t)idx;
    return true;
}

/* Remembers that raw bytes p[0, n) of `rule` are record idx. A refused or failed insert only
 * costs speed (the next occurrence is decoded and hashed again), so it is not an error. */
static void remember_raw(struct fstate *f, uint64_t h, uint32_t rule, const char *p, size_t n, size_t idx)
{
    (void)ls_rawmap_put(&f->raw, h, rule, p, n, (uint32_t)idx);
}

/* Appends the record for a value first seen at m (decoded into f->tmp[0, vn)); returns its index,
 * or -1 when out of memory (f->oom is then set). */
static long add_record(struct fstate *f, const struct ls_match *m, const char *buf, uint64_t base, size_t vn,
                       const char fp[72], uint32_t rule)
{
    if (f->res->nsecrets == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 16;
        struct ls_file_secret *ns = realloc(f->res->secrets, nc * sizeof *ns);
        if (!ns) {
            f->oom = true;
            return -1;
        }
        f->res->secrets = ns;
        f->cap = nc;
    }
    count_lines(f, buf, base, base + m->start);
    struct ls_file_secret *fs = &f->res->secrets[f->res->nsecrets];
    memset(fs, 0, sizeof *fs);
    fs->line = f->line;
    fs->column = base + m->start - f->line_start + 1;
    fs->rule_index = rule;
    fs->sec.rule = m->rule->id;
    fs->sec.category = ls_category_name(m->rule->category);
    memcpy(fs->sec.fingerprint, fp, 72);
    ls_redact(f->tmp, vn, fs->sec.redacted, sizeof fs->sec.redacted);
    fs->sec.count = 1;
    if (f->o->keep_raw) {
        fs->sec.raw = malloc(vn + 1);
        if (!fs->sec.raw) {
            f->oom = true;
            return -1;
        }
        memcpy(fs->sec.raw, f->tmp, vn);
        fs->sec.raw[vn] = '\0';
    }
    return (long)f->res->nsecrets++;
}

static void on_match(void *ud, const struct ls_match *m, const char *buf, size_t len, uint64_t base)
{
    struct fstate *f = ud;
    (void)len;
    if (f->oom || (m->rule->category == LS_CAT_CHAT && !f->o->include_chat))
        return;
    size_t n = m->end - m->start;
    uint32_t rule = (uint32_t)ls_rule_index(m->rule);
    const char *raw = buf + m->start;
    uint64_t h = ls_rawmap_hash(&f->raw, rule, raw, n);
    uint32_t known;
    if (ls_rawmap_get(&f->raw, h, rule, raw, n, &known)) {
        f->res->secrets[known].sec.count++;
        f->res->raw_repeats++;
        return;
    }
    if (n > f->tmpcap) {
        char *t = realloc(f->tmp, n);
        if (!t) {
            f->oom = true;
            return;
        }
        f->tmp = t;
        f->tmpcap = n;
    }
    size_t vn = ls_match_value(buf, m, f->tmp);
    char fp[72];
    ls_fingerprint(f->tmp, vn, fp);
    /* a new spelling of a recorded value (JSON escapes decode to the same bytes) finds it here */
    uint64_t hf = ls_rawmap_hash(&f->byfp, rule, fp, FP_LEN);
    long idx = find_record(f, hf, rule, fp);
    if (idx >= 0) {
        f->res->secrets[idx].sec.count++;
        remember_raw(f, h, rule, raw, n, (size_t)idx);
        return;
    }
    if (f->res->nsecrets >= LS_FILESCAN_MAX_DISTINCT)
        return;
    idx = add_record(f, m, buf, base, vn, fp, rule);
    if (idx < 0)
        return;
    if (!index_record(f, hf, rule, fp, (size_t)idx)) {
        f->oom = true;
        return;
    }
    remember_raw(f, h, rule, raw, n, (size_t)idx);
}

static int on_final(void *ud, const char *buf, size_t upto, uint64_t base)
{
    struct fstate *f = ud;
    count_lines(f, buf, base, base + upto);
    return f->oom ? 1 : 0;
}

/* "what 'path': reason", the path made terminal-safe (a file name can hold escape sequences). */
static char *dup_printf_err(const char *what, const char *path, const char *reason)
{
    char *clean = ls_text_clean(path, strlen(path), 0);
    size_t n = strlen(what) + (clean ? strlen(clean) : 0) + strlen(reason) + 8;
    char *s = clean ? malloc(n) : NULL;
    if (s)
        snprintf(s, n, "%s '%s': %s", what, clean, reason);
    free(clean);
    return s;
}

void ls_file_result_free(struct ls_file_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nsecrets; i++)
        free(r->secrets[i].sec.raw);
    free(r->secrets);
    free(r->path);
    free(r->error);
    memset(r, 0, sizeof *r);
}

int ls_filescan_fd(const struct ls_detector *d, struct ls_detect_scratch *s, int fd, const char *path,
                   const struct ls_filescan_opts *o, struct ls_file_result *res)
{
    memset(res, 0, sizeof *res);
    res->path = strdup(path);
    if (!res->path)
        return -1;
    struct fstate f = {.o = o, .s = s, .res = res, .line = 1};
    ls_rawmap_init(&f.raw, RAW_MAX_ENTRIES, RAW_MAX_BYTES);
    ls_rawmap_init(&f.byfp, ls_filescan_fp_entries, ls_filescan_fp_entries * FP_LEN);
    struct ls_stream_opts so = {.block = o->block, .sniff_binary = o->skip_binary};
    int e = 0;
    int rc = ls_stream_fd(d, s, fd, &so, on_match, on_final, &f, &e, &res->bytes);
    free(f.tmp);
    free(f.unmapped);
    ls_rawmap_free(&f.raw);
    ls_rawmap_free(&f.byfp);
    for (size_t i = 0; i < res->nsecrets; i++)
        res->secrets[i].path = res->path;
    if (rc == LS_STREAM_BINARY) {
        res->binary = true;
        for (size_t i = 0; i < res->nsecrets; i++)
            free(res->secrets[i].sec.raw);
        res->nsecrets = 0;
    } else if (rc == LS_STREAM_READ_ERROR) {
        res->error = dup_printf_err("cannot read", path, strerror(e));
    }
    if (f.oom || rc == LS_STREAM_NOMEM)
        return -1;
    return 0;
}

/* ---- the walk -------------------------------------------------------------------------------- */

static int push(struct ls_path_list *l, const char *p)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        char **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    if (!(l->v[l->n] = strdup(p)))
        return -1;
    l->n++;
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int walk(struct ls_path_list *l, const char *dir, int depth)
{
    struct dirent **ents = NULL;
    int n = depth > 64 ? -1 : scandir(dir, &ents, NULL, by_name);
    if (n < 0)
        return push(l, dir); /* scanned later, where opening it reports why it failed */
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        if (rc == 0 && strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
            size_t len = strlen(dir) + strlen(nm) + 2;
            char *p = malloc(len);
            if (!p) {
                rc = -1;
            } else {
                snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", nm);
                struct stat st;
                if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                    rc = walk(l, p, depth + 1);
                else if (lstat(p, &st) != 0 || S_ISREG(st.st_mode))
                    rc = push(l, p); /* unreadable entries are reported; fifos, sockets, links skipped */
                free(p);
            }
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

int ls_paths_expand(struct ls_path_list *out, char *const *paths, size_t npaths)
{
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (walk(out, paths[i], 0) != 0)
                return -1;
        } else if (push(out, paths[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

void ls_path_list_free(struct ls_path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- parallel scan --------------------------------------------------------------------------- */

struct pool {
    const struct ls_detector *d;
    const struct ls_path_list *paths;
    const struct ls_filescan_opts *o;
    struct ls_file_result *res;
    unsigned char *state; /* 0 pending, 1 done */
    size_t next;
    bool stop, failed;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/* Returns false when out of memory (the pool's `failed` is set by the caller, under its lock). */
static bool scan_one(struct pool *p, struct ls_detect_scratch *s, size_t i, struct ls_file_result *r)
{
    const char *path = p->paths->v[i];
    bool in = strcmp(path, "-") == 0;
    char why[160];
    int fd = in ? STDIN_FILENO : ls_safe_open_read(path, why, sizeof why); /* never a FIFO or device */
    if (fd < 0) {
        memset(r, 0, sizeof *r);
        r->path = strdup(path);
        r->error = dup_printf_err("cannot open", path, why);
        return r->path && r->error;
    }
    struct ls_filescan_opts o = *p->o;
    if (in)
        o.skip_binary = false; /* stdin is scanned whatever it holds */
    bool ok = ls_filescan_fd(p->d, s, fd, path, &o, r) == 0;
    if (!in)
        close(fd);
    return ok;
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    struct ls_detect_scratch *s = ls_detect_scratch_new(p->d);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        if (!s)
            p->failed = p->stop = true;
        size_t i = p->next;
        bool quit = p->stop || i >= p->paths->n;
        if (!quit)
            p->next++;
        pthread_mutex_unlock(&p->mu);
        if (quit)
            break;
        struct ls_file_result r;
        bool ok = scan_one(p, s, i, &r);
        pthread_mutex_lock(&p->mu);
        if (!ok)
            p->failed = true;
        p->res[i] = r;
        p->state[i] = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    ls_detect_scratch_free(s);
    return NULL;
}

int ls_filescan_paths(const struct ls_detector *d, const struct ls_path_list *paths, unsigned threads,
                      const struct ls_filescan_opts *o, ls_filescan_emit_fn emit, void *ud)
{
    if (paths->n == 0)
        return 0;
    if (threads == 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        threads = c > 0 ? (unsigned)c : 1;
    }
    if (threads > paths->n)
        threads = (unsigned)paths->n;
    if (threads > 256)
        threads = 256;
    struct pool p = {.d = d, .paths = paths, .o = o};
    p.res = calloc(paths->n, sizeof *p.res);
    p.state = calloc(paths->n, 1);
    pthread_t *tid = calloc(threads, sizeof *tid);
    if (!p.res || !p.state || !tid) {
        free(p.res);
        free(p.state);
        free(tid);
        return -1;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    unsigned started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, worker, &p) != 0)
            break;
    if (started == 0)
        p.failed = true;
    size_t emitted = 0;
    for (; started && emitted < paths->n; emitted++) {
        pthread_mutex_lock(&p.mu);
        while (!p.state[emitted] && !p.stop)
            pthread_cond_wait(&p.cv, &p.mu);
        bool ready = p.state[emitted];
        pthread_mutex_unlock(&p.mu);
        if (!ready)
            break;
        int stop = emit(ud, &p.res[emitted]);
        ls_file_result_free(&p.res[emitted]);
        if (stop) {
            pthread_mutex_lock(&p.mu);
            p.stop = true;
            pthread_mutex_unlock(&p.mu);
            emitted++;
            break;
        }
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    for (size_t i = emitted; i < paths->n; i++)
        if (p.state[i])
            ls_file_result_free(&p.res[i]);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    free(p.res);
    free(p.state);
    free(tid);
    return p.failed ? -1 : 0;
}

/* ---- the redacting filter -------------------------------------------------------------------- */

struct rstate {
    FILE *out;
    uint64_t done; /* absolute: input bytes before this are written (or replaced) */
    uint64_t n;
    bool failed;
};

static void r_write(struct rstate *r, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, r->out) != n)
        r->failed = true;
}

static void r_match(void *ud, const struct ls_match *m, const char *buf, size_t len, uint64_t base)
{
    struct rstate *r = ud;
    (void)len;
    if (m->rule->category == LS_CAT_CHAT)
        return;
    uint64_t s = base + m->start;
    if (s < r->done)
        return;
    r_write(r, buf + (r->done - base), (size_t)(s - r->done));
    if (fprintf(r->out, "[REDACTED:%s]", m->rule->id) < 0)
        r->failed = true;
    r->done = base + m->end;
    r->n++;
}

static int r_final(void *ud, const char *buf, size_t upto, uint64_t base)
{
    struct rstate *r = ud;
    if (base + upto > r->done) {
        r_write(r, buf + (r->done - base), (size_t)(base + upto - r->done));
        r->done = base + upto;
    }
    return r->failed ? 1 : 0;
}

int ls_redact_fd(const struct ls_detector *d, struct ls_detect_scratch *s, int fd, FILE *out, size_t block,
                 uint64_t *nredacted, int *err_no)
{
    struct rstate r = {.out = out};
    struct ls_stream_opts so = {.block = block};
    int rc = ls_stream_fd(d, s, fd, &so, r_match, r_final, &r, err_no, NULL);
    if (fflush(out) != 0)
        r.failed = true;
    if (nredacted)
        *nredacted = r.n;
    if (r.failed && rc >= 0)
        rc = LS_STREAM_STOPPED;
    return rc;
}
