/* Unit tests for the MySQL password scrambles (--default-credentials): mysql_native_password and
 * caching_sha2_password against vectors computed independently (Python hashlib), an empty password
 * (empty answer) and plugins or nonces that cannot be answered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engines/mysql/mysql_scramble.h"

static void nonce_1_to_20(uint8_t n[20])
{
    for (int i = 0; i < 20; i++)
        n[i] = (uint8_t)(i + 1);
}

static void test_native_password(void **state)
{
    (void)state;
    static const uint8_t want[20] = {0x63, 0xf8, 0x8f, 0xca, 0x46, 0x57, 0x50, 0x0f, 0x46, 0x8e,
                                     0x8d, 0x14, 0x97, 0xe7, 0x59, 0x8f, 0x90, 0xea, 0x53, 0x0f};
    uint8_t nonce[20], out[MYSQL_SCRAMBLE_MAX];
    nonce_1_to_20(nonce);
    assert_int_equal(mysql_scramble("mysql_native_password", "my-secret-pw", nonce, 20, out), 20);
    assert_memory_equal(out, want, 20);
}

static void test_caching_sha2(void **state)
{
    (void)state;
    static const uint8_t want[32] = {0x66, 0x05, 0xd7, 0xc9, 0xfe, 0x9c, 0x1f, 0xc4, 0x2f, 0x6f, 0x55,
                                     0xe3, 0xf5, 0xde, 0x5a, 0x4c, 0x44, 0x16, 0xc9, 0x10, 0xa6, 0x59,
                                     0x7b, 0xe8, 0xd6, 0xb4, 0x77, 0x21, 0x9f, 0x59, 0x98, 0x25};
    uint8_t nonce[20], out[MYSQL_SCRAMBLE_MAX];
    nonce_1_to_20(nonce);
    assert_int_equal(mysql_scramble("caching_sha2_password", "my-secret-pw", nonce, 20, out), 32);
    assert_memory_equal(out, want, 32);
}

static void test_empty_and_unanswerable(void **state)
{
    (void)state;
    uint8_t nonce[20], out[MYSQL_SCRAMBLE_MAX];
    nonce_1_to_20(nonce);
    assert_int_equal(mysql_scramble("mysql_native_password", "", nonce, 20, out), 0);
    assert_int_equal(mysql_scramble("client_ed25519", "root", nonce, 20, out), -1);
    assert_int_equal(mysql_scramble("mysql_native_password", "root", nonce, 8, out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_native_password),
        cmocka_unit_test(test_caching_sha2),
        cmocka_unit_test(test_empty_and_unanswerable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
