/* Fixtures shared by the output-layer unit tests (test_report.c, test_report_text.c): model
 * builders (the lab's exposed ClickHouse as a service), a writer run into memory, and JSON Lines
 * parsing and assertions. */
#ifndef LS_TESTS_REPORT_FIXTURES_H
#define LS_TESTS_REPORT_FIXTURES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <cmocka.h>

#include "model/model.h"
#include "report/report.h"
#include "util/fmt.h"

#define RAW_SECRET "ghp_R4wS3cretValue0123456789abcdefABCD3Xk"
#define HEADLINE                                                                                                       \
    "127.77.3.14:8123  ClickHouse 18.16.1  NO PASSWORD  3 tables, 1,102,000 rows, chat logs and API keys exposed"

/* ---- fixtures ---- */

__attribute__((unused)) static struct ls_table *add_table(struct ls_service *s, const char *db, const char *name,
                                                          const char *engine, uint64_t rows, uint64_t bytes,
                                                          unsigned classes)
{
    struct ls_table *t = ls_service_add_table(s);
    assert_non_null(t);
    t->database = strdup(db);
    t->name = strdup(name);
    t->storage = strdup(engine);
    t->rows = rows;
    t->rows_known = true;
    t->bytes = bytes;
    t->classes = classes;
    return t;
}

__attribute__((unused)) static void add_column(struct ls_table *t, const char *name, const char *type)
{
    t->columns = realloc(t->columns, (t->ncolumns + 1) * sizeof *t->columns);
    assert_non_null(t->columns);
    t->columns[t->ncolumns].name = strdup(name);
    t->columns[t->ncolumns].type = strdup(type);
    t->ncolumns++;
}

__attribute__((unused)) static void add_tally(struct ls_table *t, const char *rule, const char *cat, uint64_t count,
                                              uint64_t distinct)
{
    t->tallies = realloc(t->tallies, (t->ntallies + 1) * sizeof *t->tallies);
    assert_non_null(t->tallies);
    t->tallies[t->ntallies++] = (struct ls_rule_tally){rule, cat, count, distinct};
}

__attribute__((unused)) static struct ls_secret *add_secret(struct ls_table *t, const char *rule, const char *column,
                                                            const char *redacted, const char *raw, uint64_t count)
{
    t->secrets = realloc(t->secrets, (t->nsecrets + 1) * sizeof *t->secrets);
    assert_non_null(t->secrets);
    struct ls_secret *sec = &t->secrets[t->nsecrets++];
    memset(sec, 0, sizeof *sec);
    sec->rule = rule;
    sec->category = "secret";
    sec->column = column ? strdup(column) : NULL;
    snprintf(sec->fingerprint, sizeof sec->fingerprint, "sha256:%064x", (unsigned)t->nsecrets);
    snprintf(sec->redacted, sizeof sec->redacted, "%s", redacted);
    sec->raw = raw ? strdup(raw) : NULL;
    sec->count = count;
    return sec;
}

/* A service with no tables yet; host "" leaves only the address. */
__attribute__((unused)) static void basic_service(struct ls_service *s, const char *host, const char *ip, uint16_t port,
                                                  const char *engine, enum ls_auth auth, enum ls_severity sev)
{
    memset(s, 0, sizeof *s);
    snprintf(s->host, sizeof s->host, "%s", host);
    snprintf(s->ip, sizeof s->ip, "%s", ip);
    s->port = port;
    s->engine = engine;
    s->auth = auth;
    s->severity = sev;
}

/* The exposed ClickHouse of the lab: 2 databases, 3 tables, 1,102,000 rows, one planted token. */
__attribute__((unused)) static void example_service(struct ls_service *s)
{
    basic_service(s, "127.77.3.14", "127.77.3.14", 8123, "clickhouse", LS_AUTH_NONE, LS_SEV_CRITICAL);
    s->interface = "http";
    strcpy(s->version, "18.16.1");
    strcpy(s->display_name, "ch-lab");
    strcpy(s->timezone, "UTC");
    s->ndatabases = 2;

    struct ls_table *t = add_table(s, "default", "log_stream", "MergeTree", 1100000, 66871345,
                                   LS_CLASS_LOGS | LS_CLASS_CHAT | LS_CLASS_SECRETS);
    add_column(t, "span_name", "String");
    add_column(t, "message", "String");
    t->scanned_rows = 1000;
    add_tally(t, "aws-access-key-id", "secret", 1, 1);
    add_tally(t, "github-classic-pat", "secret", 3, 2);
    add_secret(t, "github-classic-pat", "message", "ghp_…3Xk", RAW_SECRET, 4);

    t = add_table(s, "default", "query_log", "MergeTree", 1500, 100000, LS_CLASS_LOGS);
    add_column(t, "query", "String");
    t = add_table(s, "analytics", "settings", "Memory", 500, 8290, 0);
    add_column(t, "name", "String");
    add_column(t, "value", "Nullable(String)");

    assert_int_equal(ls_service_add_risk(s, "CH-NOAUTH", LS_SEV_CRITICAL,
                                         "The default user answers queries without a password",
                                         "SELECT version() over http://127.77.3.14:8123/ returned 18.16.1 "
                                         "without credentials"),
                     0);
    assert_int_equal(
        ls_service_add_remediation(s, "Set a password (or password_sha256_hex) for the default user in users.xml and "
                                      "restrict <networks> to the hosts that need access; then restart the server."),
        0);
    assert_int_equal(ls_service_add_remediation(s, "Rotate every credential found in log_stream."), 0);
}

static const struct ls_scan_summary example_sum = {
    .targets = 3, .probes = 24, .open_ports = 6, .services = 5, .exposed = 2, .duration_ms = 1234};

/* Runs one writer over `n` services and the summary; returns the whole byte stream (malloc'd). */
__attribute__((unused)) static char *render(enum ls_format f, const struct ls_report_opts *o,
                                            const struct ls_service *svcs, size_t n, const struct ls_scan_summary *sum,
                                            size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    struct ls_report *r = ls_report_new(f, out, o);
    assert_non_null(r);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ls_report_service(r, &svcs[i]), 0);
    if (sum)
        assert_int_equal(ls_report_summary(r, sum), 0);
    assert_int_equal(ls_report_close(r), 0);
    assert_int_equal(fclose(out), 0);
    if (len)
        *len = size;
    return buf;
}

/* Splits jsonl output into parsed records; every line must be one compact JSON object. */
__attribute__((unused)) static size_t parse_lines(const char *buf, json_t **recs, size_t max)
{
    size_t n = 0;
    const char *p = buf;
    while (*p) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl); /* every record ends with a newline */
        json_error_t err;
        assert_true(n < max);
        recs[n] = json_loadb(p, (size_t)(nl - p), 0, &err);
        if (!recs[n])
            fail_msg("line %zu is not JSON: %s", n + 1, err.text);
        assert_true(json_is_object(recs[n]));
        n++;
        p = nl + 1;
    }
    return n;
}

__attribute__((unused)) static void free_recs(json_t **recs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(recs[i]);
}

__attribute__((unused)) static void assert_keys(json_t *o, const char *const *keys)
{
    size_t i = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), i++) {
        assert_non_null(keys[i]);
        assert_string_equal(json_object_iter_key(it), keys[i]);
    }
    assert_null(keys[i]);
}

__attribute__((unused)) static void assert_str(json_t *o, const char *key, const char *want)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    assert_string_equal(json_string_value(v), want);
}

__attribute__((unused)) static void assert_int(json_t *o, const char *key, json_int_t want)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    assert_int_equal(json_integer_value(v), want);
}

#endif
