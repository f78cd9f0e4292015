/* libFuzzer harness for the ClickHouse native decoder: whole connections, post-Hello streams, prefix invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engines/clickhouse/ch_native_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

/* Reads every byte the packet exposes, so ASan sees any dangling or short pointer. */
static void touch(const struct ch_packet *p)
{
    size_t acc = 0;
    const struct ch_str *strs[5] = {0};
    switch (p->type) {
    case CH_SRV_HELLO:
        strs[0] = &p->u.hello.name, strs[1] = &p->u.hello.timezone, strs[2] = &p->u.hello.display_name;
        break;
    case CH_SRV_EXCEPTION:
        strs[0] = &p->u.exception.name, strs[1] = &p->u.exception.message, strs[2] = &p->u.exception.stack_trace;
        break;
    case CH_SRV_DATA:
    case CH_SRV_TOTALS:
    case CH_SRV_EXTREMES:
        strs[0] = &p->u.block.table_name;
        if (p->u.block.ncols && !p->u.block.cols)
            abort();
        for (uint64_t c = 0; c < p->u.block.ncols; c++) {
            const struct ch_column *col = &p->u.block.cols[c];
            for (size_t i = 0; i < col->name.len; i++)
                acc += (unsigned char)col->name.p[i];
            for (size_t i = 0; i < col->type.len; i++)
                acc += (unsigned char)col->type.p[i];
            if (p->u.block.nrows && !col->cells)
                abort();
            for (uint64_t r = 0; r < p->u.block.nrows; r++) {
                const struct ch_str *s = &col->cells[r];
                if (s->len && !s->p)
                    abort();
                for (size_t i = 0; i < s->len; i++)
                    acc += (unsigned char)s->p[i];
                if (col->is_null)
                    acc += col->is_null[r];
            }
        }
        break;
    default: break;
    }
    for (int i = 0; i < 5 && strs[i]; i++)
        for (size_t k = 0; k < strs[i]->len; k++)
            acc += (unsigned char)strs[i]->p[k];
    sink += acc;
}

/* A strict prefix of a packet that decoded must ask for more, with a hint in (k, full]. */
static void check_prefix(const uint8_t *p, size_t k, size_t full, uint64_t rev)
{
    uint8_t *cp = malloc(k ? k : 1);
    if (!cp)
        return;
    memcpy(cp, p, k);
    struct ch_packet pkt;
    size_t hint = 0;
    char err[160];
    enum ch_status st = ch_decode_packet(cp, k, rev, &pkt, &hint, err, sizeof err);
    if (st != CH_NEED_MORE || hint <= k || hint > full)
        abort();
    free(cp);
}

/* Decodes packets back to back; server_revision 0 means "before the Hello". */
static void run(const uint8_t *d, size_t n, uint64_t rev)
{
    size_t off = 0;
    for (int i = 0; i < 4096 && off < n; i++) {
        struct ch_packet pkt;
        size_t used = 0;
        char err[160];
        err[0] = '\0';
        enum ch_status st = ch_decode_packet(d + off, n - off, rev, &pkt, &used, err, sizeof err);
        if (st == CH_ERROR) {
            if (!err[0])
                abort(); /* every error carries a reason */
            return;
        }
        if (st == CH_NEED_MORE) {
            if (used <= n - off)
                abort();
            return;
        }
        if (used == 0 || used > n - off)
            abort();
        touch(&pkt);
        uint64_t next_rev = rev;
        if (pkt.type == CH_SRV_HELLO)
            next_rev = pkt.u.hello.revision;
        ch_packet_clear(&pkt);
        check_prefix(d + off, used - 1, used, rev);
        check_prefix(d + off, used / 2, used, rev);
        rev = next_rev;
        off += used;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint64_t revs[] = {54412, 54401, 54372, 54058, 54032, 51903, 51554, 50264, 1, UINT64_MAX};
    /* a whole connection: Hello (or Exception) first, then the response stream */
    run(data, size, 0);
    /* a post-Hello stream at a revision picked by the first byte */
    if (size)
        run(data + 1, size - 1, revs[data[0] % (sizeof revs / sizeof *revs)]);

    /* primitives on the raw bytes */
    size_t pos = 0;
    uint64_t v;
    struct ch_str s;
    while (pos < size && ch_read_varuint(data, size, &pos, &v) == CH_OK)
        ;
    pos = 0;
    while (pos < size && ch_read_string(data, size, &pos, &s) == CH_OK)
        sink += s.len ? (unsigned char)s.p[s.len - 1] : 0;
    return 0;
}
