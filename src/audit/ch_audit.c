/* ClickHouse: the configuration set a server would load, assembled and merged as the server does
 * (config.xml|yaml + config.d/ + conf.d/; the users_config file, users.xml by default, + users.d/ +
 * conf.d/; files sorted by path, other roots skipped; `incl` from include_from noted), then audited:
 * listen_host beyond loopback; users without a password or with a plaintext one, networks open to
 * any address (or absent: any host since the RBAC rewrite, 20.4), `default` without a readonly
 * profile, access_management for reachable users; interserver HTTP without credentials;
 * remote_url_allow_hosts unset; TLS ports without a certificate. Severity follows exposure: a
 * passwordless user reachable from any network on a server listening beyond loopback is critical
 * (high if its profile is readonly); the same on a loopback-only server medium, naming the
 * listen_host change that would expose it (Debian's shipped config is therefore medium).
 * Facts: the project's ClickHouse brief §5 (ConfigProcessor.cpp, UsersConfigAccessStorage.cpp). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "audit/audit_int.h"
#include "audit/ch_tree.h"
#include "detect/redact.h"
#include "util/num.h"

#define ENG "clickhouse"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define EMPTY_DSHA1 "be1bdec0aa74b4dcb079943e70528096cca985f8"

static bool is_root(const struct ch_node *n)
{
    return n && (strcmp(n->name, "clickhouse") == 0 || strcmp(n->name, "yandex") == 0);
}

static bool ch_ext(const char *name)
{
    size_t n = strlen(name);
    static const char *const ext[] = {".xml", ".conf", ".yaml", ".yml"};
    if (name[0] == '.')
        return false;
    for (size_t i = 0; i < 4; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcasecmp(name + n - e, ext[i]) == 0)
            return true;
    }
    return false;
}

/* Reads and parses one file (once per run); NULL with a note when it cannot be used. */
static struct ch_node *load(struct ls_audit *a, const char *path)
{
    if (la_seen(a, path)) {
        la_note(a, path, "already merged (a loop through symbolic links?): not merged twice");
        return NULL;
    }
    char *buf;
    size_t len;
    if (la_read(a, path, &buf, &len) != 0)
        return NULL;
    const char *file = a->files[a->nfiles - 1];
    char err[256];
    struct ch_node *n = ch_parse(file, buf, len, err, sizeof err);
    free(buf);
    if (!n)
        la_note(a, file, "%s (not merged)", err);
    return n;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Merges every configuration file of dir (sorted by name) into base. */
static int merge_dir(struct ls_audit *a, struct ch_node *base, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char *names[4096];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 4096)
        if (ch_ext(e->d_name) && asprintf(&names[n], "%s/%s", dir, e->d_name) >= 0)
            n++;
    closedir(d);
    ls_sort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        struct ch_node *o = !rc && stat(names[i], &st) == 0 && S_ISREG(st.st_mode) ? load(a, names[i]) : NULL;
        if (o && !is_root(o)) {
            la_note(a, names[i], "root element <%s> is not <clickhouse>: merging bypassed, as the server does",
                    o->name);
            ch_node_free(o);
        } else if (o) {
            rc = ch_merge(base, o);
        }
        free(names[i]);
    }
    return rc;
}

/* dir of path ("." when none), into out. */
static void dir_of(const char *path, char *out, size_t n)
{
    const char *s = strrchr(path, '/');
    if (!s)
        snprintf(out, n, ".");
    else
        snprintf(out, n, "%.*s", (int)(s - path), path);
}

/* Loads `path` and merges `stem`.d/ and conf.d/ next to it. */
static struct ch_node *load_merged(struct ls_audit *a, const char *path, bool follow)
{
    struct ch_node *root = load(a, path);
    if (!root || !follow)
        return root;
    char dir[4096], sub[4200];
    dir_of(path, dir, sizeof dir);
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t stem = strcspn(b, ".");
    snprintf(sub, sizeof sub, "%s/%.*s.d", dir, (int)stem, b);
    if (merge_dir(a, root, sub) != 0)
        return root;
    snprintf(sub, sizeof sub, "%s/conf.d", dir);
    merge_dir(a, root, sub);
    return root;
}

