/* Streaming detection and `leakscan secrets` machinery: block-boundary exactness (every rule
 * example found exactly once whatever the block size), line/column and per-file distinct records,
 * binary sniffing, unreadable files among readable ones, the ordered parallel scan, the redacting
 * filter (byte-identical pass-through, binary-safe, markers) and SARIF/JSON record shapes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <jansson.h>
#include "util/strbuf.h"

#include "detect/detect.h"
#include "detect/filescan.h"
#include "detect/redact.h"
#include "detect/rules.h"
#include "detect/stream.h"
#include "report/report.h"

#define GH "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"
#define PG "postgres://svc_user:Gq59Pb2P1JJeE5bz@db-internal:5432/app"

static struct ls_detector *det;
static struct ls_detect_scratch *scr;
static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    char err[256];
    det = ls_detector_new(err, sizeof err);
    scr = det ? ls_detect_scratch_new(det) : NULL;
    strcpy(tmpdir, "/tmp/ls-filescan-XXXXXX");
    return scr && mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx %s; rm -rf %s", tmpdir, tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", tmpdir);
    ls_detect_scratch_free(scr);
    ls_detector_free(det);
    return 0;
}

/* All rule examples joined by filler lines: the reference corpus. */
static char *corpus(size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    size_t nr = ls_rule_count();
    for (size_t i = 0; i < nr; i++)
        for (const struct ls_rule_example *ex = ls_rule_def_at(i)->examples; ex->text; ex++) {
            struct ls_strbuf sb = {b, cap, n, false};
            ls_sb_printf(&sb, "2026-01-05T10:00:%02zu INFO worker started id=%zu\n%s\n", i % 60, i, ex->text);
            n = sb.len;
            assert_true(n < cap - 4096);
        }
    *len = n;
    return b;
}

static FILE *mem_fd(const char *buf, size_t len, int *fd)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fflush(f);
    rewind(f);
    *fd = fileno(f);
    return f;
}

/* ls_filescan_fd over text[0, len) with options o into *r; asserts it succeeded. */
static void scan_text(const char *text, size_t len, const char *name, const struct ls_filescan_opts *o,
                      struct ls_file_result *r)
{
    int fd;
    FILE *f = mem_fd(text, len, &fd);
    assert_int_equal(ls_filescan_fd(det, scr, fd, name, o, r), 0);
    fclose(f);
}

struct rec {
    uint64_t start[4096];
    uint32_t rule[4096];
    size_t n;
};

static void ref_cb(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    struct rec *r = ud;
    (void)buf, (void)len;
    if (r->n < 4096) {
        r->start[r->n] = m->start;
        r->rule[r->n++] = (uint32_t)ls_rule_index(m->rule);
    }
}

static void stream_cb(void *ud, const struct ls_match *m, const char *buf, size_t len, uint64_t base)
{
    struct rec *r = ud;
    (void)buf, (void)len;
    if (r->n < 4096) {
        r->start[r->n] = base + m->start;
        r->rule[r->n++] = (uint32_t)ls_rule_index(m->rule);
    }
}

static void test_block_boundaries_exact(void **state)
{
    (void)state;
    size_t len;
    char *b = corpus(&len);
    static struct rec ref, got;
    memset(&ref, 0, sizeof ref);
    ls_detect_scan(det, scr, b, len, ref_cb, &ref);
    assert_true(ref.n > 30);
    const size_t blocks[] = {1, 7, 64, 333, 4096, 65536, 0};
    for (size_t k = 0; k < sizeof blocks / sizeof *blocks; k++) {
        memset(&got, 0, sizeof got);
        int fd;
        FILE *f = mem_fd(b, len, &fd);
        struct ls_stream_opts o = {.block = blocks[k]};
        uint64_t total = 0;
        assert_int_equal(ls_stream_fd(det, scr, fd, &o, stream_cb, NULL, &got, NULL, &total), LS_STREAM_OK);
        fclose(f);
        assert_int_equal(total, len);
        if (got.n != ref.n)
            fprintf(stderr, "block %zu: %zu matches, whole-buffer scan %zu\n", blocks[k], got.n, ref.n);
        assert_int_equal(got.n, ref.n);
        for (size_t i = 0; i < ref.n; i++) {
            assert_int_equal(got.start[i], ref.start[i]);
            assert_int_equal(got.rule[i], ref.rule[i]);
        }
    }
    free(b);
}

