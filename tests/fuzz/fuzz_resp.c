/* libFuzzer harness: the bounded RESP2 parser (src/engines/redis/resp.c) over arbitrary bytes,
 * whole and as a growing prefix the way the connection feeds it (waiting for the bytes NEED_MORE
 * asks for), with small caps so the cap paths are reached. */
#include <stdint.h>
#include <string.h>

#include "engines/redis/resp.h"

static const struct resp_limits small = {
    .max_line = 256, .max_bulk = 1024, .max_elems = 64, .max_total = 256, .max_depth = 4};

static void walk(const struct resp_value *v, size_t *sum)
{
    if (v->type == RESP_BULK || v->type == RESP_SIMPLE || v->type == RESP_ERROR) {
        for (size_t i = 0; i < v->len; i++)
            *sum += (unsigned char)v->str[i];
        return;
    }
    for (size_t i = 0; v->type == RESP_ARRAY && i < v->nelems; i++)
        walk(&v->elems[i], sum);
}

static void run(const uint8_t *data, size_t size, const struct resp_limits *lim)
{
    size_t have = size ? 1 : 0, sum = 0;
    char err[128];
    while (have <= size) {
        struct resp_value v;
        size_t used = 0;
        enum resp_status st = resp_parse((const char *)data, have, lim, &v, &used, err, sizeof err);
        if (st == RESP_OK) {
            walk(&v, &sum);
            resp_reply_free(&v);
            return;
        }
        if (st == RESP_BAD || used <= have || have == size)
            return;
        have = used < size ? used : size;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, &small);
    run(data, size, NULL);
    return 0;
}
