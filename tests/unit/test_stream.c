/* Block streaming (src/detect/stream.c) at its boundaries: secrets whose rule context lies far
 * before the value (the Azure SAS rule: sv=… up to ~420 bytes before sig=) are planted at and
 * around every block boundary of a pipe read with small blocks and of the mapped-file windows,
 * with the context at several distances. The pipe path, the file path and one scan of the whole
 * buffer must report the same matches, and `--redact`'s filter must give byte-identical output
 * on every path with no planted value left raw. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect/detect.h"
#include "detect/filescan.h"
#include "detect/stream.h"

static struct ls_detector *det;
static struct ls_detect_scratch *scr;

static int setup(void **state)
{
    (void)state;
    char err[256];
    /* the detector `leakscan secrets` uses: secrets and personal data */
    det = ls_detector_new_for((1u << LS_CAT_SECRET) | (1u << LS_CAT_PII), err, sizeof err);
    scr = det ? ls_detect_scratch_new(det) : NULL;
    return scr ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ls_detect_scratch_free(scr);
    ls_detector_free(det);
    return 0;
}

/* ---- inputs ---------------------------------------------------------------------------------- */

#define SIG_LEN 46 /* 43 signature characters + "%3D" */
#define MAX_PLANT 64

struct input {
    char *buf;
    size_t len;
    size_t vs[MAX_PLANT]; /* where each planted value starts */
    size_t n;
};

/* Clean filler: log lines in which no rule matches. */
static void filler(struct input *in, size_t len)
{
    static const char line[] = "2026-01-05T10:00:00 INFO request served status=200 bytes=5120\n";
    in->buf = malloc(len);
    assert_non_null(in->buf);
    for (size_t i = 0; i < len && i < sizeof line - 1; i++)
        in->buf[i] = line[i];
    for (size_t have = sizeof line - 1; have < len; have *= 2) /* doubling copies */
        memcpy(in->buf + have, in->buf, have < len - have ? have : len - have);
    in->len = len;
    in->n = 0;
}

/* An Azure SAS query string whose value (sig=…) starts at vs and whose context (sv=…) starts
 * `dist` bytes before it: "?sv=2022-11-02&" + padding + "sig=" + value + "\n". */
static void plant_sas(struct input *in, size_t vs, size_t dist, uint32_t seed)
{
    static const char pre[] = "?sv=2022-11-02&",
                      alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t pad = dist - (sizeof pre - 2) - 4;
    assert_true(dist >= sizeof pre - 2 + 4 && pad <= 400);
    assert_true(vs >= dist + 1 && vs + SIG_LEN + 1 <= in->len && in->n < MAX_PLANT);
    char *p = in->buf + vs - dist - 1;
    memcpy(p, pre, sizeof pre - 1);
    p += sizeof pre - 1;
    memset(p, 'p', pad);
    memcpy(p + pad, "sig=", 4);
    p = in->buf + vs;
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < SIG_LEN - 3; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = alnum[(x >> 16) % (sizeof alnum - 1)];
    }
    memcpy(p + SIG_LEN - 3, "%3D\n", 4);
    in->vs[in->n++] = vs;
}

/* ---- the three paths ------------------------------------------------------------------------- */

struct feed {
    int fd;
    const char *buf;
    size_t len;
};

static void *writer(void *arg)
{
    struct feed *f = arg;
    for (size_t off = 0; off < f->len;) {
        ssize_t n = write(f->fd, f->buf + off, f->len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    close(f->fd);
    return NULL;
}

/* Runs fn over the input given as a pipe (written by a thread) or as a regular file. */
typedef void (*over_fd_fn)(int fd, void *ud);
static void over_pipe(const struct input *in, over_fd_fn fn, void *ud)
{
    int p[2];
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    struct feed f = {p[1], in->buf, in->len};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, writer, &f), 0);
    fn(p[0], ud);
    close(p[0]);
    pthread_join(t, NULL);
}

static void over_file(const struct input *in, over_fd_fn fn, void *ud)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(in->buf, 1, in->len, f), in->len);
    assert_int_equal(fflush(f), 0);
    rewind(f);
    fn(fileno(f), ud);
    fclose(f);
}

/* Matches and block ends seen through the stream API. */
struct seen {
    size_t block;
    uint64_t start[MAX_PLANT * 2], end[MAX_PLANT * 2];
    size_t n;
    uint64_t bound[MAX_PLANT * 2]; /* absolute end of each block's final bytes */
    size_t nb;
    int rc;
};

static void on_match(void *ud, const struct ls_match *m, const char *buf, size_t len, uint64_t base)
{
    struct seen *s = ud;
    (void)buf, (void)len;
    if (s->n < MAX_PLANT * 2) {
        s->start[s->n] = base + m->start;
        s->end[s->n] = base + m->end;
    }
    s->n++;
}

static void on_whole(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    on_match(ud, m, buf, len, 0);
}

static int on_final(void *ud, const char *buf, size_t upto, uint64_t base)
{
    struct seen *s = ud;
    (void)buf;
    if (s->nb < MAX_PLANT * 2)
        s->bound[s->nb++] = base + upto;
    return 0;
}