/* ---- the checks ---- */

enum pw { PW_NONE, PW_PLAIN, PW_HASHED, PW_EXTERNAL, PW_DYNAMIC };
enum net { NET_ANY, NET_LOCAL, NET_SOME };

struct user {
    const struct ch_node *u, *auth, *netnode;
    enum pw pw;
    enum net net;
    int readonly; /* of its profile, -1 unknown/0 */
};

static enum pw auth_of(const struct ch_node *u, const struct ch_node **at)
{
    static const char *const ext[] = {"ldap",
                                      "kerberos",
                                      "ssl_certificates",
                                      "ssh_keys",
                                      "http_authentication",
                                      "auth_methods",
                                      "password_scram_sha256_hex"};
    *at = NULL;
    const struct ch_node *n;
    if ((n = ch_child(u, "password"))) {
        *at = n;
        if (ch_attr(n, "from_env") || ch_attr(n, "from_zk") || ch_attr(n, "incl"))
            return PW_DYNAMIC;
        return n->text && *n->text ? PW_PLAIN : PW_NONE;
    }
    if ((n = ch_child(u, "password_sha256_hex"))) {
        *at = n;
        return n->text && strcasecmp(n->text, EMPTY_SHA256) == 0 ? PW_NONE : PW_HASHED;
    }
    if ((n = ch_child(u, "password_double_sha1_hex"))) {
        *at = n;
        return n->text && strcasecmp(n->text, EMPTY_DSHA1) == 0 ? PW_NONE : PW_HASHED;
    }
    if ((n = ch_child(u, "no_password"))) {
        *at = n;
        return PW_NONE;
    }
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if ((n = ch_child(u, ext[i]))) {
            *at = n;
            return PW_EXTERNAL;
        }
    return PW_NONE; /* no authentication element: no password (implicit no_password) */
}

static enum net networks_of(const struct ch_node *u, const struct ch_node **at)
{
    const struct ch_node *nw = ch_child(u, "networks");
    *at = nw;
    if (!nw)
        return NET_ANY; /* RBAC-era servers (20.4+): any host; 18.x: none */
    bool any = false, nonlocal = false;
    for (size_t i = 0; i < nw->nkids; i++) {
        const struct ch_node *k = nw->kids[i];
        const char *t = k->text ? k->text : "";
        size_t n = strlen(t);
        bool a = false;
        if (strcmp(k->name, "ip") == 0)
            a = la_addr_any(t, n) || strcmp(t, "0.0.0.0/0") == 0;
        else if (strcmp(k->name, "host_regexp") == 0)
            a = strcmp(t, ".*") == 0 || strcmp(t, ".+") == 0 || strcmp(t, "^.*$") == 0 || (n && t[n - 1] != '$');
        if (a && !any) {
            any = true;
            *at = k;
        }
        if (!la_addr_loopback(t, n))
            nonlocal = true;
    }
    return any ? NET_ANY : nonlocal ? NET_SOME : NET_LOCAL;
}

static int profile_readonly(const struct ch_node *users_root, const char *profile)
{
    const struct ch_node *profiles = ch_child(users_root, "profiles");
    for (int depth = 0; profile && depth < 8; depth++) {
        const struct ch_node *p = ch_child(profiles, profile);
        if (!p)
            return 0;
        const char *ro = ch_child_text(p, "readonly");
        if (ro)
            return atoi(ro);
        profile = ch_child_text(p, "profile"); /* inherited */
    }
    return 0;
}

static void at(const struct ch_node *n, const struct ch_node *fallback, const char **file, uint64_t *line,
               uint64_t *col)
{
    const struct ch_node *x = n ? n : fallback;
    *file = x->file;
    *line = x->line;
    *col = x->col;
}

