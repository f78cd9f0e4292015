/* A weakness found in a database's configuration file by `leakscan audit`: where it is (file,
 * 1-based line and column), which rule, how severe given the server's exposure, what the file says
 * (evidence, already redacted by the auditor) and what to change. The configuration counterpart of
 * a service's risk (model.h), read by the audit writers (report/audit_out.h). */
#ifndef LS_MODEL_CONFIG_FINDING_H
#define LS_MODEL_CONFIG_FINDING_H

#include <stdint.h>

#include "model/model.h"

struct ls_config_finding {
    char *path;         /* the file as named on the command line or found by the walk; "-" = stdin */
    uint64_t line;      /* 1-based; 0 = the file as a whole */
    uint64_t column;    /* 1-based byte column; 0 = unknown */
    const char *engine; /* static: "clickhouse", "redis", "postgres", "mysql", "compose" */
    const char *rule;   /* static rule id, e.g. "CH-LISTEN-ALL" */
    enum ls_severity severity;
    char *title;       /* one line, e.g. "Listens on every address" */
    char *evidence;    /* what the file says, redacted (never a raw secret) */
    char *remediation; /* the change that fixes it */
};

void ls_config_finding_free(struct ls_config_finding *f); /* frees contents, not f */

/* JSON record: {"type":"config","path","line","column","engine","rule","severity","title",
 * "evidence","remediation"}; a new reference, NULL when out of memory. Strings become valid UTF-8. */
struct json_t;
struct json_t *ls_json_config_finding(const struct ls_config_finding *f);

#endif
