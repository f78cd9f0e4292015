/* etcd as an engine family: its identity for the registry (catalog.h). Its port is that of its
 * one interface (etcd.c: the HTTP client port 2379). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_etcd = {
    .name = "etcd",
    .display = "etcd",
    .in_db = true,
    .help = "Distributed key-value store behind Kubernetes and service discovery. Checks GET /version, whether "
            "the v3 gRPC-gateway answers without a token (auth enabled or not, in etcd's own words), the member "
            "list with its peer and client URLs, the exact key count (count_only ranges) with the Kubernetes "
            "Secrets under /registry/secrets/ counted apart, whether the v2 API is on, and a bounded sample of "
            "keys and values (limit and byte caps) through the detector, Secrets decoded from base64 or "
            "protobuf. Read-only: ranges, member list and status only.",
};
