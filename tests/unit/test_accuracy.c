/* Accuracy on a generated, labelled corpus (deterministic): every rule example (secret and pii)
 * planted in log lines of several shapes, between decoys that must never be reported (documented
 * example keys, placeholders, UUIDs, hashes, trace ids, base64 blobs, ordinary log noise). The
 * corpus is scanned through the file streamer (small blocks, so values straddle boundaries) and
 * per-category recall and precision are printed; the test requires >= 95% each and zero decoys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/detect.h"
#include "detect/filescan.h"
#include "detect/rules.h"
#include "detect/validators.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void rhex(char *o, size_t n)
{
    for (size_t i = 0; i < n; i++)
        o[i] = "0123456789abcdef"[next() & 15];
    o[n] = '\0';
}

static void rb64(char *o, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i++)
        o[i] = a[next() & 63];
    o[n] = '\0';
}

/* Decoys: documentation examples and placeholders of real formats, identifiers and digests. */
static const char *const DOC_DECOYS[] = {
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "export STRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
    "api_key: ${API_KEY}",
    "password: <your-password>",
    "DATABASE_URL=postgres://user:password@localhost:5432/db",
    "Authorization: Bearer <token>",
    "Authorization: Bearer ${ACCESS_TOKEN}",
    "token=your_token_here",
    "SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "client_secret=changeme_changeme",
    "jdbc:mysql://db:3306/app?user=root&password=${DB_PASSWORD}",
    "Server=db;Database=x;User Id=sa;Password={your_password};",
    "AccountKey=<your-account-key>",
    "https://user:pass@example.com/path",
    "mail me at user@example.com or call 555-0100",
    "card: 4111 1111 1111 1112",
    "DD_API_KEY=<DATADOG_API_KEY>",
    "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
    NULL,
};

static const char *const NOISE[] = {
    "GET /api/v1/items?page=2 200 12ms",
    "worker 7 finished batch in 1.42s (rows=18231)",
    "cache miss for key user:profile:48213",
    "retrying after 502 from upstream, attempt 3",
    "TLS handshake ok, cipher=TLS_AES_128_GCM_SHA256",
    "deploying build 2026.01.05-rc3 to canary",
};

struct corpus {
    char *buf;
    size_t len, cap;
    uint64_t line;        /* current line (1-based) */
    unsigned char *decoy; /* per line: 1 = decoy line */
    size_t ndecoy_cap;
    struct planted {
        char *value; /* decoded */
        int category;
    } * p;
    size_t np, capp;
};

