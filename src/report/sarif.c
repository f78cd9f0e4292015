/* SARIF 2.1.0 writer for secret findings (and a scan's risks): one run of tool "leakscan", rules
 * declared once, results with stable fingerprints, capped at GitHub code scanning's limits. Used
 * directly by `leakscan secrets` (file positions) and as the `--format sarif` report of `scan`
 * (database tables as locations). Never writes a raw secret. */
#define LS_REPORT_INTERNAL
#include "report/report.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "model/config_finding.h"
#include "util/fmt.h"

#define LS_SARIF_HONEYPOT_RULE "likely-honeypot"

struct ls_sarif {
    FILE *out;
    json_t *rules; /* tool.driver.rules */
    json_t *results;
    size_t dropped;         /* results past LS_SARIF_MAX_RESULTS */
    uint64_t hosts_omitted; /* likely honeypots the scan did not keep */
    bool failed;
};

/* ---- helpers ---- */

static json_t *jstr(const char *s)
{
    if (!s)
        return json_string("");
    char *c = ls_utf8_display_sanitize(s, strlen(s));
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

/* Hex SHA-256 of the NUL-separated parts: the stable fingerprint of a result. */
static void sha256_parts(const char *const *parts, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned len = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    for (size_t i = 0; i < n; i++)
        EVP_DigestUpdate(c, parts[i] ? parts[i] : "", strlen(parts[i] ? parts[i] : "") + 1);
    EVP_DigestFinal_ex(c, md, &len);
    EVP_MD_CTX_free(c);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static const char *rule_description(const char *id)
{
    size_t n = 0;
    const struct ls_rule *r = ls_rules(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].id, id) == 0)
            return r[i].description;
    return NULL;
}

static const char *level_of(enum ls_severity s)
{
    return s >= LS_SEV_HIGH ? "error" : s == LS_SEV_MEDIUM ? "warning" : "note";
}

static const char *security_severity(enum ls_severity s)
{
    static const char *const v[] = {"1.0", "3.0", "5.0", "8.0", "9.5"};
    return v[(unsigned)s < 5 ? s : 0];
}

/* Index of rule `id` in tool.driver.rules, declaring it on first use. */
static size_t rule_index(struct ls_sarif *w, const char *id, const char *category, const char *title,
                         enum ls_severity sev)
{
    for (size_t i = 0; i < json_array_size(w->rules); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(w->rules, i), "id")), id) == 0)
            return i;
    const char *desc = title ? title : rule_description(id);
    json_t *r = json_pack("{s:o, s:o, s:{s:o}, s:{s:o}, s:{s:s}, s:{s:[s,s], s:s, s:s}}", "id", jstr(id), "name",
                          jstr(id), "shortDescription", "text", jstr(desc ? desc : id), "fullDescription", "text",
                          jstr(desc ? desc : id), "defaultConfiguration", "level", level_of(sev), "properties", "tags",
                          "security", category ? category : "secret", "precision",
                          strcmp(id, LS_SARIF_HONEYPOT_RULE) == 0 ? "medium" : "high", /* a heuristic */
                          "security-severity", security_severity(sev));
    if (!r || json_array_append_new(w->rules, r) < 0)
        w->failed = true;
    return json_array_size(w->rules) - 1;
}

static int add_result(struct ls_sarif *w, json_t *res)
{
    if (!res) {
        w->failed = true;
        return -1;
    }
    if (json_array_size(w->results) >= LS_SARIF_MAX_RESULTS) {
        w->dropped++;
        json_decref(res);
        return 0;
    }
    if (json_array_append_new(w->results, res) < 0) {
        w->failed = true;
        return -1;
    }
    return 0;
}

