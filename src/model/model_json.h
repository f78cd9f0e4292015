/* The JSON of the model: the service, secret, summary and file-secret records every JSON-speaking
 * part writes or stores (the jsonl and json writers, SARIF's properties, the history store), built
 * with jansson. One place, so a report and the history hold the same record. */
#ifndef LS_MODEL_MODEL_JSON_H
#define LS_MODEL_MODEL_JSON_H

#include <stdbool.h>

#include "model/file_secret.h"
#include "model/model.h"

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
 * "error" (string, last) when sampling the table failed. "privileges" (model/access.h: user,
 * capabilities, can_write, can_ddl, the engine's facts, basis) when the engine assessed it.
 * "version" is null when unknown. */
struct json_t;
struct json_t *ls_json_service(const struct ls_service *s);
/* Secret record for one secret of table t of service s; "value" only when show_secrets and the
 * model kept the raw value. */
struct json_t *ls_json_secret(const struct ls_service *s, const struct ls_table *t, const struct ls_secret *sec,
                              bool show_secrets);
struct json_t *ls_json_summary(const struct ls_scan_summary *sum);
/* The JSON document's summary also lists the likely honeypots: "honeypots" ([{"ip","engines",
 * "open_db_ports"}], the JSON Lines "honeypot" records' fields) when there are any, and
 * "honeypots_omitted" when some were not kept. 0, or -1 on allocation failure. */
int ls_json_summary_add_suspects(struct json_t *summary, const struct ls_scan_summary *sum);
/* Secret record of `leakscan secrets`: type, path, line, column, rule, category, fingerprint,
 * redacted, count (+ value with show_secrets when kept). */
struct ls_file_secret;
struct json_t *ls_json_file_secret(const struct ls_file_secret *fs, bool show_secrets);
/* The same record appended to b as one line of compact JSON (no newline), byte for byte what
 * json_dumps(ls_json_file_secret(), JSON_COMPACT) gives, without building the object. */
struct ls_buf;
void ls_jsonl_file_secret(struct ls_buf *b, const struct ls_file_secret *fs, bool show_secrets);

#endif
