/* Parsers of the Prometheus HTTP API's answers (see prom_parse.h). The configuration is read as
 * text, one line at a time, the way Prometheus writes it back (block YAML, `key: value`, `- item`):
 * no YAML library, nothing but bounded string handling. Facts from the Prometheus documentation:
 * prometheus.io/docs/prometheus/latest/querying/api/ (status/config, status/flags, status/tsdb,
 * targets, status/buildinfo) and /configuration/configuration/ (secret fields print as <secret>). */
#include "engines/prometheus/prom_parse.h"

#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

json_t *prom_data(const json_t *root)
{
    if (!json_is_object(root))
        return NULL;
    const json_t *st = json_object_get(root, "status");
    if (!json_is_string(st) || strcmp(json_string_value(st), "success") != 0)
        return NULL;
    return json_object_get(root, "data");
}

const char *prom_str(const json_t *obj, const char *key)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : "";
}

bool prom_buildinfo(const json_t *root, char *version, size_t n)
{
    const json_t *d = prom_data(root);
    if (!json_is_object(d))
        return false;
    const char *v = prom_str(d, "version"), *rev = prom_str(d, "revision"), *go = prom_str(d, "goVersion");
    if (!v[0] || !rev[0] || strncmp(go, "go", 2) != 0 || strlen(v) >= 64)
        return false;
    struct ls_strbuf b;
    ls_sb_init(&b, version, n);
    ls_sb_append(&b, v);
    return true;
}

/* ---- bounded lists ---------------------------------------------------------------------------- */

void prom_list_add(struct prom_list *l, const char *s, size_t len, size_t cap)
{
    if (!len)
        return;
    if (cap > PROM_MAX_HOSTS)
        cap = PROM_MAX_HOSTS;
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->items[i]) == len && memcmp(l->items[i], s, len) == 0)
            return;
    if (l->n >= cap) {
        l->truncated = true;
        return;
    }
    char *c = malloc(len + 1);
    if (!c)
        return;
    memcpy(c, s, len);
    c[len] = '\0';
    l->items[l->n++] = c;
}

void prom_list_free(struct prom_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    l->n = 0;
}

/* ---- URLs ------------------------------------------------------------------------------------- */

/* The authority of a URL: [*a, *ae) after "scheme://", up to '/', '?' or '#'. */
static bool url_authority(const char *url, size_t len, size_t *a, size_t *ae)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= len && i < 16; i++)
        if (memcmp(url + i, "://", 3) == 0) {
            sep = url + i;
            break;
        }
    if (!sep)
        return false;
    size_t s = (size_t)(sep - url) + 3, e = s;
    while (e < len && url[e] != '/' && url[e] != '?' && url[e] != '#')
        e++;
    *a = s;
    *ae = e;
    return e > s;
}

static size_t last_at(const char *p, size_t s, size_t e)
{
    size_t at = e;
    for (size_t i = s; i < e; i++)
        if (p[i] == '@')
            at = i;
    return at;
}

bool prom_url_host(const char *url, size_t len, char *out, size_t n)
{
    size_t a, ae;
    if (!n || !url_authority(url, len, &a, &ae))
        return false;
    size_t at = last_at(url, a, ae);
    if (at < ae)
        a = at + 1;
    if (a >= ae)
        return false;
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    ls_sb_append_n(&b, url + a, ae - a);
    return !b.truncated;
}

bool prom_url_redact(const char *url, size_t len, char *out, size_t n, bool *masked)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    *masked = false;
    size_t a, ae;
    size_t at = len;
    if (url_authority(url, len, &a, &ae))
        at = last_at(url, a, ae) < ae ? last_at(url, a, ae) : len;
    if (at == len) {
        ls_sb_append_n(&b, url, len);
        return false;
    }
    const char *colon = memchr(url + a, ':', at - a);
    if (!colon || colon + 1 == url + at) { /* user name only */
        ls_sb_append_n(&b, url, len);
        return false;
    }
    size_t pw = (size_t)(colon + 1 - url);
    if (at - pw == 5 && memcmp(url + pw, "xxxxx", 5) == 0) {
        *masked = true; /* Prometheus's own mask of a URL password */
        ls_sb_append_n(&b, url, len);
        return false;
    }
    ls_sb_append_n(&b, url, pw);
    ls_sb_append(&b, "***");
    ls_sb_append_n(&b, url + at, len - at);
    return true;
}