static json_t *location(const struct ls_secret_location *loc)
{
    json_t *phys = json_pack("{s:{s:o}}", "artifactLocation", "uri", jstr(loc->uri));
    /* GitHub code scanning requires region.startLine; a table has no lines, so it is line 1. */
    json_t *region = phys ? json_pack("{s:I}", "startLine", (json_int_t)(loc->line ? loc->line : 1)) : NULL;
    if (region && loc->line && loc->column)
        json_object_set_new(region, "startColumn", json_integer((json_int_t)loc->column));
    if (region && loc->line && loc->end_column > loc->column)
        json_object_set_new(region, "endColumn", json_integer((json_int_t)loc->end_column));
    if (phys)
        json_object_set_new(phys, "region", region);
    json_t *l = json_pack("{s:o}", "physicalLocation", phys);
    if (l && loc->logical)
        json_object_set_new(l, "logicalLocations",
                            json_pack("[{s:o, s:s}]", "fullyQualifiedName", jstr(loc->logical), "kind", "member"));
    return l;
}

/* ---- API (report.h) ---- */

struct ls_sarif *ls_sarif_new(FILE *out)
{
    struct ls_sarif *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->out = out;
    w->rules = json_array();
    w->results = json_array();
    if (!w->rules || !w->results) {
        json_decref(w->rules);
        json_decref(w->results);
        free(w);
        return NULL;
    }
    return w;
}

int ls_sarif_add_secret(struct ls_sarif *w, const struct ls_secret *sec, const struct ls_secret_location *loc)
{
    if (!w || !sec || !loc || !loc->uri)
        return -1;
    bool pii = sec->category && strcmp(sec->category, "pii") == 0;
    enum ls_severity sev = pii ? LS_SEV_MEDIUM : LS_SEV_HIGH;
    size_t ri = rule_index(w, sec->rule, sec->category, NULL, sev);
    char fp[65];
    const char *parts[] = {sec->rule, sec->fingerprint, loc->uri, loc->logical};
    sha256_parts(parts, 4, fp);
    char count[LS_FMT_NUM], text[512];
    snprintf(text, sizeof text, "%s %s (%s) found %s time%s; rotate it and remove it from %s.",
             pii ? "Personal data" : "Secret", sec->redacted, sec->rule, ls_fmt_thousands(sec->count, count),
             sec->count == 1 ? "" : "s", loc->logical ? "this table" : "this file");
    /* The exact-value fingerprint (sha256 of the secret) identifies the same credential in other
     * places; it is already what the JSON records publish, and is not reversible. */
    json_t *res =
        json_pack("{s:o, s:I, s:s, s:{s:o}, s:[o], s:{s:s}, s:{s:o}, s:{s:o, s:o, s:I, s:o}}", "ruleId",
                  jstr(sec->rule), "ruleIndex", (json_int_t)ri, "level", level_of(sev), "message", "text", jstr(text),
                  "locations", location(loc), "partialFingerprints", "leakscanResult/v1", fp, "fingerprints",
                  "secretSha256/v1", jstr(sec->fingerprint), "properties", "redacted", jstr(sec->redacted), "category",
                  jstr(sec->category), "count", (json_int_t)sec->count, "column", jstr(sec->column));
    return add_result(w, res);
}

/* A finding about a place as a whole (a service, a host): rule `id` of `tag`, fingerprinted by id and uri. */
static int add_finding(struct ls_sarif *w, const char *id, const char *tag, const char *title, enum ls_severity sev,
                       const char *text, const char *uri)
{
    size_t ri = rule_index(w, id, tag, title, sev);
    char fp[65];
    const char *parts[] = {id, uri};
    sha256_parts(parts, 2, fp);
    struct ls_secret_location loc = {.uri = uri};
    json_t *res = json_pack("{s:o, s:I, s:s, s:{s:o}, s:[o], s:{s:s}}", "ruleId", jstr(id), "ruleIndex", (json_int_t)ri,
                            "level", level_of(sev), "message", "text", jstr(text), "locations", location(&loc),
                            "partialFingerprints", "leakscanResult/v1", fp);
    return add_result(w, res);
}

int ls_sarif_add_risk(struct ls_sarif *w, const struct ls_risk *risk, const char *uri)
{
    if (!w || !risk || !uri)
        return -1;
    char text[1024];
    snprintf(text, sizeof text, "%s: %s", risk->title ? risk->title : risk->id, risk->evidence ? risk->evidence : "");
    return add_finding(w, risk->id, "misconfiguration", risk->title, risk->severity, text, uri);
}

