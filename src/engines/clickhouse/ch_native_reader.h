/* Internal to the native codec (ch_native_proto.c, ch_native_block.c): one bounded reader over a
 * byte range with the codec's status conventions — CH_NEED_MORE records in `need` a lower bound of
 * the whole packet's length, CH_ERROR writes a one-line reason into `err`, and nothing reads past
 * `len` or beyond CH_MAX_PACKET. */
#ifndef LS_ENGINES_CH_NATIVE_READER_H
#define LS_ENGINES_CH_NATIVE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "engines/clickhouse/ch_native_proto.h"

struct ch_rd {
    const uint8_t *b;
    size_t len, pos;
    size_t need; /* on CH_NEED_MORE: a lower bound of the whole packet's length */
    char *err;
    size_t errlen;
};

enum ch_status ch_rd_fail(struct ch_rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum ch_status ch_rd_too_big(struct ch_rd *r);
/* n more bytes must follow pos. */
enum ch_status ch_rd_need(struct ch_rd *r, uint64_t n);
enum ch_status ch_rd_skip(struct ch_rd *r, size_t n);
enum ch_status ch_rd_varuint(struct ch_rd *r, uint64_t *v);
enum ch_status ch_rd_string(struct ch_rd *r, struct ch_str *s);

#define CH_TRY(x)                                                                                                      \
    do {                                                                                                               \
        enum ch_status st_ = (x);                                                                                      \
        if (st_ != CH_OK)                                                                                              \
            return st_;                                                                                                \
    } while (0)

/* ch_native_block.c: decodes the Block that follows a Data packet's table name, validating all of
 * it before allocating anything. */
enum ch_status ch_native_block_decode(const uint8_t *buf, size_t len, size_t *pos, uint64_t eff, struct ch_block *blk,
                                      size_t *need, char *err, size_t errlen);
void ch_native_block_free(struct ch_block *blk);

#endif
