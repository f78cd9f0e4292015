/* Output of `leakscan secrets`: text, JSON Lines or SARIF over ls_file_secret records (JSON records
 * from ls_json_file_secret, SARIF from sarif.c). One writer per output stream. */
#ifndef LS_REPORT_SECRETS_OUT_H
#define LS_REPORT_SECRETS_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/file_secret.h"

enum ls_secrets_format { LS_SFORMAT_TEXT, LS_SFORMAT_JSONL, LS_SFORMAT_SARIF };

/* "text", "jsonl", "sarif" -> enum; -1 if unknown. */
int ls_secrets_format_parse(const char *s);

struct ls_secrets_totals {
    uint64_t files, bytes, secrets, binary_skipped, errors, duration_ms;
};

struct ls_secrets_out;
/* SARIF declares every rule of the detector up front. NULL when out of memory. */
struct ls_secrets_out *ls_secrets_out_new(enum ls_secrets_format f, FILE *out, bool show_secrets, bool color);
/* One finding; written (text, jsonl) or collected (sarif). Returns 0 or -1. */
int ls_secrets_out_add(struct ls_secrets_out *w, const struct ls_file_secret *fs);
/* Flushes what was written (call after each file so pipelines see results early). */
int ls_secrets_out_flush(struct ls_secrets_out *w);
/* Totals (jsonl: a summary record `{"type":"summary","files":…,"bytes":…,"secrets":…,
 * "binary_skipped":…,"errors":…,"duration_ms":…}`; text: one line; sarif: nothing), then the
 * trailer; flushes and frees. Returns -1 if any write failed. */
int ls_secrets_out_close(struct ls_secrets_out *w, const struct ls_secrets_totals *t);

#endif
