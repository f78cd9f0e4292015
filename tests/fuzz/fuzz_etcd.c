/* libFuzzer harness: the etcd engine's parsers (src/engines/etcd/etcd_parse.c) over arbitrary
 * bytes: as a JSON reply through jansson (what http_json.c hands the engine) into the /version,
 * count, error, key-value, member and v2 tree parsers; and as a raw value into the Kubernetes
 * Secret decoder (JSON and 'k8s\0' protobuf), base64 and prefix-end helpers, with small caps so
 * the cut paths are reached. */
#include <stdint.h>
#include <string.h>

#include "engines/etcd/etcd_parse.h"

static size_t sink;

static void on_member(void *ud, const char *name, const char *const *peer, size_t npeer, const char *const *client,
                      size_t nclient)
{
    (void)ud;
    sink += strlen(name);
    for (size_t i = 0; i < npeer; i++)
        sink += strlen(peer[i]);
    for (size_t i = 0; i < nclient; i++)
        sink += strlen(client[i]);
}

static void on_leaf(void *ud, const char *key, const char *value)
{
    (void)ud;
    sink += strlen(key) + strlen(value);
}

static void values(const unsigned char *v, size_t n)
{
    char text[256], name[64];
    sink += etcd_k8s_secret_text(v, n, text, sizeof text);
    if (etcd_k8s_secret_name(v, n, name, sizeof name))
        sink += strlen(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
    if (j) {
        char sv[64], cv[64];
        uint64_t n;
        bool more;
        struct etcd_kv kv[8];
        etcd_parse_version(j, sv, sizeof sv, cv, sizeof cv);
        sink += etcd_has_header(j) + etcd_int_field(j, "count", &n);
        const char *e = etcd_error_text(j);
        sink += etcd_auth_error(e);
        size_t k = etcd_parse_kvs(j, kv, 8, 16, 32, &more);
        for (size_t i = 0; i < k; i++)
            values(kv[i].value, kv[i].vlen);
        etcd_kvs_free(kv, k);
        etcd_parse_members(j, on_member, NULL);
        etcd_v2_leaves(json_object_get(j, "node"), 64, on_leaf, NULL);
        json_decref(j);
    }
    values(data, size);
    unsigned char out[64];
    char enc[128];
    sink += (size_t)etcd_b64_decode((const char *)data, size, out, sizeof out);
    size_t m = size < 64 ? size : 64;
    sink += etcd_prefix_end(data, m, out);
    if (etcd_b64_encode(data, size < 90 ? size : 90, enc, sizeof enc) == 0)
        sink += strlen(enc);
    return 0;
}
