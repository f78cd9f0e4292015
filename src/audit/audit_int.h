/* Helpers shared by the auditors of src/audit only: recording findings and notes, reading files
 * (bounded, once each), line iteration, address classification and the exposure rule. */
#ifndef LS_AUDIT_AUDIT_INT_H
#define LS_AUDIT_AUDIT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

/* One finding; the evidence is formatted, then redacted (detector matches and credential shapes)
 * before it is stored. Returns 0, or -1 when out of memory. */
int la_add(struct ls_audit *a, const char *path, uint64_t line, uint64_t col, const char *engine, const char *rule,
           enum ls_severity sev, const char *title, const char *remediation, const char *evfmt, ...)
    __attribute__((format(printf, 10, 11)));
void la_note(struct ls_audit *a, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Whether path was already read by an auditor in this run. */
bool la_seen(const struct ls_audit *a, const char *path);
/* Reads a regular file (never a FIFO or device) of at most LS_AUDIT_MAX_FILE bytes into a malloc'd
 * NUL-terminated buffer and records it in a->files. Returns 0, or -1 with a note (unreadable, too
 * large, binary: a NUL byte). */
int la_read(struct ls_audit *a, const char *path, char **buf, size_t *len);
/* Records a file read by other means (stdin). */
int la_record(struct ls_audit *a, const char *path);

/* Includes, the same for every auditor that follows them (my.cnf, postgresql.conf, redis.conf). */
/* The path an include names: relative to the including file's directory; an absolute one that
 * exists next to the including file under its base name is taken from there (a copied tree). */
void la_resolve(const char *from, const char *v, size_t vl, char *out, size_t n);
/* Reads the included file p once: already read, or deeper than LS_AUDIT_MAX_DEPTH, is a note on
 * `from` ("<directive> p: …"), not a loop. 1: read (into *buf, *len; a->files[a->nfiles - 1] is
 * its recorded name); 0: skipped (noted); -1: out of memory. */
int la_include_read(struct ls_audit *a, const char *from, const char *directive, const char *p, int depth, char **buf,
                    size_t *len);
/* The regular files of dir whose names end in one of `suffixes` (NULL-terminated, any case), as
 * sorted malloc'd paths "dir/name", at most LA_DIR_MAX. Returns their count, or -1 when dir cannot
 * be listed. Free with la_names_free. */
#define LA_DIR_MAX 1024
long la_dir_files(const char *dir, const char *const *suffixes, char ***out);
void la_names_free(char **v, size_t n);

/* Lines of a buffer: la_next_line gives each line (without its \n or \r\n) and its 1-based number. */
struct la_lines {
    const char *p, *end;
    uint64_t no;
};
static inline void la_lines_init(struct la_lines *l, const char *buf, size_t len)
{
    l->p = buf;
    l->end = buf + len;
    l->no = 0;
}
bool la_next_line(struct la_lines *l, const char **line, size_t *n);

/* Trims spaces and tabs from both ends of s[0..*n); returns the new start. */
const char *la_trim(const char *s, size_t *n);
/* Case-insensitive comparison of s[0..n) with the NUL-terminated word w. */
bool la_eq(const char *s, size_t n, const char *w);
/* Config-file keys where '-' and '_' are the same (MySQL, Redis) and case does not matter. */
bool la_key_eq(const char *s, size_t n, const char *key);
/* A malloc'd copy of s[0..n) (NULL on OOM). */
char *la_strndup(const char *s, size_t n);

/* Addresses as configuration files write them: "0.0.0.0", "::", "*", "[::]", "::0", "0:0::0" are
 * every address; 127.0.0.0/8, ::1, localhost, ip6-localhost and ::ffff:127.x are loopback. Leading
 * '-' (Redis: optional) and surrounding [] or quotes are ignored. */
bool la_addr_any(const char *s, size_t n);
bool la_addr_loopback(const char *s, size_t n);

/* The exposure rule: the severity when the server is reachable from other hosts, else when it
 * only listens on loopback. */
static inline enum ls_severity la_sev(bool exposed, enum ls_severity if_exposed, enum ls_severity if_local)
{
    return exposed ? if_exposed : if_local;
}

/* The auditors: each reads its file (and what it includes), adds findings and notes. buf/len
 * given = an in-memory file (stdin), includes not followed. Return 0, or -1 when out of memory. */
int la_audit_redis(struct ls_audit *a, const char *path, const char *buf, size_t len);
int la_audit_postgres(struct ls_audit *a, const char *path, const char *buf, size_t len);
int la_audit_mysql(struct ls_audit *a, const char *path, const char *buf, size_t len);
int la_audit_clickhouse(struct ls_audit *a, const char *path, const char *buf, size_t len);
int la_audit_compose(struct ls_audit *a, const char *path, const char *buf, size_t len);

/* What a file is, from its name and first bytes (LS_AUDIT_AUTO = not a configuration leakscan
 * knows). `main` tells a file that starts a configuration set (config.xml, my.cnf,
 * postgresql.conf) from one normally reached through it (users.d/x.xml, conf.d/x.cnf, pg_hba.conf). */
enum ls_audit_type la_detect(const char *path, const char *head, size_t n, bool *main);

#endif
