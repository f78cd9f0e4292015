/* Redacting server-sent free text (see textredact.h). Spans are collected, sorted and merged, then
 * the text is copied with each span replaced by ls_redact()'s form of it. */
#include "detect/textredact.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/redact.h"
#include "util/num.h"
#include "util/strbuf.h"
#include "util/textutil.h"

struct span {
    size_t a, b;
};

struct spans {
    struct span *v;
    size_t n, cap;
    bool oom;
};

static void add(struct spans *sp, size_t a, size_t b)
{
    if (a >= b || sp->oom)
        return;
    if (sp->n == sp->cap) {
        size_t nc = sp->cap ? sp->cap * 2 : 16;
        struct span *nv = realloc(sp->v, nc * sizeof *nv);
        if (!nv) {
            sp->oom = true;
            return;
        }
        sp->v = nv;
        sp->cap = nc;
    }
    sp->v[sp->n++] = (struct span){a, b};
}

static void on_match(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    (void)buf, (void)len;
    add(ud, m->start, m->end);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static bool is_quote(char c)
{
    return c == '"' || c == '\'' || c == '`';
}
static bool key_char(char c)
{
    return ls_is_alnum(c) || c == '_' || c == '-' || c == '.';
}
/* Where an unquoted value ends. */
static bool value_end(char c)
{
    return is_space(c) || is_quote(c) || strchr("&#,;()<>{}[]|", c) != NULL || c == '\0';
}

/* Key names whose value is a credential: any key containing one of `parts`, or equal to one of
 * `whole` (case-insensitive). */
static bool credential_key(const char *k, size_t n)
{
    static const char *const parts[] = {"password",      "passwd",    "pwd",         "secret",      "token",
                                        "apikey",        "api_key",   "api-key",     "accesskey",   "access_key",
                                        "access-key",    "signature", "credential",  "private_key", "privatekey",
                                        "authorization", "auth_key",  "session_key", "sessionkey",  NULL};
    static const char *const whole[] = {"sig", "key", "pass", "pw", "auth", NULL};
    char low[64];
    if (n == 0 || n >= sizeof low)
        return false;
    for (size_t i = 0; i < n; i++)
        low[i] = ls_ascii_lower(k[i]);
    low[n] = '\0';
    if (strstr(low, "less")) /* "passwordless: analyst" names no credential */
        return false;
    for (int i = 0; whole[i]; i++)
        if (strcmp(low, whole[i]) == 0)
            return true;
    for (int i = 0; parts[i]; i++)
        if (strstr(low, parts[i]))
            return true;
    return false;
}

static bool word_is(const char *s, size_t n, const char *w)
{
    size_t m = strlen(w);
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++)
        if (ls_ascii_lower(s[i]) != w[i])
            return false;
    return true;
}

/* The value after position i (a separator's end): quoted up to its closing quote, else up to a
 * delimiter; "Bearer x"/"Basic x" hide x. Adds the span, returns where the value ends. */
static size_t value_span(struct spans *sp, const char *t, size_t len, size_t i)
{
    while (i < len && (t[i] == ' ' || t[i] == '\t'))
        i++;
    if (i < len && is_quote(t[i])) {
        char q = t[i++];
        size_t a = i;
        while (i < len && t[i] != q && t[i] != '\n')
            i++;
        add(sp, a, i);
        return i;
    }
    size_t a = i;
    while (i < len && !value_end(t[i]))
        i++;
    if (word_is(t + a, i - a, "bearer") || word_is(t + a, i - a, "basic") || word_is(t + a, i - a, "token"))
        return value_span(sp, t, len, i);
    if (word_is(t + a, i - a, "yes") || word_is(t + a, i - a, "no"))
        return i; /* a flag, not a credential: MySQL's "Access denied … (using password: NO)" */
    add(sp, a, i);
    return i;
}

