/* SARIF 2.1.0 output over jansson: rules, results with physical locations and partial
 * fingerprints. See sarif.h. */
#include "report/sarif.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/file_secret.h"
#include "report/fmt.h"

struct ls_sarif {
    FILE *out;
    json_t *doc, *rules, *results, *index; /* index: rule id -> position in rules */
    int failed;
};

static json_t *str(const char *s)
{
    if (!s)
        return json_null();
    size_t n = strlen(s);
    if (ls_utf8_valid(s, n))
        return json_stringn(s, n);
    char *c = ls_utf8_sanitize(s, n);
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

static int put(json_t *o, const char *k, json_t *v)
{
    return (!v || json_object_set_new(o, k, v) < 0) ? 1 : 0;
}

struct ls_sarif *ls_sarif_new(FILE *out, const char *tool_version)
{
    struct ls_sarif *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->out = out;
    s->rules = json_array();
    s->results = json_array();
    s->index = json_object();
    json_t *driver = json_object(), *tool = json_object(), *run = json_object(), *runs = json_array();
    s->doc = json_object();
    int err = !s->rules || !s->results || !s->index || !driver || !tool || !run || !runs || !s->doc;
    if (!err) {
        err |= put(driver, "name", json_string("leakscan"));
        err |= put(driver, "version", str(tool_version ? tool_version : "0"));
        err |= put(driver, "informationUri", json_string("https://github.com/leakscan/leakscan"));
        err |= put(driver, "rules", json_incref(s->rules));
        err |= put(tool, "driver", driver);
        driver = NULL;
        err |= put(run, "tool", tool);
        tool = NULL;
        err |= put(run, "results", json_incref(s->results));
        err |= json_array_append_new(runs, run) < 0;
        run = NULL;
        err |= put(s->doc, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
        err |= put(s->doc, "version", json_string("2.1.0"));
        err |= put(s->doc, "runs", runs);
        runs = NULL;
    }
    json_decref(driver);
    json_decref(tool);
    json_decref(run);
    json_decref(runs);
    if (err) {
        s->out = NULL;
        ls_sarif_close(s);
        return NULL;
    }
    return s;
}

int ls_sarif_add_rule(struct ls_sarif *s, const char *id, const char *description)
{
    json_t *r = json_object(), *sd = json_object();
    int err = !r || !sd;
    if (!err) {
        err |= put(r, "id", str(id));
        err |= put(sd, "text", str(description ? description : id));
        err |= put(r, "shortDescription", sd);
        sd = NULL;
        err |= put(r, "name", str(id));
        err |= put(s->index, id, json_integer((json_int_t)json_array_size(s->rules)));
        err |= json_array_append(s->rules, r) < 0;
    }
    json_decref(sd);
    json_decref(r);
    s->failed |= err;
    return err ? -1 : 0;
}

char *ls_sarif_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *u = malloc(3 * n + 1), *o = u;
    if (!u)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return u;
}

int ls_sarif_add_result(struct ls_sarif *s, const struct ls_sarif_result *r)
{
    json_t *res = json_object(), *msg = json_object();
    int err = !res || !msg;
    if (err)
        goto out;
    err |= put(res, "ruleId", str(r->rule_id));
    json_t *ix = json_object_get(s->index, r->rule_id);
    if (ix)
        err |= put(res, "ruleIndex", json_incref(ix));
    err |= put(res, "level", str(r->level ? r->level : "error"));
    err |= put(msg, "text", str(r->message ? r->message : r->rule_id));
    err |= put(res, "message", msg);
    msg = NULL;
    if (r->path) {
        char *uri = ls_sarif_uri(r->path);
        json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *locs = json_array();
        err |= !uri || !loc || !phys || !art || !locs;
        if (!err) {
            err |= put(art, "uri", str(uri));
            err |= put(phys, "artifactLocation", json_incref(art));
            if (r->line) {
                json_t *region = json_object();
                err |= !region;
                if (region) {
                    err |= put(region, "startLine", json_integer((json_int_t)r->line));
                    if (r->column)
                        err |= put(region, "startColumn", json_integer((json_int_t)r->column));
                    err |= put(phys, "region", region);
                }
            }
            err |= put(loc, "physicalLocation", json_incref(phys));
            err |= json_array_append(locs, loc) < 0;
            err |= put(res, "locations", json_incref(locs));
        }
        free(uri);
        json_decref(loc);
        json_decref(phys);
        json_decref(art);
        json_decref(locs);
    }
    if (r->fingerprint) {
        json_t *pf = json_object();
        err |= !pf;
        if (pf) {
            err |= put(pf, "secretSha256/v1", str(r->fingerprint));
            err |= put(res, "partialFingerprints", pf);
        }
    }
    if (!err)
        err |= json_array_append(s->results, res) < 0;
out:
    json_decref(msg);
    json_decref(res);
    s->failed |= err;
    return err ? -1 : 0;
}

int ls_sarif_add_file_secret(struct ls_sarif *s, const struct ls_file_secret *fs)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s (%s): %s, %llu occurrence%s", fs->sec.rule, fs->sec.category, fs->sec.redacted,
             (unsigned long long)fs->sec.count, fs->sec.count == 1 ? "" : "s");
    struct ls_sarif_result r = {
        .rule_id = fs->sec.rule,
        .level = strcmp(fs->sec.category, "secret") == 0 ? "error" : "warning",
        .message = msg,
        .path = strcmp(fs->path, "-") == 0 ? "stdin" : fs->path,
        .line = fs->line,
        .column = fs->column,
        .fingerprint = fs->sec.fingerprint,
    };
    return ls_sarif_add_result(s, &r);
}

int ls_sarif_close(struct ls_sarif *s)
{
    if (!s)
        return 0;
    int rc = s->failed ? -1 : 0;
    if (s->out && s->doc) {
        if (json_dumpf(s->doc, s->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', s->out) == EOF ||
            fflush(s->out) != 0)
            rc = -1;
    }
    json_decref(s->doc);
    json_decref(s->rules);
    json_decref(s->results);
    json_decref(s->index);
    free(s);
    return rc;
}
