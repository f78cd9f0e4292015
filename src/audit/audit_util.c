/* Shared helpers of the auditors (audit_int.h): findings and notes with redacted evidence, bounded
 * file reading that remembers every file read, line iteration and address classification. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit_int.h"
#include "detect/textredact.h"
#include "util/num.h"
#include "util/safe_file.h"

static bool grow(void **v, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, nc * elem);
    if (!p)
        return false;
    *v = p;
    *cap = nc;
    return true;
}

char *la_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

int la_add(struct ls_audit *a, const char *path, uint64_t line, uint64_t col, const char *engine, const char *rule,
           enum ls_severity sev, const char *title, const char *remediation, const char *evfmt, ...)
{
    if (a->n >= LS_AUDIT_MAX_FINDINGS) {
        a->dropped++;
        return 0;
    }
    if (!grow((void **)&a->v, &a->cap, a->n, sizeof *a->v)) {
        a->oom = true;
        return -1;
    }
    char *ev = NULL;
    va_list ap;
    va_start(ap, evfmt);
    int k = vasprintf(&ev, evfmt, ap);
    va_end(ap);
    if (k < 0) {
        a->oom = true;
        return -1;
    }
    ls_redact_text_owned(a->d, a->s, &ev);
    struct ls_config_finding *f = &a->v[a->n];
    *f = (struct ls_config_finding){.path = strdup(path),
                                    .line = line,
                                    .column = col,
                                    .engine = engine,
                                    .rule = rule,
                                    .severity = sev,
                                    .title = strdup(title),
                                    .evidence = ev,
                                    .remediation = strdup(remediation)};
    if (!f->path || !f->title || !f->evidence || !f->remediation) {
        ls_config_finding_free(f);
        a->oom = true;
        return -1;
    }
    a->n++;
    return 0;
}

void la_note(struct ls_audit *a, const char *path, const char *fmt, ...)
{
    if (!grow((void **)&a->notes, &a->notes_cap, a->nnotes, sizeof *a->notes)) {
        a->oom = true;
        return;
    }
    char *msg = NULL, *line = NULL;
    va_list ap;
    va_start(ap, fmt);
    int k = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (k < 0 || asprintf(&line, "%s: %s", path, msg) < 0) {
        a->oom = true;
        free(k < 0 ? NULL : msg);
        return;
    }
    free(msg);
    a->notes[a->nnotes++] = line;
}

/* The canonical name of a path for "read once" (realpath, or the path itself when it has none). */
static char *canon(const char *path)
{
    char *r = realpath(path, NULL);
    return r ? r : strdup(path);
}

bool la_seen(const struct ls_audit *a, const char *path)
{
    char *c = canon(path);
    bool seen = false;
    for (size_t i = 0; c && i < a->nfiles && !seen; i++)
        seen = strcmp(a->canon[i], c) == 0;
    free(c);
    return seen;
}

int la_record(struct ls_audit *a, const char *path)
{
    size_t cap = a->files_cap;
    if (!grow((void **)&a->files, &a->files_cap, a->nfiles, sizeof *a->files) ||
        (a->files_cap != cap && !grow((void **)&a->canon, &cap, a->nfiles, sizeof *a->canon))) {
        a->oom = true;
        return -1;
    }
    a->files[a->nfiles] = strdup(path);
    a->canon[a->nfiles] = canon(path);
    if (!a->files[a->nfiles] || !a->canon[a->nfiles]) {
        free(a->files[a->nfiles]);
        free(a->canon[a->nfiles]);
        a->oom = true;
        return -1;
    }
    a->nfiles++;
    return 0;
}

