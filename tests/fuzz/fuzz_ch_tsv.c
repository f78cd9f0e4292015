/* libFuzzer harness for the TSV decoder: random chunk splits must match one-shot and a reference split. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/clickhouse/ch_tsv.h"

#define CHECK(x)                                                                                                       \
    do {                                                                                                               \
        if (!(x)) {                                                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x);                                      \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

struct digest {
    uint64_t h;
    size_t rows;
};

static void mix(struct digest *d, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        d->h = (d->h ^ b[i]) * 1099511628211ull;
}

static void digest_row(struct digest *d, char **cells, const size_t *lens, size_t ncells)
{
    mix(d, &ncells, sizeof ncells);
    for (size_t i = 0; i < ncells; i++) {
        mix(d, &lens[i], sizeof lens[i]);
        mix(d, cells[i], lens[i]);
    }
    d->rows++;
}

static void on_row(void *ud, char **cells, const size_t *lens, size_t ncells)
{
    CHECK(ncells >= 1 && ncells <= CH_TSV_MAX_CELLS);
    for (size_t i = 0; i < ncells; i++)
        CHECK(cells[i][lens[i]] == '\0');
    digest_row(ud, cells, lens, ncells);
}

/* Feeds data in chunks chosen by seed (0 = all at once, 1 = byte by byte); returns feed|finish rc. */
static int run(const uint8_t *data, size_t size, size_t max_row, uint32_t seed, struct digest *d)
{
    d->h = 1469598103934665603ull;
    d->rows = 0;
    struct ch_tsv *p = ch_tsv_new(max_row, on_row, d);
    if (!p)
        abort();
    int rc = 0;
    size_t off = 0;
    uint32_t x = seed | 1;
    while (off < size && rc == 0) {
        size_t n = size - off;
        if (seed == 1) {
            n = 1;
        } else if (seed != 0) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            size_t k = x % 16 == 0 ? x % 257 : x % 7; /* mostly tiny chunks, some empty */
            if (k < n)
                n = k;
        }
        rc = ch_tsv_feed(p, (const char *)data + off, n);
        off += n;
    }
    if (rc == 0)
        rc = ch_tsv_finish(p);
    else
        CHECK(ch_tsv_finish(p) == -1);
    CHECK(ch_tsv_rows(p) == d->rows);
    ch_tsv_free(p);
    return rc;
}

/* Independent reference: split raw rows/cells (a backslash escapes the next byte), then unescape. */
static int reference(const uint8_t *data, size_t size, size_t max_row, struct digest *d)
{
    d->h = 1469598103934665603ull;
    d->rows = 0;
    if (max_row == 0)
        max_row = CH_TSV_MAX_ROW;
    size_t row = 0;
    size_t *starts = malloc((size + 2) * sizeof *starts), ncells = 0;
    char **cells = malloc((size + 2) * sizeof *cells);
    size_t *lens = malloc((size + 2) * sizeof *lens);
    char *copy = malloc(size + 1);
    int rc = 0, esc = 0;
    starts[0] = 0;
    ncells = 1;
    for (size_t i = 0; i <= size; i++) {
        int at_end = i == size;
        unsigned char c = at_end ? 0 : data[i];
        if (!at_end && esc) {
            esc = 0;
            continue;
        }
        if (!at_end && c == '\\') {
            esc = 1;
            continue;
        }
        if (!at_end && c == '\t') {
            starts[ncells++] = i + 1;
            continue;
        }
        if (at_end && row == size)
            break; /* nothing pending */
        if (at_end || c == '\n') {
            if (i - row > max_row || ncells > CH_TSV_MAX_CELLS) {
                rc = -1;
                break;
            }
            memcpy(copy, data + row, i - row);
            for (size_t k = 0; k < ncells; k++) {
                size_t b = starts[k] - row;
                size_t e = (k + 1 < ncells ? starts[k + 1] - 1 : i) - row;
                cells[k] = copy + b;
                lens[k] = ch_tsv_unescape(cells[k], e - b);
                cells[k][lens[k]] = '\0'; /* overwrites the tab, or the spare byte at the end */
            }
            digest_row(d, cells, lens, ncells);
            row = i + 1;
            starts[0] = row;
            ncells = 1;
            esc = 0;
        }
    }
    free(starts);
    free(cells);
    free(lens);
    free(copy);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t max_row = data[0] % 4 == 0 ? 0 : (size_t)(data[0] % 64) + 1;
    uint32_t seed = (uint32_t)data[1] * 2654435761u + 2;
    data += 2;
    size -= 2;

    struct digest ref, a, b, c;
    int rr = reference(data, size, max_row, &ref);
    int ra = run(data, size, max_row, 0, &a);
    int rb = run(data, size, max_row, 1, &b);
    int rc = run(data, size, max_row, seed, &c);
    CHECK(ra == rr && rb == rr && rc == rr);
    CHECK(a.rows == ref.rows && b.rows == ref.rows && c.rows == ref.rows);
    CHECK(a.h == ref.h && b.h == ref.h && c.h == ref.h);

    /* ch_tsv_unescape on the raw bytes: in place, never longer */
    char *copy = malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';
    size_t n = ch_tsv_unescape(copy, size);
    CHECK(n <= size);
    free(copy);
    return 0;
}