int ls_sarif_add_config(struct ls_sarif *w, const struct ls_config_finding *f)
{
    if (!w || !f || !f->path || !f->rule)
        return -1;
    char *uri = ls_sarif_uri(f->path);
    if (!uri)
        return -1;
    size_t ri = rule_index(w, f->rule, "misconfiguration", f->title, f->severity);
    json_t *rule = json_array_get(w->rules, ri);
    if (rule && !json_object_get(rule, "help") && f->remediation)
        json_object_set_new(rule, "help", json_pack("{s:o}", "text", jstr(f->remediation)));
    char fp[65];
    const char *parts[] = {f->rule, uri, f->evidence};
    sha256_parts(parts, 3, fp);
    struct ls_buf text = {0};
    ls_buf_printf(&text, "%s: %s. Fix: %s", f->title ? f->title : f->rule, f->evidence ? f->evidence : "",
                  f->remediation ? f->remediation : "");
    struct ls_secret_location loc = {.uri = uri, .line = f->line, .column = f->column};
    json_t *res = text.oom ? NULL
                           : json_pack("{s:o, s:I, s:s, s:{s:o}, s:[o], s:{s:s}, s:{s:s, s:s}}", "ruleId",
                                       jstr(f->rule), "ruleIndex", (json_int_t)ri, "level", level_of(f->severity),
                                       "message", "text", jstr(text.p), "locations", location(&loc),
                                       "partialFingerprints", "leakscanResult/v1", fp, "properties", "engine",
                                       f->engine ? f->engine : "unknown", "severity", ls_severity_name(f->severity));
    ls_buf_free(&text);
    free(uri);
    return add_result(w, res);
}

