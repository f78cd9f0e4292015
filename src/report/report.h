/* The output layer: one report writer per output stream, in text, JSON Lines or JSON, over the finding model. */
#ifndef LS_REPORT_REPORT_H
#define LS_REPORT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "report/model.h"

enum ls_format { LS_FORMAT_TEXT, LS_FORMAT_JSONL, LS_FORMAT_JSON };

/* "text", "jsonl" or "json" (case-insensitive) -> enum ls_format; -1 if unknown or NULL. */
int ls_format_parse(const char *s);
/* The canonical name of a format ("text", "jsonl", "json"). */
const char *ls_format_name(enum ls_format f);

struct ls_report_opts {
    bool color;        /* text: ANSI colours (the CLI decides: TTY, --no-color, NO_COLOR) */
    bool show_secrets; /* print raw secret values where the model kept them (ls_secret.raw) */
    bool quiet;        /* text: one headline per service plus the summary; machine formats ignore it */
};

struct ls_report;

/* A writer for `out`, which stays the caller's (ls_report_close never fcloses it). `o` may be NULL
 * (all options off). Returns NULL on an unknown format or when out of memory. */
struct ls_report *ls_report_new(enum ls_format f, FILE *out, const struct ls_report_opts *o);
/* Reports one service, as soon as it finished; jsonl/text write it (and flush) at once, json
 * writes the service record and keeps its secret records for the trailer. Returns -1 on a write
 * or allocation error, or when called after ls_report_summary (the summary is always last). */
int ls_report_service(struct ls_report *r, const struct ls_service *s);
/* Reports the scan totals, at most once. Returns -1 on error or when called a second time. */
int ls_report_summary(struct ls_report *r, const struct ls_scan_summary *sum);
/* Writes the trailer (json: the secrets, the summary and the closing brace), flushes and frees the
 * writer. Returns -1 if any write failed along the way (disk full, closed pipe), else 0. NULL is
 * a no-op returning 0. */
int ls_report_close(struct ls_report *r);

/* The JSON records, shared by the jsonl and json writers and reusable by other producers
 * (`leakscan secrets`, history). Each returns a new reference, NULL when out of memory. Every
 * string is valid UTF-8: ill-formed bytes from a hostile server become U+FFFD.
 *
 * Service record: the DESIGN contract fields, in contract order, plus these additions (each
 * present only when set in the model):
 *   "display_name"        string, after "version"  the server's configured name (leaked)
 *   "timezone"            string, after it         the server's time zone
 *   "auth_evidence"       string, after "auth"     what the server said, e.g. "Code: 194 …"
 *   "inventory_truncated" true, after "tables"     a cap was hit; more tables exist than listed
 *   "error"               string, last             why a step ended in `unknown`
 * and per table: "engine" (string or null) after "name", "rows" null when the count is unknown,
 * "error" (string, last) when sampling the table failed. "privileges" is not emitted yet (the model
 * has no field for it). "version" is null when unknown. */
struct json_t;
struct json_t *ls_json_service(const struct ls_service *s);
/* Secret record for one secret of table t of service s; "value" only when show_secrets and the
 * model kept the raw value. */
struct json_t *ls_json_secret(const struct ls_service *s, const struct ls_table *t, const struct ls_secret *sec,
                              bool show_secrets);
struct json_t *ls_json_summary(const struct ls_scan_summary *sum);
/* Secret record of `leakscan secrets`: type, path, line, column, rule, category, fingerprint,
 * redacted, count (+ value with show_secrets when kept). */
struct ls_file_secret;
struct json_t *ls_json_file_secret(const struct ls_file_secret *fs, bool show_secrets);

#ifdef LS_REPORT_INTERNAL
/* Writer plumbing shared by the .c files of src/report only: one vtable per format behind one struct. */
struct ls_report_ops {
    /* Each returns 0 or -1 (allocation failure; write errors are latched in r->failed). */
    int (*service)(struct ls_report *r, const struct ls_service *s);
    int (*summary)(struct ls_report *r, const struct ls_scan_summary *sum);
    int (*finish)(struct ls_report *r); /* trailer; frees r->state */
};

struct ls_report {
    const struct ls_report_ops *ops;
    FILE *out;
    struct ls_report_opts opts;
    enum ls_format format;
    bool failed;                 /* a write failed; ls_report_close returns -1 */
    bool summary_done;
    bool any_service;
    enum ls_severity worst;      /* highest severity among the services reported so far */
    void *state;                 /* the format's own state */
};

extern const struct ls_report_ops ls_report_ops_text;
extern const struct ls_report_ops ls_report_ops_jsonl;
extern const struct ls_report_ops ls_report_ops_json;

/* Writes n bytes to r->out, latching a failure in r->failed. Returns 0 or -1. */
int ls_report_write(struct ls_report *r, const char *p, size_t n);
#endif

#endif
