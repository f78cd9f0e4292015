/* PostgreSQL password answers (see pg_password.h): PasswordMessage for cleartext and MD5
 * ("md5" + md5hex(md5hex(password + user) + salt)), and SCRAM-SHA-256 (RFC 5802/7677, no channel
 * binding: gs2 header "n,,"): SASLInitialResponse with our nonce, then SASLResponse with the proof
 *   SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, i), ClientKey = HMAC(SaltedPassword, "Client Key"),
 *   proof = ClientKey XOR HMAC(SHA-256(ClientKey), client-first-bare "," server-first "," client-final-bare).
 * The server's final signature is not checked: we only want to know whether the login works. */
#include "engines/postgres/pg_password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/postgres/pgwire.h"

#define SCRAM_MECH "SCRAM-SHA-256"

static void put_be32(char *o, size_t v)
{
    o[0] = (char)(v >> 24), o[1] = (char)(v >> 16), o[2] = (char)(v >> 8), o[3] = (char)v;
}

/* 'p' + length + payload; the length of the whole message or -1. */
static int message(char *out, size_t cap, const char *payload, size_t n)
{
    if (n + 5 > cap || n + 4 > INT32_MAX)
        return -1;
    out[0] = 'p';
    put_be32(out + 1, n + 4);
    memcpy(out + 5, payload, n);
    return (int)(n + 5);
}

static void hex(char *out, const unsigned char *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        out[2 * i] = d[p[i] >> 4], out[2 * i + 1] = d[p[i] & 15];
    out[2 * n] = '\0';
}

static int md5_answer(const char *salt, const char *user, const char *pw, char *out, size_t cap)
{
    size_t pl = strlen(pw), ul = strlen(user);
    unsigned char md[EVP_MAX_MD_SIZE];
    char buf[256], h[33], payload[3 + 32 + 1];
    if (pl + ul > sizeof buf)
        return -1;
    memcpy(buf, pw, pl);
    memcpy(buf + pl, user, ul);
    if (!EVP_Digest(buf, pl + ul, md, NULL, EVP_md5(), NULL))
        return -1;
    hex(h, md, 16);
    memcpy(buf, h, 32);
    memcpy(buf + 32, salt, 4);
    if (!EVP_Digest(buf, 36, md, NULL, EVP_md5(), NULL))
        return -1;
    OPENSSL_cleanse(buf, sizeof buf);
    memcpy(payload, "md5", 3);
    hex(payload + 3, md, 16);
    return message(out, cap, payload, sizeof payload);
}

static int scram_first(struct pg_scram *st, char *out, size_t cap)
{
    unsigned char raw[PG_SCRAM_NONCE * 3 / 4];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    EVP_EncodeBlock((unsigned char *)st->cnonce, raw, sizeof raw); /* 18 bytes: 24 characters, no '=' */
    char first[64], payload[128];
    int fl = snprintf(first, sizeof first, "n,,n=,r=%s", st->cnonce);
    size_t ml = sizeof SCRAM_MECH; /* with its NUL */
    memcpy(payload, SCRAM_MECH, ml);
    put_be32(payload + ml, (size_t)fl);
    memcpy(payload + ml + 4, first, (size_t)fl);
    return message(out, cap, payload, ml + 4 + (size_t)fl);
}

/* The value of attribute `a` ("r", "s", "i") in server-first, copied into out; false if absent. */
static bool attr(const char *msg, size_t n, char a, char *out, size_t on)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if ((i == 0 || msg[i - 1] == ',') && msg[i] == a && msg[i + 1] == '=') {
            size_t s = i + 2, e = s;
            while (e < n && msg[e] != ',')
                e++;
            if (e - s >= on)
                return false;
            memcpy(out, msg + s, e - s);
            out[e - s] = '\0';
            return true;
        }
    }
    return false;
}

static int scram_final(const struct pg_scram *st, const char *srv, size_t n, const char *pw, char *out, size_t cap,
                       const char **why)
{
    char nonce[256], salt64[256], iters[16];
    unsigned char salt[192];
    if (n > 1024 || !attr(srv, n, 'r', nonce, sizeof nonce) || !attr(srv, n, 's', salt64, sizeof salt64) ||
        !attr(srv, n, 'i', iters, sizeof iters) || strncmp(nonce, st->cnonce, PG_SCRAM_NONCE) != 0) {
        *why = "malformed SCRAM server-first message";
        return -1;
    }
    long iter = strtol(iters, NULL, 10);
    size_t sl = strlen(salt64);
    int saltn = EVP_DecodeBlock(salt, (const unsigned char *)salt64, (int)sl);
    if (iter < 1 || iter > PG_SCRAM_MAX_ITER || saltn < 0 || sl % 4) {
        *why = "SCRAM iteration count or salt out of range";
        return -1;
    }
    saltn -= (sl >= 1 && salt64[sl - 1] == '=') + (sl >= 2 && salt64[sl - 2] == '=');
    unsigned char salted[32], ckey[32], skey[32], sig[32], proof[32];
    unsigned int len = 0;
    if (!PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, saltn, (int)iter, EVP_sha256(), sizeof salted, salted) ||
        !HMAC(EVP_sha256(), salted, sizeof salted, (const unsigned char *)"Client Key", 10, ckey, &len)) {
        *why = "SCRAM computation failed";
        return -1;
    }
    SHA256(ckey, sizeof ckey, skey);
    char final_bare[300], auth_msg[1600];
    snprintf(final_bare, sizeof final_bare, "c=biws,r=%s", nonce);
    int al = snprintf(auth_msg, sizeof auth_msg, "n=,r=%s,%.*s,%s", st->cnonce, (int)n, srv, final_bare);
    if (al < 0 || (size_t)al >= sizeof auth_msg ||
        !HMAC(EVP_sha256(), skey, sizeof skey, (const unsigned char *)auth_msg, (size_t)al, sig, &len)) {
        *why = "SCRAM computation failed";
        return -1;
    }
    for (size_t i = 0; i < sizeof proof; i++)
        proof[i] = ckey[i] ^ sig[i];
    char proof64[48], payload[400];
    EVP_EncodeBlock((unsigned char *)proof64, proof, sizeof proof);
    int pl = snprintf(payload, sizeof payload, "%s,p=%s", final_bare, proof64);
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(ckey, sizeof ckey);
    return pl < 0 || (size_t)pl >= sizeof payload ? -1 : message(out, cap, payload, (size_t)pl);
}

int pg_password_answer(uint32_t code, const char *data, size_t n, const char *user, const char *password,
                       struct pg_scram *st, char *out, size_t cap, const char **why)
{
    *why = "an authentication method leakscan does not answer";
    switch (code) {
    case PGW_AUTH_CLEARTEXT: return message(out, cap, password, strlen(password) + 1);
    case PGW_AUTH_MD5: return n == 4 ? md5_answer(data, user, password, out, cap) : -1;
    case PGW_AUTH_SASL: {
        /* the mechanism list: NUL-terminated names, then an empty one */
        for (const char *p = data; p < data + n && *p; p += strlen(p) + 1)
            if (strcmp(p, SCRAM_MECH) == 0)
                return scram_first(st, out, cap);
        *why = "no SCRAM-SHA-256 among the server's SASL mechanisms";
        return -1;
    }
    case PGW_AUTH_SASL_CONT: return scram_final(st, data, n, password, out, cap, why);
    case PGW_AUTH_SASL_FINAL: return 0;
    default: return -1;
    }
}