/* `key=value`, `key: value`, `"key":"value"`, `--key value`, `--key=value`. */
static void key_values(struct spans *sp, const char *t, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (!key_char(t[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (i < len && key_char(t[i]))
            i++;
        size_t dashes = 0;
        while (a + dashes < i && t[a + dashes] == '-')
            dashes++;
        bool option = dashes == 2;
        a += dashes;
        if (!credential_key(t + a, i - a))
            continue;
        size_t j = i;
        if (j < len && is_quote(t[j]))
            j++; /* "password": */
        while (j < len && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (j < len && (t[j] == '=' || (t[j] == ':' && !(j + 1 < len && (t[j + 1] == '/' || t[j + 1] == ':'))))) {
            i = value_span(sp, t, len, j + 1);
        } else if (option && j > i && j < len && !value_end(t[j])) {
            i = value_span(sp, t, len, j);
        }
    }
}

static bool user_char(char c)
{
    return ls_is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '%' || c == '+';
}
static bool url_end(char c)
{
    return is_space(c) || is_quote(c) || c == '<' || c == '>' || c == '\0';
}

/* user:password@host, with or without scheme://: the password is hidden; a long user part of a
 * URL without a password (https://TOKEN@host) is hidden too. */
static void userinfo(struct spans *sp, const char *t, size_t len)
{
    for (size_t at = 1; at + 1 < len; at++) {
        if (t[at] != '@' || !(ls_is_alnum(t[at + 1]) || t[at + 1] == '['))
            continue;
        size_t p = at;
        while (p > 0 && !is_space(t[p - 1]) && !is_quote(t[p - 1]) && t[p - 1] != '/' && t[p - 1] != '@' &&
               t[p - 1] != ':' && t[p - 1] != '(' && t[p - 1] != ',' && t[p - 1] != '=')
            p--;
        if (p > 0 && t[p - 1] == ':') {
            size_t u = p - 1;
            while (u > 0 && user_char(t[u - 1]))
                u--;
            if (u < p - 1)
                add(sp, p, at); /* user:PASSWORD@ */
        } else if (p >= 3 && t[p - 1] == '/' && t[p - 2] == '/' && t[p - 3] == ':' && at - p >= 16) {
            add(sp, p, at); /* scheme://TOKEN@ */
        }
    }
}

/* Long random-looking segments in URLs (webhook paths, presigned query values). */
static bool random_segment(const char *s, size_t n)
{
    bool lo = false, up = false, dig = false;
    for (size_t i = 0; i < n; i++) {
        lo |= s[i] >= 'a' && s[i] <= 'z';
        up |= s[i] >= 'A' && s[i] <= 'Z';
        dig |= ls_is_digit(s[i]);
    }
    return (n >= 20 && lo && up && dig) || (n >= 32 && (lo || up) && dig);
}

static void url_segments(struct spans *sp, const char *t, size_t len)
{
    for (size_t p = 0; p + 3 <= len; p++) {
        if (!(t[p] == ':' && t[p + 1] == '/' && t[p + 2] == '/'))
            continue;
        size_t i = p + 3;
        while (i < len && !url_end(t[i]) && t[i] != '/' && t[i] != '?')
            i++; /* the authority: user info is handled by userinfo() */
        while (i < len && !url_end(t[i])) {
            while (i < len && !url_end(t[i]) && !(key_char(t[i]) && t[i] != '.'))
                i++;
            size_t a = i;
            while (i < len && (ls_is_alnum(t[i]) || t[i] == '_' || t[i] == '-' || t[i] == '%' || t[i] == '+'))
                i++;
            if (random_segment(t + a, i - a))
                add(sp, a, i);
            if (i == a)
                i++;
        }
        p = i > p ? i - 1 : p;
    }
}

static int cmp_span(const void *x, const void *y)
{
    const struct span *a = x, *b = y;
    return a->a < b->a ? -1 : a->a > b->a ? 1 : (a->b < b->b ? -1 : a->b > b->b);
}

char *ls_redact_text(const struct ls_detector *d, struct ls_detect_scratch *s, const char *text, size_t len,
                     bool *changed)
{
    struct spans sp = {0};
    if (d && s && len)
        ls_detect_scan(d, s, text, len, on_match, &sp);
    userinfo(&sp, text, len);
    key_values(&sp, text, len);
    url_segments(&sp, text, len);
    if (changed)
        *changed = sp.n > 0;
    if (sp.oom || (d && s && ls_detect_scan_incomplete(s))) {
        free(sp.v);
        return NULL; /* never hand back text that may still hold a secret */
    }
    if (sp.n > 1)
        ls_sort(sp.v, sp.n, sizeof *sp.v, cmp_span);
    if (len > (SIZE_MAX - 1) / 4) {
        free(sp.v);
        return NULL;
    }
    char *out = malloc(len * 4 + 1);
    if (!out) {
        free(sp.v);
        return NULL;
    }
    size_t o = 0, at = 0;
    for (size_t k = 0; k < sp.n; k++) {
        size_t a = sp.v[k].a, b = sp.v[k].b;
        while (k + 1 < sp.n && sp.v[k + 1].a <= b) { /* merge overlapping spans */
            if (sp.v[k + 1].b > b)
                b = sp.v[k + 1].b;
            k++;
        }
        if (a < at)
            a = at;
        if (a >= b)
            continue;
        memcpy(out + o, text + at, a - at);
        o += a - at;
        char red[64];
        ls_redact(text + a, b - a, red, sizeof red);
        size_t r = strlen(red);
        memcpy(out + o, red, r);
        o += r;
        at = b;
    }
    memcpy(out + o, text + at, len - at);
    o += len - at;
    out[o] = '\0';
    free(sp.v);
    return out;
}

bool ls_redact_text_buf(const struct ls_detector *d, struct ls_detect_scratch *s, char *buf, size_t cap)
{
    if (!cap)
        return false;
    bool changed = false;
    char *r = ls_redact_text(d, s, buf, strnlen(buf, cap - 1), &changed);
    if (!r) {
        buf[0] = '\0';
        return true;
    }
    if (changed) {
        struct ls_strbuf b;
        ls_sb_init(&b, buf, cap);
        ls_sb_append(&b, r);
    }
    free(r);
    return changed;
}

void ls_redact_text_owned(const struct ls_detector *d, struct ls_detect_scratch *s, char **p)
{
    if (!*p)
        return;
    bool changed = false;
    char *r = ls_redact_text(d, s, *p, strlen(*p), &changed);
    if (!r) {
        (*p)[0] = '\0'; /* no memory for a copy: empty rather than raw */
        return;
    }
    if (!changed) {
        free(r);
        return;
    }
    free(*p);
    *p = r;
}
