/* libFuzzer harness: the bounded MySQL/MariaDB protocol parser (src/engines/mysql/mysql_proto.c)
 * over arbitrary server bytes, framed the way the client reads them: the first packet as a
 * greeting (Handshake v10 or ERR), an auth reply (OK, ERR, auth switch), then the rest as one text
 * resultset with a small column cap so the cap paths are reached. */
#include <stdint.h>
#include <string.h>

#include "engines/mysql/mysql_proto.h"

static size_t sum_cells(const struct mysql_rs *rs)
{
    size_t sum = 0;
    for (size_t i = 0; i < rs->ncells; i++)
        for (size_t k = 0; rs->cells[i] && k < rs->lens[i]; k++)
            sum += rs->cells[i][k];
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0, used = 0, npk = 0, sum = 0;
    struct mysql_packet pk;
    struct mysql_rs rs;
    mysql_rs_init(&rs, 8);
    while (off < size && mysql_frame(data + off, size - off, 4096, &pk, &used) == MYSQL_DONE) {
        off += used;
        if (npk == 0) {
            struct mysql_handshake h;
            struct mysql_err e;
            char why[128];
            if (mysql_parse_handshake(pk.p, pk.len, &h, why, sizeof why))
                sum += strlen(h.version) + h.scramble_len + strlen(h.plugin);
            if (mysql_parse_err(pk.p, pk.len, &e))
                sum += strlen(e.msg);
        } else if (npk == 1) {
            char plugin[64];
            const uint8_t *d;
            size_t dl;
            sum += mysql_is_ok(pk.p, pk.len);
            if (mysql_parse_auth_switch(pk.p, pk.len, plugin, sizeof plugin, &d, &dl))
                for (size_t i = 0; i < dl; i++)
                    sum += d[i];
        } else {
            enum mysql_rs_event ev = mysql_rs_feed(&rs, pk.p, pk.len);
            if (ev == MYSQL_RS_ROW)
                sum += sum_cells(&rs);
            if (ev != MYSQL_RS_CONT && ev != MYSQL_RS_ROW)
                break;
        }
        npk++;
    }
    mysql_rs_free(&rs);
    size_t pos = 0;
    uint64_t v;
    while (pos < size && mysql_lenenc_int(data, size, &pos, &v) == 0)
        sum += (size_t)v;
    return sum == 0xdeadbeef;
}
