/* Unit tests for the --rate token bucket (on a simulated clock) and resume files (round trip,
 * refusal of damaged files). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ratelimit.h"
#include "core/resume.h"

static void test_rate_accuracy(void **state)
{
    (void)state;
    const double rates[] = {10, 1000, 123456};
    for (size_t r = 0; r < 3; r++) {
        struct ls_rate rl;
        uint64_t t = 1000000000ull, taken = 0;
        ls_rate_init(&rl, rates[r], t);
        /* a busy caller polling every 50 us for 2 simulated seconds */
        for (uint64_t end = t + 2000000000ull; t < end; t += 50000)
            while (ls_rate_take(&rl, t))
                taken++;
        double got = (double)taken / 2.0;
        assert_true(got > rates[r] * 0.97 && got < rates[r] * 1.03 + 2);
    }
}

static void test_rate_wait(void **state)
{
    (void)state;
    struct ls_rate rl;
    ls_rate_init(&rl, 100, 0);
    assert_true(ls_rate_take(&rl, 0));
    assert_false(ls_rate_take(&rl, 0));
    uint64_t w = ls_rate_wait_ns(&rl, 0);
    assert_true(w >= 9900000 && w <= 10100000);
    assert_true(ls_rate_take(&rl, w));
    ls_rate_init(&rl, 0, 0);
    for (int i = 0; i < 1000; i++)
        assert_true(ls_rate_take(&rl, 0));
    assert_true(ls_rate_wait_ns(&rl, 0) == 0);
}

static void test_resume_roundtrip(void **state)
{
    (void)state;
    char path[] = "/tmp/ls_test_resume.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct ls_resume_state a = {.seed = 18446744073709551615ull,
                                .shard_idx = 2,
                                .shard_n = 5,
                                .hash = 0xabcdef12345ull,
                                .pos = 987654321},
                           b;
    char err[256];
    assert_int_equal(ls_resume_write(path, &a, err, sizeof err), 0);
    assert_int_equal(ls_resume_read(path, &b, err, sizeof err), 0);
    assert_memory_equal(&a, &b, sizeof a);
    FILE *f = fopen(path, "w");
    fputs("version=1\nseed=1\nshard=1/1\nposition=5\n", f); /* no hash */
    fclose(f);
    assert_int_equal(ls_resume_read(path, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "incomplete"));
    f = fopen(path, "w");
    fputs("version=1\nbogus\n", f);
    fclose(f);
    assert_int_equal(ls_resume_read(path, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "bad line 'bogus'"));
    unlink(path);
    assert_int_equal(ls_resume_read(path, &b, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_accuracy),
        cmocka_unit_test(test_rate_wait),
        cmocka_unit_test(test_resume_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