static void audit_users(struct ls_audit *a, const struct ch_node *ur, bool exposed, const char *listen_change)
{
    const struct ch_node *users = ch_child(ur, "users");
    for (size_t i = 0; users && i < users->nkids; i++) {
        struct user u = {.u = users->kids[i]};
        const char *name = u.u->name, *f;
        uint64_t l, c;
        u.pw = auth_of(u.u, &u.auth);
        u.net = networks_of(u.u, &u.netnode);
        const char *prof = ch_child_text(u.u, "profile");
        u.readonly = profile_readonly(ur, prof ? prof : "default");
        bool reach = u.net != NET_LOCAL;
        if (u.pw == PW_NONE) {
            enum ls_severity sev;
            char how[300];
            if (exposed && reach)
                sev = u.readonly == 1 ? LS_SEV_HIGH : LS_SEV_CRITICAL;
            else if (reach)
                sev = LS_SEV_MEDIUM;
            else
                sev = LS_SEV_LOW;
            if (exposed && reach)
                snprintf(how, sizeof how, "the server listens beyond loopback and the user is reachable from %s%s",
                         u.net == NET_ANY ? "any address" : "other hosts",
                         u.readonly == 1 ? " (readonly profile: every table can still be read)" : ": full SQL");
            else if (reach)
                snprintf(how, sizeof how, "the server listens on loopback only; %s would expose it", listen_change);
            else
                snprintf(how, sizeof how, "the user's networks are loopback only; an <ip>::/0</ip> would expose it%s",
                         exposed ? "" : " once the server listens beyond loopback");
            at(u.auth, u.u, &f, &l, &c);
            la_add(a, f, l, c, ENG, "CH-USER-NO-PASSWORD", sev, "User without a password",
                   "Set password_sha256_hex (or another authentication) for the user, or limit its networks to "
                   "::1 and 127.0.0.1.",
                   "user '%s' has %s; %s", name, u.auth ? "an empty password" : "no authentication element", how);
        } else if (u.pw == PW_PLAIN) {
            char red[64];
            ls_redact(u.auth->text, strlen(u.auth->text), red, sizeof red);
            at(u.auth, u.u, &f, &l, &c);
            la_add(a, f, l, c, ENG, "CH-PLAINTEXT-PASSWORD", la_sev(exposed && reach, LS_SEV_MEDIUM, LS_SEV_LOW),
                   "Password written in plaintext",
                   "Store password_sha256_hex instead of <password>, and keep the file out of the repository.",
                   "user '%s' has <password>%s</password> (%zu characters)", name, red, strlen(u.auth->text));
        } else if (u.pw == PW_DYNAMIC) {
            at(u.auth, u.u, &f, &l, &c);
            la_add(a, f, l, c, ENG, "CH-PASSWORD-DYNAMIC", LS_SEV_INFO, "Password not statically determinable",
                   "Make sure the environment variable or ZooKeeper node is set and not empty where it runs.",
                   "user '%s' takes its password from %s", name,
                   ch_attr(u.auth, "from_env")  ? "an environment variable"
                   : ch_attr(u.auth, "from_zk") ? "ZooKeeper"
                                                : "an include");
        }
        if (u.net == NET_ANY && u.pw != PW_NONE) {
            at(u.netnode, u.u, &f, &l, &c);
            la_add(a, f, l, c, ENG, "CH-NETWORKS-ANY", la_sev(exposed, LS_SEV_MEDIUM, LS_SEV_LOW),
                   "User reachable from any address", "List the client networks in <networks> instead of ::/0.",
                   "user '%s' %s", name,
                   u.netnode ? "allows ::/0 (every address)" : "has no <networks>: any host on ClickHouse 20.4+");
        }
        if (strcmp(name, "default") == 0 && u.readonly != 1) {
            at(ch_child(u.u, "profile"), u.u, &f, &l, &c);
            la_add(a, f, l, c, ENG, "CH-DEFAULT-NOT-READONLY",
                   la_sev(exposed && reach && u.pw == PW_NONE, LS_SEV_MEDIUM, LS_SEV_LOW), "The default user can write",
                   "Give 'default' a profile with <readonly>1</readonly>.",
                   "user 'default' has profile '%s' without readonly=1", prof ? prof : "default");
        }
        const char *am = ch_child_text(u.u, "access_management");
        if (am && atoi(am) == 1 && reach) {
            at(ch_child(u.u, "access_management"), u.u, &f, &l, &c);
            la_add(a, f, l, c, ENG, "CH-ACCESS-MANAGEMENT",
                   exposed ? (u.pw == PW_NONE ? LS_SEV_CRITICAL : LS_SEV_MEDIUM) : LS_SEV_LOW,
                   "Network-reachable user can manage users and grants",
                   "Set access_management 0, or keep it only for an administrator reachable from loopback.",
                   "user '%s' has access_management 1 and is reachable from %s", name,
                   u.net == NET_ANY ? "any address" : "other hosts");
        }
    }
}