static void test_max_bytes_cap(void **state)
{
    (void)state;
    char buf[10000];
    memset(buf, 'a', sizeof buf);
    int fd;
    FILE *f = mem_fd(buf, sizeof buf, &fd);
    struct ls_stream_opts o = {.block = 1000, .max_bytes = 4000};
    uint64_t total = 0;
    assert_int_equal(ls_stream_fd(det, scr, fd, &o, NULL, NULL, NULL, NULL, &total), LS_STREAM_CAPPED);
    assert_int_equal(total, 4000);
    fclose(f);
}

static int truncate_on_final(void *ud, const char *buf, size_t upto, uint64_t base)
{
    (void)buf, (void)upto, (void)base;
    int *fd = ud;
    if (*fd >= 0 && ftruncate(*fd, 4096) != 0)
        return 1;
    *fd = -1;
    return 0;
}

/* A mapped file truncated while it is scanned (log rotation): a read error (EIO), not SIGBUS; the
 * scratch keeps working afterwards. */
static void test_truncated_while_mapped(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    static char chunk[1 << 20];
    memset(chunk, 'a', sizeof chunk);
    for (int i = 0; i < 24; i++)
        assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    fflush(f);
    rewind(f);
    int fd = fileno(f), tfd = fd, err = 0;
    assert_int_equal(ls_stream_fd(det, scr, fd, NULL, NULL, truncate_on_final, &tfd, &err, NULL), LS_STREAM_READ_ERROR);
    assert_int_equal(err, EIO);
    fclose(f);
    const char text[] = "k=" GH "\n";
    assert_int_equal(ls_detect_scan(det, scr, text, sizeof text - 1, NULL, NULL), 1);
}

static void write_file(const char *name, const char *data, size_t len, mode_t mode)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    chmod(p, mode);
}

static void test_file_records(void **state)
{
    (void)state;
    const char text[] = "first line\n  token=" GH "\nagain " GH "\nDATABASE_URL=" PG "\n";
    struct ls_filescan_opts o = {.keep_raw = false, .skip_binary = true, .block = 16};
    struct ls_file_result r;
    scan_text(text, sizeof text - 1, "t.log", &o, &r);
    assert_null(r.error);
    assert_false(r.binary);
    assert_int_equal(r.nsecrets, 2);
    assert_string_equal(r.secrets[0].sec.rule, "github-classic-pat");
    assert_int_equal(r.secrets[0].line, 2);
    assert_int_equal(r.secrets[0].column, 9);
    assert_int_equal(r.secrets[0].sec.count, 2);
    assert_null(r.secrets[0].sec.raw);
    assert_string_equal(r.secrets[1].sec.rule, "database-url-password");
    assert_int_equal(r.secrets[1].line, 4);
    assert_int_equal(r.secrets[1].column, 34);
    assert_string_equal(r.secrets[0].path, "t.log");
    /* the JSON record: contract fields, no value unless asked */
    json_t *j = ls_json_file_secret(&r.secrets[0], true);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_non_null(strstr(s, "{\"type\":\"secret\",\"path\":\"t.log\",\"line\":2,\"column\":9,\"rule\":\"github-"
                              "classic-pat\",\"category\":\"secret\",\"fingerprint\":\"sha256:"));
    assert_null(strstr(s, "\"value\""));
    assert_null(strstr(s, GH));
    free(s);
    json_decref(j);
    ls_file_result_free(&r);
}