static void stream_run(int fd, void *ud)
{
    struct seen *s = ud;
    struct ls_stream_opts o = {.block = s->block};
    s->rc = ls_stream_fd(det, scr, fd, &o, on_match, on_final, s, NULL, NULL);
}

struct redacted {
    size_t block;
    char *out;
    size_t len;
    uint64_t n;
    int rc;
};

static void redact_run(int fd, void *ud)
{
    struct redacted *r = ud;
    FILE *o = open_memstream(&r->out, &r->len);
    assert_non_null(o);
    r->rc = ls_redact_fd(det, scr, fd, o, r->block, &r->n, NULL);
    fclose(o);
}

/* Where blocks end for an input of this length: boundaries depend on the length alone. */
static size_t bounds(size_t len, size_t block, bool pipe, uint64_t *b, size_t room)
{
    struct input in;
    filler(&in, len);
    struct seen s = {.block = block};
    (pipe ? over_pipe : over_file)(&in, stream_run, &s);
    free(in.buf);
    assert_int_equal(s.rc, LS_STREAM_OK);
    assert_int_equal(s.n, 0);
    size_t n = 0;
    for (size_t i = 0; i < s.nb && n < room; i++)
        if (s.bound[i] < len)
            b[n++] = s.bound[i];
    return n;
}

/* The pipe with `block`, the mapped file and one scan of the whole input agree on every match and
 * on the redacted bytes; every planted value is found and none is left raw. */
static void check_paths(const struct input *in, size_t block)
{
    struct seen whole = {0}, pipe = {.block = block}, file = {0};
    ls_detect_scan(det, scr, in->buf, in->len, on_whole, &whole);
    over_pipe(in, stream_run, &pipe);
    over_file(in, stream_run, &file);
    assert_int_equal(pipe.rc, LS_STREAM_OK);
    assert_int_equal(file.rc, LS_STREAM_OK);
    assert_int_equal(whole.n, in->n);
    for (size_t i = 0; i < in->n; i++)
        assert_int_equal(whole.start[i], in->vs[i]);
    assert_int_equal(pipe.n, whole.n);
    assert_int_equal(file.n, whole.n);
    assert_memory_equal(pipe.start, whole.start, whole.n * sizeof *whole.start);
    assert_memory_equal(pipe.end, whole.end, whole.n * sizeof *whole.end);
    assert_memory_equal(file.start, whole.start, whole.n * sizeof *whole.start);
    assert_memory_equal(file.end, whole.end, whole.n * sizeof *whole.end);

    struct redacted rp = {.block = block}, rf = {0};
    over_pipe(in, redact_run, &rp);
    over_file(in, redact_run, &rf);
    assert_int_equal(rp.rc, LS_STREAM_OK);
    assert_int_equal(rf.rc, LS_STREAM_OK);
    assert_int_equal(rp.n, in->n);
    assert_int_equal(rf.n, in->n);
    assert_int_equal(rp.len, rf.len);
    assert_memory_equal(rp.out, rf.out, rf.len);
    for (size_t i = 0; i < in->n; i++)
        assert_null(memmem(rp.out, rp.len, in->buf + in->vs[i], SIG_LEN - 3));
    free(rp.out);
    free(rf.out);
}

/* Context distances: short, around the 256 bytes once carried, and the rule's longest. */
static const size_t dists[] = {18, 200, 255, 257, 300, 418};

/* Plants one value at each block end of the pipe read with `block` (learn_block 0: of the mapped
 * file) at every offset from a whole context before it to a whole context after it (every
 * `step` bytes, every byte next to the boundary), for each of `nd` context distances. */
static void sweep(size_t len, size_t learn_block, size_t block, size_t step, size_t nd)
{
    uint64_t b[MAX_PLANT];
    size_t nb = bounds(len, learn_block, learn_block != 0, b, MAX_PLANT);
    assert_true(nb >= 2);
    uint32_t seed = 1;
    for (size_t k = 0; k < nd; k++) {
        size_t d = dists[k * (sizeof dists / sizeof *dists - 1) / (nd > 1 ? nd - 1 : 1)];
        for (long delta = -(long)d - 8; delta <= (long)d + 8; delta += delta >= -2 && delta < 2 ? 1 : (long)step) {
            struct input in;
            filler(&in, len);
            for (size_t i = 0; i < nb; i++)
                plant_sas(&in, (size_t)((long)b[i] + delta), d, seed++);
            check_paths(&in, block);
            free(in.buf);
        }
    }
}

static void test_pipe_blocks_keep_far_context(void **state)
{
    (void)state;
    size_t ctx = ls_stream_overlap(det);
    size_t nd = sizeof dists / sizeof *dists;
    sweep(2 * ctx + 4 * 4096, 4096, 4096, 7, nd);
    sweep(2 * ctx + 4 * 1531, 1531, 1531, 13, nd);
}

/* The mapped file's windows (1 MiB at least) against a pipe read in a single block. */
static void test_file_windows_keep_far_context(void **state)
{
    (void)state;
    size_t len = (2 << 20) + 2 * ls_stream_overlap(det); /* windows end at 1 and 2 MiB */
    sweep(len, 0, len + 1, 127, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipe_blocks_keep_far_context),
        cmocka_unit_test(test_file_windows_keep_far_context),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
