/* redis.conf: a bounded line parser of its own (directive, then space-separated arguments, quotes
 * allowed) that follows `include` (globs, depth-limited, each file once) with the last value of a
 * directive winning as in the server. Findings: listening beyond loopback (`bind` absent or to a
 * non-loopback address), `protected-mode no`, no password (no `requirepass`, no ACL user with one),
 * ACL users with `nopass`, dangerous commands not renamed, DEBUG/MODULE commands enabled.
 * Redis 6+ applies protected mode whenever the default user has no password (whatever `bind`
 * says): such a server refuses other hosts, so the finding is medium until protected-mode is off.
 * Facts: redis.conf shipped with Redis 7.0 (Debian 12) and
 * https://redis.io/docs/latest/operate/oss_and_stack/management/security/ */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_int.h"
#include "util/num.h"
#include "util/strbuf.h"

#define ENG "redis"

struct pos {
    const char *path; /* borrowed from the file list of the audit (stable) */
    uint64_t line, col;
    bool set;
};

struct rstate {
    struct pos bind, protected_mode, requirepass, port, debug_cmd, module_cmd, aclfile, first;
    bool bind_exposed, bind_loopback_only, protected_off, has_password, port_zero, debug_yes, module_yes;
    bool acl_users, default_nopass, default_haspass;
    char bind_text[160];
    unsigned renamed; /* bit per dangerous command renamed or disabled */
};

static const char *const dangerous[] = {"FLUSHALL", "FLUSHDB", "CONFIG", "DEBUG", "MODULE", "SAVE", "SHUTDOWN", "EVAL"};
#define NDANGER (sizeof dangerous / sizeof *dangerous)

/* Splits a line into at most 32 arguments (quotes "…" and '…' group; no escapes needed here). */
static size_t split(const char *s, size_t n, const char **av, size_t *al, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n)
            break;
        if (s[i] == '"' || s[i] == '\'') {
            char q = s[i++];
            size_t st = i;
            while (i < n && s[i] != q)
                i++;
            av[k] = s + st;
            al[k++] = i - st;
            i++;
        } else {
            size_t st = i;
            while (i < n && s[i] != ' ' && s[i] != '\t')
                i++;
            av[k] = s + st;
            al[k++] = i - st;
        }
    }
    return k;
}

static void setpos(struct pos *p, const char *path, uint64_t line, uint64_t col)
{
    *p = (struct pos){.path = path, .line = line, .col = col, .set = true};
}

static int parse(struct ls_audit *a, struct rstate *st, const char *path, const char *buf, size_t len, int depth,
                 bool follow);

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int include(struct ls_audit *a, struct rstate *st, const char *from, const char *pat, size_t n, int depth)
{
    char *p = la_strndup(pat, n);
    if (!p)
        return -1;
    if (depth >= LS_AUDIT_MAX_DEPTH) {
        la_note(a, from, "include %s: nested deeper than %d (not followed)", p, LS_AUDIT_MAX_DEPTH);
        free(p);
        return 0;
    }
    glob_t g;
    int grc = glob(p, GLOB_NOSORT, NULL, &g);
    if (grc != 0) {
        la_note(a, from, "include %s: no such file (not followed)", p);
        free(p);
        return 0;
    }
    free(p);
    ls_sort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, cmp_str);
    int rc = 0;
    for (size_t i = 0; !rc && i < g.gl_pathc; i++) {
        char *buf;
        size_t blen;
        int r = la_include_read(a, from, "include", g.gl_pathv[i], depth, &buf, &blen);
        if (r <= 0) {
            rc = r;
            continue;
        }
        rc = parse(a, st, a->files[a->nfiles - 1], buf, blen, depth + 1, true);
        free(buf);
    }
    globfree(&g);
    return rc;
}

