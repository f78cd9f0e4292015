/* The output layer: one report writer per output stream, in text, JSON Lines or JSON, over the finding model. */
#ifndef LS_REPORT_REPORT_H
#define LS_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"
#include "model/model_json.h"

enum ls_format { LS_FORMAT_TEXT, LS_FORMAT_JSONL, LS_FORMAT_JSON, LS_FORMAT_HTML, LS_FORMAT_SARIF, LS_FORMAT_MARKDOWN };

/* "text", "jsonl", "json", "html", "sarif" or "markdown" (case-insensitive) -> enum ls_format; -1 if
 * unknown or NULL. html: one self-contained page written at close (html.c); sarif: SARIF 2.1.0
 * (sarif.c); markdown: sections as services finish, redacted values only (markdown.c). */
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
/* Reports the scan totals, at most once. The document formats also report sum->suspects (likely
 * honeypots; read during this call only): json as a "honeypots" array ([{"ip","engines",
 * "open_db_ports"}], plus "honeypots_omitted" when some were not kept) in its summary object, only
 * when there are any; html and markdown as a warning section; sarif as one "likely-honeypot"
 * result (level "warning") per host at host://IP. text and jsonl ignore them (the CLI writes those
 * as records of their own). Returns -1 on error or when called a second time. */
int ls_report_summary(struct ls_report *r, const struct ls_scan_summary *sum);
/* Writes the trailer (json: the secrets, the summary and the closing brace), flushes and frees the
 * writer. Returns -1 if any write failed along the way (disk full, closed pipe), else 0. NULL is
 * a no-op returning 0. */
int ls_report_close(struct ls_report *r);

/* The JSON records themselves (service, secret, summary, file secret) are the model's JSON:
 * model/model_json.h. */

/* SARIF 2.1.0 for secret findings (sarif.c), for `leakscan secrets` and `leakscan audit` (scan uses
 * it through --format sarif). Usage: w = ls_sarif_new(out); ls_sarif_add_secret(w, sec, &loc) per
 * finding (and ls_sarif_add_risk for configuration findings); ls_sarif_close(w) writes the whole
 * document (one run, tool "leakscan", each rule declared once in tool.driver.rules) and frees w.
 *  - Only sec->rule, category, column, fingerprint, redacted and count are read: never sec->raw.
 *  - Stable fingerprints: partialFingerprints["leakscanResult/v1"] = sha256(rule, secret
 *    fingerprint, uri, logical) (same finding, same place -> same value across runs) and
 *    fingerprints["secretSha256/v1"] = the secret's own "sha256:…" fingerprint.
 *  - At most LS_SARIF_MAX_RESULTS results (GitHub code scanning's per-run limit); the rest are
 *    counted in a toolExecutionNotification. Levels: secrets "error", pii "warning"; rules carry
 *    properties "security-severity" and tags for GitHub.
 * Return 0, or -1 on a bad argument, an allocation or a write error (close still frees w). */
#define LS_SARIF_MAX_RESULTS 25000
struct ls_secret_location {
    const char *uri;     /* required: a relative path ("src/app.env") or a URI
                          * ("clickhouse://10.0.0.5:8123/default/log_stream") */
    uint64_t line;       /* 1-based; 0 = none (a table): written as line 1, which GitHub requires */
    uint64_t column;     /* 1-based start column in Unicode code points; 0 = unknown */
    uint64_t end_column; /* exclusive end column; 0 = unknown */
    const char *logical; /* optional fully qualified name, e.g. "default.log_stream" */
};
struct ls_sarif;
struct ls_sarif *ls_sarif_new(FILE *out);
int ls_sarif_add_secret(struct ls_sarif *w, const struct ls_secret *sec, const struct ls_secret_location *loc);
int ls_sarif_add_risk(struct ls_sarif *w, const struct ls_risk *risk, const char *uri);
/* A configuration finding of `leakscan audit` at its file, line and column (region), so code
 * scanning annotates the exact line; the rule is declared with its title and the remediation as
 * help. Fingerprinted by rule, file and evidence (not the line: an edit above keeps it). */
struct ls_config_finding;
int ls_sarif_add_config(struct ls_sarif *w, const struct ls_config_finding *f);
int ls_sarif_close(struct ls_sarif *w);
/* Percent-encodes a file path into a relative URI reference (unreserved characters and '/' kept).
 * malloc'd; NULL when out of memory. */
char *ls_sarif_uri(const char *path);

/* History views (src/report/history_report.c), written straight to `out`: text (80 columns, colour
 * only with o->color, server strings made terminal-safe) or JSON Lines for any other format.
 *   history: one {"type":"scan","id","started_at","finished_at"(null while incomplete),"targets",
 *            "tool_version","services","exposed","probes","open_ports","duration_ms"} per scan.
 *   diff:    one {"type":"diff","change":"new|changed|resolved", host, ip, port, engine, interface,
 *            version, auth, severity, rows, tables, ["changes":{"rows"|"version"|"auth"|"severity":
 *            {"old","new"}}], "new_secrets":[…], "resolved_secrets":[…]} per service, then
 *            {"type":"diff_summary","old","new","new_services","resolved","changed","new_secrets",
 *            "alert"} ("alert" = ls_diff_has_news). Secrets carry fingerprint and redacted only.
 * Each returns 0, or -1 on a write or allocation error. */
struct ls_hist_scan;
struct ls_diff;
int ls_report_history(FILE *out, enum ls_format f, const struct ls_hist_scan *scans, size_t n,
                      const struct ls_report_opts *o);
int ls_report_diff(FILE *out, enum ls_format f, const struct ls_diff *d, const struct ls_report_opts *o);

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
    bool failed; /* a write failed; ls_report_close returns -1 */
    bool summary_done;
    bool any_service;
    bool any_unidentified;  /* text: the "open, not identified" heading was written */
    enum ls_severity worst; /* highest severity among the services reported so far */
    void *state;            /* the format's own state */
};

extern const struct ls_report_ops ls_report_ops_text;
extern const struct ls_report_ops ls_report_ops_jsonl;
extern const struct ls_report_ops ls_report_ops_json;
extern const struct ls_report_ops ls_report_ops_html;
extern const struct ls_report_ops ls_report_ops_sarif;
extern const struct ls_report_ops ls_report_ops_markdown;

/* Writes n bytes to r->out, latching a failure in r->failed. Returns 0 or -1. */
int ls_report_write(struct ls_report *r, const char *p, size_t n);
#endif

#endif