/* More distinct values than any small cache holds, each repeated after all the others: one record
 * per value with the first occurrence's line and every occurrence counted. */
static void test_interleaved_repeats(void **state)
{
    (void)state;
    enum { N = 3000 };
    size_t cap = (size_t)N * 2 * 48, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < N; i++) {
            struct ls_strbuf sb = {text, cap, n, false};
            ls_sb_printf(&sb, "login ok for qa%dmember@acme-mail.io\n", i);
            assert_false(sb.truncated);
            n = sb.len;
        }
    struct ls_filescan_opts o = {.skip_binary = true};
    struct ls_file_result r;
    scan_text(text, n, "many.log", &o, &r);
    free(text);
    assert_int_equal(r.nsecrets, N);
    for (size_t i = 0; i < N; i++) {
        assert_string_equal(r.secrets[i].sec.rule, "email");
        assert_int_equal(r.secrets[i].line, i + 1);
        assert_int_equal(r.secrets[i].column, 14);
        assert_int_equal(r.secrets[i].sec.count, 2);
    }
    /* every second occurrence was recognised by its raw bytes, not decoded and hashed again */
    assert_int_equal(r.raw_repeats, N);
    ls_file_result_free(&r);
}

/* With the fingerprint map refusing all but one entry (as a full probe run would), records are
 * found by scanning them: the same records and counts. */
static void test_fingerprint_map_refusals(void **state)
{
    (void)state;
#define AK "aws_secret_access_key="
#define AJ "{\"aws_secret_access_key\":\""
    /* three values, each seen twice: once plain, once JSON-escaped or plain again */
    const char text[] =
        AK "q8Vd/2LmN4tZ7xRb0pKs/9YcHw3JfA6eUg1oTiE5 " AK "Zr4t/Q9wLm2XcV7bN0pKd/8YhG3JsA5eTu1oRiW6\n" AJ
           "Mx7p\\/K2vB9nQ4sL8wE1rT\\/6yU3hJ0cF5gD2aZkN7\"} " AK "Zr4t/Q9wLm2XcV7bN0pKd/8YhG3JsA5eTu1oRiW6\n" AK
           "Mx7p/K2vB9nQ4sL8wE1rT/6yU3hJ0cF5gD2aZkN7 " AJ "q8Vd\\/2LmN4tZ7xRb0pKs\\/9YcHw3JfA6eUg1oTiE5\"}\n";
#undef AK
#undef AJ
    size_t saved = ls_filescan_fp_entries;
    for (int round = 0; round < 2; round++) {
        ls_filescan_fp_entries = round ? 1 : saved;
        struct ls_filescan_opts o = {.skip_binary = true};
        struct ls_file_result r;
        scan_text(text, sizeof text - 1, "refuse.log", &o, &r);
        assert_int_equal(r.nsecrets, 3);
        const char *want[] = {"q8Vd/2LmN4tZ7xRb0pKs/9YcHw3JfA6eUg1oTiE5", "Zr4t/Q9wLm2XcV7bN0pKd/8YhG3JsA5eTu1oRiW6",
                              "Mx7p/K2vB9nQ4sL8wE1rT/6yU3hJ0cF5gD2aZkN7"};
        const uint64_t count[] = {2, 2, 2};
        for (size_t i = 0; i < 3; i++) {
            assert_string_equal(r.secrets[i].sec.rule, "aws-secret-access-key");
            assert_int_equal(r.secrets[i].sec.count, count[i]);
            char fp[72];
            ls_fingerprint(want[i], strlen(want[i]), fp);
            assert_string_equal(r.secrets[i].sec.fingerprint, fp);
        }
        ls_file_result_free(&r);
    }
    ls_filescan_fp_entries = saved;
}

/* A JSON-escaped spelling of a recorded value is the same secret: found by its fingerprint (the
 * raw bytes differ), counted on the first record; the plain repeat is found by its raw bytes. */
