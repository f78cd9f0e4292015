/* Comparing two stored scans: which services are new, which resolved, and what changed on the
 * ones seen in both (rows grew, version, auth, severity, secrets by fingerprint). Pure data: the
 * writers in src/report/diff_report.c print it. A service is identified by ip, port, engine and
 * interface; a secret by (database, table, rule, fingerprint). */
#ifndef LS_STORE_DIFF_H
#define LS_STORE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

enum ls_change_kind { LS_CHANGE_NEW, LS_CHANGE_RESOLVED, LS_CHANGE_CHANGED };

/* One service's entry. Pointers borrow from the two snapshots given to ls_diff_compute. */
struct ls_diff_entry {
    enum ls_change_kind kind;
    const struct ls_hist_service *old_svc; /* NULL for NEW */
    const struct ls_hist_service *new_svc; /* NULL for RESOLVED */
    bool rows_grew, rows_shrank, version_changed, auth_changed, severity_changed;
    const struct ls_hist_secret **new_secrets; /* in new_svc, fingerprint not in old_svc */
    size_t nnew_secrets;
    const struct ls_hist_secret **gone_secrets; /* in old_svc, fingerprint not in new_svc */
    size_t ngone_secrets;
};

struct ls_diff {
    const struct ls_snapshot *old_snap, *new_snap;
    struct ls_diff_entry *entries; /* new first, then changed, then resolved; by address */
    size_t n;
    size_t nnew, nresolved, nchanged, nnew_secrets;
};

/* Compares old and new (which must outlive the result). 0, or -1 when out of memory. */
int ls_diff_compute(const struct ls_snapshot *old_snap, const struct ls_snapshot *new_snap, struct ls_diff *d);
/* True when the diff holds something new: a new service, a new secret, rows that grew, or a
 * changed version, auth or severity. What only disappeared (resolved) is not "new". This is the
 * exit-1 rule of `leakscan diff`. */
bool ls_diff_has_news(const struct ls_diff *d);
void ls_diff_free(struct ls_diff *d);

#endif
