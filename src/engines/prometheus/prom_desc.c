/* Prometheus as an engine family: its identity for the registry (catalog.h). Its port is that of
 * its one interface (prom.c: 9090, HTTP). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_prometheus = {
    .name = "prometheus",
    .display = "Prometheus",
    .in_db = true,
    .help = "Monitoring server and time-series store; its configuration and targets map the internal network "
            "and carry scrape and remote-write credentials. Checks whether its HTTP API answers without a "
            "login (web.config.file), its version (status/buildinfo), the configuration (status/config: jobs, "
            "hosts, URLs, whether secrets are masked as <secret>, the text through the detector), the scrape "
            "targets and the hosts they reveal, the series count of the TSDB head with a bounded sample of "
            "series labels through the detector, and from status/flags whether the admin API (snapshot, "
            "delete series), the lifecycle API (/-/quit) or a write receiver is on — never calling them.",
};
