/* Test helper shared by the native-codec unit tests: builds server packets byte by byte
 * (VarUInt, little-endian integers, strings, Data block headers) in a growable buffer, and checks
 * that every strict prefix of a packet asks for more input. */
#ifndef LS_TESTS_CH_WIRE_BUILDER_H
#define LS_TESTS_CH_WIRE_BUILDER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/clickhouse/ch_native_proto.h"

struct bb {
    uint8_t *p;
    size_t len, cap;
};

static inline void bb_add(struct bb *b, const void *x, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    if (n && x)
        memcpy(b->p + b->len, x, n);
    b->len += n;
}

static inline void bb_u8(struct bb *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    bb_add(b, &c, 1);
}

static inline void bb_vu(struct bb *b, uint64_t v)
{
    do {
        bb_u8(b, (v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
}

static inline void bb_le(struct bb *b, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        bb_u8(b, (unsigned)(v >> (8 * i)) & 0xff);
}

static inline void bb_strn(struct bb *b, const char *s, size_t n)
{
    bb_vu(b, n);
    bb_add(b, s, n);
}

static inline void bb_str(struct bb *b, const char *s)
{
    bb_strn(b, s, strlen(s));
}

/* Data packet header: type, table name "", BlockInfo, ncols, nrows. */
static inline void bb_block(struct bb *b, unsigned type, uint64_t ncols, uint64_t nrows)
{
    static const uint8_t info[] = {1, 0, 2, 0xff, 0xff, 0xff, 0xff, 0};
    bb_vu(b, type);
    bb_str(b, "");
    bb_add(b, info, sizeof info);
    bb_vu(b, ncols);
    bb_vu(b, nrows);
}

static inline void bb_free(struct bb *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Every strict prefix must ask for more with a hint in (k, len]. */
static inline void check_prefixes(const uint8_t *p, size_t len, uint64_t rev)
{
    char e[256] = "";
    for (size_t k = 0; k < len; k++) {
        uint8_t *cp = malloc(k ? k : 1);
        assert_non_null(cp);
        memcpy(cp, p, k);
        struct ch_packet pkt;
        size_t used = 0;
        enum ch_status st = ch_decode_packet(cp, k, rev, &pkt, &used, e, sizeof e);
        free(cp);
        if (st != CH_NEED_MORE)
            fail_msg("prefix %zu/%zu: status %d (%s)", k, len, st, e);
        if (used <= k || used > len)
            fail_msg("prefix %zu/%zu: hint %zu", k, len, used);
    }
}

#endif