static bool any_passwordless_reachable(const struct ch_node *ur)
{
    const struct ch_node *users = ch_child(ur, "users");
    for (size_t i = 0; users && i < users->nkids; i++) {
        const struct ch_node *x;
        if (auth_of(users->kids[i], &x) == PW_NONE && networks_of(users->kids[i], &x) != NET_LOCAL)
            return true;
    }
    return false;
}

static int audit_set(struct ls_audit *a, struct ch_node *cfg, struct ch_node *ur)
{
    /* exposure: listen_host (absent: ::1 and 127.0.0.1) and <protocols> hosts */
    const struct ch_node *open_at = NULL;
    bool has_listen = false;
    for (size_t i = 0; cfg && i < cfg->nkids; i++) {
        const struct ch_node *k = cfg->kids[i];
        if (strcmp(k->name, "listen_host") == 0 && k->text) {
            has_listen = true;
            if (!open_at && !la_addr_loopback(k->text, strlen(k->text)))
                open_at = k;
        }
    }
    const struct ch_node *protos = ch_child(cfg, "protocols");
    for (size_t i = 0; protos && !open_at && i < protos->nkids; i++) {
        const struct ch_node *h = ch_child(protos->kids[i], "host");
        if (h && h->text && !la_addr_loopback(h->text, strlen(h->text)))
            open_at = h;
    }
    bool exposed = open_at != NULL;
    bool nopass = ur && any_passwordless_reachable(ur);
    if (open_at)
        la_add(a, open_at->file, open_at->line, open_at->col, ENG, "CH-LISTEN-ALL",
               nopass ? LS_SEV_HIGH : LS_SEV_MEDIUM, "Listens beyond loopback",
               "Listen on ::1/127.0.0.1 (or one private address) and put a firewall or proxy in front.",
               "<%s>%s</%s>%s: every port (HTTP, native, interserver, MySQL, PostgreSQL) on %s", open_at->name,
               open_at->text, open_at->name, nopass ? " with a passwordless user reachable" : "",
               la_addr_any(open_at->text, strlen(open_at->text)) ? "every interface" : "that address");
    const char *change = has_listen ? "a <listen_host>::</listen_host> (e.g. config.d/listen.xml)"
                                    : "uncommenting <listen_host>::</listen_host> (or a config.d file with it)";
    if (ur)
        audit_users(a, ur, exposed, change);
    if (!cfg)
        return a->oom ? -1 : 0;
    const struct ch_node *isp = ch_child(cfg, "interserver_http_port");
    if (isp && !ch_child(cfg, "interserver_http_credentials"))
        la_add(a, isp->file, isp->line, isp->col, ENG, "CH-INTERSERVER-NO-CREDENTIALS",
               la_sev(exposed, LS_SEV_MEDIUM, LS_SEV_LOW), "Interserver HTTP without credentials",
               "Set <interserver_http_credentials> (user and password) on every replica.",
               "interserver_http_port %s without interserver_http_credentials, so any host reaching the port can fetch "
               "data parts",
               isp->text ? isp->text : "");
    if (!ch_child(cfg, "remote_url_allow_hosts"))
        la_add(a, cfg->file, 0, 0, ENG, "CH-REMOTE-URL-UNRESTRICTED", la_sev(exposed, LS_SEV_MEDIUM, LS_SEV_LOW),
               "url(), s3() and remote() may reach any host",
               "Set <remote_url_allow_hosts> to the hosts queries may reach.",
               "no remote_url_allow_hosts: a user who can run table functions can make the server request any URL");
    static const char *const tls_ports[] = {"https_port", "tcp_port_secure"};
    const struct ch_node *srv = ch_child(ch_child(cfg, "openSSL"), "server");
    const char *cert = ch_child_text(srv, "certificateFile"), *key = ch_child_text(srv, "privateKeyFile");
    for (size_t i = 0; i < 2; i++) {
        const struct ch_node *p = ch_child(cfg, tls_ports[i]);
        if (p && (!cert || !*cert || !key || !*key))
            la_add(a, p->file, p->line, p->col, ENG, "CH-TLS-NO-CERT", LS_SEV_LOW, "TLS port without a certificate",
                   "Set openSSL.server.certificateFile and privateKeyFile, or remove the port.",
                   "%s %s but no openSSL server certificate and key", tls_ports[i], p->text ? p->text : "");
    }
    return a->oom ? -1 : 0;
}

