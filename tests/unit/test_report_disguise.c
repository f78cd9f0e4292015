/* Server-sent C1 controls (U+0080..U+009F) and bidirectional overrides (U+202A..U+202E,
 * U+2066..U+2069) never reach the machine formats as such: a viewer that renders them would show
 * a table name in another order than it is. jsonl, json, SARIF and HTML write U+FFFD instead; the
 * text writer shows visible escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/catalog.h"
#include "model/model.h"
#include "render_one.h"
#include "report/report.h"
#include "util/fmt.h"

static const char *const disguises[] = {"\xC2\x85",     "\xC2\x9B",     "\xE2\x80\xAA",
                                        "\xE2\x80\xAE", "\xE2\x81\xA6", "\xE2\x81\xA9"};

static void test_machine_formats_replace_disguises(void **state)
{
    (void)state;
    struct ls_service s = {0};
    snprintf(s.host, sizeof s.host, "127.77.3.14");
    snprintf(s.ip, sizeof s.ip, "127.77.3.14");
    s.port = 8123;
    s.engine = "clickhouse";
    s.interface = "http";
    s.auth = LS_AUTH_NONE;
    s.severity = LS_SEV_HIGH;
    snprintf(s.display_name, sizeof s.display_name, "evil\xE2\x80\xAEtxt.exe\xC2\x9B[2J");
    struct ls_table *t = ls_service_add_table(&s);
    t->database = strdup("default");
    t->name = strdup("users\xE2\x80\xAE\xE2\x81\xA6gpj.\xC2\x85\xE2\x81\xA9\xE2\x80\xAA");
    t->storage = strdup("MergeTree");
    t->note = strdup("note \xC2\x9B"
                     "31m red");
    t->rows = 5;
    t->rows_known = true;
    assert_int_equal(ls_service_add_risk(&s, "CH-X", LS_SEV_HIGH, "title \xE2\x80\xAE", "evidence \xC2\x85"), 0);
    static const enum ls_format formats[] = {LS_FORMAT_JSONL, LS_FORMAT_JSON, LS_FORMAT_SARIF, LS_FORMAT_HTML,
                                             LS_FORMAT_TEXT};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        size_t len;
        char *buf = render_one(formats[f], &s, &len);
        for (size_t d = 0; d < sizeof disguises / sizeof disguises[0]; d++)
            if (strstr(buf, disguises[d]))
                fail_msg("%s passes disguise #%zu through raw", ls_format_name(formats[f]), d);
        assert_true(ls_utf8_valid(buf, len));
        if (formats[f] != LS_FORMAT_TEXT && formats[f] != LS_FORMAT_SARIF &&
            !strstr(buf, "users\xEF\xBF\xBD\xEF\xBF\xBDgpj."))
            fail_msg("%s: no U+FFFD in place of the disguises", ls_format_name(formats[f]));
        free(buf);
    }
    ls_service_free(&s);
}

static void test_display_safe(void **state)
{
    (void)state;
    assert_true(ls_utf8_display_safe("plain h\xC3\xA9 \xE2\x80\xA6", 10));
    assert_false(ls_utf8_display_safe("a\xC2\x9B", 3));
    assert_false(ls_utf8_display_safe("a\xE2\x80\xAE", 4));
    assert_false(ls_utf8_display_safe("\xFF", 1));
    char *c = ls_utf8_display_sanitize("a\xE2\x81\xA6z\xC2\xA0", 7); /* U+00A0 is not a disguise */
    assert_string_equal(c, "a\xEF\xBF\xBDz\xC2\xA0");
    free(c);
}

int main(void)
{
    ls_model_set_engine_display(ls_engine_display); /* as the CLI does */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_machine_formats_replace_disguises),
        cmocka_unit_test(test_display_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
