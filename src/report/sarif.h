/* SARIF 2.1.0 writer (minimal, valid): one run whose tool.driver lists the rules, and one result per
 * finding with a physical location and partialFingerprints. Results are collected and the document
 * is written by ls_sarif_close. Small on purpose so richer producers (scan findings, help texts,
 * invocation data) can extend it: add rules, add results, close. Secret values never enter it: the
 * message holds the rule and the redacted form, partialFingerprints the sha256 fingerprint. */
#ifndef LS_REPORT_SARIF_H
#define LS_REPORT_SARIF_H

#include <stdint.h>
#include <stdio.h>

struct ls_sarif;
struct ls_file_secret;

struct ls_sarif_result {
    const char *rule_id;     /* must have been added with ls_sarif_add_rule */
    const char *level;       /* "error", "warning", "note" */
    const char *message;     /* plain text */
    const char *path;        /* file path (percent-encoded into a URI reference); NULL = no location */
    uint64_t line, column;   /* 1-based; 0 = unknown */
    const char *fingerprint; /* "sha256:…" -> partialFingerprints["secretSha256/v1"]; may be NULL */
};

/* A writer for `out` (which stays the caller's). NULL when out of memory. */
struct ls_sarif *ls_sarif_new(FILE *out, const char *tool_version);
/* Declares a rule (reportingDescriptor: id, shortDescription). Returns 0 or -1. */
int ls_sarif_add_rule(struct ls_sarif *s, const char *id, const char *description);
int ls_sarif_add_result(struct ls_sarif *s, const struct ls_sarif_result *r);
/* A `leakscan secrets` finding as a result (level error; message "rule: redacted (n occurrences)"). */
int ls_sarif_add_file_secret(struct ls_sarif *s, const struct ls_file_secret *fs);
/* Writes the document, flushes, frees. Returns -1 if anything failed along the way. */
int ls_sarif_close(struct ls_sarif *s);

/* Percent-encodes a path into a relative URI reference (unreserved and '/' kept). malloc'd. */
char *ls_sarif_uri(const char *path);

#endif
