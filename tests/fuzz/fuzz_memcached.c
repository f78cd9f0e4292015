/* libFuzzer harness: the bounded memcached reply parser (src/engines/memcached/mc_proto.c) over
 * arbitrary bytes, for every reply kind, whole and as a growing prefix the way the connection
 * feeds it (waiting for the bytes NEED_MORE asks for), with small caps so the cap paths are
 * reached; every metadump line found goes through mc_dump_entry, every STAT name through
 * mc_items_name. */
#include <stdint.h>
#include <string.h>

#include "engines/memcached/mc_proto.h"

static const struct mc_limits small = {.max_line = 128, .max_items = 16, .max_value = 512, .max_total = 2048};

static void walk(const struct mc_reply *r, size_t *sum)
{
    for (size_t i = 0; i < r->len; i++)
        *sum += (unsigned char)r->line[i];
    for (size_t i = 0; i < r->nfields; i++) {
        const struct mc_field *f = &r->fields[i];
        if (r->kind == MC_DUMP) {
            struct mc_dump_entry e;
            if (mc_dump_entry(f->name, f->nlen, &e))
                *sum += e.klen + e.cls;
        } else {
            unsigned cls;
            const char *field;
            size_t flen;
            if (mc_items_name(f->name, f->nlen, &cls, &field, &flen))
                *sum += cls + (unsigned char)field[flen - 1];
            for (size_t k = 0; k < f->vlen; k++)
                *sum += (unsigned char)f->value[k];
        }
    }
    for (size_t i = 0; i < r->nitems; i++)
        for (size_t k = 0; k < r->items[i].dlen; k++)
            *sum += (unsigned char)r->items[i].data[k] + (unsigned char)r->items[i].key[0];
    const char *v;
    size_t vl;
    uint64_t n;
    if (mc_stat(r, "version", &v, &vl) && vl)
        *sum += (unsigned char)v[vl - 1];
    if (mc_stat_count(r, "curr_items", &n))
        *sum += (size_t)n;
}

static void run(const uint8_t *data, size_t size, enum mc_kind kind, const struct mc_limits *lim)
{
    size_t have = size ? 1 : 0, sum = 0;
    char err[128];
    while (have <= size) {
        struct mc_reply r;
        size_t used = 0;
        enum mc_status st = mc_parse((const char *)data, have, kind, lim, &r, &used, err, sizeof err);
        if (st == MC_OK) {
            if (used > have)
                __builtin_trap();
            walk(&r, &sum);
            mc_reply_free(&r);
            return;
        }
        if (st == MC_BAD || used <= have || have == size)
            return;
        have = used < size ? used : size;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int k = MC_LINE; k <= MC_BINARY; k++) {
        run(data, size, (enum mc_kind)k, &small);
        run(data, size, (enum mc_kind)k, NULL);
    }
    return 0;
}
