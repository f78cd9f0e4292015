/* Shared state of the Prometheus engine's modules: one HTTP request in flight at a time
 * (engines/http_json.h), what inventory and posture read (kept for sampling and assess), and the
 * helpers that end a step. */
#ifndef LS_ENGINES_PROMETHEUS_PROM_INT_H
#define LS_ENGINES_PROMETHEUS_PROM_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/http_json.h"
#include "engines/prometheus/prom_parse.h"

struct event;

#define PROM_MAX_CONFIG (1u << 20)  /* bytes of the configuration answer */
#define PROM_MAX_SMALL (256u << 10) /* buildinfo, flags, tsdb */
#define PROM_MAX_LIST (8u << 20)    /* targets and series answers, at most (parsed: several times that) */
#define PROM_MAX_CELL 16384         /* bytes of one label text handed to the detector */
#define PROM_SAMPLE_SERIES 1000     /* series sampled without --deep (and without --sample) */
#define PROM_SAMPLE_METRICS 64      /* per-metric series requests of the series fallback */

/* The units of stored data (ls_table.database / name) */
#define PROM_UNIT_DB "prometheus"
#define PROM_UNIT_CONFIG "config"
#define PROM_UNIT_TARGETS "targets"
#define PROM_UNIT_SERIES "series"

struct prom {
    struct ls_session *s;
    struct ls_http_json *req; /* the request in flight */
    ls_step_cb step_done;
    struct event *defer; /* ends a step from the event loop when no request is needed */
    enum ls_step defer_result;
    unsigned probe; /* next inventory request */
    /* what inventory and posture read */
    char *config; /* the configuration YAML (owned) */
    size_t config_len;
    json_t *targets; /* activeTargets (a reference held) */
    struct prom_config cfg;
    struct prom_targets tg;
    struct prom_flags fl;
    bool config_ok, targets_ok, series_ok, flags_ok;
    uint64_t series;
    /* sampling */
    ls_row_cb row;
    const struct ls_table *unit;
    uint64_t limit, sent;
    json_t *metrics; /* metric names of the series fallback (a reference held) */
    size_t next_metric;
    bool emit; /* the deferred end first emits the unit's rows (prom_emit_rows) */
};

/* Starts GET path (bounded by max_body); cb runs from the event loop. False if it could not start
 * (then nothing is pending). */
bool prom_get(struct prom *p, const char *path, uint64_t max_body, ls_http_json_cb cb);
/* Ends the current step with `result`, from the event loop (a zero timer). */
void prom_end_later(struct prom *p, enum ls_step result);
/* Ends the current step now (only from an event-loop callback). */
void prom_step_end(struct prom *p, enum ls_step result);
/* "HTTP 500: <first bytes of the body>" or the transport error, into out. */
void prom_reply_reason(const struct ls_http_json_reply *r, char *out, size_t n);

void prom_inventory(struct ls_session *s, ls_step_cb done);
void prom_posture(struct ls_session *s, ls_step_cb done);
void prom_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void prom_assess(struct ls_session *s);
/* Rows of the config or targets unit from what the inventory read (prom_sample.c). */
void prom_emit_rows(struct prom *p);

#endif
