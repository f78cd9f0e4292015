/* AMQP 0-9-1 Connection.Start parser (see amqp_proto.h). Field value types follow the 0-9-1
 * errata as RabbitMQ implements them (rabbitmq.com/amqp-0-9-1-errata.html "Field types"):
 * t b B 1 byte, s u 2, I i f 4, l d T 8, D 5, S x A F a 4-byte length and that many bytes, V none. */
#include "engines/rabbitmq/amqp_proto.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const unsigned char amqp_header[8] = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void copy_text(char *out, size_t n, const unsigned char *p, size_t len)
{
    if (!n)
        return;
    size_t k = len < n - 1 ? len : n - 1;
    for (size_t i = 0; i < k; i++)
        out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
    out[k] = '\0';
}

static bool key_is(const unsigned char *k, size_t kl, const char *name)
{
    return kl == strlen(name) && memcmp(k, name, kl) == 0;
}

/* Size of a field value of `type` at p (avail bytes), or -1 if unknown or cut. */
static long value_size(unsigned char type, const unsigned char *p, size_t avail)
{
    switch (type) {
    case 't':
    case 'b':
    case 'B': return 1;
    case 's':
    case 'u': return 2;
    case 'I':
    case 'i':
    case 'f': return 4;
    case 'l':
    case 'd':
    case 'T': return 8;
    case 'D': return 5;
    case 'V': return 0;
    case 'S':
    case 'x':
    case 'A':
    case 'F':
        if (avail < 4)
            return -1;
        if (be32(p) > avail - 4)
            return -1;
        return 4 + (long)be32(p);
    default: return -1;
    }
}

static bool parse_table(const unsigned char *p, size_t len, struct amqp_start *out, char *err, size_t errn)
{
    size_t i = 0, fields = 0;
    while (i < len) {
        if (++fields > AMQP_MAX_FIELDS) {
            snprintf(err, errn, "more than %u server properties", AMQP_MAX_FIELDS);
            return false;
        }
        size_t kl = p[i++];
        if (kl > len - i || len - i - kl < 1) {
            snprintf(err, errn, "server property name cut short");
            return false;
        }
        const unsigned char *key = p + i;
        i += kl;
        unsigned char type = p[i++];
        long vs = value_size(type, p + i, len - i);
        if (vs < 0 || (size_t)vs > len - i) {
            snprintf(err, errn, "server property of type 0x%02x cut short or unknown", type);
            return false;
        }
        if (type == 'S') {
            const unsigned char *v = p + i + 4;
            size_t vl = (size_t)vs - 4;
            if (key_is(key, kl, "product"))
                copy_text(out->product, sizeof out->product, v, vl);
            else if (key_is(key, kl, "version"))
                copy_text(out->version, sizeof out->version, v, vl);
            else if (key_is(key, kl, "platform"))
                copy_text(out->platform, sizeof out->platform, v, vl);
            else if (key_is(key, kl, "cluster_name"))
                copy_text(out->cluster_name, sizeof out->cluster_name, v, vl);
        }
        i += (size_t)vs;
    }
    return true;
}

enum amqp_status amqp_parse_start(const unsigned char *b, size_t n, struct amqp_start *out, size_t *need, char *err,
                                  size_t errn)
{
    memset(out, 0, sizeof *out);
    if (errn)
        err[0] = '\0';
    *need = 7;
    if (n >= 1 && b[0] == 'A') { /* "AMQP" + 4 bytes: the server's protocol header */
        *need = 8;
        if (memcmp(b, "AMQP", n < 4 ? n : 4) != 0) {
            snprintf(err, errn, "not an AMQP frame");
            return AMQP_BAD;
        }
        return n < 8 ? AMQP_NEED_MORE : AMQP_HEADER;
    }
    if (n < 7)
        return n >= 1 && b[0] != 1 ? (snprintf(err, errn, "not an AMQP method frame"), AMQP_BAD) : AMQP_NEED_MORE;
    if (b[0] != 1 || b[1] != 0 || b[2] != 0) {
        snprintf(err, errn, "not an AMQP method frame on channel 0");
        return AMQP_BAD;
    }
    uint32_t size = be32(b + 3);
    if (size > AMQP_MAX_FRAME || size < 4 + 2 + 4 + 4 + 4) {
        snprintf(err, errn, "frame size %u out of bounds", (unsigned)size);
        return AMQP_BAD;
    }
    *need = 7 + (size_t)size + 1;
    if (n < *need)
        return AMQP_NEED_MORE;
    const unsigned char *p = b + 7;
    if (b[7 + size] != 0xCE) {
        snprintf(err, errn, "frame does not end in 0xCE");
        return AMQP_BAD;
    }
    if (p[0] != 0 || p[1] != 10 || p[2] != 0 || p[3] != 10) {
        snprintf(err, errn, "first method is not Connection.Start");
        return AMQP_BAD;
    }
    out->version_major = p[4];
    out->version_minor = p[5];
    size_t i = 6;
    uint32_t tl = be32(p + i);
    i += 4;
    if (tl > size - i) {
        snprintf(err, errn, "server properties longer than the frame");
        return AMQP_BAD;
    }
    if (!parse_table(p + i, tl, out, err, errn))
        return AMQP_BAD;
    i += tl;
    if (size - i < 4) {
        snprintf(err, errn, "mechanisms missing");
        return AMQP_BAD;
    }
    uint32_t ml = be32(p + i);
    i += 4;
    if (ml > size - i) {
        snprintf(err, errn, "mechanisms longer than the frame");
        return AMQP_BAD;
    }
    copy_text(out->mechanisms, sizeof out->mechanisms, p + i, ml);
    return AMQP_START;
}
