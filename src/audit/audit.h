/* `leakscan audit`: database and container configuration files audited before they ship. The
 * driver (audit.c) expands the PATHs, recognises each file by name and content (or --type), hands
 * it to its engine's auditor (ClickHouse with the server's config.d/users.d merge, Redis,
 * PostgreSQL, MySQL/MariaDB, docker-compose) and collects one ls_config_finding per weakness, with
 * severity following exposure: reachable from other hosts without a password is high or critical,
 * the same on a loopback-only server low or medium, and the finding says which change exposes it.
 * Every file an auditor read is listed, so the caller can run the secret detector over it too.
 * Memory is bounded: files over LS_AUDIT_MAX_FILE are skipped with a note, includes are followed
 * LS_AUDIT_MAX_DEPTH deep and never twice, directories are walked to LS_AUDIT_MAX_FILES files. */
#ifndef LS_AUDIT_AUDIT_H
#define LS_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"
#include "model/config_finding.h"

#define LS_AUDIT_MAX_FILE (8u << 20) /* bytes per configuration file */
#define LS_AUDIT_MAX_DEPTH 8         /* include / directory nesting */
#define LS_AUDIT_MAX_FILES 100000    /* files per run */
#define LS_AUDIT_MAX_FINDINGS 100000 /* findings per run; further ones are counted in `dropped` */

enum ls_audit_type {
    LS_AUDIT_AUTO = 0,
    LS_AUDIT_CLICKHOUSE,
    LS_AUDIT_REDIS,
    LS_AUDIT_POSTGRES,
    LS_AUDIT_MYSQL,
    LS_AUDIT_COMPOSE,
    LS_AUDIT_NTYPES
};
/* "auto", "clickhouse", "redis", "postgres", "mysql", "compose" -> enum; -1 if unknown. */
int ls_audit_type_parse(const char *s);
const char *ls_audit_type_name(enum ls_audit_type t);

struct ls_audit {
    const struct ls_detector *d; /* redacts evidence (may be NULL: then credential shapes only) */
    struct ls_detect_scratch *s;
    struct ls_config_finding *v; /* findings, in the order found */
    size_t n, cap;
    uint64_t dropped;
    char **files; /* every file an auditor read, once each, in order */
    char **canon; /* their canonical names (realpath), for "read once" */
    size_t nfiles, files_cap;
    char **notes; /* "PATH: why it was skipped" (unknown type, unreadable, too large, include loop) */
    size_t nnotes, notes_cap;
    uint64_t errors;  /* unreadable inputs */
    uint64_t audited; /* configurations audited (a ClickHouse config set counts once) */
    bool oom;
};

void ls_audit_init(struct ls_audit *a, const struct ls_detector *d, struct ls_detect_scratch *s);
void ls_audit_free(struct ls_audit *a);
/* Audits files and directories (recursively); `forced` = LS_AUDIT_AUTO to recognise each file.
 * Returns 0, or -1 when out of memory. Unreadable or unknown files become notes. */
int ls_audit_paths(struct ls_audit *a, char *const *paths, size_t n, enum ls_audit_type forced);
/* Audits one in-memory file (stdin) named `path`; its type must be given (not AUTO, unless the
 * content tells). Includes of a buffer are not followed. Returns 0, or -1 when out of memory. */
int ls_audit_buffer(struct ls_audit *a, const char *path, const char *buf, size_t len, enum ls_audit_type t);
/* Sorts the findings by path, line, column (stable for equal places). */
void ls_audit_sort(struct ls_audit *a);
/* The highest severity found; LS_SEV_INFO when none. */
enum ls_severity ls_audit_worst(const struct ls_audit *a);

#endif