static int parse(struct ls_audit *a, struct rstate *st, const char *path, const char *buf, size_t len, int depth,
                 bool follow)
{
    struct la_lines it;
    la_lines_init(&it, buf, len);
    const char *line;
    size_t n;
    if (!st->first.set)
        setpos(&st->first, path, 1, 1);
    while (la_next_line(&it, &line, &n)) {
        size_t m = n;
        const char *s = la_trim(line, &m);
        if (!m || *s == '#')
            continue;
        const char *av[32];
        size_t al[32];
        size_t ac = split(s, m, av, al, 32);
        if (!ac)
            continue;
        uint64_t col = (uint64_t)(s - line) + 1;
        if (la_eq(av[0], al[0], "include") && ac >= 2) {
            if (follow && include(a, st, path, av[1], al[1], depth) != 0)
                return -1;
        } else if (la_eq(av[0], al[0], "bind") && ac >= 2) {
            setpos(&st->bind, path, it.no, col);
            st->bind_exposed = false;
            for (size_t i = 1; i < ac; i++)
                if (!la_addr_loopback(av[i], al[i]))
                    st->bind_exposed = true;
            snprintf(st->bind_text, sizeof st->bind_text, "%.*s", (int)(m > 150 ? 150 : m), s);
        } else if (la_eq(av[0], al[0], "protected-mode") && ac >= 2) {
            setpos(&st->protected_mode, path, it.no, col);
            st->protected_off = la_eq(av[1], al[1], "no");
        } else if (la_eq(av[0], al[0], "requirepass") && ac >= 2) {
            setpos(&st->requirepass, path, it.no, col);
            st->has_password = al[1] > 0;
        } else if (la_eq(av[0], al[0], "port") && ac >= 2) {
            setpos(&st->port, path, it.no, col);
            st->port_zero = la_eq(av[1], al[1], "0");
        } else if (la_eq(av[0], al[0], "enable-debug-command") && ac >= 2) {
            setpos(&st->debug_cmd, path, it.no, col);
            st->debug_yes = la_eq(av[1], al[1], "yes");
        } else if (la_eq(av[0], al[0], "enable-module-command") && ac >= 2) {
            setpos(&st->module_cmd, path, it.no, col);
            st->module_yes = la_eq(av[1], al[1], "yes");
        } else if (la_eq(av[0], al[0], "aclfile") && ac >= 2) {
            setpos(&st->aclfile, path, it.no, col);
        } else if (la_eq(av[0], al[0], "rename-command") && ac >= 2) {
            for (size_t i = 0; i < NDANGER; i++)
                if (la_eq(av[1], al[1], dangerous[i]))
                    st->renamed |= 1u << i;
        } else if (la_eq(av[0], al[0], "user") && ac >= 2) {
            bool on = false, nopass = false, pass = false;
            for (size_t i = 2; i < ac; i++) {
                on |= la_eq(av[i], al[i], "on");
                if (la_eq(av[i], al[i], "off"))
                    on = false;
                nopass |= la_eq(av[i], al[i], "nopass");
                pass |= al[i] > 1 && (av[i][0] == '>' || av[i][0] == '#');
                if (la_eq(av[i], al[i], "resetpass"))
                    nopass = pass = false;
            }
            bool def = la_eq(av[1], al[1], "default");
            st->acl_users = true;
            if (def) {
                st->default_nopass = nopass;
                st->default_haspass = pass && !nopass;
            }
            if (on && nopass)
                la_add(a, path, it.no, col, ENG, "REDIS-ACL-NOPASS", LS_SEV_MEDIUM, "ACL user without a password",
                       "Give the user a password (>secret or #sha256) instead of nopass, or switch it off.",
                       "user %.*s is on with nopass: anyone who reaches the port can log in as it", (int)al[1], av[1]);
        }
    }
    return a->oom ? -1 : 0;
}

static void pos_or_first(const struct rstate *st, const struct pos *p, const char **path, uint64_t *line, uint64_t *col)
{
    const struct pos *q = p->set ? p : &st->first;
    *path = q->path;
    *line = p->set ? q->line : 0;
    *col = p->set ? q->col : 0;
}

