/* Fingerprints (SHA-256 of the exact secret bytes) and redacted forms that never show more than a
 * third of a value, and the JSON-unescaped value both are computed from. */
#include "detect/redact.h"

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "detect/validators.h"
#include "detect/value.h"

/* SHA-256 with the algorithm fetched once and one digest context per thread, reused: EVP_Digest
 * creates a context and looks the algorithm up in the provider tables (under a lock) on every
 * call, several times the cost of hashing a short secret. The context is freed at thread exit. */
static EVP_MD *sha_md;
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static pthread_key_t sha_key;
static _Thread_local EVP_MD_CTX *sha_ctx;

static void sha_ctx_free(void *p)
{
    EVP_MD_CTX_free(p);
}

static void sha_init(void)
{
    sha_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (pthread_key_create(&sha_key, sha_ctx_free) != 0) {
        EVP_MD_free(sha_md); /* without a key the contexts could not be freed: use EVP_Digest */
        sha_md = NULL;
    }
}

int ls_sha256(const void *val, size_t len, unsigned char md[32])
{
    pthread_once(&sha_once, sha_init);
    if (sha_md && !sha_ctx && (sha_ctx = EVP_MD_CTX_new()) && pthread_setspecific(sha_key, sha_ctx) != 0) {
        EVP_MD_CTX_free(sha_ctx);
        sha_ctx = NULL;
    }
    unsigned int mdlen = 0;
    int ok = !sha_md || !sha_ctx
                 ? EVP_Digest(val, len, md, &mdlen, EVP_sha256(), NULL) == 1
                 : EVP_DigestInit_ex2(sha_ctx, sha_md, NULL) == 1 && EVP_DigestUpdate(sha_ctx, val, len) == 1 &&
                       EVP_DigestFinal_ex(sha_ctx, md, &mdlen) == 1;
    if (ok && mdlen == 32)
        return 0;
    memset(md, 0, 32); /* cannot happen with a working libcrypto */
    return -1;
}

void ls_fingerprint(const char *val, size_t len, char out[72])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[32];
    memcpy(out, "sha256:", 7);
    if (ls_sha256(val, len, md) != 0) {
        memset(out + 7, '0', 64); /* cannot happen with a working libcrypto */
        out[71] = '\0';
        return;
    }
    for (unsigned i = 0; i < 32; i++) {
        out[7 + 2 * i] = hex[md[i] >> 4];
        out[8 + 2 * i] = hex[md[i] & 15];
    }
    out[71] = '\0';
}

static int shown(unsigned char c)
{
    return c > 0x20 && c < 0x7f; /* printable ASCII only: never half a UTF-8 sequence */
}

void ls_redact(const char *val, size_t len, char *out, size_t outlen)
{
    static const char ell[] = "\xE2\x80\xA6"; /* U+2026 HORIZONTAL ELLIPSIS */
    if (!out || outlen == 0)
        return;
    size_t budget = len / 3;
    if (budget > 7)
        budget = 7;
    size_t lead = (budget + 1) / 2, trail = budget - lead;
    if (lead > 4)
        lead = 4;
    if (trail > 3)
        trail = 3;
    size_t l = 0, t = 0;
    while (l < lead && shown((unsigned char)val[l]))
        l++;
    while (t < trail && shown((unsigned char)val[len - 1 - t]))
        t++;
    size_t need = l + 3 + t + 1;
    if (need > outlen) {
        l = t = 0;
        if (outlen < 4) {
            out[0] = '\0';
            return;
        }
    }
    size_t o = 0;
    memcpy(out + o, val, l);
    o += l;
    memcpy(out + o, ell, 3);
    o += 3;
    memcpy(out + o, val + len - t, t);
    o += t;
    out[o] = '\0';
}

size_t ls_match_value(const char *buf, const struct ls_match *m, char *out)
{
    const char *v = buf + m->start;
    size_t n = m->end - m->start;
    if (!ls_has_backslash(v, n)) {
        memcpy(out, v, n);
        return n;
    }
    return ls_json_unescape(v, n, out);
}
