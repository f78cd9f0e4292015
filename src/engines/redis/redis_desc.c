/* Redis as an engine family: its identity for the registry (catalog.h). Its ports are those of
 * its one interface (redis.c: 6379, TLS 6380). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_redis = {
    .name = "redis",
    .display = "Redis",
    .in_db = true,
    .help = "In-memory key-value store for sessions, caches and queues. Checks whether it answers without AUTH "
            "(and protected mode), its version, keys per logical database (INFO keyspace) with a bounded SCAN "
            "sample of keys and values through the detector, whether CONFIG, MODULE and replication commands "
            "are allowed (the crontab/SSH-key write attack), ACL users without passwords, and signs of an "
            "earlier attack.",
};