/* The users file the config names (users_config, default users.xml|yaml next to it); an absolute
 * path is looked for next to the config first (a copied tree audits its own files). */
static void users_path(const struct ch_node *cfg, const char *dir, char *out, size_t n)
{
    const char *uc = ch_child_text(cfg, "users_config");
    struct stat st;
    if (uc && *uc) {
        const char *b = strrchr(uc, '/');
        snprintf(out, n, "%s/%s", dir, b ? b + 1 : uc);
        if (uc[0] != '/' || stat(out, &st) == 0)
            return;
        snprintf(out, n, "%s", uc);
        return;
    }
    static const char *const cand[] = {"users.xml", "users.yaml", "users.yml"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(out, n, "%s/%s", dir, cand[i]);
        if (stat(out, &st) == 0)
            return;
    }
    out[0] = '\0';
}

int la_audit_clickhouse(struct ls_audit *a, const char *path, const char *buf, size_t len)
{
    struct ch_node *root;
    if (buf) {
        char err[256];
        root = ch_parse(a->files[a->nfiles - 1], buf, len, err, sizeof err);
        if (!root)
            la_note(a, path, "%s (not audited)", err);
    } else {
        const char *b = strrchr(path, '/');
        b = b ? b + 1 : path;
        bool main = strncasecmp(b, "config.", 7) == 0;
        root = load_merged(a, path, main || strncasecmp(b, "users.", 6) == 0);
        if (root && main) {
            char dir[4096], up[4200];
            dir_of(path, dir, sizeof dir);
            users_path(root, dir, up, sizeof up);
            struct ch_node *ur = up[0] && !la_seen(a, up) ? load_merged(a, up, true) : NULL;
            int rc = audit_set(a, root, ur);
            ch_node_free(ur);
            ch_node_free(root);
            return rc;
        }
    }
    if (!root)
        return a->oom ? -1 : 0;
    /* one file on its own: a users file, a fragment, or stdin */
    int rc = audit_set(a, ch_child(root, "users") ? NULL : root, ch_child(root, "users") ? root : NULL);
    if (!rc && ch_child(root, "users") && (ch_child(root, "listen_host") || ch_child(root, "http_port")))
        rc = audit_set(a, root, NULL); /* users declared inside a main config */
    ch_node_free(root);
    return rc;
}
