/* PostgreSQL: postgresql.conf (key = value, quotes, # comments, include/include_if_exists/
 * include_dir followed once each, the last value winning) and pg_hba.conf (the hba_file setting,
 * else pg_hba.conf next to postgresql.conf), each a small bounded line parser of its own.
 * Findings: listen_addresses beyond loopback; hba rules with `trust` or `password` (cleartext) from
 * non-local addresses; `host all all 0.0.0.0/0` rules; ssl off with remote rules. A trust rule from
 * other hosts on a server listening beyond loopback is critical; on a loopback-only server medium,
 * naming listen_addresses='*' as the change that would expose it.
 * Facts: PostgreSQL 15 documentation, "Client Authentication" (pg_hba.conf) and "Connections and
 * Authentication" (listen_addresses default 'localhost'). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "audit/audit_int.h"
#include "util/num.h"

#define ENG "postgres"

struct setting {
    char val[512];
    const char *file;
    uint64_t line, col;
    bool set;
};

struct pgstate {
    struct setting listen, ssl, hba_file;
};

static int parse_conf(struct ls_audit *a, struct pgstate *st, const char *path, const char *buf, size_t len, int depth,
                      bool follow);

static int include_file(struct ls_audit *a, struct pgstate *st, const char *from, const char *p, int depth, bool quiet)
{
    struct stat sb;
    if (quiet && stat(p, &sb) != 0)
        return 0;
    char *buf;
    size_t len;
    int r = la_include_read(a, from, "include", p, depth, &buf, &len);
    if (r <= 0)
        return r;
    int rc = parse_conf(a, st, a->files[a->nfiles - 1], buf, len, depth + 1, true);
    free(buf);
    return rc;
}

static int include_dir(struct ls_audit *a, struct pgstate *st, const char *from, const char *dir, int depth)
{
    static const char *const suffixes[] = {".conf", NULL};
    char **names;
    long n = la_dir_files(dir, suffixes, &names);
    int rc = 0;
    for (long i = 0; !rc && i < n; i++)
        rc = include_file(a, st, from, names[i], depth, false);
    la_names_free(names, n > 0 ? (size_t)n : 0);
    return rc;
}

static int parse_conf(struct ls_audit *a, struct pgstate *st, const char *path, const char *buf, size_t len, int depth,
                      bool follow)
{
    struct la_lines it;
    la_lines_init(&it, buf, len);
    const char *line;
    size_t n;
    while (la_next_line(&it, &line, &n)) {
        size_t m = n;
        const char *s = la_trim(line, &m);
        if (!m || *s == '#')
            continue;
        size_t k = 0;
        while (k < m && s[k] != '=' && s[k] != ' ' && s[k] != '\t')
            k++;
        const char *key = s;
        size_t klen = k;
        while (k < m && (s[k] == ' ' || s[k] == '\t' || s[k] == '='))
            k++;
        const char *v = s + k;
        size_t vl = m - k;
        if (vl && *v == '\'') { /* quoted: up to the closing quote */
            const char *q = memchr(v + 1, '\'', vl - 1);
            vl = q ? (size_t)(q - v - 1) : vl - 1;
            v++;
        } else {
            const char *h = memchr(v, '#', vl);
            if (h)
                vl = (size_t)(h - v);
            v = la_trim(v, &vl);
        }
        struct setting *dst = la_key_eq(key, klen, "listen_addresses") ? &st->listen
                              : la_key_eq(key, klen, "ssl")            ? &st->ssl
                              : la_key_eq(key, klen, "hba_file")       ? &st->hba_file
                                                                       : NULL;
        if (dst) {
            snprintf(dst->val, sizeof dst->val, "%.*s", (int)(vl > 500 ? 500 : vl), v);
            dst->file = path;
            dst->line = it.no;
            dst->col = (uint64_t)(s - line) + 1;
            dst->set = true;
        } else if (follow && (la_eq(key, klen, "include") || la_eq(key, klen, "include_if_exists") ||
                              la_eq(key, klen, "include_dir"))) {
            char val[1024], p[3072];
            snprintf(val, sizeof val, "%.*s", (int)(vl > 1000 ? 1000 : vl), v);
            la_resolve(path, val, strlen(val), p, sizeof p);
            int rc = la_eq(key, klen, "include_dir")
                         ? include_dir(a, st, path, p, depth)
                         : include_file(a, st, path, p, depth, la_eq(key, klen, "include_if_exists"));
            if (rc)
                return -1;
        }
    }
    return a->oom ? -1 : 0;
}

/* ---- pg_hba.conf ---- */

static bool local_addr(const char *s, size_t n)
{
    return la_addr_loopback(s, n) || la_eq(s, n, "samehost");
}

