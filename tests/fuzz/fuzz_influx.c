/* libFuzzer harness: the InfluxDB 1.x answer readers (src/engines/influxdb/influx_parse.c) over
 * arbitrary bytes. The input is an HTTP response: its header section goes through the bounded
 * HTTP parser and the /ping check, its body through jansson (the engine's JSON transport) and then
 * every accessor the engine uses — results, series, columns, cells as text, point counts — with
 * the loops the engine runs (bounded). The same bytes also go to the first look, the identifier
 * quoting, the subscription URL cleaner and the version comparison. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engines/engine.h"
#include "engines/influxdb/influx_parse.h"
#include "net/http_parse.h"

static int on_body(void *ud, const char *data, size_t len)
{
    (void)ud, (void)data, (void)len;
    return 0;
}

static void walk(const json_t *root)
{
    char cell[128];
    size_t sum = 0;
    const char *e = ifx_top_error(root);
    sum += e ? strlen(e) : 0;
    for (size_t st = 0; st < 8; st++) {
        const json_t *res = ifx_result(root, st);
        if (!res)
            break;
        e = ifx_result_error(res);
        sum += e ? strlen(e) : 0;
        uint64_t points;
        bool uneven;
        sum += ifx_count_points(res, &points, &uneven) ? (size_t)(points & 0xff) + uneven : 0;
        size_t ns = ifx_nseries(res);
        for (size_t i = 0; i < ns && i < 64; i++) {
            const json_t *se = ifx_series(res, i);
            sum += strlen(ifx_series_name(se));
            size_t nc = ifx_ncolumns(se), nr = ifx_nrows(se);
            for (size_t c = 0; c < nc && c < 64; c++) {
                const char *col = ifx_column(se, c);
                sum += col ? (size_t)ifx_column_index(se, col) : 0;
            }
            for (size_t r = 0; r < nr && r < 64; r++)
                for (size_t c = 0; c < nc + 1 && c < 65; c++) {
                    sum += ifx_cell_text(ifx_cell(se, r, c), cell, sizeof cell);
                    const char *s = ifx_cell_str(se, r, c);
                    sum += s ? strlen(s) : 0;
                }
        }
    }
    (void)sum;
}

static void strings(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return;
    memcpy(s, data, size);
    s[size] = '\0';
    char out[64];
    bool had, below;
    ifx_quote_ident(s, out, sizeof out);
    ifx_strip_userinfo(s, out, sizeof out, &had);
    ifx_version_below(s, 1, 7, 6, &below);
    free(s);
    const struct ls_engine *e = ls_engine_find("influxdb", "http");
    if (e && e->first_look)
        e->first_look(data, size, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    strings(data, size);
    struct ls_http_parser p;
    ls_http_parser_init(&p, 1 << 20, on_body, NULL);
    size_t used = 0;
    enum ls_http_status st = ls_http_parse(&p, (const char *)data, size, &used);
    if (st != LS_HTTP_ERROR && ls_http_headers_done(&p)) {
        char v[64], b[32];
        ifx_ping_is_influx(p.resp.status, &p.resp, v, sizeof v, b, sizeof b);
    }
    /* the body: after the header section when there is one, else the whole input */
    const uint8_t *body = data;
    size_t blen = size;
    for (size_t i = 0; i + 4 <= size; i++)
        if (memcmp(data + i, "\r\n\r\n", 4) == 0) {
            body = data + i + 4;
            blen = size - i - 4;
            break;
        }
    json_error_t jerr;
    json_t *root = json_loadb((const char *)body, blen, JSON_REJECT_DUPLICATES, &jerr);
    if (root) {
        walk(root);
        json_decref(root);
    }
    return 0;
}