int la_read(struct ls_audit *a, const char *path, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    char why[160];
    int fd = ls_safe_open_read(path, why, sizeof why);
    if (fd < 0) {
        la_note(a, path, "cannot open: %s (skipped)", why);
        a->errors++;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        la_note(a, path, "not a regular file (skipped)");
        close(fd);
        return -1;
    }
    if ((uint64_t)st.st_size > LS_AUDIT_MAX_FILE) {
        la_note(a, path, "larger than %u MiB: not a configuration file (skipped)", LS_AUDIT_MAX_FILE >> 20);
        close(fd);
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *p = malloc(cap);
    if (!p) {
        close(fd);
        a->oom = true;
        return -1;
    }
    for (;;) {
        if (n + 1 >= cap) { /* the file grew while read: stop at the cap */
            if (cap > LS_AUDIT_MAX_FILE)
                break;
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                close(fd);
                a->oom = true;
                return -1;
            }
            p = q;
            cap *= 2;
        }
        ssize_t k = read(fd, p + n, cap - 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            la_note(a, path, "cannot read: %s (skipped)", strerror(errno));
            a->errors++;
            free(p);
            close(fd);
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    p[n] = '\0';
    if (memchr(p, '\0', n)) {
        la_note(a, path, "binary file (skipped)");
        free(p);
        return -1;
    }
    if (la_record(a, path) != 0) {
        free(p);
        return -1;
    }
    *buf = p;
    *len = n;
    return 0;
}

bool la_next_line(struct la_lines *l, const char **line, size_t *n)
{
    if (l->p >= l->end)
        return false;
    const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
    const char *e = nl ? nl : l->end;
    *line = l->p;
    *n = (size_t)(e - l->p);
    if (*n && e[-1] == '\r')
        (*n)--;
    l->p = nl ? nl + 1 : l->end;
    l->no++;
    return true;
}

const char *la_trim(const char *s, size_t *n)
{
    while (*n && (*s == ' ' || *s == '\t')) {
        s++;
        (*n)--;
    }
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
        (*n)--;
    return s;
}

bool la_eq(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

bool la_key_eq(const char *s, size_t n, const char *key)
{
    if (strlen(key) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i] == '-' ? '_' : s[i], k = key[i] == '-' ? '_' : key[i];
        if ((c | 0x20) != (k | 0x20))
            return false;
    }
    return true;
}

/* s[0..n) without a leading '-' (Redis), quotes and [brackets], and without a /prefix or %zone. */
static const char *bare(const char *s, size_t *n)
{
    s = la_trim(s, n);
    if (*n && *s == '-') {
        s++;
        (*n)--;
    }
    while (*n >= 2 &&
           ((*s == '"' && s[*n - 1] == '"') || (*s == '\'' && s[*n - 1] == '\'') || (*s == '[' && s[*n - 1] == ']'))) {
        s++;
        *n -= 2;
    }
    return s;
}

bool la_addr_any(const char *s, size_t n)
{
    s = bare(s, &n);
    if (la_eq(s, n, "*") || la_eq(s, n, "0.0.0.0") || la_eq(s, n, "::") || la_eq(s, n, "::0") || la_eq(s, n, "::*") ||
        la_eq(s, n, "0:0:0:0:0:0:0:0") || la_eq(s, n, "0.0.0.0/0") || la_eq(s, n, "::/0") || la_eq(s, n, "[::]") ||
        la_eq(s, n, "::ffff:0:0/96") || la_eq(s, n, "all"))
        return true;
    return false;
}

bool la_addr_loopback(const char *s, size_t n)
{
    s = bare(s, &n);
    size_t k = n;
    const char *slash = memchr(s, '/', n);
    if (slash)
        k = (size_t)(slash - s);
    if (la_eq(s, k, "localhost") || la_eq(s, k, "ip6-localhost") || la_eq(s, k, "ip6-loopback") || la_eq(s, k, "::1") ||
        la_eq(s, k, "0:0:0:0:0:0:0:1") || la_eq(s, k, "samehost"))
        return true;
    if (k >= 4 && strncmp(s, "127.", 4) == 0)
        return !slash || strtoul(slash + 1, NULL, 10) >= 8;
    if (k >= 11 && strncasecmp(s, "::ffff:127.", 11) == 0)
        return true;
    return false;
}

void la_resolve(const char *from, const char *v, size_t vl, char *out, size_t n)
{
    const char *s = strrchr(from, '/');
    char dir[2048];
    snprintf(dir, sizeof dir, "%.*s", s ? (int)(s - from) : 1, s ? from : ".");
    while (vl > 1 && v[vl - 1] == '/')
        vl--;
    if (!vl || v[0] != '/') {
        snprintf(out, n, "%s/%.*s", dir, (int)vl, v);
        return;
    }
    const char *b = v + vl;
    while (b > v && b[-1] != '/')
        b--;
    struct stat st;
    snprintf(out, n, "%s/%.*s", dir, (int)(v + vl - b), b);
    if (stat(out, &st) != 0)
        snprintf(out, n, "%.*s", (int)vl, v);
}

int la_include_read(struct ls_audit *a, const char *from, const char *directive, const char *p, int depth, char **buf,
                    size_t *len)
{
    if (depth >= LS_AUDIT_MAX_DEPTH || la_seen(a, p)) {
        la_note(a, from, "%s %s: already read or nested too deep (not followed)", directive, p);
        return 0;
    }
    if (la_read(a, p, buf, len) != 0)
        return a->oom ? -1 : 0;
    return 1;
}

static int cmp_path(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool has_suffix(const char *name, const char *const *suffixes)
{
    size_t l = strlen(name);
    for (; *suffixes; suffixes++) {
        size_t k = strlen(*suffixes);
        if (l > k && strcasecmp(name + l - k, *suffixes) == 0)
            return true;
    }
    return false;
}

long la_dir_files(const char *dir, const char *const *suffixes, char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = calloc(LA_DIR_MAX, sizeof *names);
    size_t n = 0;
    struct dirent *e;
    while (names && n < LA_DIR_MAX && (e = readdir(d)) != NULL) {
        struct stat sb;
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, suffixes) || asprintf(&names[n], "%s/%s", dir, e->d_name) < 0)
            continue;
        if (stat(names[n], &sb) == 0 && S_ISREG(sb.st_mode))
            n++;
        else
            free(names[n]);
    }
    closedir(d);
    if (!names)
        return -1;
    ls_sort(names, n, sizeof *names, cmp_path);
    *out = names;
    return (long)n;
}

void la_names_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}