static void put(struct corpus *c, const char *s)
{
    size_t n = strlen(s);
    if (c->len + n + 1 > c->cap) {
        c->cap = (c->len + n + 1) * 2;
        c->buf = realloc(c->buf, c->cap);
        assert_non_null(c->buf);
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n')
            c->line++;
    memcpy(c->buf + c->len, s, n);
    c->len += n;
}

static void mark_decoy(struct corpus *c, uint64_t from, uint64_t to)
{
    if (to + 1 > c->ndecoy_cap) {
        size_t nc = (to + 1) * 2;
        c->decoy = realloc(c->decoy, nc);
        assert_non_null(c->decoy);
        memset(c->decoy + c->ndecoy_cap, 0, nc - c->ndecoy_cap);
        c->ndecoy_cap = nc;
    }
    for (uint64_t l = from; l <= to; l++)
        c->decoy[l] = 1;
}

static void decoy_line(struct corpus *c, const char *text)
{
    uint64_t from = c->line;
    char pre[96];
    snprintf(pre, sizeof pre, "2026-01-05T10:%02u:%02u.%03uZ INFO ", (unsigned)(next() % 60), (unsigned)(next() % 60),
             (unsigned)(next() % 1000));
    put(c, pre);
    put(c, text);
    put(c, "\n");
    mark_decoy(c, from, c->line - 1);
}

static void generated_decoys(struct corpus *c)
{
    char a[80], b[80], line[512];
    rhex(a, 8), rhex(b, 12);
    char uuid[40];
    snprintf(uuid, sizeof uuid, "%.8s-%.4s-4%.3s-a%.3s-%.12s", a, a + 4, b, b + 3, b);
    const int kind = (int)(next() % 8);
    switch (kind) {
    case 0: snprintf(line, sizeof line, "request_id=%s user_id=%u", uuid, (unsigned)(next() % 100000)); break;
    case 1: rhex(a, 32), snprintf(line, sizeof line, "file md5=%s size=%u", a, (unsigned)(next() % 9999)); break;
    case 2: rhex(a, 40), snprintf(line, sizeof line, "commit %s merged", a); break;
    case 3: rhex(a, 64), snprintf(line, sizeof line, "sha256:%s layer pulled", a); break;
    case 4:
        rhex(a, 32), rhex(b, 16);
        snprintf(line, sizeof line, "traceparent: 00-%s-%s-01 trace_id=%s span_id=%s", a, b, a, b);
        break;
    case 5: rb64(a, 44), snprintf(line, sizeof line, "etag=\"%s\" checksum=%s", a, a); break;
    case 6: snprintf(line, sizeof line, "session %s resumed token_count=%u", uuid, (unsigned)(next() % 4096)); break;
    default: snprintf(line, sizeof line, "%s", NOISE[next() % (sizeof NOISE / sizeof *NOISE)]); break;
    }
    decoy_line(c, line);
}

static void plant(struct corpus *c, const struct ls_rule_def *d, const struct ls_rule_example *ex)
{
    static const char *const shapes[][2] = {
        {"2026-01-05T11:00:00Z ERROR request failed: ", "\n"},
        {"{\"level\":\"warn\",\"msg\":\"config dump\",\"raw\":", "}\n"},
        {"2026-01-05 11:00:00,123 DEBUG [main] ", " (while starting)\n"},
    };
    for (size_t k = 0; k < 3; k++) {
        /* the JSON shape needs JSON-safe text: only examples without quotes, backslashes or
         * newlines are quoted there; the others go in as they are */
        bool plain = !strpbrk(ex->text, "\"\\\n\r");
        put(c, shapes[k][0]);
        if (k == 1)
            put(c, plain ? "\"" : "null}\n2026-01-05T11:00:01Z ");
        put(c, ex->text);
        if (k == 1 && plain)
            put(c, "\"");
        put(c, shapes[k][1]);
    }
    if (c->np == c->capp) {
        c->capp = c->capp ? c->capp * 2 : 256;
        c->p = realloc(c->p, c->capp * sizeof *c->p);
        assert_non_null(c->p);
    }
    size_t n = strlen(ex->value);
    char *v = malloc(n + 1);
    assert_non_null(v);
    n = ls_json_unescape(ex->value, n, v);
    v[n] = '\0';
    c->p[c->np++] = (struct planted){v, (int)d->rule.category};
}

struct tally {
    unsigned planted, found, reported, correct;
};

static void test_accuracy(void **state)
{
    (void)state;
    char err[256];
    struct ls_detector *det = ls_detector_new(err, sizeof err);
    struct ls_detect_scratch *scr = det ? ls_detect_scratch_new(det) : NULL;
    assert_non_null(scr);
    struct corpus c = {.line = 1};
    size_t nr = ls_rule_count();
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < nr; i++) {
            const struct ls_rule_def *d = ls_rule_def_at(i);
            if (d->rule.category == LS_CAT_CHAT)
                continue;
            for (const struct ls_rule_example *ex = d->examples; ex->text; ex++) {
                for (int k = 0; k < 5; k++)
                    generated_decoys(&c);
                if (round == 0)
                    plant(&c, d, ex);
            }
        }
        for (const char *const *dd = DOC_DECOYS; *dd; dd++)
            decoy_line(&c, *dd);
    }
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(c.buf, 1, c.len, f), c.len);
    fflush(f);
    rewind(f);
    struct ls_filescan_opts o = {.keep_raw = true, .block = 4093};
    struct ls_file_result r;
    assert_int_equal(ls_filescan_fd(det, scr, fileno(f), "corpus.log", &o, &r), 0);
    fclose(f);

    struct tally t[2] = {{0}};
    unsigned decoys_reported = 0;
    for (size_t i = 0; i < c.np; i++)
        t[c.p[i].category].planted++;
    for (size_t i = 0; i < c.np; i++) {
        bool hit = false;
        for (size_t k = 0; k < r.nsecrets && !hit; k++)
            hit = strcmp(r.secrets[k].sec.raw, c.p[i].value) == 0 &&
                  strcmp(r.secrets[k].sec.category, ls_category_name((enum ls_category)c.p[i].category)) == 0;
        if (hit)
            t[c.p[i].category].found++;
        else
            fprintf(stderr, "missed (%s): %s\n", ls_category_name((enum ls_category)c.p[i].category), c.p[i].value);
    }
    for (size_t k = 0; k < r.nsecrets; k++) {
        int cat = strcmp(r.secrets[k].sec.category, "pii") == 0;
        t[cat].reported++;
        bool planted = false;
        for (size_t i = 0; i < c.np && !planted; i++)
            planted = c.p[i].category == cat && strcmp(r.secrets[k].sec.raw, c.p[i].value) == 0;
        if (planted)
            t[cat].correct++;
        else
            fprintf(stderr, "not planted (%s, line %llu): %s\n", r.secrets[k].sec.rule,
                    (unsigned long long)r.secrets[k].line, r.secrets[k].sec.raw);
        if (r.secrets[k].line < c.ndecoy_cap && c.decoy[r.secrets[k].line]) {
            decoys_reported++;
            fprintf(stderr, "DECOY reported (%s, line %llu): %s\n", r.secrets[k].sec.rule,
                    (unsigned long long)r.secrets[k].line, r.secrets[k].sec.raw);
        }
    }
    printf("corpus: %zu bytes, %llu lines, %zu planted values\n", c.len, (unsigned long long)c.line, c.np);
    for (int cat = 0; cat < 2; cat++) {
        double recall = t[cat].planted ? 100.0 * t[cat].found / t[cat].planted : 100.0;
        double precision = t[cat].reported ? 100.0 * t[cat].correct / t[cat].reported : 100.0;
        printf("%-7s planted %4u found %4u reported %4u  recall %6.2f%%  precision %6.2f%%\n",
               ls_category_name((enum ls_category)cat), t[cat].planted, t[cat].found, t[cat].reported, recall,
               precision);
        assert_true(t[cat].planted > 0);
        assert_true(recall >= 95.0);
        assert_true(precision >= 95.0);
    }
    printf("decoys reported: %u\n", decoys_reported);
    assert_int_equal(decoys_reported, 0);

    ls_file_result_free(&r);
    for (size_t i = 0; i < c.np; i++)
        free(c.p[i].value);
    free(c.p);
    free(c.buf);
    free(c.decoy);
    ls_detect_scratch_free(scr);
    ls_detector_free(det);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_accuracy)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
