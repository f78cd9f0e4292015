/* What the ClickHouse HTTP and native engines share: the assessment logic written once over an
 * abstract "run this read-only SQL, give me rows of text cells" transport. Each engine supplies a
 * ch_transport and keeps a struct ch_state at the start of its session state (s->priv), so
 * inventory, row sampling and severity are the same code for both interfaces. */
#ifndef LS_ENGINES_CH_COMMON_H
#define LS_ENGINES_CH_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "engines/engine.h"

/* Rows of a query result; cells are decoded text, valid only during the call. */
typedef void (*ch_rows_cb)(struct ls_session *s, char **cells, const size_t *lens, size_t ncells);
/* ok=false: code is the ClickHouse error code (0 if none was sent), err a one-line reason. */
typedef void (*ch_query_done_cb)(struct ls_session *s, bool ok, int code, const char *err);

struct ch_transport {
    /* Runs one read-only SELECT; exactly one done call, from the event loop. */
    void (*query)(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done);
    /* The same without the transport's readonly guard (no readonly=1 setting, no GET-forced
     * readonly=2), so the server reports the account's own settings. Only for fixed SELECTs on
     * system tables (ch_blast.h); NULL if the transport has no such mode. */
    void (*query_unguarded)(struct ls_session *s, const char *sql, ch_rows_cb rows, ch_query_done_cb done);
};

/* X-ClickHouse-* headers seen on the HTTP fingerprint (a version oracle, reference §1.2). */
enum {
    CH_HDR_DISPLAY_NAME = 1,
    CH_HDR_QUERY_ID = 2,
    CH_HDR_SUMMARY = 4,
    CH_HDR_FORMAT = 8,
    CH_HDR_TIMEZONE = 16,
    CH_HDR_EXCEPTION_CODE = 32
};

struct ch_blast;

struct ch_state {
    const struct ch_transport *tx;
    ls_step_cb step_done; /* the pending step's completion */
    ls_row_cb row_out;    /* stream_rows: where rows go */
    const struct ls_table *streaming;
    const char **stream_names; /* column names of the streamed projection */
    size_t stream_ncols;
    int phase;          /* inventory progress */
    size_t count_index; /* next table whose rows need count() */
    bool have_total_rows;
    struct ch_blast *blast; /* blast-radius probe state (ch_blast.c), freed by ch_state_cleanup */
    bool http_seen;         /* the HTTP fingerprint ran: http_headers is meaningful */
    unsigned http_headers;  /* CH_HDR_* bits */
};

/* Frees what ch_common and ch_blast allocated in st (engines call it from close). */
void ch_state_cleanup(struct ch_state *st);

/* ClickHouse error codes that mean "credentials rejected" (old and RBAC-era servers). */
bool ch_is_auth_error(int code);
/* Parses "Code: 194, …" / "Code: 516. …" at the start of an error body; 0 if absent. */
int ch_error_code(const char *body, size_t len);
/* Extracts "(version 22.8.3.13 …)" from an error body into out; false if absent. */
bool ch_error_version(const char *body, size_t len, char *out, size_t outlen);
/* Old servers' stack traces name their library, "libclickhouse.so.18.16": the major.minor version
 * leaks before login. Writes it into out; false if absent. */
bool ch_stack_version(const char *trace, size_t len, char *out, size_t outlen);
/* First line of an error body, trimmed, bounded — for evidence fields. */
void ch_error_summary(const char *body, size_t len, char *out, size_t outlen);

/* Shared engine steps (for the ls_engine_ops tables of both interfaces). */
void ch_inventory(struct ls_session *s, ls_step_cb done);
/* The posture step: blast-radius probes (ch_blast.h) over the same transport. */
void ch_posture_step(struct ls_session *s, ls_step_cb done);
void ch_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void ch_assess(struct ls_session *s);

/* Builds the sampling SELECT for table t (every column rendered as text); NULL if nothing to read.
 * *names receives the column name of each projected cell (pointers into t). Caller frees both. */
char *ch_sample_sql(const struct ls_table *t, uint64_t limit, const char ***names, size_t *ncols);

#endif
