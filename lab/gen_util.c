/* Lab data generator: the bounded string builder and the small encoders (hex, UUID, base64,
 * date-time) that the table writers and the planted-value formats share. */
#include "gen.h"

#include <string.h>
#include <time.h>

const char ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const char BASE62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const char URLSAFE[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const char B32UPPER[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const char AWS_SECRET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

static const char HEX[] = "0123456789abcdef";
static const char B64STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void val_reset(val_t *v)
{
    v->n = 0;
    v->b[0] = '\0';
}

void val_catn(val_t *v, const char *s, size_t n)
{
    size_t room = VAL_CAP - 1 - v->n;
    if (n > room)
        n = room;
    memcpy(v->b + v->n, s, n);
    v->n += n;
    v->b[v->n] = '\0';
}

void val_cat(val_t *v, const char *s)
{
    val_catn(v, s, strlen(s));
}

void val_chr(val_t *v, char c)
{
    if (v->n + 1 < VAL_CAP) {
        v->b[v->n++] = c;
        v->b[v->n] = '\0';
    }
}

void val_u64(val_t *v, uint64_t x)
{
    char tmp[24];
    int i = 0;
    do {
        tmp[i++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    while (i)
        val_chr(v, tmp[--i]);
}

void val_u64_pad(val_t *v, uint64_t x, int width)
{
    char tmp[24];
    int i = 0;
    do {
        tmp[i++] = (char)('0' + x % 10);
        x /= 10;
    } while (x && i < 23);
    while (i < width && i < 23)
        tmp[i++] = '0';
    while (i)
        val_chr(v, tmp[--i]);
}

void val_rand(val_t *v, rng_t *r, const char *alphabet, size_t n)
{
    uint32_t k = (uint32_t)strlen(alphabet);
    for (size_t i = 0; i < n; i++)
        val_chr(v, alphabet[rng_below(r, k)]);
}

void val_hex(val_t *v, rng_t *r, size_t n)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 16 == 0)
            bits = rng_next(r);
        val_chr(v, HEX[bits & 15]);
        bits >>= 4;
    }
}

void val_uuid(val_t *v, rng_t *r)
{
    /* version 4 layout: 8-4-4-4-12, version nibble 4, variant 8..b */
    val_hex(v, r, 8);
    val_chr(v, '-');
    val_hex(v, r, 4);
    val_cat(v, "-4");
    val_hex(v, r, 3);
    val_chr(v, '-');
    val_chr(v, "89ab"[rng_below(r, 4)]);
    val_hex(v, r, 3);
    val_chr(v, '-');
    val_hex(v, r, 12);
}

static void b64_encode(val_t *v, const unsigned char *d, size_t n, const char *alpha, int pad)
{
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t w = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
        val_chr(v, alpha[w >> 18 & 63]);
        val_chr(v, alpha[w >> 12 & 63]);
        val_chr(v, alpha[w >> 6 & 63]);
        val_chr(v, alpha[w & 63]);
    }
    if (n - i == 1) {
        uint32_t w = (uint32_t)d[i] << 16;
        val_chr(v, alpha[w >> 18 & 63]);
        val_chr(v, alpha[w >> 12 & 63]);
        if (pad)
            val_cat(v, "==");
    } else if (n - i == 2) {
        uint32_t w = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8;
        val_chr(v, alpha[w >> 18 & 63]);
        val_chr(v, alpha[w >> 12 & 63]);
        val_chr(v, alpha[w >> 6 & 63]);
        if (pad)
            val_chr(v, '=');
    }
}

void val_b64url(val_t *v, const unsigned char *data, size_t n)
{
    b64_encode(v, data, n, URLSAFE, 0);
}

void val_b64(val_t *v, const unsigned char *data, size_t n)
{
    b64_encode(v, data, n, B64STD, 1);
}

void val_datetime(val_t *v, int64_t t)
{
    struct tm tm;
    time_t tt = (time_t)t;
    gmtime_r(&tt, &tm);
    val_u64_pad(v, (uint64_t)tm.tm_year + 1900, 4);
    val_chr(v, '-');
    val_u64_pad(v, (uint64_t)tm.tm_mon + 1, 2);
    val_chr(v, '-');
    val_u64_pad(v, (uint64_t)tm.tm_mday, 2);
    val_chr(v, ' ');
    val_u64_pad(v, (uint64_t)tm.tm_hour, 2);
    val_chr(v, ':');
    val_u64_pad(v, (uint64_t)tm.tm_min, 2);
    val_chr(v, ':');
    val_u64_pad(v, (uint64_t)tm.tm_sec, 2);
}
