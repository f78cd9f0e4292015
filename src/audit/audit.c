/* The audit driver: PATHs expanded (directories walked, sorted, symlinks inside them not
 * followed), each file recognised by name and content or by --type, configuration sets audited
 * from their main file first (config.xml, my.cnf, postgresql.conf pull in what they include, so
 * those files are audited once, merged), then every file not reached that way on its own. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "audit/audit_int.h"
#include "util/num.h"

static const char *const type_names[] = {"auto", "clickhouse", "redis", "postgres", "mysql", "compose"};

int ls_audit_type_parse(const char *s)
{
    for (size_t i = 0; s && i < LS_AUDIT_NTYPES; i++)
        if (strcasecmp(s, type_names[i]) == 0)
            return (int)i;
    if (s && (strcasecmp(s, "postgresql") == 0))
        return LS_AUDIT_POSTGRES;
    if (s && (strcasecmp(s, "mariadb") == 0))
        return LS_AUDIT_MYSQL;
    return -1;
}

const char *ls_audit_type_name(enum ls_audit_type t)
{
    return (unsigned)t < LS_AUDIT_NTYPES ? type_names[t] : "unknown";
}

void ls_audit_init(struct ls_audit *a, const struct ls_detector *d, struct ls_detect_scratch *s)
{
    memset(a, 0, sizeof *a);
    a->d = d;
    a->s = s;
}

void ls_audit_free(struct ls_audit *a)
{
    for (size_t i = 0; i < a->n; i++)
        ls_config_finding_free(&a->v[i]);
    for (size_t i = 0; i < a->nfiles; i++) {
        free(a->files[i]);
        free(a->canon[i]);
    }
    for (size_t i = 0; i < a->nnotes; i++)
        free(a->notes[i]);
    free(a->v);
    free(a->files);
    free(a->canon);
    free(a->notes);
    memset(a, 0, sizeof *a);
}

/* ---- recognising a file ---- */

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* The name of the directory holding path ("users.d" for "x/users.d/a.xml"), into out. */
static void parent_name(const char *path, char *out, size_t n)
{
    const char *b = strrchr(path, '/');
    out[0] = '\0';
    if (!b)
        return;
    const char *s = b;
    while (s > path && s[-1] != '/')
        s--;
    snprintf(out, n, "%.*s", (int)(b - s), s);
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static bool has(const char *head, size_t n, const char *needle)
{
    return memmem(head, n, needle, strlen(needle)) != NULL;
}

enum ls_audit_type la_detect(const char *path, const char *head, size_t n, bool *main)
{
    const char *b = base_name(path);
    char dir[256];
    parent_name(path, dir, sizeof dir);
    *main = false;
    bool xml = ends_with(b, ".xml") || ends_with(b, ".conf"), yaml = ends_with(b, ".yaml") || ends_with(b, ".yml");
    bool chroot = has(head, n, "<clickhouse") || has(head, n, "<yandex");
    if (strncasecmp(b, "docker-compose", 14) == 0 || strncasecmp(b, "compose.y", 9) == 0 ||
        strncasecmp(b, "compose.override.y", 18) == 0) {
        *main = true;
        return yaml ? LS_AUDIT_COMPOSE : LS_AUDIT_AUTO;
    }
    if ((strcasecmp(b, "config.xml") == 0 && chroot) ||
        ((strcasecmp(b, "config.yaml") == 0 || strcasecmp(b, "config.yml") == 0) &&
         (has(head, n, "listen_host") || has(head, n, "clickhouse") || has(head, n, "http_port")))) {
        *main = true;
        return LS_AUDIT_CLICKHOUSE;
    }
    if ((xml && chroot) || (yaml && (strcasecmp(dir, "users.d") == 0 || strcasecmp(dir, "config.d") == 0 ||
                                     strncasecmp(b, "users.y", 7) == 0)))
        return LS_AUDIT_CLICKHOUSE;
    if (strcasecmp(b, "postgresql.conf") == 0) {
        *main = true;
        return LS_AUDIT_POSTGRES;
    }
    if (strcasecmp(b, "pg_hba.conf") == 0 || strcasecmp(b, "postgresql.auto.conf") == 0)
        return LS_AUDIT_POSTGRES;
    if (strcasecmp(b, "my.cnf") == 0 || strcasecmp(b, "mariadb.cnf") == 0) {
        *main = true;
        return LS_AUDIT_MYSQL;
    }
    if (ends_with(b, ".cnf") && (has(head, n, "[mysqld") || has(head, n, "[mariadb") || has(head, n, "[server]") ||
                                 has(head, n, "[client") || has(head, n, "[mysql") || has(head, n, "!include")))
        return LS_AUDIT_MYSQL;
    if (ends_with(b, ".conf") && (strncasecmp(b, "redis", 5) == 0 || has(head, n, "\nprotected-mode") ||
                                  has(head, n, "\nrequirepass") || has(head, n, "\nrename-command"))) {
        *main = true;
        return LS_AUDIT_REDIS;
    }
    if (ends_with(b, ".conf") && has(head, n, "listen_addresses"))
        return LS_AUDIT_POSTGRES;
    return LS_AUDIT_AUTO;
}

/* ---- walking ---- */

struct pathv {
    char **v;
    size_t n, cap;
};

static int pathv_add(struct pathv *p, char *s)
{
    if (!s)
        return -1;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 64;
        char **q = realloc(p->v, nc * sizeof *q);
        if (!q) {
            free(s);
            return -1;
        }
        p->v = q;
        p->cap = nc;
    }
    p->v[p->n++] = s;
    return 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Regular files under dir (sorted, symlinks not followed, hidden entries skipped). */
static int walk(struct ls_audit *a, const char *dir, int depth, struct pathv *out)
{
    if (depth > LS_AUDIT_MAX_DEPTH) {
        la_note(a, dir, "nested deeper than %d directories (skipped)", LS_AUDIT_MAX_DEPTH);
        return 0;
    }
    DIR *d = opendir(dir);
    if (!d) {
        la_note(a, dir, "cannot list the directory (skipped)");
        a->errors++;
        return 0;
    }
    struct pathv names = {0};
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = NULL;
        if (asprintf(&p, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", e->d_name) < 0)
            p = NULL;
        rc = pathv_add(&names, p);
    }
    closedir(d);
    if (names.n)
        ls_sort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        struct stat st;
        if (rc || out->n >= LS_AUDIT_MAX_FILES || lstat(names.v[i], &st) != 0) {
            free(names.v[i]);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = walk(a, names.v[i], depth + 1, out);
            free(names.v[i]);
        } else if (S_ISREG(st.st_mode)) {
            rc = pathv_add(out, names.v[i]);
        } else {
            free(names.v[i]);
        }
    }
    free(names.v);
    return rc;
}

static int dispatch(struct ls_audit *a, enum ls_audit_type t, const char *path, const char *buf, size_t len)
{
    a->audited++;
    switch (t) {
    case LS_AUDIT_CLICKHOUSE: return la_audit_clickhouse(a, path, buf, len);
    case LS_AUDIT_REDIS: return la_audit_redis(a, path, buf, len);
    case LS_AUDIT_POSTGRES: return la_audit_postgres(a, path, buf, len);
    case LS_AUDIT_MYSQL: return la_audit_mysql(a, path, buf, len);
    case LS_AUDIT_COMPOSE: return la_audit_compose(a, path, buf, len);
    default: a->audited--; return 0;
    }
}

/* The first bytes of a file, for recognising it (n = 0 when unreadable). */
static size_t head_of(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

int ls_audit_paths(struct ls_audit *a, char *const *paths, size_t n, enum ls_audit_type forced)
{
    struct pathv files = {0};
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            la_note(a, paths[i], "cannot open: no such file or directory (skipped)");
            a->errors++;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(a, paths[i], 0, &files);
        } else {
            rc = pathv_add(&files, strdup(paths[i]));
        }
    }
    enum ls_audit_type *types = files.n ? calloc(files.n, sizeof *types) : NULL;
    bool *mains = files.n ? calloc(files.n, sizeof *mains) : NULL;
    if (files.n && (!types || !mains))
        rc = -1;
    char head[4096];
    for (size_t i = 0; !rc && i < files.n; i++) {
        size_t k = head_of(files.v[i], head, sizeof head);
        types[i] = la_detect(files.v[i], head, k, &mains[i]);
        if (forced != LS_AUDIT_AUTO) {
            mains[i] = mains[i] || types[i] != forced;
            types[i] = forced;
        }
    }
    /* pass 1: the main files, which pull in their includes; pass 2: whatever is left */
    for (int pass = 0; pass < 2 && !rc; pass++) {
        for (size_t i = 0; !rc && i < files.n; i++) {
            if (mains[i] != (pass == 0) || la_seen(a, files.v[i]))
                continue;
            if (types[i] == LS_AUDIT_AUTO) {
                la_note(a, files.v[i], "not a configuration file leakscan audits (skipped; --type forces one)");
                continue;
            }
            rc = dispatch(a, types[i], files.v[i], NULL, 0);
        }
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    free(types);
    free(mains);
    return rc || a->oom ? -1 : 0;
}

int ls_audit_buffer(struct ls_audit *a, const char *path, const char *buf, size_t len, enum ls_audit_type t)
{
    if (t == LS_AUDIT_AUTO) {
        bool main;
        t = la_detect(path, buf, len < 4096 ? len : 4096, &main);
    }
    if (t == LS_AUDIT_AUTO) {
        la_note(a, path, "not a configuration file leakscan audits (skipped; --type forces one)");
        return 0;
    }
    if (memchr(buf, '\0', len)) {
        la_note(a, path, "binary input (skipped)");
        return 0;
    }
    if (la_record(a, path) != 0)
        return -1;
    int rc = dispatch(a, t, path, buf, len);
    return rc || a->oom ? -1 : 0;
}

static int cmp_finding(const void *x, const void *y)
{
    const struct ls_config_finding *f = x, *g = y;
    int c = strcmp(f->path, g->path);
    if (c)
        return c;
    if (f->line != g->line)
        return f->line < g->line ? -1 : 1;
    if (f->column != g->column)
        return f->column < g->column ? -1 : 1;
    return strcmp(f->rule, g->rule);
}

void ls_audit_sort(struct ls_audit *a)
{
    if (a->n > 1)
        ls_sort(a->v, a->n, sizeof *a->v, cmp_finding);
}

enum ls_severity ls_audit_worst(const struct ls_audit *a)
{
    enum ls_severity w = LS_SEV_INFO;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].severity > w)
            w = a->v[i].severity;
    return w;
}