int la_audit_redis(struct ls_audit *a, const char *path, const char *buf, size_t len)
{
    struct rstate st = {0};
    char *own = NULL;
    if (!buf) {
        if (la_read(a, path, &own, &len) != 0)
            return a->oom ? -1 : 0;
        buf = own;
        path = a->files[a->nfiles - 1];
    } else {
        path = a->files[a->nfiles - 1];
    }
    int rc = parse(a, &st, path, buf, len, 0, own != NULL);
    free(own);
    if (rc)
        return -1;

    bool password = st.default_haspass || (st.has_password && !st.default_nopass);
    bool unknown_pw = !password && st.aclfile.set;
    bool exposed = !st.port_zero && (!st.bind.set || st.bind_exposed);
    const char *p;
    uint64_t l, c;
    if (exposed) {
        pos_or_first(&st, &st.bind, &p, &l, &c);
        la_add(a, p, l, c, ENG, "REDIS-BIND-ALL", password ? LS_SEV_MEDIUM : LS_SEV_HIGH, "Listens beyond loopback",
               "Bind to 127.0.0.1 -::1 (or the one private address clients use).", "%s",
               st.bind.set ? st.bind_text : "no bind directive: Redis listens on every interface");
    }
    if (st.protected_off) {
        enum ls_severity sev = password ? LS_SEV_LOW : la_sev(exposed, LS_SEV_HIGH, LS_SEV_MEDIUM);
        la_add(a, st.protected_mode.path, st.protected_mode.line, st.protected_mode.col, ENG,
               "REDIS-PROTECTED-MODE-OFF", sev, "Protected mode is off",
               "Set protected-mode yes: it refuses other hosts while the default user has no password.",
               "protected-mode no%s", password ? "" : " and the default user has no password");
    }
    if (!password && !unknown_pw) {
        enum ls_severity sev;
        const char *ev;
        if (exposed && st.protected_off) {
            sev = LS_SEV_CRITICAL;
            ev = "no requirepass and no ACL user with a password, listening beyond loopback with protected-mode "
                 "off: anyone who reaches the port reads and writes every key";
        } else if (exposed) {
            sev = LS_SEV_MEDIUM;
            ev = "no requirepass and no ACL user with a password; listening beyond loopback, only protected-mode "
                 "keeps other hosts out (setting protected-mode no would expose it)";
        } else {
            sev = LS_SEV_LOW;
            ev = "no requirepass and no ACL user with a password; loopback only (binding a non-loopback address "
                 "with protected-mode no would expose it)";
        }
        const struct pos *at = exposed && st.protected_off ? &st.protected_mode
                               : st.requirepass.set        ? &st.requirepass
                                                           : &st.bind;
        pos_or_first(&st, at, &p, &l, &c);
        la_add(a, p, l, c, ENG, "REDIS-NO-PASSWORD", sev, "No password",
               "Set requirepass (or ACL users with passwords and 'user default off').", "%s", ev);
    } else if (unknown_pw) {
        la_add(a, st.aclfile.path, st.aclfile.line, st.aclfile.col, ENG, "REDIS-ACLFILE", LS_SEV_INFO,
               "Users come from an ACL file", "Audit the ACL file too: users there need passwords.",
               "aclfile set and no password in this file: whether the default user has one is decided there");
    }
    if (st.debug_yes)
        la_add(a, st.debug_cmd.path, st.debug_cmd.line, st.debug_cmd.col, ENG, "REDIS-DEBUG-COMMAND",
               la_sev(exposed && !password, LS_SEV_HIGH, LS_SEV_MEDIUM), "DEBUG command enabled for every client",
               "Set enable-debug-command no (or local).", "enable-debug-command yes");
    if (st.module_yes)
        la_add(a, st.module_cmd.path, st.module_cmd.line, st.module_cmd.col, ENG, "REDIS-MODULE-COMMAND",
               la_sev(exposed && !password, LS_SEV_CRITICAL, LS_SEV_MEDIUM),
               "MODULE LOAD enabled for every client (code execution)", "Set enable-module-command no (or local).",
               "enable-module-command yes: a client can load a shared library into the server");
    if (!st.acl_users && !st.aclfile.set && (st.renamed & 0x1f) != 0x1f) {
        char missing[128];
        struct ls_strbuf sb;
        ls_sb_init(&sb, missing, sizeof missing);
        for (size_t i = 0; i < 5; i++)
            if (!(st.renamed & (1u << i)))
                ls_sb_printf(&sb, "%s%s", sb.len ? ", " : "", dangerous[i]);
        la_add(a, st.first.path, 0, 0, ENG, "REDIS-DANGEROUS-COMMANDS",
               la_sev(exposed && !password, LS_SEV_MEDIUM, LS_SEV_LOW), "Dangerous commands available to every client",
               "Rename or disable them (rename-command CONFIG \"\"), or give clients ACL users without them.",
               "not renamed and no ACL users: %s", missing);
    }
    return a->oom ? -1 : 0;
}