/* ---- configuration text ----------------------------------------------------------------------- */

static const char *const secret_keys[] = {"password", "credentials",  "bearer_token", "client_secret", "secret_key",
                                          "secret",   "access_token", "api_key",      "auth_token",    NULL};

static bool is_secret_key(const char *k, size_t n)
{
    for (const char *const *s = secret_keys; *s; s++)
        if (strlen(*s) == n && memcmp(*s, k, n) == 0)
            return true;
    return false;
}

static bool ends_with(const char *k, size_t n, const char *suffix)
{
    size_t s = strlen(suffix);
    return n >= s && memcmp(k + n - s, suffix, s) == 0;
}

/* host:port (a name or address, a numeric port of 1 to 5 digits), no spaces. */
static bool looks_host_port(const char *v, size_t n)
{
    if (n < 3 || n > 255)
        return false;
    size_t colon = n;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                  c == '_' || c == ':' || c == '[' || c == ']';
        if (!ok)
            return false;
        if (c == ':')
            colon = i;
    }
    if (colon == 0 || colon >= n - 1 || n - colon - 1 > 5)
        return false;
    for (size_t i = colon + 1; i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return false;
    return true;
}

static void unquote(const char **v, size_t *n)
{
    if (*n >= 2 && ((*v)[0] == '\'' || (*v)[0] == '"') && (*v)[*n - 1] == (*v)[0]) {
        (*v)++;
        *n -= 2;
    }
}

static void config_url(struct prom_config *c, const char *v, size_t n)
{
    char red[512], host[256];
    bool masked = false;
    const char *q = memchr(v, '?', n);
    if (prom_url_redact(v, q ? (size_t)(q - v) : n, red, sizeof red, &masked)) /* the query may hold tokens */
        c->plain_url_creds++;
    if (masked)
        c->masked_urls++;
    prom_list_add(&c->urls, red, strlen(red), PROM_MAX_ITEMS);
    if (prom_url_host(v, n, host, sizeof host))
        prom_list_add(&c->hosts, host, strlen(host), PROM_MAX_HOSTS);
}

static void config_line(struct prom_config *c, const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t' || *p == '-')) { /* indentation and list markers */
        bool item = *p == '-';
        p++, n--;
        if (item && (!n || *p != ' '))
            return; /* "-x": not a list marker */
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\r'))
        n--;
    if (!n || *p == '#')
        return;
    const char *colon = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == ':' && p[i + 1] == ' ') {
            colon = p + i;
            break;
        }
    const char *k = p;
    size_t kn = colon ? (size_t)(colon - p) : 0;
    for (size_t i = 0; i < kn; i++)
        if (k[i] == ' ' || k[i] == '"' || k[i] == '\'' || k[i] == '/')
            colon = NULL; /* "host:port" items and URLs are values, not keys */
    if (!colon) {
        const char *v = p;
        size_t vn = n;
        unquote(&v, &vn);
        if (looks_host_port(v, vn))
            prom_list_add(&c->hosts, v, vn, PROM_MAX_HOSTS);
        return;
    }
    const char *v = colon + 2;
    size_t vn = n - kn - 2;
    while (vn && *v == ' ')
        v++, vn--;
    unquote(&v, &vn);
    if (!vn)
        return;
    if (kn == 8 && memcmp(k, "job_name", 8) == 0) {
        prom_list_add(&c->jobs, v, vn, PROM_MAX_ITEMS);
    } else if (is_secret_key(k, kn)) {
        if (vn == 8 && memcmp(v, "<secret>", 8) == 0)
            c->masked++;
        else
            c->plain_secrets++;
    } else if ((ends_with(k, kn, "url") || ends_with(k, kn, "api_server")) && memmem(v, vn, "://", 3)) {
        config_url(c, v, vn);
    } else if (kn == 6 && memcmp(k, "server", 6) == 0 && looks_host_port(v, vn)) {
        prom_list_add(&c->hosts, v, vn, PROM_MAX_HOSTS); /* consul_sd_configs and the like */
    }
}

void prom_config_scan(const char *text, size_t len, struct prom_config *c)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((eol ? eol : end) - p);
        c->lines++;
        config_line(c, p, n < PROM_MAX_LINE ? n : PROM_MAX_LINE);
        if (!eol)
            break;
        p = eol + 1;
    }
}

void prom_config_free(struct prom_config *c)
{
    prom_list_free(&c->jobs);
    prom_list_free(&c->hosts);
    prom_list_free(&c->urls);
}

