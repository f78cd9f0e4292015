/* Output of `leakscan audit`: configuration findings (model/config_finding.h) and the secrets found
 * in the audited files (model/file_secret.h) in text, jsonl, json, sarif, markdown or html. The
 * records are the model's (ls_json_config_finding, ls_jsonl_file_secret), SARIF results come from
 * sarif.c, so a finding reads the same in every format and in `secrets`. */
#ifndef LS_REPORT_AUDIT_OUT_H
#define LS_REPORT_AUDIT_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/config_finding.h"
#include "model/file_secret.h"
#include "report/report.h"

struct ls_audit_totals {
    uint64_t files, configs, findings, secrets, skipped, errors, duration_ms;
    enum ls_severity worst; /* of findings and secrets (a secret counts as high) */
};

struct ls_audit_out;
/* NULL when out of memory or for a format audit does not write. */
struct ls_audit_out *ls_audit_out_new(enum ls_format f, FILE *out, bool show_secrets, bool color);
/* Write (text, jsonl, markdown) or collect (json, sarif, html) one record. Return 0 or -1. */
int ls_audit_out_finding(struct ls_audit_out *w, const struct ls_config_finding *f);
int ls_audit_out_secret(struct ls_audit_out *w, const struct ls_file_secret *fs);
/* The notes (files skipped and why), the totals and the trailer; flushes and frees w. jsonl: one
 * {"type":"note","path","message"} per note (note lines are "PATH: message") and the summary
 * {"type":"summary","files","configs","findings","secrets","skipped","errors","duration_ms"}.
 * Returns -1 if any write failed. */
int ls_audit_out_close(struct ls_audit_out *w, const struct ls_audit_totals *t, char *const *notes, size_t nnotes);

#endif
