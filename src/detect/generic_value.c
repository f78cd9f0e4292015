/* The generic password rule's validator: after a credential-named key, a value is reported only if
 * it looks like a password someone typed or generated. Rejected: environment and template
 * references, code expressions (config.db.password), routes and paths, ARNs, package coordinates
 * (group:artifact:version, name@1.2.3), file names, nested key=value, the names of secrets
 * (db_password, X-Auth-Token), elided documentation tokens (…, ...) and placeholders. Short values (7 to 11 bytes) need
 * three character classes; longer ones go on to the shared generic-secret checks. */
#include <stdint.h>
#include <string.h>

#include "detect/validators.h"
#include "util/textutil.h"

static bool word_ch(char c)
{
    return ls_is_alnum(c) || c == '_' || c == '$';
}

/* a.b.c where every part is an identifier: process.env.X, env.X, os.environ, self.password */
static bool is_member_chain(const char *v, size_t n)
{
    size_t parts = 0;
    bool start = true, lower_head = v[0] >= 'a' && v[0] <= 'z';
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c == '.') {
            if (start)
                return false;
            start = true;
        } else if (start) {
            if (!(ls_is_alpha(c) || c == '_' || c == '$'))
                return false;
            start = false;
            parts++;
        } else if (!word_ch(c))
            return false;
    }
    /* "Summer.Breeze2024" stays a password; lower-case heads and long chains are code */
    return !start && parts >= 2 && (lower_head || parts >= 3);
}

static bool lower_has(const char *v, size_t n, const char *w)
{
    size_t m = strlen(w);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && ls_ascii_lower(v[i + k]) == w[k])
            k++;
        if (k == m)
            return true;
    }
    return false;
}

static bool ident_only(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(ls_is_alnum(v[i]) || v[i] == '_' || v[i] == '-' || v[i] == '.'))
            return false;
    return true;
}

/* group:artifact:version (Maven, Gradle) or name@1.2 (npm, pip pins) */
static bool is_package_coordinate(const char *v, size_t n)
{
    const char *at = memchr(v, '@', n);
    if (at && at > v && (size_t)(at - v) + 1 < n && ls_is_digit(at[1]) && memchr(at, '.', (size_t)(v + n - at)))
        return true;
    size_t colons = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == ':') {
            if (i == 0 || v[i - 1] == ':')
                return false;
            colons++;
            last = i;
        } else if (!(ls_is_alnum(v[i]) || v[i] == '_' || v[i] == '-' || v[i] == '.'))
            return false;
    }
    return colons == 2 && last + 1 < n && ls_is_digit(v[last + 1]) && memchr(v + last, '.', n - last);
}

/* ends in a file extension that names a format (a file name, not a secret) */
static bool is_file_name(const char *v, size_t n)
{
    static const char *const ext[] = {"txt", "json", "yaml", "yml", "pem", "key",        "crt", "cer",
                                      "env", "cfg",  "conf", "ini", "xml", "properties", "p12", "pfx",
                                      "jks", "log",  "csv",  "gpg", "asc", "kdbx",       "pub", "toml",
                                      "sh",  "py",   "js",   "ts",  "rb",  "go",         NULL};
    const char *dot = NULL;
    for (size_t i = n; i-- > 1;)
        if (v[i] == '.') {
            dot = v + i;
            break;
        }
    if (!dot)
        return false;
    size_t m = (size_t)(v + n - dot - 1);
    for (const char *const *e = ext; *e; e++)
        if (strlen(*e) == m && lower_has(dot + 1, m, *e))
            return ident_only(v, (size_t)(dot - v)) || memchr(v, '/', n);
    return false;
}

/* routes and relative paths: a slash and no capital letter (base64 secrets hold both cases) */
static bool is_route(const char *v, size_t n)
{
    if (!memchr(v, '/', n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= 'A' && v[i] <= 'Z')
            return false;
    return true;
}

/* key=value: the value is another assignment ("pass: mode=fast"), not a secret; '=' padding of
 * base64 only ends a value */
static bool is_assignment(const char *v, size_t n)
{
    if (!(ls_is_alpha(v[0]) || v[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++) {
        if (v[i] == '=')
            return i + 1 < n && v[i + 1] != '=';
        if (!(ls_is_alnum(v[i]) || v[i] == '_' || v[i] == '-' || v[i] == '.'))
            return false;
    }
    return false;
}

static bool is_reference_or_doc(const char *v, size_t n)
{
    static const char *const start = "$%/~.@&*#<{[";
    if (strchr(start, v[0]))
        return true; /* $VAR ${VAR} %(x)s #{x} <%= x %> <password> {{ x }} */
    static const char *const marks[] = {
        "\xe2\x80\xa6", "...", "_here", "-here", "arn:", "process.env", "os.environ", "getenv", NULL};
    for (const char *const *m = marks; *m; m++)
        if (lower_has(v, n, *m))
            return true;
    return false;
}

/* an identifier naming a credential: password_field = "password", PASSWORD_KEY = "db_password" */
static bool is_secret_name(const char *v, size_t n)
{
    static const char *const names[] = {"passw",  "passwd",  "pwd",     "secret",     "token",
                                        "apikey", "api_key", "api-key", "credential", NULL};
    if (!ident_only(v, n))
        return false;
    for (const char *const *w = names; *w; w++)
        if (lower_has(v, n, *w))
            return true;
    return false;
}

bool ls_q_generic_assign(const char *buf, size_t len, size_t e)
{
    return ls_q_assign(buf, len, e ? e - 1 : 0);
}

static const char *const plain_words[] = {"changeme",  "password", "secret", "example", "dummy", "test", "sample",
                                          "undefined", "null",     "none",   "true",    "false", NULL};

bool ls_v_generic_password(const struct ls_vctx *c)
{
    const char *v = c->buf + c->vs;
    size_t n = c->ve - c->vs;
    if (n < 7)
        return false;
    if (is_reference_or_doc(v, n) || is_assignment(v, n) || is_member_chain(v, n) || is_route(v, n) ||
        is_package_coordinate(v, n) || is_file_name(v, n) || is_secret_name(v, n))
        return false;
    for (const char *const *w = plain_words; *w; w++)
        if (strlen(*w) == n && lower_has(v, n, *w))
            return false;
    if (n >= 12)
        return ls_entropy(v, n) >= 3.5 && ls_v_generic_secret(c);
    /* typed passwords: three of lower, upper, digit, other, and few repeats */
    bool lower = false, upper = false, digit = false, other = false;
    for (size_t i = 0; i < n; i++) {
        char ch = v[i];
        if (ch >= 'a' && ch <= 'z')
            lower = true;
        else if (ch >= 'A' && ch <= 'Z')
            upper = true;
        else if (ch >= '0' && ch <= '9')
            digit = true;
        else
            other = true;
    }
    if ((int)lower + (int)upper + (int)digit + (int)other < 3)
        return false;
    return ls_entropy(v, n) >= 2.5;
}
