/* libFuzzer harness for batched screening (tablescan.c): the input is split into cells at 0x1f
 * bytes, the cells are joined with '\n' as a batch is, and every cell in which ls_detect_scan
 * alone finds a match must have a prefilter hit (ls_detect_prefilter over the batch) ending
 * inside it. That is the premise that lets cells without hits go unscanned. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

#define MAXCELLS 512

static struct ls_detector *det;
static struct ls_detect_scratch *scr;

struct cells {
    size_t off[MAXCELLS], len[MAXCELLS], n;
    bool hit[MAXCELLS];
};

static void on_hit(void *ud, size_t end)
{
    struct cells *c = ud;
    if (end == 0)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (end - 1 >= c->off[i] && end - 1 < c->off[i] + c->len[i])
            c->hit[i] = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!det) {
        char err[256];
        det = ls_detector_new(err, sizeof err);
        scr = det ? ls_detect_scratch_new(det) : NULL;
        if (!scr) {
            fprintf(stderr, "detector: %s\n", err);
            abort();
        }
    }
    static struct cells c;
    char *batch = malloc(size + 1);
    if (!batch)
        return 0;
    memset(&c, 0, sizeof c);
    size_t o = 0, start = 0;
    for (size_t i = 0; i <= size && c.n < MAXCELLS; i++) {
        if (i < size && data[i] != 0x1f)
            continue;
        c.off[c.n] = o;
        c.len[c.n] = i - start;
        memcpy(batch + o, data + start, i - start);
        o += i - start;
        batch[o++] = '\n';
        c.n++;
        start = i + 1;
    }
    ls_detect_prefilter(det, scr, batch, o, on_hit, &c);
    for (size_t i = 0; i < c.n; i++)
        if (c.len[i] && !c.hit[i] && ls_detect_scan(det, scr, batch + c.off[i], c.len[i], NULL, NULL) != 0) {
            fprintf(stderr, "cell %zu (%zu bytes) has a match but no prefilter hit\n", i, c.len[i]);
            abort();
        }
    free(batch);
    return 0;
}