int ls_sarif_close(struct ls_sarif *w)
{
    if (!w)
        return 0;
    json_t *inv = json_pack("{s:b}", "executionSuccessful", 1);
    json_t *notes = json_array();
    char text[200];
    if (notes && w->dropped) {
        snprintf(text, sizeof text, "%zu more results were left out: GitHub code scanning accepts at most %d per run",
                 w->dropped, LS_SARIF_MAX_RESULTS);
        json_array_append_new(notes, json_pack("{s:{s:s}, s:s}", "message", "text", text, "level", "warning"));
    }
    if (notes && w->hosts_omitted) {
        snprintf(text, sizeof text, "%llu more likely honeypots or tarpits were flagged but not listed",
                 (unsigned long long)w->hosts_omitted);
        json_array_append_new(notes, json_pack("{s:{s:s}, s:s}", "message", "text", text, "level", "warning"));
    }
    if (inv && notes && json_array_size(notes))
        json_object_set(inv, "toolExecutionNotifications", notes);
    json_decref(notes);
    json_t *doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:O}}, s:[o], s:O, s:s}]}", "$schema",
                            "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
                            "driver", "name", "leakscan", "version", LS_VERSION, "semanticVersion", LS_VERSION, "rules",
                            w->rules, "invocations", inv, "results", w->results, "columnKind", "unicodeCodePoints");
    int rc = w->failed || !doc ? -1 : 0;
    if (doc && (json_dumpf(doc, w->out, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', w->out) == EOF))
        rc = -1;
    json_decref(doc);
    json_decref(w->rules);
    json_decref(w->results);
    free(w);
    return rc;
}

/* ---- the scan report in SARIF: every table secret and every risk of every service ---- */

/* "scheme://ip" or "scheme://[v6]", with ":port" when port is not 0 (ip at most 64 bytes used). */
static void host_uri(char *out, size_t n, const char *scheme, const char *ip, unsigned port)
{
    bool v6 = strchr(ip, ':') != NULL;
    int k = snprintf(out, n, "%s://%s%.64s%s", scheme, v6 ? "[" : "", ip, v6 ? "]" : "");
    if (port && k > 0 && (size_t)k < n)
        snprintf(out + k, n - (size_t)k, ":%u", port);
}

static int sarif_service(struct ls_report *r, const struct ls_service *s)
{
    if (!r->state && !(r->state = ls_sarif_new(r->out)))
        return -1;
    struct ls_sarif *w = r->state;
    char base[256];
    host_uri(base, sizeof base, s->engine ? s->engine : "db", s->ip, s->port);
    for (size_t i = 0; i < s->nrisks; i++)
        if (ls_sarif_add_risk(w, &s->risks[i], base))
            return -1;
    for (size_t i = 0; i < s->ntables; i++) {
        const struct ls_table *t = &s->tables[i];
        /* uri: engine://ip:port/database/table with the names percent-encoded */
        struct ls_buf u = {0}, lg = {0};
        ls_buf_puts(&u, base);
        const char *names[] = {t->database ? t->database : "", t->name ? t->name : ""};
        for (int k = 0; k < 2; k++) {
            ls_buf_puts(&u, "/");
            for (const unsigned char *p = (const unsigned char *)names[k]; *p; p++) {
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    strchr("-._~", *p))
                    ls_buf_add(&u, (const char *)p, 1);
                else
                    ls_buf_printf(&u, "%%%02X", *p);
            }
        }
        ls_buf_printf(&lg, "%s.%s", names[0], names[1]);
        int rc = u.oom || lg.oom ? -1 : 0;
        for (size_t k = 0; !rc && k < t->nsecrets; k++) {
            struct ls_secret_location loc = {.uri = u.p, .logical = lg.p};
            rc = ls_sarif_add_secret(w, &t->secrets[k], &loc);
        }
        ls_buf_free(&u);
        ls_buf_free(&lg);
        if (rc)
            return -1;
    }
    return 0;
}

/* One "likely-honeypot" result per suspect host, located at host://ip (a warning: its findings may be
 * bait). They qualify every other result, so they are never the ones left out at the results cap:
 * room is made by leaving out the last findings instead. */
static int sarif_summary(struct ls_report *r, const struct ls_scan_summary *sum)
{
    if (!r->state && !(r->state = ls_sarif_new(r->out)))
        return -1;
    struct ls_sarif *w = r->state;
    w->hosts_omitted = sum->suspects_omitted;
    size_t room = LS_SARIF_MAX_RESULTS - json_array_size(w->results);
    for (size_t k = sum->nsuspects > room ? sum->nsuspects - room : 0; k > 0 && json_array_size(w->results); k--) {
        json_array_remove(w->results, json_array_size(w->results) - 1);
        w->dropped++;
    }
    for (size_t i = 0; i < sum->nsuspects; i++) {
        const struct ls_suspect_host *h = &sum->suspects[i];
        char ip[sizeof h->ip + 1], uri[sizeof h->ip + 16], what[1024], text[1200];
        snprintf(ip, sizeof ip, "%.*s", (int)strnlen(h->ip, sizeof h->ip), h->ip);
        host_uri(uri, sizeof uri, "host", ip, 0);
        snprintf(text, sizeof text, "%s is %s.", ip, ls_suspect_describe(h, what, sizeof what));
        if (add_finding(r->state, LS_SARIF_HONEYPOT_RULE, "honeypot", "Likely honeypot or tarpit", LS_SEV_MEDIUM, text,
                        uri))
            return -1;
    }
    return 0;
}

static int sarif_finish(struct ls_report *r)
{
    if (!r->state && !(r->state = ls_sarif_new(r->out)))
        return -1;
    int rc = ls_sarif_close(r->state);
    r->state = NULL;
    return rc;
}

const struct ls_report_ops ls_report_ops_sarif = {sarif_service, sarif_summary, sarif_finish};

char *ls_sarif_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    char *u = malloc(3 * strlen(path) + 1), *o = u;
    if (!u)
        return NULL;
    for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("-._~/", *c)) {
            *o++ = (char)*c;
        } else {
            *o++ = '%';
            *o++ = hex[*c >> 4];
            *o++ = hex[*c & 15];
        }
    }
    *o = '\0';
    return u;
}
