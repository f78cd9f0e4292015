/* MySQL password scrambles (see mysql_scramble.h), with OpenSSL's one-shot digests:
 *   mysql_native_password:  SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw)))
 *   caching_sha2_password:  SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce)
 * The password never leaves this function except scrambled. */
#include "engines/mysql/mysql_scramble.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

int mysql_scramble(const char *plugin, const char *password, const uint8_t *nonce, size_t nlen,
                   uint8_t out[MYSQL_SCRAMBLE_MAX])
{
    size_t pl = strlen(password);
    if (pl == 0)
        return 0;
    if (nlen < MYSQL_NONCE_LEN)
        return -1;
    uint8_t h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH], mix[MYSQL_NONCE_LEN + SHA256_DIGEST_LENGTH];
    int n = -1;
    if (strcmp(plugin, "mysql_native_password") == 0) {
        SHA1((const unsigned char *)password, pl, h1);
        SHA1(h1, SHA_DIGEST_LENGTH, h2);
        memcpy(mix, nonce, MYSQL_NONCE_LEN);
        memcpy(mix + MYSQL_NONCE_LEN, h2, SHA_DIGEST_LENGTH);
        SHA1(mix, MYSQL_NONCE_LEN + SHA_DIGEST_LENGTH, h2);
        n = SHA_DIGEST_LENGTH;
    } else if (strcmp(plugin, "caching_sha2_password") == 0) {
        SHA256((const unsigned char *)password, pl, h1);
        SHA256(h1, SHA256_DIGEST_LENGTH, h2);
        memcpy(mix, h2, SHA256_DIGEST_LENGTH);
        memcpy(mix + SHA256_DIGEST_LENGTH, nonce, MYSQL_NONCE_LEN);
        SHA256(mix, SHA256_DIGEST_LENGTH + MYSQL_NONCE_LEN, h2);
        n = SHA256_DIGEST_LENGTH;
    }
    for (int i = 0; i < n; i++)
        out[i] = h1[i] ^ h2[i];
    OPENSSL_cleanse(h1, sizeof h1);
    return n;
}
