/* Table content analysis: engines feed the cells of sampled (or streamed) rows; the scanner runs
 * the detector over them and, on finish, fills the table's classes (logs/chat/secrets/pii), per-rule
 * tallies and one ls_secret per distinct secret value (SHA-256 fingerprint, redacted form).
 * Memory is bounded: at most LS_TABLESCAN_MAX_DISTINCT distinct values are tracked per table. */
#ifndef LS_DETECT_TABLESCAN_H
#define LS_DETECT_TABLESCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "detect/detect.h"
#include "model/model.h"

#define LS_TABLESCAN_MAX_DISTINCT 100000

struct ls_tablescan;

/* keep_raw: keep raw secret values (only for --show-secrets). */
struct ls_tablescan *ls_tablescan_new(const struct ls_detector *d, bool keep_raw);
/* One cell's decoded bytes (not NUL-terminated), copied. `column` may be NULL; it is kept, not
 * copied, and must stay valid until ls_tablescan_finish/free: cells are scanned in batches. */
void ls_tablescan_cell(struct ls_tablescan *ts, const char *column, const char *val, size_t len);
/* Marks the end of a row (counts scanned rows). */
void ls_tablescan_row_end(struct ls_tablescan *ts);
/* Fills t->classes, t->tallies, t->secrets and t->scanned_rows (adds to what is there) and also
 * classes the table by its name and columns (e.g. `logs`). Returns 0 or -1 on allocation failure. */
int ls_tablescan_finish(struct ls_tablescan *ts, struct ls_table *t);
void ls_tablescan_free(struct ls_tablescan *ts);

#endif
