/* Parsers of the Prometheus HTTP API's answers (no I/O, unit-tested and fuzzed): the build
 * information that names a server Prometheus, the `status: success` envelope, a line-based scan
 * of the configuration YAML (jobs, scrape targets, URLs and credentials, whether secrets are
 * masked as <secret>), the targets list (counts and the hosts it reveals), the flags that open
 * the admin, lifecycle and remote-write APIs, the TSDB head's series count, and label sets as
 * one text for the detector. Every list is capped (PROM_MAX_HOSTS, PROM_MAX_ITEMS). */
#ifndef LS_ENGINES_PROMETHEUS_PROM_PARSE_H
#define LS_ENGINES_PROMETHEUS_PROM_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/access.h"

#define PROM_MAX_HOSTS 64  /* distinct host:port kept per list */
#define PROM_MAX_ITEMS 32  /* jobs and URLs kept */
#define PROM_MAX_LINE 4096 /* longer config lines are looked at in their first bytes only */

/* data of a {"status":"success","data":…} reply, or NULL. */
json_t *prom_data(const json_t *root);

/* True when root is /api/v1/status/buildinfo of Prometheus: success with string version,
 * revision and goVersion ("go…"). The version is copied into out. */
bool prom_buildinfo(const json_t *root, char *version, size_t n);

/* A bounded list of distinct strings. */
struct prom_list {
    char *items[PROM_MAX_HOSTS];
    size_t n;
    bool truncated;
};
void prom_list_add(struct prom_list *l, const char *s, size_t len, size_t cap);
void prom_list_free(struct prom_list *l);

struct prom_config {
    uint64_t lines;
    unsigned masked;          /* values shown as <secret> */
    unsigned masked_urls;     /* URL passwords shown as xxxxx */
    unsigned plain_secrets;   /* password/credentials/bearer_token/… values in clear */
    unsigned plain_url_creds; /* URLs with user:password in clear */
    struct prom_list jobs;    /* job_name values */
    struct prom_list hosts;   /* host:port of targets and URLs */
    struct prom_list urls;    /* URL values, passwords replaced by *** */
};
/* Scans the configuration text line by line (YAML as Prometheus writes it back). */
void prom_config_scan(const char *text, size_t len, struct prom_config *c);
void prom_config_free(struct prom_config *c);
/* Whether the server masks secrets: yes when some were masked and none in clear, no when one is
 * in clear, unknown when the configuration has no secret field at all. */
enum ls_tri prom_config_masks(const struct prom_config *c);

/* "host:port" (or "[v6]:port") from a URL ("http://u:p@h:1/x" -> "h:1"); false if none. */
bool prom_url_host(const char *url, size_t len, char *out, size_t n);
/* The URL with a userinfo password replaced by "***" into out; returns true if it had one in
 * clear (neither empty nor Prometheus's mask "xxxxx"). */
bool prom_url_redact(const char *url, size_t len, char *out, size_t n, bool *masked);

struct prom_targets {
    uint64_t active, dropped, up, down;
    struct prom_list jobs;
    struct prom_list hosts; /* host:port of scrape URLs */
};
/* data of /api/v1/targets. False if it has no activeTargets array. */
bool prom_targets_scan(const json_t *data, struct prom_targets *t);
void prom_targets_free(struct prom_targets *t);

struct prom_flags {
    enum ls_tri admin_api, lifecycle, remote_write_receiver, otlp_receiver, web_config;
    char retention[64];
    char tsdb_path[256];
    char features[256];
};
/* data of /api/v1/status/flags (an object of strings). False if it is not one. */
bool prom_flags_scan(const json_t *data, struct prom_flags *f);

/* data.headStats.numSeries of /api/v1/status/tsdb. */
bool prom_tsdb_series(const json_t *data, uint64_t *n);

/* A label set as `k="v", …` (labels named in skip, NULL-terminated, left out) into out (cut
 * to n); returns the length written. */
size_t prom_labels_text(const json_t *labels, const char *const *skip, char *out, size_t n);
/* The string member key of obj, or "". */
const char *prom_str(const json_t *obj, const char *key);

#endif
