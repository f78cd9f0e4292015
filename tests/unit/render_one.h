/* Test helper: one service through one writer into memory, with a one-host summary, as the
 * report tests that check every format need it. The caller frees the text. */
#ifndef LS_TESTS_RENDER_ONE_H
#define LS_TESTS_RENDER_ONE_H

#include <stdio.h>
#include <stdlib.h>

#include "report/report.h"

__attribute__((unused)) static char *render_one(enum ls_format f, const struct ls_service *s, size_t *len_out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    struct ls_report *r = ls_report_new(f, out, &(struct ls_report_opts){0});
    assert_non_null(r);
    assert_int_equal(ls_report_service(r, s), 0);
    struct ls_scan_summary sum = {.targets = 1, .services = 1, .exposed = 1};
    assert_int_equal(ls_report_summary(r, &sum), 0);
    assert_int_equal(ls_report_close(r), 0);
    fclose(out);
    if (len_out)
        *len_out = len;
    return buf;
}

#endif
