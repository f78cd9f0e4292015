/* InfluxDB 1.x HTTP API answers, read from their parsed JSON (jansson) without trusting their
 * shape: {"results":[{"statement_id":N,"series":[{"name","columns":[…],"values":[[…]…]}],
 * "error":"…"}],"error":"…"} — the one answer format of GET /query for every statement
 * (InfluxDB 1.x docs, "Querying data with the HTTP API"). Every accessor checks types and bounds
 * and returns NULL / 0 / false for anything unexpected; nothing here allocates except where said.
 * Pure functions over json_t and the /ping headers, fuzzed by tests/fuzz/fuzz_influx.c. */
#ifndef LS_ENGINES_INFLUX_PARSE_H
#define LS_ENGINES_INFLUX_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/http_parse.h"

#define IFX_MAX_CELL 65536 /* bytes of one cell's text handed on */

/* /ping: InfluxDB 1.x answers 204 No Content with X-Influxdb-Version (and, since 1.3,
 * X-Influxdb-Build: OSS or ENT). True only with the version header present and non-empty;
 * version and build (may be "") copied into out buffers, control bytes replaced. */
bool ifx_ping_is_influx(int status, const struct ls_http_response *r, char *version, size_t vn, char *build, size_t bn);

/* The error text of an answer: the top-level "error" (authentication, bad query), else 2.x's
 * "message", else NULL. Borrowed from root. */
const char *ifx_top_error(const json_t *root);

/* The `stmt`-th element of "results", or NULL. Its "error" (a failed statement) via
 * ifx_result_error. */
const json_t *ifx_result(const json_t *root, size_t stmt);
const char *ifx_result_error(const json_t *result);
/* How many series a result has, and the i-th (NULL if absent or not an object). */
size_t ifx_nseries(const json_t *result);
const json_t *ifx_series(const json_t *result, size_t i);
/* A series' "name" ("" if absent), its number of columns and rows, and the index of the column
 * named `name` (-1 if absent). */
const char *ifx_series_name(const json_t *series);
size_t ifx_ncolumns(const json_t *series);
const char *ifx_column(const json_t *series, size_t i); /* NULL if not a string */
size_t ifx_nrows(const json_t *series);
int ifx_column_index(const json_t *series, const char *name);
/* The cell at row r, column c, or NULL. */
const json_t *ifx_cell(const json_t *series, size_t r, size_t c);
/* The cell as text into out (cut to n-1 bytes, NUL-terminated): strings as they are, integers in
 * decimal, reals in %.17g, true/false, arrays as their items joined by ", ", null as "".
 * Returns the text's length. */
size_t ifx_cell_text(const json_t *cell, char *out, size_t n);
/* The cell as a string if it is one (borrowed), else NULL. */
const char *ifx_cell_str(const json_t *series, size_t r, size_t c);

/* SELECT COUNT(*) FROM m: one series, columns time, count_<field>…, one row of integers. The most
 * points any one field has into *points, and *uneven set when the fields' counts differ (the true
 * number of points then lies between that and their sum: an estimate). A result without series
 * (an empty or vanished measurement) is 0 points. False when the answer is not a count. */
bool ifx_count_points(const json_t *result, uint64_t *points, bool *uneven);

/* The InfluxQL identifier `name` double-quoted with \" and \\ escaped into out; false if it does
 * not fit (n bytes). */
bool ifx_quote_ident(const char *name, char *out, size_t n);

/* A subscription destination without its user information: "http://user:pw@host:9092/x" →
 * "http://host:9092/x" into out; *had_userinfo says whether there was some. */
void ifx_strip_userinfo(const char *url, char *out, size_t n, bool *had_userinfo);

/* Whether a version like "1.6.7~rc0" or "1.8.10" is below major.minor.patch (missing parts count
 * as 0, the suffix after the numbers is ignored) into *below; false if v does not start with a
 * number. */
bool ifx_version_below(const char *v, long major, long minor, long patch, bool *below);

#endif
