/* The PostgreSQL engine's answers to a password request (used only by --default-credentials):
 * cleartext, MD5 and SCRAM-SHA-256 (without channel binding), built with OpenSSL. The password
 * never leaves these functions except in the answer sent to the server that asked for it. */
#ifndef LS_ENGINES_POSTGRES_PASSWORD_H
#define LS_ENGINES_POSTGRES_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#define PG_SCRAM_NONCE 24        /* base64 characters of our client nonce */
#define PG_SCRAM_MAX_ITER 100000 /* a server asking for more PBKDF2 rounds is not answered */

/* The exchange's state between the SASL messages. */
struct pg_scram {
    char cnonce[PG_SCRAM_NONCE + 1];
};

/* Writes the message (type 'p', length included) answering the authentication request of code
 * `code` with body `data[0..n)` (the request without its code) as `user` with `password`: its
 * length; 0 when nothing is to be sent (SCRAM's final message: AuthenticationOk follows); -1 when
 * the method cannot be answered or the request is malformed (why names it). */
int pg_password_answer(uint32_t code, const char *data, size_t n, const char *user, const char *password,
                       struct pg_scram *st, char *out, size_t cap, const char **why);

#endif
