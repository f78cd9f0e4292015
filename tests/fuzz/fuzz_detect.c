/* libFuzzer harness: the detector over arbitrary bytes (match bounds and order checked, every value
 * decoded, fingerprinted and redacted), and the same bytes as tab/newline-separated table cells. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/redact.h"
#include "detect/tablescan.h"
#include "detect/value.h"

static struct ls_detector *det;
static struct ls_detect_scratch *scr;

struct state {
    size_t last_start, len;
    char *tmp;
};

static void on_match(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    struct state *st = ud;
    if (m->start >= m->end || m->end > len || m->start < st->last_start || !m->rule || !m->rule->id)
        abort();
    st->last_start = m->start;
    size_t n = ls_match_value(buf, m, st->tmp);
    if (n > m->end - m->start)
        abort();
    char fp[72], red[64];
    ls_fingerprint(st->tmp, n, fp);
    ls_redact(st->tmp, n, red, sizeof red);
    if (strlen(fp) != 71 || strlen(red) >= sizeof red)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!det) {
        char err[256];
        det = ls_detector_new(err, sizeof err);
        scr = det ? ls_detect_scratch_new(det) : NULL;
        if (!scr) {
            fprintf(stderr, "fuzz_detect: %s\n", err);
            abort();
        }
    }
    const char *buf = (const char *)data;
    struct state st = {0, size, malloc(size ? size : 1)};
    if (!st.tmp)
        return 0;
    ls_detect_scan(det, scr, buf, size, on_match, &st);
    free(st.tmp);

    struct ls_tablescan *ts = ls_tablescan_new(det, size % 2 == 0);
    if (!ts)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || buf[i] == '\t' || buf[i] == '\n') {
            ls_tablescan_cell(ts, i % 3 ? "col" : NULL, buf + start, i - start);
            if (i == size || buf[i] == '\n')
                ls_tablescan_row_end(ts);
            start = i + 1;
        }
    }
    struct ls_table t = {0};
    ls_tablescan_finish(ts, &t);
    for (size_t i = 0; i < t.nsecrets; i++)
        if (strncmp(t.secrets[i].fingerprint, "sha256:", 7) != 0)
            abort();
    ls_tablescan_free(ts);
    ls_table_free(&t);
    return 0;
}
