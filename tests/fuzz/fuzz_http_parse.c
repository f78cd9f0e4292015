/* libFuzzer harness: the HTTP response parser over arbitrary bytes, fed whole and in two pieces
 * split where the first input byte says, with a small body cap so the cap path is exercised. */
#include <stdint.h>
#include <string.h>

#include "net/http_parse.h"

static int sink(void *ud, const char *data, size_t len)
{
    size_t *total = ud;
    *total += len;
    return 0;
}

static void run(const uint8_t *data, size_t size, size_t split)
{
    struct ls_http_parser p;
    size_t total = 0;
    ls_http_parser_init(&p, 4096, sink, &total);
    size_t pos = 0, used = 0;
    size_t cut = split < size ? split : size;
    enum ls_http_status st = ls_http_parse(&p, (const char *)data, cut, &used);
    pos = used;
    while (st == LS_HTTP_NEED_MORE && pos < size) {
        st = ls_http_parse(&p, (const char *)data + pos, size - pos, &used);
        if (used == 0)
            break;
        pos += used;
    }
    if (st == LS_HTTP_NEED_MORE)
        ls_http_parse_eof(&p);
    (void)ls_http_header(&p.resp, "X-ClickHouse-Server-Display-Name");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    run(data + 1, size - 1, data[0]);
    run(data, size, size);
    return 0;
}
