/* The answer a MySQL client sends for a password: the scramble of the server's nonce, for the two
 * plugins that need no TLS or RSA exchange (used by --default-credentials). */
#ifndef LS_ENGINES_MYSQL_SCRAMBLE_H
#define LS_ENGINES_MYSQL_SCRAMBLE_H

#include <stddef.h>
#include <stdint.h>

#define MYSQL_SCRAMBLE_MAX 32
#define MYSQL_NONCE_LEN 20 /* the server's auth-plugin-data (without its trailing NUL) */

/* Writes the auth response of `password` for `plugin` over nonce[0..nlen) (nlen >= 20) into out:
 * its length (20 for mysql_native_password, 32 for caching_sha2_password's fast path), 0 for an
 * empty password, -1 for another plugin or a short nonce. */
int mysql_scramble(const char *plugin, const char *password, const uint8_t *nonce, size_t nlen,
                   uint8_t out[MYSQL_SCRAMBLE_MAX]);

#endif
