/* MySQL/MariaDB: my.cnf as the server reads it, with a small bounded INI parser of its own:
 * [sections], `key = value` or bare flags, '-' and '_' alike in keys, `!include FILE` and
 * `!includedir DIR` (its *.cnf files, MariaDB also *.ini, sorted) followed once each, the last
 * value winning. Only the server's groups count ([mysqld], [server], [mariadb], [mariadbd] and
 * their -VERSION forms). Findings: bind-address to every address (or absent: every address is
 * the server default), skip-grant-tables, local_infile, an empty secure_file_priv. Facts: MariaDB
 * Knowledge Base, "Configuring MariaDB with Option Files" and the server system variables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "audit/audit_int.h"
#include "util/num.h"

#define ENG "mysql"

struct opt {
    char val[256];
    const char *file;
    uint64_t line, col;
    bool set;
};

struct mstate {
    struct opt bind, skip_net, skip_grant, local_infile, secure_priv;
    bool server_group;
    const char *first_server_file;
    uint64_t first_server_line;
};

static int parse(struct ls_audit *a, struct mstate *st, const char *path, const char *buf, size_t len, int depth,
                 bool follow);

static bool server_section(const char *s, size_t n)
{
    static const char *const g[] = {"mysqld", "server", "mariadb", "mariadbd", "mysqld_safe"};
    for (size_t i = 0; i < 4; i++) {
        size_t l = strlen(g[i]);
        if (n >= l && strncasecmp(s, g[i], l) == 0 && (n == l || s[l] == '-'))
            return true;
    }
    return false;
}

/* One !include'd file, read once (la_include_read) and parsed as part of this configuration. */
static int read_one(struct ls_audit *a, struct mstate *st, const char *from, const char *p, int depth)
{
    char *buf;
    size_t len;
    int r = la_include_read(a, from, "!include", p, depth, &buf, &len);
    if (r <= 0)
        return r;
    int rc = parse(a, st, a->files[a->nfiles - 1], buf, len, depth + 1, true);
    free(buf);
    return rc;
}

static int read_dir(struct ls_audit *a, struct mstate *st, const char *from, const char *dir, int depth)
{
    static const char *const suffixes[] = {".cnf", ".ini", NULL};
    char **names;
    long n = la_dir_files(dir, suffixes, &names);
    if (n < 0) {
        la_note(a, from, "!includedir %s: cannot list it (not followed)", dir);
        return 0;
    }
    int rc = 0;
    for (long i = 0; !rc && i < n; i++)
        rc = read_one(a, st, from, names[i], depth);
    la_names_free(names, (size_t)n);
    return rc;
}

static int parse(struct ls_audit *a, struct mstate *st, const char *path, const char *buf, size_t len, int depth,
                 bool follow)
{
    struct la_lines it;
    la_lines_init(&it, buf, len);
    const char *line;
    size_t n;
    bool server = false;
    while (la_next_line(&it, &line, &n)) {
        size_t m = n;
        const char *s = la_trim(line, &m);
        if (!m || *s == '#' || *s == ';')
            continue;
        if (*s == '!') {
            bool dir = m > 11 && strncasecmp(s, "!includedir", 11) == 0;
            bool file = !dir && m > 8 && strncasecmp(s, "!include", 8) == 0;
            if (follow && (dir || file)) {
                size_t vl = m - (dir ? 11 : 8);
                const char *v = la_trim(s + (dir ? 11 : 8), &vl);
                char val[1024], p[3072];
                snprintf(val, sizeof val, "%.*s", (int)(vl > 1000 ? 1000 : vl), v);
                la_resolve(path, val, strlen(val), p, sizeof p);
                if ((dir ? read_dir(a, st, path, p, depth) : read_one(a, st, path, p, depth)) != 0)
                    return -1;
            }
            continue;
        }
        if (*s == '[') {
            const char *e = memchr(s, ']', m);
            size_t gl = e ? (size_t)(e - s - 1) : m - 1;
            const char *g = s + 1;
            g = la_trim(g, &gl);
            server = server_section(g, gl);
            if (server && !st->server_group) {
                st->server_group = true;
                st->first_server_file = path;
                st->first_server_line = it.no;
            }
            continue;
        }
        if (!server)
            continue;
        const char *eq = memchr(s, '=', m);
        size_t kl = eq ? (size_t)(eq - s) : m, vl = eq ? m - kl - 1 : 0;
        const char *k = la_trim(s, &kl), *v = eq ? la_trim(eq + 1, &vl) : "";
        if (vl >= 2 && (*v == '"' || *v == '\'') && v[vl - 1] == *v) {
            v++;
            vl -= 2;
        }
        struct opt *o = la_key_eq(k, kl, "bind-address")        ? &st->bind
                        : la_key_eq(k, kl, "skip-networking")   ? &st->skip_net
                        : la_key_eq(k, kl, "skip-grant-tables") ? &st->skip_grant
                        : la_key_eq(k, kl, "local-infile")      ? &st->local_infile
                        : la_key_eq(k, kl, "secure-file-priv")  ? &st->secure_priv
                                                                : NULL;
        if (o) {
            snprintf(o->val, sizeof o->val, "%.*s", eq ? (int)(vl > 250 ? 250 : vl) : 1, eq ? v : "1");
            o->file = path;
            o->line = it.no;
            o->col = (uint64_t)(s - line) + 1;
            o->set = true;
        }
    }
    return a->oom ? -1 : 0;
}

