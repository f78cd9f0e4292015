/* Memcached as an engine family: its identity for the registry (catalog.h). Its port is that of
 * its one interface (memcached.c: 11211, text protocol over TCP). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_memcached = {
    .name = "memcached",
    .display = "Memcached",
    .in_db = true,
    .help = "In-memory cache for sessions, tokens and rendered pages. Checks whether the text protocol answers "
            "without a login (an auth file or SASL reported as required), its version, items per slab class "
            "(stats items) with a bounded sample of keys (lru_crawler metadump, cut after a few hundred) and "
            "their values (get) through the detector, whether anyone may set, delete or flush_all, and whether "
            "UDP is on (the reflection/amplification attack).",
};
