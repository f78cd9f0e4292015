/* Scan history: every scan's services and secrets (fingerprints and redacted forms only, never raw
 * values), stored in SQLite (a local file, the default) or PostgreSQL (a team's shared history).
 * One interface, one set of queries (store.c) over the driver seam in sql.h. */
#ifndef LS_STORE_STORE_H
#define LS_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* Schema version this build writes; older histories are migrated on open. */
#define LS_STORE_SCHEMA_VERSION 3

/* Return codes of ls_store_open, equal to the CLI exit codes they map to. */
enum { LS_STORE_OK = 0, LS_STORE_BAD = 2 /* corrupt, foreign or newer file */, LS_STORE_FAIL = 3 /* runtime */ };

struct ls_store;

/* The default history path: $XDG_DATA_HOME/leakscan/history.db, else ~/.local/share/leakscan/
 * history.db. Creates the directory (0700) when missing. Returns buf, or NULL with err set. */
char *ls_store_default_path(char *buf, size_t n, char *err, size_t errlen);

/* Opens the history at `where`: "postgres://…" or "postgresql://…" is a libpq URI, anything else
 * a SQLite file (created 0600 when absent). Creates or migrates the schema. Returns LS_STORE_OK
 * with *out set, LS_STORE_BAD for a file that is not a leakscan history (corrupt, another
 * application's database, or a schema newer than this build), LS_STORE_FAIL otherwise; err says
 * why in one line. */
int ls_store_open(const char *where, struct ls_store **out, char *err, size_t errlen);
void ls_store_close(struct ls_store *st);
/* The schema version found before any migration ran in ls_store_open (0 = new history). */
int ls_store_opened_version(const struct ls_store *st);

/* Recording a scan: begin, one call per reported service (secrets included), end. A scan that never
 * ended is listed as incomplete. Each returns 0 or -1 with err set. */
int ls_store_scan_begin(struct ls_store *st, const char *targets, int64_t *scan_id, char *err, size_t errlen);
int ls_store_add_service(struct ls_store *st, int64_t scan_id, const struct ls_service *s, char *err, size_t errlen);
int ls_store_scan_end(struct ls_store *st, int64_t scan_id, const struct ls_scan_summary *sum, char *err,
                      size_t errlen);

/* What the history keeps of a scan, a service and a secret. Strings are owned (never NULL). */
struct ls_hist_scan {
    int64_t id;
    char *started_at;  /* ISO 8601 UTC, e.g. "2026-11-25T22:10:04Z" */
    char *finished_at; /* "" while incomplete */
    char *targets;
    char *tool_version;
    uint64_t services, exposed, probes, open_ports, duration_ms;
};

struct ls_hist_secret {
    char *database, *table, *column, *rule, *category, *fingerprint, *redacted;
    uint64_t count;
};

struct ls_hist_service {
    char *host, *ip, *engine, *interface, *version, *auth, *severity;
    unsigned port;
    uint64_t rows, bytes, tables;
    struct ls_hist_secret *secrets;
    size_t nsecrets;
};

struct ls_snapshot {
    struct ls_hist_scan scan;
    struct ls_hist_service *services;
    size_t nservices;
};

/* All scans, oldest first. 0 or -1. Free with ls_hist_scans_free. */
int ls_store_list(struct ls_store *st, struct ls_hist_scan **scans, size_t *n, char *err, size_t errlen);
void ls_hist_scans_free(struct ls_hist_scan *scans, size_t n);
/* One scan with its services and secrets. 0, 1 when there is no such scan, -1 on error. */
int ls_store_load(struct ls_store *st, int64_t scan_id, struct ls_snapshot *snap, char *err, size_t errlen);
void ls_snapshot_free(struct ls_snapshot *snap);

#endif
