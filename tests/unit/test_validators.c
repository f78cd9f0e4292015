/* Validators on their own: the placeholder word lists (any case, any position, the short and the
 * long-value lists), the e-mail rejects, and the quick pre-checks compared with a plain byte loop
 * at every offset and length (their 16-byte steps must not change an answer at a chunk edge), and
 * the entropy bit-for-bit equal to summing over all 256 byte counts in order (thresholds compare
 * it exactly). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/validators.h"

static bool ph(const char *s)
{
    return ls_is_placeholder(s, strlen(s));
}

static void test_placeholder_short(void **state)
{
    (void)state;
    assert_true(ph("EXAMPLE"));
    assert_true(ph("akiaExAmPle12"));
    assert_true(ph("key-DUMMY"));
    assert_true(ph("ChangeMe"));
    assert_true(ph("x-change_me"));
    assert_true(ph("Replace_Me!"));
    assert_true(ph("REPLACEME"));
    assert_true(ph("a_placeholder"));
    assert_true(ph("[Redacted]"));
    assert_true(ph("YourApiKey"));
    assert_true(ph("<YOUR-token>"));
    assert_true(ph("Your_key"));
    assert_true(ph("your-key"));
    assert_true(ph("abXXXX"));
    assert_true(ph("ab****cd"));
    assert_true(ph("${TOKEN}"));
    assert_true(ph("{{ secret }}"));
    assert_false(ph("xxx"));
    assert_false(ph("***"));
    assert_false(ph("exampl"));
    assert_false(ph("dumm"));
    assert_false(ph("change-me"));
    assert_false(ph("yourkey"));
    assert_false(ph("$ {x}"));
    assert_false(ph("r"));
    assert_false(ph(""));
    assert_false(ph("Gq59Pb2P1JJeE5bz"));
    /* a word that would only fit past the end of the value */
    assert_false(ls_is_placeholder("my-dummy", 7));
    assert_true(ls_is_placeholder("my-dummy", 8));
}

static void test_placeholder_long(void **state)
{
    (void)state;
    char v[600];
    memset(v, 'a', sizeof v);
    assert_false(ls_is_placeholder(v, sizeof v));
    memcpy(v + 300, "dummy", 5); /* short-list words do not count in long values */
    assert_false(ls_is_placeholder(v, sizeof v));
    memcpy(v + 400, "EXAMPLE", 7);
    assert_true(ls_is_placeholder(v, sizeof v));
    memcpy(v + 400, "ExAMPLE", 7); /* long-value marks are case-sensitive */
    assert_false(ls_is_placeholder(v, sizeof v));
    memcpy(v + 593, "YOUR_", 5);
    assert_true(ls_is_placeholder(v, sizeof v));
    assert_false(ls_is_placeholder(v, 597)); /* cut inside the mark */
}

static bool email_ok(const char *s)
{
    struct ls_vctx c = {s, strlen(s), 0, strlen(s), 0, strlen(s)};
    return ls_v_email(&c);
}

static void test_email_rejects(void **state)
{
    (void)state;
    assert_true(email_ok("jane.doe@acme.io"));
    assert_false(email_ok("NoReply@acme.io"));
    assert_false(email_ok("Mailer-Daemon@acme.io"));
    assert_true(email_ok("noreplyx@acme.io"));
    assert_false(email_ok("jane@acme.LOCAL"));
    assert_false(email_ok("logo@2x.PNG"));
    assert_false(email_ok("a@b.woff2"));
    assert_true(email_ok("a@b.woff3"));
    assert_false(email_ok("jane@Example.COM"));
    assert_false(email_ok("jane@mail.example.org"));
    assert_true(email_ok("jane@myexample.com"));
}

/* the plain byte loops the quick pre-checks must agree with */
static bool ref_digits(const char *b, size_t len, size_t e, size_t span, size_t need)
{
    size_t d = 0;
    for (size_t i = e; i < len && i < e + span; i++)
        d += b[i] >= '0' && b[i] <= '9';
    return d >= need;
}

static bool ref_assign(const char *b, size_t len, size_t e)
{
    for (size_t i = e; i < len && i < e + 32; i++)
        if (b[i] == '=' || b[i] == ':')
            return true;
    return false;
}

static void test_quick_checks_match_byte_loop(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789/:=a (-\xff\x80";
    char buf[160];
    srand(7);
    for (int round = 0; round < 400; round++) {
        /* mostly letters with a few digits and signs: counts land near the thresholds */
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = rand() % 3 ? 'x' : alphabet[rand() % (int)(sizeof alphabet - 1)];
        size_t len = (size_t)(rand() % (int)sizeof buf) + 1;
        for (size_t e = 0; e <= len; e++) {
            assert_int_equal(ls_q_digits8(buf, len, e), ref_digits(buf, len, e, 90, 8));
            assert_int_equal(ls_q_digits10(buf, len, e), ref_digits(buf, len, e, 80, 10));
            assert_int_equal(ls_q_digits13(buf, len, e), ref_digits(buf, len, e, 64, 13));
            assert_int_equal(ls_q_assign(buf, len, e), ref_assign(buf, len, e));
        }
    }
}

static double ref_entropy(const unsigned char *s, size_t n)
{
    unsigned cnt[256] = {0};
    for (size_t i = 0; i < n; i++)
        cnt[s[i]]++;
    double h = 0.0;
    for (int i = 0; i < 256; i++)
        if (cnt[i]) {
            double p = (double)cnt[i] / (double)n;
            h -= p * log2(p);
        }
    return h;
}

/* The long phone words pass only where no letter precedes them (the confirmation's lookbehind). */
static void test_phone_word(void **state)
{
    (void)state;
    static const struct {
        const char *text, *word;
        bool want;
    } cases[] = {
        {"phone: (415) 555-0123", "phone", true},
        {"Contact 020 7946 0958", "Contact", true},
        {"x,MOBILE=07911 123456", "MOBILE", true},
        {"WhatsApp +1 415 555 0123 4", "WhatsApp", true},
        {"iPhone; CPU iPhone OS 17_4 1234567890", "Phone", false}, /* a letter before */
        {"telephone 415-555-0123", "phone", false},                /* the short pass's "tel" */
        {"phone: none", "phone", false},                           /* no digits */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        size_t e = (size_t)(strstr(t, cases[i].word) - t) + strlen(cases[i].word);
        assert_int_equal(ls_q_phone_word(t, strlen(t), e), cases[i].want);
    }
}

static void test_entropy_exact(void **state)
{
    (void)state;
    unsigned char v[700];
    srand(11);
    assert_true(ls_entropy("", 0) == 0.0);
    for (int round = 0; round < 300; round++) {
        size_t n = (size_t)(rand() % (int)sizeof v) + 1;
        int spread = 1 + rand() % 256; /* from one repeated byte to all 256 values */
        for (size_t i = 0; i < n; i++)
            v[i] = (unsigned char)(255 - rand() % spread);
        double got = ls_entropy((const char *)v, n), want = ref_entropy(v, n);
        assert_memory_equal(&got, &want, sizeof got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholder_short), cmocka_unit_test(test_placeholder_long),
        cmocka_unit_test(test_email_rejects),     cmocka_unit_test(test_quick_checks_match_byte_loop),
        cmocka_unit_test(test_entropy_exact),     cmocka_unit_test(test_phone_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