enum ls_tri prom_config_masks(const struct prom_config *c)
{
    if (c->plain_secrets || c->plain_url_creds)
        return LS_TRI_NO;
    return c->masked || c->masked_urls ? LS_TRI_YES : LS_TRI_UNKNOWN;
}

/* ---- targets, flags, TSDB --------------------------------------------------------------------- */

bool prom_targets_scan(const json_t *data, struct prom_targets *t)
{
    const json_t *active = json_is_object(data) ? json_object_get(data, "activeTargets") : NULL;
    if (!json_is_array(active))
        return false;
    size_t i;
    const json_t *tg;
    json_array_foreach(active, i, tg)
    {
        t->active++;
        const char *health = prom_str(tg, "health");
        if (strcmp(health, "up") == 0)
            t->up++;
        else if (strcmp(health, "down") == 0)
            t->down++;
        const char *job = prom_str(json_object_get(tg, "labels"), "job");
        if (!job[0])
            job = prom_str(tg, "scrapePool");
        prom_list_add(&t->jobs, job, strlen(job), PROM_MAX_ITEMS);
        const char *url = prom_str(tg, "scrapeUrl");
        char host[256];
        if (prom_url_host(url, strlen(url), host, sizeof host))
            prom_list_add(&t->hosts, host, strlen(host), PROM_MAX_HOSTS);
    }
    const json_t *dropped = json_object_get(data, "droppedTargets");
    if (json_is_array(dropped))
        t->dropped = json_array_size(dropped);
    return true;
}

void prom_targets_free(struct prom_targets *t)
{
    prom_list_free(&t->jobs);
    prom_list_free(&t->hosts);
}

static enum ls_tri flag_bool(const json_t *data, const char *name)
{
    const json_t *v = json_object_get(data, name);
    if (!json_is_string(v))
        return LS_TRI_UNKNOWN;
    return strcmp(json_string_value(v), "true") == 0 ? LS_TRI_YES : LS_TRI_NO;
}

static void copy(char *out, size_t n, const char *s)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    ls_sb_append(&b, s);
}

bool prom_flags_scan(const json_t *data, struct prom_flags *f)
{
    if (!json_is_object(data))
        return false;
    f->admin_api = flag_bool(data, "web.enable-admin-api");
    f->lifecycle = flag_bool(data, "web.enable-lifecycle");
    f->remote_write_receiver = flag_bool(data, "web.enable-remote-write-receiver");
    f->otlp_receiver = flag_bool(data, "web.enable-otlp-receiver");
    copy(f->features, sizeof f->features, prom_str(data, "enable-feature"));
    /* before 2.33 the receiver was a feature flag (--enable-feature=remote-write-receiver) */
    if (strstr(f->features, "remote-write-receiver"))
        f->remote_write_receiver = LS_TRI_YES;
    if (strstr(f->features, "otlp-write-receiver"))
        f->otlp_receiver = LS_TRI_YES;
    const json_t *wc = json_object_get(data, "web.config.file");
    f->web_config = !json_is_string(wc) ? LS_TRI_UNKNOWN : json_string_value(wc)[0] ? LS_TRI_YES : LS_TRI_NO;
    const char *ret = prom_str(data, "storage.tsdb.retention.time");
    copy(f->retention, sizeof f->retention, ret[0] ? ret : prom_str(data, "storage.tsdb.retention"));
    copy(f->tsdb_path, sizeof f->tsdb_path, prom_str(data, "storage.tsdb.path"));
    return true;
}

bool prom_tsdb_series(const json_t *data, uint64_t *n)
{
    const json_t *head = json_is_object(data) ? json_object_get(data, "headStats") : NULL;
    const json_t *v = json_is_object(head) ? json_object_get(head, "numSeries") : NULL;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *n = (uint64_t)json_integer_value(v);
    return true;
}

size_t prom_labels_text(const json_t *labels, const char *const *skip, char *out, size_t n)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    if (!json_is_object(labels))
        return 0;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)labels, k, v)
    {
        bool skipped = false;
        for (const char *const *s = skip; s && *s && !skipped; s++)
            skipped = strcmp(*s, k) == 0;
        if (skipped || !json_is_string(v))
            continue;
        ls_sb_printf(&b, "%s%s=\"%s\"", b.len ? ", " : "", k, json_string_value(v));
    }
    return b.len;
}
