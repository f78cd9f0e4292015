/* The blast radius of an exposed ClickHouse (issue #4), shared by both interfaces: after the
 * inventory, a list of bounded, read-only probes learns identity and posture, derives what the
 * account could do (never doing it), reads secret-bearing system objects through the detector and
 * looks for ransom notes; consistency checks flag honeypots. Every probe that fails is recorded
 * as an `unknown` with the server's reason and the next probe runs.
 * Internal to src/engines/ch_*.c. */
#ifndef LS_ENGINES_CH_BLAST_H
#define LS_ENGINES_CH_BLAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/clickhouse/ch_common.h"

struct ls_tablescan;

/* One probe: fixed `sql`, or `build` (malloc'd SQL; NULL skips the probe). `rows` gets the
 * result; `after` (optional) runs when it ends. A failure is recorded as unknown `what` unless
 * `quiet` (then `after` handles it). `unguarded` runs the SQL without the transport's readonly
 * guard: only for fixed catalog SELECTs whose answer the guard would distort (settings). */
struct ch_probe {
    const char *what;
    const char *sql;
    char *(*build)(struct ls_session *s);
    ch_rows_cb rows;
    void (*after)(struct ls_session *s, bool ok, int code, const char *err);
    bool quiet;
    bool unguarded;
};

#define CH_MAX_TF 32 /* the dangerous table functions and source grants (ch_posture.c asserts they fit) */

/* Probe state, one per session (ch_state.blast). */
struct ch_blast {
    void (*then)(struct ls_session *s);
    size_t list, index;
    unsigned silent_failures;  /* consecutive probes that failed without a server error code */
    struct ls_tablescan *scan; /* detector feed of the running probe, or NULL */
    char nonce[24];            /* per-session random tag for self-identifying queries */
    uint64_t a, b, c;          /* honeypot arithmetic: expect a*b and a+c */
    bool arith_seen, arith_ok;
    char arith_got[96];
    char sql_version[64];          /* SELECT version() */
    char fp_version[64];           /* what the fingerprint had claimed */
    int readonly, allow_ddl;       /* -1 unknown */
    char *available_tf[CH_MAX_TF]; /* the dangerous ones in system.table_functions */
    size_t navailable_tf;
    bool tf_listed;
    bool rbac; /* the grants were read (system.grants or SHOW GRANTS) */
    enum { CH_GRANTS_NONE, CH_GRANTS_TABLE, CH_GRANTS_SHOW } grants_source;
    bool grants_refused; /* system.grants refused with ACCESS_DENIED (497): SHOW GRANTS follows */
    bool grant_all, grant_tmp, grant_write, grant_ddl;
    char *granted_sources[CH_MAX_TF]; /* FILE, URL, … from grants */
    size_t ngranted_sources;
    uint64_t processes_others;
    char ransom_db[128], ransom_table[128];
};

/* Probe lists (ch_posture.c, ch_sysobj.c). */
extern const struct ch_probe ch_posture_probes[];
extern const size_t ch_posture_nprobes;
extern const struct ch_probe ch_sysobj_probes[];
extern const size_t ch_sysobj_nprobes;

/* Runs every probe list in order, then finalizes the privileges and the honeypot checks and
 * calls then(s). */
void ch_blast_run(struct ls_session *s, void (*then)(struct ls_session *s));
/* Frees the probe state (from the engines' close). */
void ch_blast_free(struct ch_state *st);

/* Helpers for probe modules. */
struct ch_blast *ch_blast_of(struct ls_session *s);
/* Feeds one text cell to the running probe's detector scan (created on first use). */
void ch_blast_scan_cell(struct ls_session *s, const char *column, const char *val, size_t len);
/* Ends the running scan into t (classes, tallies, secrets). */
void ch_blast_scan_finish(struct ls_session *s, struct ls_table *t);
/* Credentials in engine or table-function arguments of a DDL text — MySQL/PostgreSQL/MongoDB
 * user+password (4th/5th quoted argument), S3 key pairs, user:password@ in URLs — added to t as
 * secrets of rule "clickhouse-engine-credentials" (deduplicated by fingerprint). Returns how many
 * credentials were seen. */
size_t ch_engine_credentials(struct ls_session *s, struct ls_table *t, const char *column, const char *ddl, size_t len);
/* Sets the table's (or system object's) note, replacing any earlier one. */
void ch_set_note(struct ls_table *t, const char *note);
/* The profile's readonly setting as the posture step recorded it (fact "readonly"); -1 unknown. */
static inline int ch_access_readonly(const struct ls_service *svc)
{
    const struct ls_fact *f = ls_access_fact(&svc->access, "readonly");
    return f && f->known ? (int)f->num : -1;
}

/* Finalizes privileges and honeypot checks from the probe state (ch_posture.c). */
void ch_posture_finish(struct ls_session *s);
/* Engines whose tables read from elsewhere: never sampled (the server would connect out). */
bool ch_is_external_engine(const char *engine);

/* Severity pieces for ch_assess (ch_assess_blast.c). */
void ch_assess_blast(struct ls_session *s);

#endif
