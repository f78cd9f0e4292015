/* ClickHouse as an engine family: its identity for the registry (engine.h, ls_engine_desc). The
 * HTTP (8123, TLS 8443) and native (9000, TLS 9440) interfaces list their own ports; these are
 * the other default ports a ClickHouse server opens. */
#include "engines/engine.h"

static const uint16_t ch_other_ports[] = {9004, 9005, 9009, 9363, 0};

const struct ls_engine_desc ls_desc_clickhouse = {
    .name = "clickhouse",
    .display = "ClickHouse",
    .ports = ch_other_ports,
    .in_db = true,
    .help = "Column store for logs and analytics, often holding chat histories and API keys. Over HTTP "
            "(8123/8443) and the native protocol (9000/9440): version, whether the default user gets in "
            "without a password, databases and tables with exact row counts, sampled rows through the "
            "detector, the account's effective settings and grants (writes, DDL, table functions that "
            "reach other hosts), credentials in table definitions, dictionaries and the query log, "
            "passwordless users, cluster topology, ransom notes and known CVEs of the version.",
};
