/* libFuzzer harness: the PostgreSQL v3 wire parser (src/engines/postgres/pgwire.c) over arbitrary
 * bytes — a stream of backend messages framed with a small length cap, each handed to every
 * message parser whatever its type, so a parser never trusts the framing's type byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engines/postgres/pgwire.h"

#define MAX_COLS 64

static void parse_all(const struct pgw_msg *m)
{
    struct pgw_auth a;
    struct pgw_error e;
    const char *name, *value, *tag;
    const char *names[MAX_COLS];
    char *cells[MAX_COLS];
    size_t lens[MAX_COLS], n;
    char text[300];
    if (pgw_parse_auth(m, &a) == 0)
        (void)pgw_auth_method(&a);
    if (pgw_parse_error(m, &e) == 0)
        pgw_error_text(&e, text, sizeof text);
    (void)pgw_parse_param(m, &name, &value);
    (void)pgw_parse_cstring(m, &tag);
    if (pgw_parse_rowdesc(m, MAX_COLS, names, &n) == 0)
        for (size_t i = 0; i < n; i++)
            (void)strlen(names[i]);
    size_t need = pgw_datarow_scratch(m);
    char *scratch = malloc(need);
    if (scratch && pgw_parse_datarow(m, MAX_COLS, scratch, need, cells, lens, &n) == 0)
        for (size_t i = 0; i < n; i++)
            if (cells[i] && strlen(cells[i]) > lens[i])
                abort(); /* a cell is NUL-terminated within its length */
    free(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* each message in a buffer of its own size, so ASan sees any read past it */
    size_t pos = 0;
    while (pos < size) {
        struct pgw_msg m;
        size_t used = 0;
        char err[120];
        enum pgw_status st = pgw_frame((const char *)data + pos, size - pos, 1 << 16, &m, &used, err, sizeof err);
        if (st != PGW_OK)
            break;
        char *copy = malloc(m.len ? m.len : 1);
        if (!copy)
            break;
        memcpy(copy, m.body, m.len);
        m.body = copy;
        parse_all(&m);
        free(copy);
        pos += used;
    }
    return 0;
}
