/* ClickHouse TabSeparated output, decoded as it streams in: a push parser that splits rows on
 * '\n' and cells on '\t', and undoes TSV escaping (\t \n \r \\ \' \0 \b \f \xHH …) so the
 * detectors see and fingerprint the real bytes. A row longer than the parser's cap is reported
 * as an error instead of growing memory. */
#ifndef LS_ENGINES_CH_TSV_H
#define LS_ENGINES_CH_TSV_H

#include <stddef.h>

#define CH_TSV_MAX_ROW (8u << 20)
#define CH_TSV_MAX_CELLS 4096

struct ch_tsv;

/* Called once per complete row; cells[i] are decoded, NUL-terminated, valid only during the call. */
typedef void (*ch_tsv_row_cb)(void *ud, char **cells, const size_t *lens, size_t ncells);

struct ch_tsv *ch_tsv_new(size_t max_row, ch_tsv_row_cb cb, void *ud);
/* Feeds bytes; returns 0, or -1 when a row exceeded max_row or had too many cells. */
int ch_tsv_feed(struct ch_tsv *p, const char *data, size_t len);
/* Flushes a final row that had no trailing newline. Returns 0 or -1. */
int ch_tsv_finish(struct ch_tsv *p);
size_t ch_tsv_rows(const struct ch_tsv *p);
void ch_tsv_free(struct ch_tsv *p);

/* Decodes one escaped TSV cell in place; returns the new length. */
size_t ch_tsv_unescape(char *s, size_t len);

#endif
