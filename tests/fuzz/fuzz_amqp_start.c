/* libFuzzer harness: the AMQP 0-9-1 Connection.Start parser (src/engines/rabbitmq/amqp_proto.c)
 * over arbitrary bytes, whole and as the growing prefixes the connection feeds it (waiting for the
 * bytes NEED_MORE asks for), checking that `need` always grows and never asks past the frame cap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engines/rabbitmq/amqp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct amqp_start st;
    char err[128];
    size_t have = size ? 1 : 0;
    for (;;) {
        size_t need = 0;
        enum amqp_status r = amqp_parse_start(data, have, &st, &need, err, sizeof err);
        if (r != AMQP_NEED_MORE)
            break;
        if (need <= have || need > AMQP_MAX_FRAME + 8)
            abort(); /* NEED_MORE must ask for more, and within the cap */
        if (have == size)
            break;
        have = need < size ? need : size;
    }
    return 0;
}
