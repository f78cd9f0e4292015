/* The default scope from LEAKSCAN_SCOPE or $XDG_CONFIG_HOME/leakscan/scope; see scope_default.h. */
#include "core/scope_default.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/textutil.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* s without surrounding blanks, in place. */
static char *trim(char *s)
{
    while (is_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

int ls_scope_default_path(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/') /* the XDG spec: a relative value is ignored */
        n = snprintf(buf, len, "%s/leakscan/scope", xdg);
    else if (home && home[0] == '/')
        n = snprintf(buf, len, "%s/.config/leakscan/scope", home);
    else
        return 1;
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* LEAKSCAN_SCOPE's comma-separated items (already known to be non-empty and not "any"). */
static int load_env(struct ls_scope *s, const char *value, char *err, size_t errlen)
{
    char q[LS_QUOTE_MAX + 8];
    char *copy = strdup(value);
    if (!copy) {
        ls_set_err(err, errlen, "%s: out of memory", LS_SCOPE_ENV);
        return -1;
    }
    int rc = 0;
    for (char *item = copy, *next; item && rc == 0; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        char *v = trim(item);
        if (!*v) {
            ls_set_err(err, errlen, "%s: empty entry in '%s'", LS_SCOPE_ENV,
                       ls_quote(q, sizeof q, value, strlen(value)));
            rc = -1;
        } else if (v[0] == '@' || strcmp(v, "-") == 0 || strcmp(v, LS_SCOPE_ANY) == 0) {
            ls_set_err(err, errlen, "%s: bad value '%s': only addresses, CIDRs and A-B ranges are allowed%s",
                       LS_SCOPE_ENV, ls_quote(q, sizeof q, v, strlen(v)),
                       strcmp(v, LS_SCOPE_ANY) == 0 ? " ('any' stands alone)" : "");
            rc = -1;
        } else {
            rc = ls_scope_add(s, LS_SCOPE_ENV, v, err, errlen);
        }
    }
    free(copy);
    return rc;
}

static int load_file(struct ls_scope *s, const char *path, char *err, size_t errlen)
{
    char q[LS_QUOTE_MAX + 8], what[LS_QUOTE_MAX + 32];
    ls_quote(q, sizeof q, path, strlen(path));
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0; /* no file: no default scope */
        ls_set_err(err, errlen, "default scope: cannot read '%s': %s", q, strerror(errno));
        return -1;
    }
    /* Opened by the list parser (non-blocking, fstat on the descriptor: a FIFO or directory is refused). */
    size_t len = strlen(path);
    char *arg = malloc(len + 2);
    if (!arg) {
        ls_set_err(err, errlen, "default scope: out of memory");
        return -1;
    }
    arg[0] = '@';
    memcpy(arg + 1, path, len + 1);
    snprintf(what, sizeof what, "default scope (%s)", q);
    int rc = ls_scope_add(s, what, arg, err, errlen);
    free(arg);
    if (rc == 0)
        snprintf(s->origin, sizeof s->origin, "the default scope of %s (override with --scope)", q);
    return rc;
}

int ls_scope_load_default(struct ls_scope *s, char *err, size_t errlen)
{
    const char *env = getenv(LS_SCOPE_ENV);
    char *value = env ? strdup(env) : NULL;
    if (env && !value) {
        ls_set_err(err, errlen, "%s: out of memory", LS_SCOPE_ENV);
        return -1;
    }
    const char *v = value ? trim(value) : "";
    int rc = 0;
    if (strcmp(v, LS_SCOPE_ANY) == 0) {
        rc = 0; /* explicitly none: the file is not consulted either */
    } else if (*v) {
        rc = load_env(s, v, err, errlen);
        if (rc == 0)
            snprintf(s->origin, sizeof s->origin, "the default scope of %s (override with --scope)", LS_SCOPE_ENV);
    } else {
        char path[4096];
        int prc = ls_scope_default_path(path, sizeof path);
        if (prc < 0) {
            ls_set_err(err, errlen, "default scope: the path of the scope file is too long");
            rc = -1;
        } else if (prc == 0) {
            rc = load_file(s, path, err, errlen);
        }
    }
    free(value);
    if (rc != 0)
        ls_scope_free(s);
    return rc;
}
