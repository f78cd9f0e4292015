/* libFuzzer harness: the Prometheus API parsers (src/engines/prometheus/prom_parse.c). The input
 * is read both as the configuration text (line-based scan, URL host and redaction) and as a JSON
 * reply (jansson, as engines/http_json.c loads it) handed to every reply parser: build
 * information, targets, flags, TSDB status and label texts of each element. */
#include <stdint.h>
#include <string.h>

#include "engines/prometheus/prom_parse.h"

static void json_side(const json_t *root)
{
    char v[64], labels[256];
    prom_buildinfo(root, v, sizeof v);
    const json_t *d = prom_data(root);
    if (!d)
        d = root;
    struct prom_targets t = {0};
    prom_targets_scan(d, &t);
    prom_targets_free(&t);
    struct prom_flags f = {0};
    prom_flags_scan(d, &f);
    uint64_t n;
    prom_tsdb_series(d, &n);
    static const char *const skip[] = {"__name__", NULL};
    size_t i;
    const json_t *e;
    if (json_is_array(d)) {
        json_array_foreach(d, i, e)
        {
            prom_labels_text(e, skip, labels, sizeof labels);
            (void)prom_str(e, "__name__");
        }
    }
    prom_labels_text(d, NULL, labels, sizeof labels);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct prom_config c = {0};
    prom_config_scan(text, size, &c);
    (void)prom_config_masks(&c);
    prom_config_free(&c);
    char out[128];
    bool masked;
    prom_url_host(text, size, out, sizeof out);
    prom_url_redact(text, size, out, sizeof out, &masked);
    json_error_t err;
    json_t *root = json_loadb(text, size, JSON_REJECT_DUPLICATES, &err);
    if (root) {
        json_side(root);
        json_decref(root);
    }
    return 0;
}