static bool on(const struct opt *o)
{
    return o->set && (strcmp(o->val, "1") == 0 || strcasecmp(o->val, "on") == 0 || strcasecmp(o->val, "true") == 0 ||
                      strcasecmp(o->val, "yes") == 0);
}

int la_audit_mysql(struct ls_audit *a, const char *path, const char *buf, size_t len)
{
    char *own = NULL;
    if (!buf) {
        if (la_read(a, path, &own, &len) != 0)
            return a->oom ? -1 : 0;
        buf = own;
    }
    path = a->files[a->nfiles - 1];
    struct mstate st = {0};
    int rc = parse(a, &st, path, buf, len, 0, own != NULL);
    free(own);
    if (rc || !st.server_group)
        return rc; /* client-only option files: the detector still reads their passwords */
    bool exposed = !on(&st.skip_net) && (!st.bind.set || !la_addr_loopback(st.bind.val, strlen(st.bind.val)));
    if (exposed)
        la_add(a, st.bind.set ? st.bind.file : st.first_server_file, st.bind.set ? st.bind.line : st.first_server_line,
               st.bind.set ? st.bind.col : 1, ENG, "MYSQL-BIND-ALL", on(&st.skip_grant) ? LS_SEV_HIGH : LS_SEV_MEDIUM,
               "Listens beyond loopback", "Set bind-address = 127.0.0.1 (or the one private address clients use).",
               "%s",
               st.bind.set ? st.bind.val : "no bind-address in the server groups: the server listens on every address");
    if (on(&st.skip_grant))
        la_add(a, st.skip_grant.file, st.skip_grant.line, st.skip_grant.col, ENG, "MYSQL-SKIP-GRANT-TABLES",
               la_sev(exposed, LS_SEV_CRITICAL, LS_SEV_MEDIUM), "Privilege checks switched off",
               "Remove skip-grant-tables (it is for password recovery, with skip-networking, briefly).",
               "skip-grant-tables: every client is root without a password%s",
               exposed ? "" : "; loopback only (bind-address = 0.0.0.0 would expose it)");
    if (on(&st.local_infile))
        la_add(a, st.local_infile.file, st.local_infile.line, st.local_infile.col, ENG, "MYSQL-LOCAL-INFILE",
               la_sev(exposed, LS_SEV_MEDIUM, LS_SEV_LOW), "LOAD DATA LOCAL INFILE enabled",
               "Set local_infile = 0: a rogue server or injected query can read client files.", "local_infile = %s",
               st.local_infile.val);
    if (st.secure_priv.set && st.secure_priv.val[0] == '\0')
        la_add(a, st.secure_priv.file, st.secure_priv.line, st.secure_priv.col, ENG, "MYSQL-SECURE-FILE-PRIV-EMPTY",
               la_sev(exposed, LS_SEV_MEDIUM, LS_SEV_LOW), "FILE privilege may read and write anywhere",
               "Set secure_file_priv to a dedicated directory (or NULL to disable file import/export).",
               "secure_file_priv is empty: LOAD DATA INFILE and SELECT … INTO OUTFILE reach every file the server can");
    return a->oom ? -1 : 0;
}