static int audit_hba(struct ls_audit *a, const char *path, const char *buf, size_t len, bool exposed, bool ssl_on,
                     const char *listen_change)
{
    struct la_lines it;
    la_lines_init(&it, buf, len);
    const char *line;
    size_t n;
    bool remote_rules = false;
    uint64_t remote_line = 0, remote_col = 0;
    while (la_next_line(&it, &line, &n)) {
        size_t m = n;
        const char *s = la_trim(line, &m);
        const char *h = memchr(s, '#', m);
        if (h)
            m = (size_t)(h - s);
        if (!m)
            continue;
        const char *f[8];
        size_t fl[8], nf = 0, i = 0;
        while (i < m && nf < 8) {
            while (i < m && (s[i] == ' ' || s[i] == '\t'))
                i++;
            if (i >= m)
                break;
            size_t st = i;
            while (i < m && s[i] != ' ' && s[i] != '\t')
                i++;
            f[nf] = s + st;
            fl[nf++] = i - st;
        }
        if (nf < 4 || la_eq(f[0], fl[0], "local") || strncasecmp(f[0], "host", 4) != 0)
            continue;
        /* host DB USER ADDRESS [MASK] METHOD */
        size_t mi = 4;
        const char *addr = f[3];
        size_t al = fl[3];
        if (nf >= 6 && memchr(addr, '/', al) == NULL && (addr[0] >= '0' && addr[0] <= '9'))
            mi = 5; /* address + netmask */
        if (mi >= nf)
            continue;
        const char *meth = f[mi];
        size_t ml = fl[mi];
        uint64_t col = (uint64_t)(s - line) + 1, mcol = (uint64_t)(meth - line) + 1;
        if (local_addr(addr, al))
            continue;
        remote_rules = true;
        if (!remote_line) {
            remote_line = it.no;
            remote_col = col;
        }
        bool any = la_addr_any(addr, al);
        bool trust = la_eq(meth, ml, "trust"), clear = la_eq(meth, ml, "password");
        if (trust) {
            la_add(a, path, it.no, mcol, ENG, "PG-HBA-TRUST", la_sev(exposed, LS_SEV_CRITICAL, LS_SEV_MEDIUM),
                   "Trust authentication from other hosts",
                   "Use scram-sha-256 for host rules; keep trust (if at all) for local socket connections.",
                   "%.*s: %s connects as any role without a password%s%s", (int)(m > 200 ? 200 : m), s,
                   any ? "any address" : "that network", exposed ? "" : "; the server listens on loopback only, ",
                   exposed ? "" : listen_change);
        } else if (clear) {
            la_add(a, path, it.no, mcol, ENG, "PG-HBA-CLEARTEXT", la_sev(exposed, LS_SEV_HIGH, LS_SEV_LOW),
                   "Cleartext password authentication from other hosts",
                   "Use scram-sha-256: 'password' sends the password in clear text.", "%.*s", (int)(m > 200 ? 200 : m),
                   s);
        }
        if (any && la_eq(f[1], fl[1], "all") && la_eq(f[2], fl[2], "all"))
            la_add(a, path, it.no, col, ENG, "PG-HBA-ANY-ADDRESS",
                   la_sev(exposed, trust ? LS_SEV_CRITICAL : LS_SEV_MEDIUM, LS_SEV_LOW),
                   "Every database and role from any address",
                   "Limit the rule to the client networks, databases and roles that need it.", "%.*s",
                   (int)(m > 200 ? 200 : m), s);
    }
    if (remote_rules && !ssl_on)
        la_add(a, path, remote_line, remote_col, ENG, "PG-NO-SSL", la_sev(exposed, LS_SEV_MEDIUM, LS_SEV_LOW),
               "Remote rules without TLS", "Set ssl = on (and use hostssl rules for remote clients).",
               "host rules for other hosts while ssl is off: passwords and data cross the network in clear");
    return a->oom ? -1 : 0;
}

int la_audit_postgres(struct ls_audit *a, const char *path, const char *buf, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    bool hba_only = strcasecmp(b, "pg_hba.conf") == 0;
    char *own = NULL;
    if (!buf) {
        if (la_read(a, path, &own, &len) != 0)
            return a->oom ? -1 : 0;
        buf = own;
    }
    path = a->files[a->nfiles - 1];
    bool shape_hba = hba_only || (!memmem(buf, len, "listen_addresses", 16) && memmem(buf, len, "host", 4));
    int rc;
    if (shape_hba) { /* pg_hba.conf on its own: the exposure is postgresql.conf's, unknown here */
        rc = audit_hba(a, path, buf, len, false, false, "listen_addresses = '*' would expose it");
        free(own);
        return rc;
    }
    struct pgstate st = {0};
    rc = parse_conf(a, &st, path, buf, len, 0, own != NULL);
    free(own);
    if (rc)
        return -1;
    /* listen_addresses: default 'localhost'; '' = Unix sockets only */
    bool exposed = false;
    if (st.listen.set) {
        char *save, *tok = strtok_r(st.listen.val, ", ", &save);
        for (; tok; tok = strtok_r(NULL, ", ", &save))
            if (!la_addr_loopback(tok, strlen(tok)))
                exposed = true;
    }
    if (exposed)
        la_add(a, st.listen.file, st.listen.line, st.listen.col, ENG, "PG-LISTEN-ALL", LS_SEV_MEDIUM,
               "Listens beyond loopback", "Set listen_addresses to 'localhost' or the one private address clients use.",
               "listen_addresses beyond loopback: pg_hba.conf is all that stands between the network and the data");
    bool ssl_on = st.ssl.set && (la_eq(st.ssl.val, strlen(st.ssl.val), "on") ||
                                 la_eq(st.ssl.val, strlen(st.ssl.val), "true") || strcmp(st.ssl.val, "1") == 0);
    char hba[4096];
    if (st.hba_file.set)
        la_resolve(path, st.hba_file.val, strlen(st.hba_file.val), hba, sizeof hba);
    else
        la_resolve(path, "pg_hba.conf", strlen("pg_hba.conf"), hba, sizeof hba);
    struct stat sb;
    if (!own && !st.hba_file.set)
        return 0; /* stdin: no files next to it */
    if (stat(hba, &sb) != 0 || la_seen(a, hba))
        return 0;
    char *hb;
    size_t hl;
    if (la_read(a, hba, &hb, &hl) != 0)
        return a->oom ? -1 : 0;
    rc = audit_hba(a, a->files[a->nfiles - 1], hb, hl, exposed, ssl_on, "listen_addresses = '*' would expose it");
    free(hb);
    return rc;
}
