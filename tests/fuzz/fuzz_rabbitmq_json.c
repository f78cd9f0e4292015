/* libFuzzer harness: the RabbitMQ management API parsers (src/engines/rabbitmq/rmq_parse.c) over
 * whatever JSON the bytes decode to (jansson, as http_json.c loads answers), plus the rabbitmqadmin
 * version scan over the raw bytes. Every parser gets every value, so shapes the server would never
 * send (a number for items, an object for tags) are exercised too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engines/rabbitmq/rmq_parse.h"

static void each(const json_t *v)
{
    struct rmq_overview o;
    struct rmq_page p;
    struct rmq_queue q;
    struct rmq_permission perm;
    char buf[160];
    rmq_parse_overview(v, &o);
    if (rmq_page(v, &p))
        for (size_t i = 0; i < json_array_size(p.items) && i < 1000; i++) {
            rmq_queue_item(json_array_get(p.items, i), &q);
            rmq_permission_item(json_array_get(p.items, i), &perm);
            rmq_tags(json_object_get(json_array_get(p.items, i), "tags"), buf, sizeof buf);
        }
    rmq_tags(v, buf, sizeof buf);
    rmq_uri_passwords(v, buf, sizeof buf);
    rmq_uri_passwords(v, buf, 8); /* a small buffer: the cut path */
    free(rmq_value_text(v, 64));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char v[16];
    rmq_admin_version((const char *)data, size, v, sizeof v);
    json_error_t err;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!j)
        return 0;
    each(j);
    if (json_is_object(j)) {
        const char *k;
        json_t *item;
        json_object_foreach(j, k, item) each(item);
    }
    json_decref(j);
    return 0;
}
