/* InfluxDB as an engine family: its identity for the registry (catalog.h). Its port is that of its
 * one interface (influx.c: the HTTP API on 8086). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_influxdb = {
    .name = "influxdb",
    .display = "InfluxDB",
    .in_db = true,
    .help = "Time-series database (1.x HTTP API) holding application metrics and events. Checks /ping for the "
            "version, whether /query answers SHOW DATABASES without credentials (auth-enabled off) or waits for "
            "its first admin user, measurements per database with exact point counts (SELECT COUNT(*)), field "
            "and tag keys, retention policies, users and their admin flag, subscriptions that copy writes to "
            "other hosts, and a bounded SELECT * … LIMIT sample of points through the detector. GET only: "
            "nothing is written.",
};
