/* Unit tests for the adaptive timeout policy both discovery modes share (rtt.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/rtt.h"

static void test_cap_until_enough_samples(void **state)
{
    (void)state;
    struct ls_rtt r = {0};
    assert_int_equal(ls_rtt_timeout_ms(&r, 3000), 3000);
    for (int i = 0; i < LS_RTT_MIN_SAMPLES - 1; i++)
        ls_rtt_sample(&r, 1000);
    assert_int_equal(ls_rtt_timeout_ms(&r, 3000), 3000);
    ls_rtt_sample(&r, 1000);
    assert_int_equal(ls_rtt_timeout_ms(&r, 3000), LS_RTT_FLOOR_MS); /* 1 ms round trips: the floor */
}

static void test_follows_slow_paths_never_above_cap(void **state)
{
    (void)state;
    struct ls_rtt r = {0};
    for (int i = 0; i < 200; i++)
        ls_rtt_sample(&r, 400000); /* 400 ms, steady: 2*srtt = 800 ms */
    unsigned t = ls_rtt_timeout_ms(&r, 3000);
    assert_true(t >= 800 && t <= 820);
    assert_int_equal(ls_rtt_timeout_ms(&r, 500), 500);
    for (int i = 0; i < 8; i++) /* jitter widens it */
        ls_rtt_sample(&r, i % 2 ? 100000 : 700000);
    assert_true(ls_rtt_timeout_ms(&r, 10000) > t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_until_enough_samples),
        cmocka_unit_test(test_follows_slow_paths_never_above_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
