/* The configuration finding of `leakscan audit` (config_finding.h): freeing and its JSON record. */
#include "model/config_finding.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"

void ls_config_finding_free(struct ls_config_finding *f)
{
    if (!f)
        return;
    free(f->path);
    free(f->title);
    free(f->evidence);
    free(f->remediation);
    memset(f, 0, sizeof *f);
}

/* A JSON string of s made valid UTF-8 (file contents are arbitrary bytes). */
static json_t *jstr(const char *s)
{
    char *c = ls_utf8_sanitize(s ? s : "", strlen(s ? s : ""));
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

json_t *ls_json_config_finding(const struct ls_config_finding *f)
{
    return json_pack("{s:s, s:o, s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "type", "config", "path", jstr(f->path),
                     "line", (json_int_t)f->line, "column", (json_int_t)f->column, "engine",
                     f->engine ? f->engine : "unknown", "rule", f->rule ? f->rule : "", "severity",
                     ls_severity_name(f->severity), "title", jstr(f->title), "evidence", jstr(f->evidence),
                     "remediation", jstr(f->remediation));
}