static void test_escaped_spelling_same_record(void **state)
{
    (void)state;
    const char text[] = "aws_secret_access_key=q8Vd/2LmN4tZ7xRb0pKs/9YcHw3JfA6eUg1oTiE5\n"
                        "{\"aws_secret_access_key\":\"q8Vd\\/2LmN4tZ7xRb0pKs\\/9YcHw3JfA6eUg1oTiE5\"}\n"
                        "aws_secret_access_key=q8Vd/2LmN4tZ7xRb0pKs/9YcHw3JfA6eUg1oTiE5\n";
    struct ls_filescan_opts o = {.skip_binary = true};
    struct ls_file_result r;
    scan_text(text, sizeof text - 1, "esc.log", &o, &r);
    assert_int_equal(r.nsecrets, 1);
    assert_string_equal(r.secrets[0].sec.rule, "aws-secret-access-key");
    assert_int_equal(r.secrets[0].line, 1);
    assert_int_equal(r.secrets[0].sec.count, 3);
    assert_int_equal(r.raw_repeats, 1);
    ls_file_result_free(&r);
}

/* Regression: a chat message spanning a secret must not hide it (chat and secrets are separate
 * classes), whatever the block size. */
static void test_secret_inside_chat_message(void **state)
{
    (void)state;
    const char text[] = "{\"role\":\"user\",\"content\":\"is it safe to share this? TOKEN=" GH "\"}\n";
    const size_t blocks[] = {0, 3, 40};
    for (size_t k = 0; k < 3; k++) {
        struct ls_filescan_opts o = {.block = blocks[k], .include_chat = true};
        struct ls_file_result r;
        scan_text(text, sizeof text - 1, "chat.log", &o, &r);
        assert_int_equal(r.nsecrets, 2);
        assert_string_equal(r.secrets[0].sec.rule, "chat-message");
        assert_string_equal(r.secrets[1].sec.rule, "github-classic-pat");
        ls_file_result_free(&r);
    }
}

static void test_binary_and_unreadable(void **state)
{
    (void)state;
    const char bin[] = "\x7f"
                       "ELF\0\0\0 token=" GH "\n";
    write_file("a.bin", bin, sizeof bin - 1, 0644);
    write_file("b.txt", "key " GH "\n", strlen("key " GH "\n"), 0644);
    write_file("c.txt", "x " GH "\n", strlen("x " GH "\n"), 0000);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/d", tmpdir);
    mkdir(sub, 0755);
    write_file("d/e.txt", "DATABASE_URL=" PG "\n", strlen("DATABASE_URL=" PG "\n"), 0644);
    struct ls_path_list pl = {0};
    char *args[] = {tmpdir};
    assert_int_equal(ls_paths_expand(&pl, args, 1), 0);
    assert_int_equal(pl.n, 4);
    assert_non_null(strstr(pl.v[0], "/a.bin"));
    assert_non_null(strstr(pl.v[3], "/d/e.txt"));
    ls_path_list_free(&pl);
}

struct order {
    size_t n;
    char names[16][256];
    size_t secrets[16];
    bool binary[16], error[16];
};

static int collect_result(void *ud, const struct ls_file_result *r)
{
    struct order *o = ud;
    if (o->n < 16) {
        snprintf(o->names[o->n], 256, "%s", r->path);
        o->secrets[o->n] = r->nsecrets;
        o->binary[o->n] = r->binary;
        o->error[o->n] = r->error != NULL;
        o->n++;
    }
    return 0;
}

static void test_parallel_in_order(void **state)
{
    (void)state;
    bool root = geteuid() == 0; /* root reads mode-000 files */
    struct ls_path_list pl = {0};
    char *args[] = {tmpdir};
    assert_int_equal(ls_paths_expand(&pl, args, 1), 0);
    struct ls_filescan_opts o = {.skip_binary = true};
    for (unsigned threads = 1; threads <= 4; threads++) {
        struct order ord = {0};
        assert_int_equal(ls_filescan_paths(det, &pl, threads, &o, collect_result, &ord), 0);
        assert_int_equal(ord.n, 4);
        for (size_t i = 0; i < 4; i++)
            assert_string_equal(ord.names[i], pl.v[i]);
        assert_true(ord.binary[0]);
        assert_int_equal(ord.secrets[0], 0);
        assert_int_equal(ord.secrets[1], 1);
        assert_int_equal(ord.error[2], !root);
        assert_int_equal(ord.secrets[3], 1);
    }
    ls_path_list_free(&pl);
}

static char *redact_str(const char *in, size_t len, size_t block, size_t *outlen, uint64_t *n)
{
    int fd;
    FILE *f = mem_fd(in, len, &fd);
    char *out = NULL;
    FILE *o = open_memstream(&out, outlen);
    assert_int_equal(ls_redact_fd(det, scr, fd, o, block, n, NULL), LS_STREAM_OK);
    fclose(o);
    fclose(f);
    return out;
}

static void test_redact_passthrough_binary_safe(void **state)
{
    (void)state;
    size_t len = 3 << 20;
    unsigned char *b = malloc(len);
    uint32_t x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (unsigned char)(x >> 24);
        if ((b[i] >= '0' && b[i] <= '9') || b[i] == '@')
            b[i] = 0xC3; /* random digit runs and a@b.cd can be valid phones and e-mails */
        if (i % 97 == 0)
            b[i] = '\n';
        if (i % 1013 == 0)
            b[i] = 0;
    }
    assert_int_equal(ls_detect_scan(det, scr, (const char *)b, len, NULL, NULL), 0);
    const size_t blocks[] = {0, 1000, 4096};
    for (size_t k = 0; k < 3; k++) {
        size_t olen;
        uint64_t n;
        char *out = redact_str((const char *)b, len, blocks[k], &olen, &n);
        assert_int_equal(n, 0);
        assert_int_equal(olen, len);
        assert_memory_equal(out, b, len);
        free(out);
    }
    size_t olen;
    char *out = redact_str("", 0, 0, &olen, NULL);
    assert_int_equal(olen, 0);
    free(out);
    free(b);
}

static void test_redact_markers(void **state)
{
    (void)state;
    const char in[] = "a " GH " b\n\0bin\0 url=" PG " end";
    const char want[] = "a [REDACTED:github-classic-pat] b\n\0bin\0 url=postgres://svc_user:[REDACTED:database-url-"
                        "password]@db-internal:5432/app end";
    const size_t blocks[] = {0, 1, 5, 50};
    for (size_t k = 0; k < 4; k++) {
        size_t olen;
        uint64_t n;
        char *out = redact_str(in, sizeof in - 1, blocks[k], &olen, &n);
        assert_int_equal(n, 2);
        assert_int_equal(olen, sizeof want - 1);
        assert_memory_equal(out, want, olen);
        free(out);
    }
}

static void test_sarif_uri(void **state)
{
    (void)state;
    char *u = ls_sarif_uri("dir/a b#%.txt");
    assert_string_equal(u, "dir/a%20b%23%25.txt");
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_boundaries_exact),
        cmocka_unit_test(test_max_bytes_cap),
        cmocka_unit_test(test_truncated_while_mapped),
        cmocka_unit_test(test_file_records),
        cmocka_unit_test(test_secret_inside_chat_message),
        cmocka_unit_test(test_interleaved_repeats),
        cmocka_unit_test(test_escaped_spelling_same_record),
        cmocka_unit_test(test_fingerprint_map_refusals),
        cmocka_unit_test(test_binary_and_unreadable),
        cmocka_unit_test(test_parallel_in_order),
        cmocka_unit_test(test_redact_passthrough_binary_safe),
        cmocka_unit_test(test_redact_markers),
        cmocka_unit_test(test_sarif_uri),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
